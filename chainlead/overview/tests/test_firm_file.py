"""The firm file (一企一档): qualification tags with their source, and the parts the other apps
hold, restricted to the reader."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from chainlead.core.exceptions import PermissionDenied
from chainlead.core.testing import World
from chainlead.overview.choices import Qualification, TagProvenance
from chainlead.overview.models import FirmTag
from chainlead.overview.selectors import firm_file
from chainlead.overview.services import firm_tag_set, qualifications_in
from chainlead.requests import services as requests
from chainlead.requests.choices import Category


def test_qualifications_are_read_from_the_words_that_state_them() -> None:
    text = "公司是国家级专精特新“小巨人”企业，也是国家高新技术企业。"
    found = dict(qualifications_in(text))
    assert set(found) == {Qualification.LITTLE_GIANT, Qualification.HIGH_TECH}
    assert "小巨人" in found[Qualification.LITTLE_GIANT]
    assert dict(qualifications_in("浙江省专精特新中小企业"))[Qualification.SPECIALISED]
    assert qualifications_in("一家软件公司") == []


def test_only_city_admins_tag_firms(world: World) -> None:
    tag = firm_tag_set(
        actor=world.admin,
        enterprise=world.own.firm,
        qualification=Qualification.HIGH_TECH,
        source="certificate GR2024",
    )
    assert tag.provenance == TagProvenance.ENTERED
    with pytest.raises(PermissionDenied):
        firm_tag_set(
            actor=world.users["task_force"],
            enterprise=world.own.firm,
            qualification=Qualification.UNICORN,
            source="x",
        )
    # Once per firm: a second call updates the source.
    firm_tag_set(
        actor=world.admin,
        enterprise=world.own.firm,
        qualification=Qualification.HIGH_TECH,
        source="certificate GR2025",
    )
    assert FirmTag.objects.get(enterprise=world.own.firm).source == "certificate GR2025"


def test_the_firm_page_gathers_the_file_for_its_reader(
    world: World, role_clients: dict[str, Any]
) -> None:
    firm_tag_set(
        actor=world.admin,
        enterprise=world.own.firm,
        qualification=Qualification.SPECIALISED,
        source="list of 2025",
    )
    requests.request_raise(
        actor=world.admin,
        enterprise=world.own.firm,
        chain=world.own.chain,
        category=Category.FINANCE,
        title="loan for the new line",
        description="d",
        now=dt.datetime(2026, 5, 1, 9, tzinfo=dt.UTC),
    )
    url = reverse("registry:enterprise_detail", args=[world.own.firm.pk])
    html = role_clients["city_admin"].get(url).content.decode()
    assert 'id="firm-file"' in html
    assert 'data-qualification="specialised"' in html
    assert "loan for the new line" in html
    # The firm's own user sees its file and its request too.
    assert "loan for the new line" in role_clients["enterprise"].get(url).content.decode()
    # A reader of the firm who does not see its requests gets none listed.
    finance = firm_file(user=world.users["finance"], enterprise=world.own.firm)
    assert finance.requests == [] and finance.requests_total == 0
    assert [t.qualification for t in finance.tags] == [Qualification.SPECIALISED]
