"""Raising and rating stay inside the actor's firms (issue 9 item 1): outside them a firm is
not found (404), so ids and credit codes do not enumerate the hidden registry."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from chainlead.core.exceptions import PermissionDenied
from chainlead.registry.models import Enterprise
from chainlead.requests import services
from chainlead.requests.choices import Category, Status, Transition
from chainlead.requests.models import EnterpriseRequest
from chainlead.requests.selectors import request_figures
from chainlead.requests.tests.factories import ChainFactory, EnterpriseFactory
from chainlead.requests.tests.helpers import bring_to, firms_seen_by, raise_request

API = "/api/v1/requests/requests"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _payload(firm) -> dict:
    return {"enterprise": firm.pk, "category": "permits", "title": "t", "description": "d"}


def test_a_commissioner_with_no_firms_cannot_raise_for_a_firm_by_id(world):
    response = _client(world.commissioner).post(
        API, _payload(world.other_firm), content_type="application/json"
    )
    assert response.status_code == 404
    assert world.other_firm.name not in response.content.decode()
    assert not EnterpriseRequest.objects.exists()


def test_unknown_and_hidden_firm_ids_answer_alike(world):
    client = _client(world.commissioner)
    hidden = client.post(API, _payload(world.other_firm), content_type="application/json")
    missing = client.post(
        API, {**_payload(world.other_firm), "enterprise": 999_999}, content_type="application/json"
    )
    assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json())


@pytest.mark.parametrize("by", ["credit_code", "number"])
def test_a_commissioner_with_no_firms_cannot_raise_by_credit_code(world, by):
    Enterprise.objects.filter(pk=world.other_firm.pk).update(credit_code="91330100MA2AXXXX0X")
    code = "91330100MA2AXXXX0X" if by == "credit_code" else str(world.other_firm.pk)
    response = _client(world.commissioner).post(
        reverse("requests:request_create"),
        {"credit_code": code, "category": "permits", "title": "t", "description": "d"},
    )
    assert response.status_code == 200  # the form again, with the same error as no such firm
    assert response.context["form"].has_error("credit_code")
    assert not EnterpriseRequest.objects.exists()


def test_a_task_force_raises_only_for_firms_on_its_chain(world):
    from chainlead.chains.models import Membership

    segment = world.chain.segments.first() or world.chain.segments.create(
        name="s", slug="s", order=1
    )
    Membership.objects.get_or_create(enterprise=world.firm, segment=segment)
    client = _client(world.task_force)
    assert client.post(API, _payload(world.firm), content_type="application/json").status_code == (
        201
    )
    outside = client.post(API, _payload(world.other_firm), content_type="application/json")
    assert outside.status_code == 404
    with pytest.raises(PermissionDenied):
        raise_request(world, actor=world.task_force, enterprise=world.other_firm)


def test_only_the_firms_user_rates_its_request(world):
    resolved = bring_to(world, Status.RESOLVED)
    for outsider in (world.commissioner, world.other_firm_user, world.task_force, world.admin):
        with pytest.raises(PermissionDenied):
            services.request_transition(
                actor=outsider, enterprise_request=resolved, transition=Transition.CONFIRM, rating=1
            )
    assert request_figures(user=world.admin).ratings == 0
    services.request_transition(
        actor=world.firm_user, enterprise_request=resolved, transition=Transition.CONFIRM, rating=5
    )
    assert request_figures(user=world.admin).ratings == 1


def test_a_commissioner_who_raised_a_request_may_not_rate_it(world):
    # Even for a request they raised (here, before the rule): the firm judges the resolution.
    resolved = bring_to(world, Status.RESOLVED)
    EnterpriseRequest.objects.filter(pk=resolved.pk).update(raised_by=world.commissioner)
    resolved.refresh_from_db()
    response = _client(world.commissioner).post(
        f"{API}/{resolved.pk}/rate", {"rating": 1}, content_type="application/json"
    )
    assert response.status_code in (403, 404)
    resolved.refresh_from_db()
    assert resolved.rating is None


def test_a_chainless_firm_outside_every_scope_is_refused_in_the_service(world):
    firm = EnterpriseFactory()
    ChainFactory()
    with pytest.raises(PermissionDenied):
        services.request_raise(
            actor=world.commissioner,
            enterprise=firm,
            category=Category.PERMITS,
            title="t",
            description="d",
        )


def test_a_commissioner_raises_for_the_firms_stationed_with_them(world):
    client = _client(world.commissioner)
    with firms_seen_by(world.commissioner, world.firm):
        assert client.post(
            API, _payload(world.firm), content_type="application/json"
        ).status_code == (201)
        outside = client.post(API, _payload(world.other_firm), content_type="application/json")
    assert outside.status_code == 404


@pytest.mark.parametrize(
    ("status", "transition", "after"),
    [
        (Status.WAITING_FIRM, Transition.RESUME, Status.IN_PROGRESS),
        (Status.RESOLVED, Transition.REOPEN, Status.IN_PROGRESS),
    ],
)
def test_a_commissioner_speaks_for_a_firm_only_while_stationed_with_it(
    world, status, transition, after
):
    # Raised by the commissioner while stationed with the firm; the station has ended since.
    with firms_seen_by(world.commissioner, world.firm):
        raised = bring_to(world, status, actor=world.commissioner)
    url = f"{API}/{raised.pk}/transition"
    payload = {"transition": transition, "note": "仍未解决"}
    client = _client(world.commissioner)

    outside = client.post(url, payload, content_type="application/json")
    assert outside.status_code == 404
    assert client.get(f"{API}/{raised.pk}").status_code == 404
    raised.refresh_from_db()
    assert raised.status == status
    with pytest.raises(PermissionDenied):
        services.request_transition(
            actor=world.commissioner, enterprise_request=raised, transition=transition, note="x"
        )

    with firms_seen_by(world.commissioner, world.firm):
        inside = client.post(url, payload, content_type="application/json")
    assert inside.status_code == 200
    raised.refresh_from_db()
    assert raised.status == after


def _member(firm, chain) -> None:
    from chainlead.chains.models import Membership

    segment = chain.segments.first() or chain.segments.create(name="s", slug="s", order=1)
    Membership.objects.get_or_create(enterprise=firm, segment=segment)


def test_the_chain_of_a_raised_request_is_the_firms_or_the_raisers(world):
    _member(world.firm, world.chain)
    client = _client(world.firm_user)
    foreign = {**_payload(world.firm), "chain": world.other_chain.pk}
    refused = client.post(API, foreign, content_type="application/json")
    assert refused.status_code == 422
    assert "chain" in refused.content.decode()
    assert not EnterpriseRequest.objects.exists()
    own = client.post(
        API, {**_payload(world.firm), "chain": world.chain.pk}, content_type="application/json"
    )
    assert own.status_code == 201
    # A task force files under its own chain whatever the firm's.
    with firms_seen_by(world.other_task_force, world.firm):
        filed = _client(world.other_task_force).post(API, foreign, content_type="application/json")
    assert filed.status_code == 201


def test_the_raising_form_offers_and_accepts_only_those_chains(world):
    _member(world.firm, world.chain)
    client = _client(world.firm_user)
    page = client.get(reverse("requests:request_create")).content.decode()
    assert f'value="{world.chain.pk}"' in page
    assert f'value="{world.other_chain.pk}"' not in page
    form = {
        "enterprise": world.firm.pk,
        "chain": world.other_chain.pk,
        "category": "permits",
        "title": "t",
        "description": "d",
    }
    response = client.post(reverse("requests:request_create"), form)
    assert response.status_code == 200
    assert response.context["form"].errors["chain"]
    assert not EnterpriseRequest.objects.exists()
