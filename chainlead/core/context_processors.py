from typing import Any

from django.conf import settings
from django.http import HttpRequest

from chainlead.accounts.access import access_for


def platform(request: HttpRequest) -> dict[str, Any]:
    return {
        "city_name": settings.CHAINLEAD_CITY_NAME,
        "city_name_en": settings.CHAINLEAD_CITY_NAME_EN,
        "access": access_for(getattr(request, "user", None)),
    }
