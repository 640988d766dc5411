"""The 500 page never shows a password, even with DEBUG on (issue 9 item 12), and files under
/media/ are never served by the platform."""

from __future__ import annotations

import sys

from django.test import Client
from django.urls import reverse
from django.views.debug import technical_500_response

# Built from parts: the debug page shows source lines around each frame, these included.
TYPED = "Typed-Secret-" + "2026!"
DB_PASSWORD = "db-password-" + "in-url"
OTP_CODE = "9876" + "54"
DATABASE_URL = f"postgres://chainlead:{DB_PASSWORD}@db.internal:5432/chainlead"


def _backend_that_fails(username: str, password: str) -> None:
    credentials = {"username": username, "password": password}  # as auth backends hold them
    secret_answer = password
    raise RuntimeError(f"database unreachable for {credentials['username']}, {len(secret_answer)}")


def test_the_debug_500_page_shows_no_password(rf, settings):
    settings.DEBUG = True
    settings.CHAINLEAD_DEBUG_REDIS = "redis://:cache-" + "password@cache.internal:6379/0"
    request = rf.post(
        reverse("accounts:login"),
        {"username": "liu", "password": TYPED, "otp_token": OTP_CODE},
        DATABASE_URL=DATABASE_URL,  # runserver puts the process environment into META
    )
    try:
        _backend_that_fails("liu", TYPED)
    except RuntimeError:
        page = technical_500_response(request, *sys.exc_info()).content.decode()
    assert "database unreachable for liu" in page  # the page is there, with its traceback
    assert TYPED not in page
    assert DB_PASSWORD not in page
    assert "cache-" + "password" not in page
    assert OTP_CODE not in page
    assert "db.internal" in page  # the rest of the URL stays readable


def test_the_login_view_marks_the_password_sensitive_in_production_too(rf, settings):
    from chainlead.accounts.reporting import SafeExceptionReporterFilter

    settings.DEBUG = False
    request = rf.post(reverse("accounts:login"), {"username": "liu", "password": TYPED})
    cleansed = SafeExceptionReporterFilter().get_post_parameters(request)
    assert cleansed["username"] == "liu"
    assert cleansed["password"] != TYPED


def test_media_is_not_served_even_with_debug(db, settings, tmp_path):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "requests").mkdir()
    (tmp_path / "requests" / "letter.txt").write_text("private")
    response = Client().get("/media/requests/letter.txt")
    assert response.status_code == 404
    assert b"private" not in response.content
