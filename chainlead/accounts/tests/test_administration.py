"""Every model an administrator manages is reachable from the platform's own menu (issue 15)."""

import pytest
from django.contrib import admin
from django.urls import reverse


@pytest.mark.django_db
def test_the_menu_leads_a_city_admin_to_every_admin_model(client, django_user_model):
    root = django_user_model.objects.create_superuser("root", password=None)
    client.force_login(root)
    home = client.get("/", follow=True).content.decode()
    assert reverse("accounts:administration") in home  # in the account menu
    page = client.get(reverse("accounts:administration"), HTTP_ACCEPT_LANGUAGE="en")
    body = page.content.decode()
    assert page.status_code == 200
    for model in admin.site._registry:
        if not model.__module__.startswith("chainlead."):
            continue  # the libraries' records: on the admin's own index, linked from the page
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert url in body, f"{model.__name__} is not reachable from the platform"


@pytest.mark.django_db
def test_other_roles_see_no_administration_link(client, django_user_model):
    user = django_user_model.objects.create_user("reader", password=None)
    client.force_login(user)
    home = client.get("/", follow=True).content.decode()
    assert reverse("accounts:administration") not in home
    assert client.get(reverse("accounts:administration")).status_code == 403
