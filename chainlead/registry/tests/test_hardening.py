"""Registry hardening (issue 9 item 13): lost updates, invisible characters in names."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from chainlead.registry.services import enterprise_create, enterprise_update
from chainlead.registry.tests.test_views import client_for, edit, form_data, registry_world

__all__ = ["registry_world"]  # the fixture, shared with the view tests


@pytest.mark.django_db
def test_an_edit_without_its_version_is_refused(registry_world):
    own = registry_world.own
    client = client_for(registry_world.admin)
    page = client.get(edit(own))
    enterprise_update(actor=registry_world.admin, enterprise=own, address="网商路699号")
    data = form_data(page, address="滨安路555号")
    del data["version"]
    response = client.post(edit(own), data)
    assert response.status_code == 200
    assert response.context["form"].has_error("version")
    own.refresh_from_db()
    assert own.address == "网商路699号"


RLO_NAMES = [
    "杭州\u202e司公限有技科",  # right-to-left override
    "杭州\u2066科技\u2069有限公司",  # isolates
    "杭州\u200b科技有限公司",  # zero-width space
    "杭州\ufeff科技有限公司",  # zero-width no-break space
    "杭州\u200d科技有限公司",  # zero-width joiner
]


@pytest.mark.django_db
@pytest.mark.parametrize("name", RLO_NAMES)
def test_names_with_invisible_controls_are_refused(registry_world, name):
    with pytest.raises(ValidationError) as error:
        enterprise_create(actor=registry_world.admin, name=name)
    assert "name" in error.value.message_dict


@pytest.mark.django_db
@pytest.mark.parametrize("name", RLO_NAMES[:2])
def test_the_api_refuses_them_too(registry_world, name):
    client = client_for(registry_world.admin)
    response = client.post(
        "/api/v1/registry/enterprises", {"name": name}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "invisible" in response.content.decode()
