"""What error reports may show (issue 9 item 12; docs/security.md).

Django's filter hides sensitive POST fields and variables only outside DEBUG, and only where a
view or function is decorated; its settings filter misses credentials inside URLs
(DATABASE_URL, REDIS_URL), which runserver copies into every request's META. With DJANGO_DEBUG=1
an anonymous 500 page showed the database password and the password just typed. This filter
works with DEBUG on as well, hides every POST field and frame variable whose name says it holds
a credential, and blanks the password of any URL it shows.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest
from django.utils.regex_helper import _lazy_re_compile
from django.views import debug

# Names whose values are credentials: Django's list plus one-time codes and credential dicts.
SENSITIVE_NAME = _lazy_re_compile(
    "API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|CREDENTIAL|OTP|DSN", flags=re.I
)
# scheme://user:password@host → the password part.
_URL_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^/:@\s]*:)[^/@\s]+(?=@)", re.I)


def strip_url_passwords(text: str) -> str:
    return _URL_PASSWORD.sub(
        r"\g<head>" + debug.SafeExceptionReporterFilter.cleansed_substitute, text
    )


class SafeExceptionReporterFilter(debug.SafeExceptionReporterFilter):
    hidden_settings = SENSITIVE_NAME

    def is_active(self, request: HttpRequest | None) -> bool:
        return True  # DEBUG included: a debug page reaches whoever caused the error

    def cleanse_setting(self, key: Any, value: Any) -> Any:
        cleansed = super().cleanse_setting(key, value)
        # type() and not isinstance(): a lazy object passes for a str without being one.
        return strip_url_passwords(cleansed) if type(cleansed) is str else cleansed

    def get_post_parameters(self, request: HttpRequest | None) -> Any:
        parameters = super().get_post_parameters(request)
        if request is None or not any(SENSITIVE_NAME.search(str(k)) for k in parameters):
            return parameters
        parameters = parameters.copy()
        for key in parameters:
            if SENSITIVE_NAME.search(str(key)):
                parameters[key] = self.cleansed_substitute
        return parameters

    def get_traceback_frame_variables(self, request: HttpRequest | None, tb_frame: Any) -> Any:
        variables = super().get_traceback_frame_variables(request, tb_frame)
        return [(name, self._cleanse_variable(name, value)) for name, value in variables]

    def _cleanse_variable(self, name: str, value: Any) -> Any:
        if SENSITIVE_NAME.search(name):
            return self.cleansed_substitute
        return self.cleanse_setting("", value)
