"""URL configuration: each platform app's urls.py at the prefix it declares, the API under /api/v1/.

Which apps and where comes from their AppConfig (`chainlead.core.plugins`); nothing here names one.
"""

from django.contrib import admin
from django.urls import include, path

from chainlead.core.home import home
from chainlead.core.plugins import platform_apps

urlpatterns = [
    path("", home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    *(
        path(app.url_prefix, include(app.urlconf))
        for app in platform_apps()
        if app.url_prefix is not None
    ),
    path("api/v1/", include("config.api_urls")),
    path("admin/", admin.site.urls),
]
