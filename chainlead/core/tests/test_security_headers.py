"""Content-Security-Policy on every page, no caching of what a logged-in reader sees, HSTS when
configured (issue 9 item 11)."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse


def _directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {d.split()[0]: d.strip() for d in policy.split(";") if d.strip()}


def test_every_page_carries_a_content_security_policy(db):
    directives = _directives(Client().get(reverse("accounts:login")))
    assert directives["default-src"] == "default-src 'self'"
    assert directives["object-src"] == "object-src 'none'"
    assert directives["frame-ancestors"] == "frame-ancestors 'none'"
    assert directives["base-uri"] == "base-uri 'self'"
    assert directives["script-src"] == "script-src 'self'"  # no inline script, no eval
    assert "http" not in " ".join(directives.values())  # no other host is allowed anything


def test_pages_and_the_api_of_a_logged_in_reader_are_not_stored(role_clients):
    client = role_clients["auditor"]
    for url in (reverse("accounts:token_list"), "/api/v1/accounts/me"):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]


def test_the_api_is_not_stored_even_when_refused(db):
    response = Client().get("/api/v1/accounts/me")
    assert response.status_code == 401
    assert "no-store" in response["Cache-Control"]


def test_hsts_is_sent_when_configured(db, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = Client().get(reverse("accounts:login"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
