"""User names are capped before authentication on both log-in forms (issue 9 item 6)."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

LONG_NAME = "长" * 100_000  # 300 KB in UTF-8: under the 2.5 MB form limit, far over the field


@pytest.mark.parametrize("url_name", ["accounts:login", "admin:login"])
def test_an_overlong_user_name_is_refused_before_authentication(db, url_name):
    response = Client().post(reverse(url_name), {"username": LONG_NAME, "password": "x"})
    assert response.status_code == 200  # the form again, with its error
    assert "150" in response.content.decode()  # "at most 150 characters"
    longest = max((len(a.username or "") for a in AccessAttempt.objects.all()), default=0)
    assert longest <= 150


@pytest.mark.parametrize("url_name", ["accounts:login", "admin:login"])
def test_a_name_of_150_characters_is_still_an_attempt(db, url_name):
    Client().post(reverse(url_name), {"username": "n" * 150, "password": "x"})
    assert AccessAttempt.objects.get().username == "n" * 150


def test_axes_stores_at_most_150_characters_of_a_name(rf):
    from chainlead.accounts.lockout import axes_username

    request = rf.post("/accounts/login/")
    assert axes_username(request, {"username": "y" * 300}) == "y" * 150
    assert axes_username(request, {}) is None
