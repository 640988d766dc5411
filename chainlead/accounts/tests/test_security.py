"""MLPS 2.0 (GB/T 22239-2019) behaviours: lockout, idle timeout, audited log-ins, local API docs,
and an audit log the API cannot write."""

import datetime as dt
import re

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chainlead.accounts.services import user_create
from chainlead.audit.models import AuditEntry

PASSWORD = "Right-Pass-2026"


def _login(client: Client, username: str, password: str):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_the_account_locks_after_repeated_failures(world):
    user = user_create(actor=world.admin, username="liu", password=PASSWORD)
    client = Client()
    assert settings.AXES_FAILURE_LIMIT == 5
    statuses = [
        _login(client, "liu", "wrong-password").status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    # Failures re-render the form; the one reaching the limit locks the account.
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    locked = _login(client, "liu", PASSWORD)  # the 6th attempt, with the right password
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "Account locked" in locked.content.decode() or "锁定" in locked.content.decode()
    # Visible to admins (axes' attempts) and in the audit log.
    assert AccessAttempt.objects.get(username="liu").failures_since_start >= 5
    events = set(
        AuditEntry.objects.filter(object_id=str(user.pk), action="event").values_list(
            "event", flat=True
        )
    )
    assert {"login_failed", "locked_out"} <= events
    admin = Client()
    admin.force_login(world.admin)
    page = admin.get("/admin/axes/accessattempt/")
    assert page.status_code == 200
    assert "liu" in page.content.decode()


def test_a_successful_login_is_audited_and_resets_the_failures(world):
    user = user_create(actor=world.admin, username="zhou", password=PASSWORD)
    client = Client()
    _login(client, "zhou", "wrong")
    response = _login(client, "zhou", PASSWORD)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
    assert AuditEntry.objects.filter(object_id=str(user.pk), event="login").exists()


def test_an_idle_session_is_logged_out(world, role_clients):
    client = role_clients["auditor"]
    url = reverse("accounts:token_list")
    assert client.get(url).status_code == 200
    key = client.session.session_key
    # Idle beyond SESSION_COOKIE_AGE: the stored session expired.
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def _expires_in(key: str) -> float:
    return (Session.objects.get(session_key=key).expire_date - timezone.now()).total_seconds()


def test_a_request_renews_the_idle_timeout_at_most_once_a_minute(world, role_clients):
    import time

    from chainlead.accounts.middleware import TOUCHED_AT

    client = role_clients["auditor"]  # just logged in, which saved the session
    url = reverse("accounts:token_list")
    key = client.session.session_key
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_TOUCH_SECONDS == 60
    # Renewed less than a minute ago (by the log-in): the request writes nothing.
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + dt.timedelta(seconds=600)
    )
    assert client.get(url).status_code == 200
    assert 590 < _expires_in(key) <= 600
    # Last renewed over a minute ago: the request renews the expiry to the full idle timeout.
    session = client.session
    session[TOUCHED_AT] = int(time.time()) - 61
    session.save()
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + dt.timedelta(seconds=600)
    )
    assert client.get(url).status_code == 200
    assert settings.SESSION_COOKIE_AGE - 30 < _expires_in(key) <= settings.SESSION_COOKIE_AGE
    assert client.session[TOUCHED_AT] >= int(time.time()) - 5


def test_sessions_read_through_a_shared_cache_log_in_renew_and_log_out(world, settings):
    """Production with REDIS_URL: sessions in the cache, written through to the database."""
    import time

    from django.core.cache import cache

    from chainlead.accounts.middleware import TOUCHED_AT

    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    cache.clear()
    user_create(actor=world.admin, username="wu", password=PASSWORD)
    client = Client()
    assert _login(client, "wu", PASSWORD).status_code == 302
    url = reverse("accounts:token_list")
    assert client.get(url).status_code == 200
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()  # written through
    session = client.session
    session[TOUCHED_AT] = int(time.time()) - 61
    session.save()
    assert client.get(url).status_code == 200
    assert client.session[TOUCHED_AT] >= int(time.time()) - 5  # renewed
    client.post(reverse("accounts:logout"))
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(url).status_code == 302  # logged out, cache included


def test_a_stale_cookie_creates_no_session(db, rf):
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.http import HttpResponse

    from chainlead.accounts.middleware import IdleTimeoutMiddleware

    # A view that never reads the session: the idle-timeout middleware is the first to load it.
    handler = SessionMiddleware(IdleTimeoutMiddleware(lambda request: HttpResponse("ok")))
    request = rf.get("/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = "nosuchsessionkey0123456789abcdef"
    assert handler(request).status_code == 200
    assert not Session.objects.exists()


def test_the_api_docs_load_nothing_from_another_host(world, role_clients):
    response = role_clients["researcher"].get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html
    urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert urls
    assert all(u.startswith("/") and not u.startswith("//") for u in urls), urls
    # A host name, not any "cdn" (a random CSRF token may contain those letters).
    assert not any(host in html.lower() for host in ("cdn.", "jsdelivr", "unpkg"))
    assert '"validatorUrl": null' in html
    for url in urls:
        assert Client().get(url).status_code == 200, url  # served locally


def test_the_openapi_schema_is_served(world, role_clients):
    schema = role_clients["researcher"].get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/registry/enterprises" in schema["paths"]
    assert {"TokenAuth", "SessionAuth"} <= set(schema["components"]["securitySchemes"])


def test_the_api_has_no_write_on_the_audit_log(world, role_clients):
    from config.api import api

    paths = api.get_openapi_schema()["paths"]
    writes = [
        (path, method)
        for path, methods in paths.items()
        for method in methods
        if method in {"post", "put", "patch", "delete"} and "audit" in path
    ]
    assert writes == []
    client = role_clients["city_admin"]
    before = AuditEntry.objects.count()
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)("/api/v1/audit/entries", content_type="application/json")
        assert response.status_code in {404, 405}
    assert AuditEntry.objects.count() == before


def test_api_clients_read_the_schema_with_their_token(world):
    from chainlead.accounts.services import api_token_create

    _token, key = api_token_create(actor=world.users["finance"], name="schema")
    response = Client().get("/api/v1/openapi.json", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert "paths" in response.json()
    refused = Client().get("/api/v1/openapi.json", HTTP_AUTHORIZATION="Bearer wrong")
    assert refused.status_code == 302
    assert refused["Location"].startswith(reverse("accounts:login"))
