import functools
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, reverse

from chainlead.accounts.access import access_for
from chainlead.core.plugins import nav_entries, nav_links
from chainlead.core.text import localized


@functools.cache
def _frame_urls(script_prefix: str) -> dict[str, str]:
    # The page frame's own links, reversed once per process (and deployment prefix).
    return {name: reverse(name) for name in ("home", "accounts:logout", "set_language")}


def platform(request: HttpRequest) -> dict[str, Any]:
    """The page frame: the city, the reader's access, and the links the apps declare
    (`PlatformAppConfig.navigation`) that the reader may open."""
    access = access_for(getattr(request, "user", None))
    prefix = get_script_prefix()
    urls = _frame_urls(prefix)
    return {
        "city_name": settings.CHAINLEAD_CITY_NAME,
        "city_name_en": settings.CHAINLEAD_CITY_NAME_EN,
        "city_label": localized(settings.CHAINLEAD_CITY_NAME, settings.CHAINLEAD_CITY_NAME_EN),
        "access": access,
        "nav_main": nav_entries(access, prefix),
        "nav_links": nav_links(access, prefix, "main"),
        "nav_account": nav_links(access, prefix, "account"),
        "home_url": urls["home"],
        "logout_url": urls["accounts:logout"],
        "set_language_url": urls["set_language"],
    }
