from django.urls import path

from chainlead.chains import classify_views, views

app_name = "chains"
urlpatterns = [
    path("", views.chain_list, name="chain_list"),
    # Before "<slug>/": the review queue is not a chain.
    path("review/", views.review_queue, name="review_queue"),
    path("review/<int:pk>/", views.review_decide, name="review_decide"),
    path("review/bulk/", views.review_bulk, name="review_bulk"),
    # Classification jobs (chains.classify_jobs); before "<slug>/" too.
    path("classify/", classify_views.classify_start, name="classify_start"),
    path("classify/replace/", classify_views.classify_replace, name="classify_replace"),
    path("classify/<int:pk>/", classify_views.classify_detail, name="classify_detail"),
    path("classify/<int:pk>/progress/", classify_views.classify_progress, name="classify_progress"),
    path("classify/<int:pk>/result/", classify_views.classify_result, name="classify_result"),
    path("<slug:slug>/", views.chain_detail, name="chain_detail"),
    path("<slug:slug>/edit/", views.chain_edit, name="chain_edit"),
    path(
        "<slug:slug>/segments/<slug:segment_slug>/",
        views.segment_detail,
        name="segment_detail",
    ),
    path(
        "<slug:slug>/segments/<slug:segment_slug>/edit/",
        views.segment_edit,
        name="segment_edit",
    ),
    path(
        "<slug:slug>/segments/<slug:segment_slug>/members/add/",
        views.membership_add,
        name="membership_add",
    ),
    path(
        "<slug:slug>/segments/<slug:segment_slug>/members/<int:pk>/remove/",
        views.membership_remove,
        name="membership_remove",
    ),
]
