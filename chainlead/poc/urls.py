from django.urls import path

from chainlead.poc import views

app_name = "poc"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("survival/", views.survival, name="survival"),
    path("centres/", views.centre_list, name="centre_list"),
    path("centres/<int:pk>/", views.centre_detail, name="centre_detail"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/milestones/", views.milestone_add, name="milestone_add"),
    path("projects/<int:pk>/milestones/met/", views.milestone_meet, name="milestone_meet"),
    path("projects/<int:pk>/ip/", views.ip_add, name="ip_add"),
    path("projects/<int:pk>/gate/", views.gate_open, name="gate_open"),
    path("projects/<int:pk>/partners/", views.partners, name="partners"),
    path("projects/<int:pk>/partners/contact/", views.partner_contact, name="partner_contact"),
    path("projects/<int:pk>/support/", views.support_add, name="support_add"),
    path("projects/<int:pk>/outcome/", views.outcome_add, name="outcome_add"),
    path("gates/<int:pk>/", views.gate_detail, name="gate_detail"),
    path("gates/<int:pk>/decide/", views.gate_decide, name="gate_decide"),
    path("reviews/", views.review_list, name="review_list"),
    path("reviews/<int:pk>/", views.review_detail, name="review_detail"),
    path("reviews/<int:pk>/declare/", views.review_declare, name="review_declare"),
    path("reviews/<int:pk>/score/", views.review_score, name="review_score"),
]
