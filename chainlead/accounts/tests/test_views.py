"""The API-token page and the password change page."""

from django.test import Client
from django.urls import reverse

from chainlead.accounts.models import ApiToken
from chainlead.accounts.services import api_token_create, user_create


def test_the_token_page_shows_a_new_key_once(world, role_clients):
    client = role_clients["researcher"]
    url = reverse("accounts:token_list")
    response = client.post(url, {"name": "nightly export", "days": 30})
    assert response.status_code == 200
    key = response.context["new_key"]
    token = ApiToken.objects.get(user=world.users["researcher"])
    assert token.key_hash == ApiToken.hash_key(key)
    assert key in response.content.decode()
    again = client.get(url).content.decode()
    assert key not in again
    assert "nightly export" in again
    assert key[:8] in again  # the prefix identifies it


def test_the_new_key_works_on_the_api(world, role_clients):
    response = role_clients["city_admin"].post(
        reverse("accounts:token_list"), {"name": "n", "days": 1}
    )
    key = response.context["new_key"]
    api = Client().get("/api/v1/registry/districts", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.status_code == 200


def test_the_token_page_lists_only_ones_own_tokens(world, role_clients):
    api_token_create(actor=world.users["finance"], name="finance-secret")
    page = role_clients["auditor"].get(reverse("accounts:token_list")).content.decode()
    assert "finance-secret" not in page


def test_a_token_is_revoked_by_its_owner_only(world, role_clients):
    token, _key = api_token_create(actor=world.users["finance"], name="x")
    url = reverse("accounts:token_revoke", kwargs={"pk": token.pk})
    assert role_clients["city_admin"].post(url).status_code == 404
    assert role_clients["finance"].post(url).status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()


def test_the_token_form_refuses_a_lifetime_beyond_a_year(world, role_clients):
    response = role_clients["finance"].post(
        reverse("accounts:token_list"), {"name": "x", "days": 3650}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["days"]
    assert not ApiToken.objects.exists()


def test_password_change_refuses_weak_passwords(world):
    user = user_create(actor=world.admin, username="wang", password="Old-Pass-2026")
    client = Client()
    client.force_login(user)
    url = reverse("accounts:password_change")
    weak = client.post(
        url, {"old_password": "Old-Pass-2026", "new_password1": "abc", "new_password2": "abc"}
    )
    assert weak.status_code == 200
    assert weak.context["form"].errors["new_password2"]
    simple = "onlylowercaseletters"
    weak = client.post(
        url, {"old_password": "Old-Pass-2026", "new_password1": simple, "new_password2": simple}
    )
    assert "new_password2" in weak.context["form"].errors
    user.refresh_from_db()
    assert user.check_password("Old-Pass-2026")
    ok = client.post(
        url,
        {
            "old_password": "Old-Pass-2026",
            "new_password1": "New#Pass2027",
            "new_password2": "New#Pass2027",
        },
    )
    assert ok.status_code == 302
    assert ok["Location"] == reverse("accounts:password_change_done")
    user.refresh_from_db()
    assert user.check_password("New#Pass2027")


def test_every_page_links_to_the_token_and_password_pages(world, role_clients):
    page = role_clients["reviewer"].get(reverse("accounts:password_change")).content.decode()
    assert reverse("accounts:token_list") in page
    assert reverse("accounts:password_change") in page


def test_the_api_says_who_the_token_acts_as(world):
    _token, key = api_token_create(actor=world.users["task_force"], name="me")
    data = Client().get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert data["username"] == "walk_task_force"
    assert data["roles"] == [
        {"role": "task_force", "chain": "walk-own", "district": None, "enterprise": None}
    ]
