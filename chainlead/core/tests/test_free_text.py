"""Free text is bounded (issue 9 item 13: a 10 MB description rendered a 20 MB page): one
setting, CHAINLEAD_FREE_TEXT_MAX_LENGTH, held by the API schemas, the forms (through the
services' full_clean) and every model's text fields; names keep their own max_length."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse

from chainlead.core.validators import UNBOUNDED_TEXT_FIELDS, FreeTextLengthValidator

REQUESTS = "/api/v1/requests/requests"


def _firm_client(world) -> Client:
    client = Client()
    client.force_login(world.users["enterprise"])
    return client


def _payload(world, description: str) -> dict:
    return {
        "enterprise": world.own.firm.pk,
        "category": "permits",
        "title": "t",
        "description": description,
    }


def test_every_text_field_of_the_platform_is_bounded():
    fields = [
        (model, field)
        for model in apps.get_models()
        if model.__module__.startswith("chainlead.")
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField)
    ]
    assert len(fields) > 30
    for model, field in fields:
        bounded = any(isinstance(v, FreeTextLengthValidator) for v in field.validators)
        exempt = f"{model._meta.label}.{field.name}" in UNBOUNDED_TEXT_FIELDS
        assert bounded != exempt, f"{model._meta.label}.{field.name}"


def test_the_api_refuses_a_long_description_naming_the_field(world, settings):
    client = _firm_client(world)
    too_long = client.post(
        REQUESTS, _payload(world, "长" * 10_001), content_type="application/json"
    )
    assert too_long.status_code == 422
    assert "description" in str(too_long.json()["detail"])
    model = apps.get_model("requests", "EnterpriseRequest")
    assert not model.objects.exists()
    fits = client.post(REQUESTS, _payload(world, "长" * 10_000), content_type="application/json")
    assert fits.status_code == 201, fits.content
    settings.CHAINLEAD_FREE_TEXT_MAX_LENGTH = 50  # the setting, read at each check
    lower = client.post(REQUESTS, _payload(world, "x" * 51), content_type="application/json")
    assert lower.status_code == 422


def test_a_form_refuses_it_through_the_service(world):
    client = _firm_client(world)
    form = {
        "enterprise": world.own.firm.pk,
        "category": "permits",
        "title": "t",
        "description": "长" * 10_001,
    }
    response = client.post(reverse("requests:request_create"), form)
    assert response.status_code == 200
    assert "10000" in response.content.decode()
    assert not apps.get_model("requests", "EnterpriseRequest").objects.exists()


def test_model_validation_names_the_field(world):
    from django.core.exceptions import ValidationError

    firm = world.own.firm
    firm.business_scope = "x" * 10_001
    with pytest.raises(ValidationError) as caught:
        firm.full_clean()
    assert "business_scope" in caught.value.message_dict
