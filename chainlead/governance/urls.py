from django.urls import path

from chainlead.governance import views

app_name = "governance"
urlpatterns = [
    path("", views.dashboard_list, name="dashboard_list"),
    path("chains/<slug:slug>/", views.dashboard, name="dashboard"),
    path("chains/<slug:slug>/briefing/", views.briefing_download, name="briefing"),
    path("chains/<slug:slug>/leader/", views.LeaderAppoint.as_view(), name="leader_appoint"),
    path("chains/<slug:slug>/task-force/", views.task_force, name="task_force"),
    path("task-force/<int:pk>/remove/", views.TaskForceRemove.as_view(), name="task_force_remove"),
    path("chains/<slug:slug>/plans/new/", views.PlanCreate.as_view(), name="plan_create"),
    path("plans/<int:pk>/", views.PlanDetail.as_view(), name="plan_detail"),
    path("plans/<int:pk>/approve/", views.PlanApprove.as_view(), name="plan_approve"),
    path("plans/<int:pk>/targets/", views.TargetSet.as_view(), name="target_set"),
    path("plans/<int:pk>/milestones/", views.MilestoneCreate.as_view(), name="milestone_create"),
    path("targets/<int:pk>/actuals/", views.ActualEnter.as_view(), name="actual_enter"),
    path(
        "milestones/<int:pk>/status/",
        views.MilestoneStatusSet.as_view(),
        name="milestone_status",
    ),
    path("chains/<slug:slug>/meetings/", views.MeetingList.as_view(), name="meeting_list"),
    path("chains/<slug:slug>/meetings/new/", views.MeetingCreate.as_view(), name="meeting_create"),
    path("meetings/<int:pk>/", views.MeetingDetail.as_view(), name="meeting_detail"),
    path("meetings/<int:pk>/decisions/", views.DecisionCreate.as_view(), name="decision_create"),
    path("meetings/<int:pk>/actions/", views.ActionCreate.as_view(), name="action_create"),
    path(
        "actions/<int:pk>/transition/",
        views.ActionTransition.as_view(),
        name="action_transition",
    ),
    path("chains/<slug:slug>/package/", views.package, name="package"),
    path("package/<int:pk>/remove/", views.PackageRemove.as_view(), name="package_remove"),
    path("policies/", views.PolicyList.as_view(), name="policy_list"),
    path("policies/new/", views.PolicyCreate.as_view(), name="policy_create"),
    path("policies/<int:pk>/", views.PolicyDetail.as_view(), name="policy_detail"),
]
