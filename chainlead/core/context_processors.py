import functools
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from chainlead.accounts.access import Access, access_for
from chainlead.core.plugins import nav_entries, nav_links
from chainlead.core.text import localized


@functools.cache
def _frame_urls(script_prefix: str) -> dict[str, str]:
    # The page frame's own links, reversed once per process (and deployment prefix).
    return {name: reverse(name) for name in ("home", "accounts:logout", "set_language")}


# The main menu's HTML by language and the links the reader may open: the few role combinations
# a process serves, each drawn once instead of on every page (half the page frame's rendering).
# The links are made once per process (plugins._nav_links), so their ids name them.
_MAIN_MENUS: dict[tuple[str | None, tuple[int, ...]], SafeString] = {}
_MAIN_MENUS_KEPT = 512


def _main_menu(access: Access, prefix: str) -> SafeString:
    key = (get_language(), tuple(id(link) for link in nav_links(access, prefix, "main")))
    html = _MAIN_MENUS.get(key)
    if html is None:
        if len(_MAIN_MENUS) >= _MAIN_MENUS_KEPT:
            _MAIN_MENUS.clear()
        entries = nav_entries(access, prefix)
        html = _MAIN_MENUS[key] = mark_safe(  # noqa: S308 - rendered by an autoescaping template
            render_to_string("core/partials/_main_menu.html", {"nav_main": entries}).strip()
        )
    return html


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
        # Called by the template where it shows the menu (not on fragments).
        "main_menu": functools.partial(_main_menu, access, prefix),
        "nav_links": nav_links(access, prefix, "main"),
        "nav_account": nav_links(access, prefix, "account"),
        "home_url": urls["home"],
        "logout_url": urls["accounts:logout"],
        "set_language_url": urls["set_language"],
    }
