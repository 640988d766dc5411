from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "chainlead.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.contrib import admin

        # The Django admin carries the platform's name, in the reader's language.
        admin.site.site_header = _("chainlead administration")
        admin.site.site_title = _("chainlead administration")
        admin.site.index_title = _("Records an administrator manages")

        from chainlead.core.validators import bound_free_text

        bound_free_text()
