from django.urls import path

from chainlead.governance import views

app_name = "governance"
urlpatterns = [
    path("", views.dashboard_list, name="dashboard_list"),
    path("chains/<slug:slug>/", views.dashboard, name="dashboard"),
    path("chains/<slug:slug>/briefing/", views.briefing_download, name="briefing"),
    path("chains/<slug:slug>/leader/", views.leader_appoint, name="leader_appoint"),
    path("chains/<slug:slug>/task-force/", views.task_force, name="task_force"),
    path("task-force/<int:pk>/remove/", views.task_force_remove, name="task_force_remove"),
    path("chains/<slug:slug>/plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/approve/", views.plan_approve, name="plan_approve"),
    path("plans/<int:pk>/targets/", views.target_set, name="target_set"),
    path("plans/<int:pk>/milestones/", views.milestone_create, name="milestone_create"),
    path("targets/<int:pk>/actuals/", views.actual_enter, name="actual_enter"),
    path("milestones/<int:pk>/status/", views.milestone_status, name="milestone_status"),
    path("chains/<slug:slug>/meetings/", views.meeting_list, name="meeting_list"),
    path("chains/<slug:slug>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/decisions/", views.decision_create, name="decision_create"),
    path("meetings/<int:pk>/actions/", views.action_create, name="action_create"),
    path("actions/<int:pk>/transition/", views.action_transition, name="action_transition"),
    path("chains/<slug:slug>/package/", views.package, name="package"),
    path("package/<int:pk>/remove/", views.package_remove, name="package_remove"),
    path("policies/", views.policy_list, name="policy_list"),
    path("policies/new/", views.policy_create, name="policy_create"),
    path("policies/<int:pk>/", views.policy_detail, name="policy_detail"),
]
