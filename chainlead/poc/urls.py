from django.urls import path

from chainlead.poc import views

app_name = "poc"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("survival/", views.survival, name="survival"),
    path("centres/", views.centre_list, name="centre_list"),
    path("centres/<int:pk>/", views.CentreDetail.as_view(), name="centre_detail"),
    path("projects/", views.ProjectList.as_view(), name="project_list"),
    path("projects/new/", views.ProjectCreate.as_view(), name="project_create"),
    path("projects/<int:pk>/", views.ProjectDetail.as_view(), name="project_detail"),
    path("projects/<int:pk>/milestones/", views.MilestoneAdd.as_view(), name="milestone_add"),
    path("projects/<int:pk>/milestones/met/", views.MilestoneMeet.as_view(), name="milestone_meet"),
    path("projects/<int:pk>/ip/", views.IPAdd.as_view(), name="ip_add"),
    path("projects/<int:pk>/gate/", views.GateOpen.as_view(), name="gate_open"),
    path("projects/<int:pk>/partners/", views.Partners.as_view(), name="partners"),
    path(
        "projects/<int:pk>/partners/contact/",
        views.PartnerContact.as_view(),
        name="partner_contact",
    ),
    path("projects/<int:pk>/support/", views.SupportAdd.as_view(), name="support_add"),
    path("projects/<int:pk>/outcome/", views.OutcomeAdd.as_view(), name="outcome_add"),
    path("gates/<int:pk>/", views.GateDetail.as_view(), name="gate_detail"),
    path("gates/<int:pk>/decide/", views.GateDecide.as_view(), name="gate_decide"),
    path("reviews/", views.review_list, name="review_list"),
    path("reviews/<int:pk>/", views.ReviewDetail.as_view(), name="review_detail"),
    path("reviews/<int:pk>/declare/", views.ReviewDeclare.as_view(), name="review_declare"),
    path("reviews/<int:pk>/score/", views.ReviewScore.as_view(), name="review_score"),
]
