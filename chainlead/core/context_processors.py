import functools
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, reverse

from chainlead.accounts.access import access_for

# The URLs the page frame (base.html) links to, by name. An app that is not installed leaves
# its entry empty, and the frame leaves its link out.
NAV_URL_NAMES = (
    "home",
    "chains:chain_list",
    "chains:review_queue",
    "registry:enterprise_list",
    "registry:import_start",
    "governance:dashboard_list",
    "requests:request_list",
    "requests:notification_bell",
    "requests:notification_list",
    "recruitment:opportunities",
    "audit:entry_list",
    "accounts:token_list",
    "accounts:password_change",
    "accounts:logout",
    "set_language",
)


@functools.cache
def _nav_urls(script_prefix: str) -> dict[str, str]:
    # Reversed once per process (and deployment prefix), not fifteen times per page view.
    urls = {}
    for name in NAV_URL_NAMES:
        try:
            urls[name.replace(":", "_")] = reverse(name)
        except NoReverseMatch:
            urls[name.replace(":", "_")] = ""
    return urls


def platform(request: HttpRequest) -> dict[str, Any]:
    return {
        "city_name": settings.CHAINLEAD_CITY_NAME,
        "city_name_en": settings.CHAINLEAD_CITY_NAME_EN,
        "access": access_for(getattr(request, "user", None)),
        "nav": _nav_urls(get_script_prefix()),
    }
