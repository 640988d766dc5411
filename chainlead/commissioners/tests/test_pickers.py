"""Issue 15 item 7 for commissioners: the account picker offers only commissioner-role users
free of another record, and stationing picks the firm by name or credit code."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from chainlead.accounts.choices import Role
from chainlead.commissioners.account import commissioner_set_account
from chainlead.commissioners.forms import CommissionerForm
from chainlead.commissioners.models import Assignment, Commissioner
from chainlead.core.exceptions import PermissionDenied

from .conftest import TODAY, make_user

pytestmark = pytest.mark.django_db


def _form_data(**extra):
    return {"kind": "individual", "name": "New expert", "capacity": 2, "status": "active", **extra}


def test_account_picker_offers_only_free_commissioner_role_users(
    hardware_expert, commissioner_user, firms
):
    free = make_user("cm_free", Role.COMMISSIONER)
    make_user("cm_firm_user", Role.ENTERPRISE, enterprise=firms["computers"])
    make_user("cm_leader_less", None)
    offered = {u.username for u in CommissionerForm().fields["user"].queryset}
    # cm_commissioner acts for the hardware expert already: not offered for a new record.
    assert offered == {free.username}
    editing = CommissionerForm(commissioner=hardware_expert).fields["user"].queryset
    assert {u.username for u in editing} == {free.username, commissioner_user.username}


def test_creating_with_an_account_links_it_and_a_firm_user_is_refused(admin, client, firms):
    free = make_user("cm_free", Role.COMMISSIONER)
    firm_user = make_user("cm_firm_user", Role.ENTERPRISE, enterprise=firms["computers"])
    client.force_login(admin)
    url = reverse("commissioners:commissioner_create")

    refused = client.post(url, _form_data(name="Refused", user=firm_user.pk))
    assert refused.status_code == 200
    assert "user" in refused.context["form"].errors
    assert not Commissioner.objects.filter(name="Refused").exists()

    created = client.post(url, _form_data(user=free.pk))
    assert created.status_code == 302
    assert Commissioner.objects.get(name="New expert").user == free


def test_editing_can_remove_the_account(admin, client, hardware_expert):
    client.force_login(admin)
    url = reverse("commissioners:commissioner_edit", args=[hardware_expert.pk])
    response = client.post(url, _form_data(name=hardware_expert.name, user=""))
    assert response.status_code == 302
    hardware_expert.refresh_from_db()
    assert hardware_expert.user is None


def test_the_service_refuses_an_account_taken_by_another_commissioner(
    admin, hardware_expert, software_expert, commissioner_user
):
    with pytest.raises(ValidationError, match="cm_commissioner"):
        commissioner_set_account(actor=admin, commissioner=software_expert, user=commissioner_user)
    software_expert.refresh_from_db()
    assert software_expert.user is None
    hardware_expert.refresh_from_db()
    assert hardware_expert.user == commissioner_user


def test_only_the_city_admin_sets_accounts(software_expert, commissioner_user):
    official = make_user("cm_official", Role.CHAIN_LEADER)
    with pytest.raises(PermissionDenied):
        commissioner_set_account(actor=official, commissioner=software_expert, user=None)


@time_machine.travel(dt.datetime(2025, 6, 16, 10, tzinfo=dt.UTC), tick=False)
def test_stationing_picks_the_firm_by_name_or_credit_code(admin, client, hardware_expert, firms):
    firms["parts"].credit_code = "91330108MA2GL0TEST"
    firms["parts"].save()
    client.force_login(admin)
    url = reverse("commissioners:assignment_create")
    form = client.get(url).content.decode()
    assert 'list="id_enterprise-suggestions"' in form  # the autocompleting picker

    base = {"commissioner": hardware_expert.pk, "starts_on": TODAY.isoformat(), "reason": "fit"}
    unknown = client.post(url, {**base, "enterprise": "No such firm Ltd"})
    assert unknown.status_code == 200
    assert "enterprise" in unknown.context["form"].errors
    assert not Assignment.objects.exists()

    by_name = client.post(url, {**base, "enterprise": "Computer maker"})
    assert by_name.status_code == 302
    by_code = client.post(url, {**base, "enterprise": "91330108ma2gl0test"})
    assert by_code.status_code == 302
    stationed = set(Assignment.objects.values_list("enterprise__name", flat=True))
    assert stationed == {"Computer maker", "Parts maker"}
