from importlib.util import find_spec

from django.urls import path

from chainlead.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.enterprise_list, name="enterprise_list"),
    path("new/", views.enterprise_create, name="enterprise_create"),
    path("suggest/", views.enterprise_suggest, name="enterprise_suggest"),
    path("<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("<int:pk>/edit/", views.enterprise_edit, name="enterprise_edit"),
    path("<int:pk>/delete/", views.enterprise_delete, name="enterprise_delete"),
    path("<int:pk>/indicators/", views.indicator_set, name="indicator_set"),
]

# The importer's pages live in import_views.py, written alongside; mounted once it exists.
if find_spec("chainlead.registry.import_views") is not None:
    from chainlead.registry import import_views

    urlpatterns += [
        path("import/", import_views.import_start, name="import_start"),
        path("import/template.xlsx", import_views.import_template, name="import_template"),
        path("import/<int:pk>/", import_views.import_detail, name="import_detail"),
        path("import/<int:pk>/progress/", import_views.import_progress, name="import_progress"),
    ]
