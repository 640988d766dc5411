from django.urls import path

from chainlead.requests import calendar_views, hotline_views, views

app_name = "requests"
urlpatterns = [
    path("", views.request_list, name="request_list"),
    path("new/", views.RequestCreate.as_view(), name="request_create"),
    path("figures/", views.figures, name="figures"),
    path("recurring/", views.recurring, name="recurring"),
    path("hotline-import/", views.hotline_import, name="hotline_import"),
    path(
        "hotline-import/template.xlsx",
        hotline_views.hotline_import_template,
        name="hotline_import_template",
    ),
    path("calendar/", calendar_views.calendar, name="calendar"),
    path("calendar/<int:pk>/delete/", calendar_views.calendar_delete, name="calendar_delete"),
    path(
        "calendar/<int:year>/complete/",
        calendar_views.calendar_year_complete,
        name="calendar_year_complete",
    ),
    path(
        "calendar/years/<int:pk>/reopen/",
        calendar_views.calendar_year_reopen,
        name="calendar_year_reopen",
    ),
    path("<int:pk>/", views.RequestDetail.as_view(), name="request_detail"),
    path(
        "<int:pk>/transition/<slug:transition>/",
        views.RequestTransition.as_view(),
        name="request_transition",
    ),
    path("<int:pk>/take/", views.RequestTake.as_view(), name="request_take"),
    path("<int:pk>/route/", views.RequestRoute.as_view(), name="request_route"),
    path("<int:pk>/link/", views.RequestLink.as_view(), name="request_link"),
    path("<int:pk>/attach/", views.RequestAttach.as_view(), name="request_attach"),
    path(
        "<int:pk>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment_download",
    ),
]
