"""People pickers offer only officials; the form, the services and the API refuse anyone else."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from chainlead.accounts.choices import Role
from chainlead.accounts.models import RoleGrant
from chainlead.governance import services
from chainlead.governance.forms import ActionItemForm, LeaderForm, MeetingForm
from chainlead.governance.models import ChainLeader, Meeting
from chainlead.governance.tests.factories import UserFactory
from chainlead.registry.tests.factories import EnterpriseFactory


@pytest.fixture
def firm_user(db):
    user = UserFactory(username="firm-user")
    RoleGrant.objects.create(user=user, role=Role.ENTERPRISE, enterprise=EnterpriseFactory())
    return user


@pytest.fixture
def auditor(db):
    user = UserFactory(username="the-auditor")
    RoleGrant.objects.create(user=user, role=Role.AUDITOR)
    return user


def test_pickers_offer_officials_only(firm_user, auditor, member):
    for form in (LeaderForm(), ActionItemForm()):
        field = form.fields["user" if isinstance(form, LeaderForm) else "owner"]
        offered = set(field.queryset)
        assert member in offered
        assert firm_user not in offered and auditor not in offered
    assert firm_user not in set(MeetingForm().fields["attendees"].queryset)


def test_form_refuses_a_firm_user_as_leader(admin, chain, firm_user, client):
    client.force_login(admin)
    response = client.post(
        reverse("governance:leader_appoint", kwargs={"slug": chain.slug}), {"user": firm_user.pk}
    )
    assert response.status_code == 200
    assert "user" in response.context["form"].errors
    assert not ChainLeader.objects.filter(chain=chain).exists()


def test_services_refuse_a_firm_user_whatever_the_caller(admin, chain, member, firm_user):
    with pytest.raises(ValidationError) as exc:
        services.leader_appoint(actor=admin, chain=chain, user=firm_user)
    assert "user" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.task_force_member_add(actor=admin, chain=chain, user=firm_user)
    assert "user" in exc.value.message_dict


def test_api_refuses_a_firm_user_as_attendee(client, chain, member, firm_user):
    client.force_login(member)
    response = client.post(
        "/api/v1/governance/meetings",
        json.dumps(
            {
                "chain": "ai",
                "title": "周例会",
                "held_at": "2026-06-15T10:00:00+08:00",
                "attendee_ids": [member.pk, firm_user.pk],
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert "attendees" in response.content.decode()
    assert not Meeting.objects.exists()
