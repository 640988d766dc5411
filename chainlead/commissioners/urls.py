from django.urls import path

from chainlead.commissioners import views

app_name = "commissioners"
urlpatterns = [
    path("", views.commissioner_list, name="commissioner_list"),
    path("new/", views.commissioner_create, name="commissioner_create"),
    path("<int:pk>/", views.commissioner_detail, name="commissioner_detail"),
    path("<int:pk>/edit/", views.commissioner_edit, name="commissioner_edit"),
    path("stations/", views.assignment_list, name="assignment_list"),
    path("stations/new/", views.assignment_create, name="assignment_create"),
    path("stations/<int:pk>/", views.assignment_detail, name="assignment_detail"),
    path("stations/<int:pk>/end/", views.assignment_end, name="assignment_end"),
    path("stations/<int:pk>/logs/", views.log_create, name="log_create"),
    path("logs/<int:pk>/answer/", views.log_answer, name="log_answer"),
    path("logs/<int:pk>/approve/", views.log_approve, name="log_approve"),
    path("matchings/", views.matching_list, name="matching_list"),
    path("matchings/<int:pk>/", views.matching_detail, name="matching_detail"),
    path("matchings/<int:pk>/progress/", views.matching_progress, name="matching_progress"),
    path("matchings/<int:pk>/accept/", views.matching_accept, name="matching_accept"),
    path("pairs/<int:pk>/decide/", views.pair_decide, name="pair_decide"),
    path("pairs/<int:pk>/change/", views.pair_change, name="pair_change"),
    path("evaluation/", views.evaluation, name="evaluation"),
]
