from django.urls import path

from chainlead.recruitment import views

app_name = "recruitment"
urlpatterns = [
    path("", views.target_list, name="target_list"),
    path("board/", views.board, name="board"),
    path("new/", views.target_create, name="target_create"),
    path("<int:pk>/", views.target_detail, name="target_detail"),
    path("<int:pk>/move/", views.target_move, name="target_move"),
    path("<int:pk>/move-back/", views.target_move_back, name="target_move_back"),
    path("<int:pk>/land/", views.target_land, name="target_land"),
    path("<int:pk>/activities/", views.activity_add, name="activity_add"),
    path("<int:pk>/promises/", views.promise_add, name="promise_add"),
    path("opportunities/", views.opportunities, name="opportunities"),
    path("opportunities/compute/", views.complexity_compute, name="complexity_compute"),
    path("rank/<slug:chain_slug>/<slug:segment_slug>/", views.rank, name="rank"),
    path(
        "rank/<slug:chain_slug>/<slug:segment_slug>/add/",
        views.target_from_candidate,
        name="target_from_candidate",
    ),
]
