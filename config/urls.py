"""URL configuration: one include per app, the API under /api/v1/."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from chainlead.core.home import home

urlpatterns = [
    path("", home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("chainlead.accounts.urls")),
    path("registry/", include("chainlead.registry.urls")),
    path("chains/", include("chainlead.chains.urls")),
    path("governance/", include("chainlead.governance.urls")),
    path("requests/", include("chainlead.requests.urls")),
    path("recruitment/", include("chainlead.recruitment.urls")),
    path("audit/", include("chainlead.audit.urls")),
    path("api/v1/", include("config.api_urls")),
    path("admin/", admin.site.urls),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
