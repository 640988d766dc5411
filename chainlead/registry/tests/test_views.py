"""The registry pages: scoping per role, filters, export, editing with optimistic concurrency."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chainlead.accounts.models import User
from chainlead.accounts.services import role_grant, user_create
from chainlead.audit.models import AuditEntry
from chainlead.chains.models import Chain, Membership, Segment
from chainlead.registry.choices import DataProvenance, Origin, SizeClass
from chainlead.registry.models import Enterprise, Industry
from chainlead.registry.services import enterprise_create, indicator_set

LIST = reverse("registry:enterprise_list")


def detail(e: Enterprise) -> str:
    return reverse("registry:enterprise_detail", kwargs={"pk": e.pk})


def edit(e: Enterprise) -> str:
    return reverse("registry:enterprise_edit", kwargs={"pk": e.pk})


@pytest.fixture
def registry_world(db: Any, districts: dict[str, Any]) -> SimpleNamespace:
    """Two chains and two districts; one firm on each side, users for every role."""
    admin = User.objects.create_superuser("admin", password=None)
    binjiang, yuhang = districts["滨江区"], districts["余杭区"]
    chain_a = Chain.objects.create(slug="ai", name="人工智能", name_en="AI", order=1)
    chain_b = Chain.objects.create(slug="bio", name="生物医药", name_en="Biomedicine", order=2)
    seg_a = Segment.objects.create(chain=chain_a, slug="chips", name="芯片", order=1)
    seg_b = Segment.objects.create(chain=chain_b, slug="drugs", name="药品", order=1)
    own = enterprise_create(
        actor=admin,
        name="杭州海康威视数字技术股份有限公司",
        credit_code="91330000733796106P",
        district=binjiang,
        industry=Industry.objects.get(code="3911"),
        size_class=SizeClass.LARGE,
        employees=50000,
        revenue=Decimal("8930000"),
        listed=True,
    )
    other = enterprise_create(
        actor=admin,
        name="余杭生物科技有限公司",
        district=yuhang,
        industry=Industry.objects.get(code="2710"),
        size_class=SizeClass.SMALL,
        origin=Origin.ATTRACTED,
        origin_place="美国波士顿",
        provenance=DataProvenance.SYNTHETIC,
    )
    Membership.objects.create(enterprise=own, segment=seg_a)
    Membership.objects.create(enterprise=other, segment=seg_b)
    scopes = {
        "chain_leader": {"chain": chain_a},
        "task_force": {"chain": chain_a},
        "district_official": {"district": binjiang},
        "enterprise": {"enterprise": own},
    }
    users = {"city_admin": admin}
    for role in (
        "chain_leader",
        "task_force",
        "district_official",
        "enterprise",
        "researcher",
        "reviewer",
        "finance",
        "auditor",
        "commissioner",
    ):
        user = user_create(actor=admin, username=f"u_{role}", password=None)
        role_grant(actor=admin, user=user, role=role, **scopes.get(role, {}))
        users[role] = user
    return SimpleNamespace(admin=admin, own=own, other=other, users=users, chain_a=chain_a)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_data(response: Any, **changes: Any) -> dict[str, Any]:
    """What a browser posts back for the form on the page, with `changes` typed in."""
    data = {}
    for field in response.context["form"]:
        value = field.value()
        if value is None or value is False:
            continue
        data[field.name] = "on" if value is True else value
    data.update(changes)
    return data


def listed_names(response: Any) -> set[str]:
    return {row.record.name for row in response.context["table"].paginated_rows}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("city_admin", {"own", "other"}),
        ("auditor", {"own", "other"}),
        ("finance", {"own", "other"}),
        ("chain_leader", {"own"}),
        ("task_force", {"own"}),
        ("district_official", {"own"}),
        ("enterprise", {"own"}),
    ],
)
def test_the_list_shows_what_each_role_may_see(registry_world, role, sees):
    response = client_for(registry_world.users[role]).get(LIST)
    assert response.status_code == 200
    expected = {getattr(registry_world, side).name for side in sees}
    assert listed_names(response) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["researcher", "reviewer", "commissioner"])
def test_roles_without_firms_get_an_empty_list_with_a_reason(registry_world, role):
    response = client_for(registry_world.users[role]).get(LIST)
    assert response.status_code == 200
    assert response.context["sees_no_firms"] is True
    assert registry_world.own.name not in response.content.decode()
    assert client_for(registry_world.users[role]).get(detail(registry_world.own)).status_code == 404


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_log_in(registry_world):
    response = Client().get(LIST)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "own", "other"),
    [
        ("city_admin", 200, 200),
        ("auditor", 200, 200),
        ("enterprise", 200, 404),
        ("district_official", 200, 404),
        ("chain_leader", 200, 404),
        ("task_force", 200, 404),
    ],
)
def test_firm_pages_outside_the_scope_are_404(registry_world, role, own, other):
    client = client_for(registry_world.users[role])
    assert client.get(detail(registry_world.own)).status_code == own
    assert client.get(detail(registry_world.other)).status_code == other


@pytest.mark.django_db
def test_the_firm_page_shows_data_segments_and_honest_gaps(registry_world):
    client = client_for(registry_world.admin)
    response = client.get(detail(registry_world.other), HTTP_ACCEPT_LANGUAGE="en")
    text = response.content.decode()
    assert "credit code not public" in text
    assert "美国波士顿" in text
    assert "badge-synthetic" in text
    assert "药品" in text  # its segment
    assert reverse("chains:chain_detail", kwargs={"slug": "bio"}) in text
    assert "indicator-chart" not in text  # no figures: no empty chart
    assert response.context["indicators"] == []


@pytest.mark.django_db
def test_the_firm_page_charts_the_yearly_figures(registry_world):
    own, admin = registry_world.own, registry_world.admin
    indicator_set(actor=admin, enterprise=own, year=2023, revenue=Decimal(100), employees=10)
    indicator_set(actor=admin, enterprise=own, year=2024, revenue=Decimal(120), rd_spend=Decimal(9))
    response = client_for(admin).get(detail(own))
    text = response.content.decode()
    assert 'id="indicator-chart"' in text
    assert "vendor/echarts.min.js" in text
    data = response.context["chart_data"]
    assert data["years"] == ["2023", "2024"]
    assert data["revenue"] == [100.0, 120.0]
    assert data["rd_spend"] == [None, 9.0]


@pytest.mark.django_db
def test_the_list_filters(registry_world):
    client = client_for(registry_world.admin)
    own, other = registry_world.own.name, registry_world.other.name
    district = registry_world.own.district_id
    cases = {
        f"district={district}": {own},
        "industry=39": {own},
        "industry=C": {own, other},
        "industry=27": {other},
        "size_class=small": {other},
        "origin=attracted": {other},
        "listed=true": {own},
        "provenance=synthetic": {other},
        "q=余杭": {other},
        "q=91330000733796106P": {own},
    }
    for query, expected in cases.items():
        response = client.get(f"{LIST}?{query}")
        assert response.status_code == 200, query
        assert listed_names(response) == expected, query


def _make_firms(admin: User, district: Any, n: int, start: int = 0) -> None:
    industry = Industry.objects.get(code="3911")
    for i in range(start, start + n):
        enterprise_create(
            actor=admin, name=f"测试企业{i:03d}", district=district, industry=industry
        )


@pytest.mark.django_db
def test_the_list_query_count_does_not_grow_with_the_rows(registry_world, districts):
    client = client_for(registry_world.admin)
    _make_firms(registry_world.admin, districts["西湖区"], 3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    _make_firms(registry_world.admin, districts["西湖区"], 30, start=3)
    with CaptureQueriesContext(connection) as many:
        assert client.get(LIST).status_code == 200
    assert len(many) == len(few)
    assert len(many) <= 12


@pytest.mark.django_db
def test_the_firm_page_query_count_does_not_grow_with_years(registry_world):
    own, admin = registry_world.own, registry_world.admin
    client = client_for(admin)
    for year in (2020, 2021):
        indicator_set(actor=admin, enterprise=own, year=year, revenue=Decimal(year))
    with CaptureQueriesContext(connection) as few:
        assert client.get(detail(own)).status_code == 200
    for year in range(2000, 2012):
        indicator_set(actor=admin, enterprise=own, year=year, revenue=Decimal(year))
    with CaptureQueriesContext(connection) as many:
        assert client.get(detail(own)).status_code == 200
    assert len(many) == len(few)


@pytest.mark.django_db
def test_the_list_paginates(registry_world, districts):
    _make_firms(registry_world.admin, districts["西湖区"], 55)
    client = client_for(registry_world.admin)
    first = client.get(LIST)
    second = client.get(f"{LIST}?page=2")
    assert len(first.context["table"].paginated_rows) == 50
    assert len(second.context["table"].paginated_rows) == 7
    assert "page=2" in first.content.decode()


@pytest.mark.django_db
def test_csv_export_is_the_filtered_visible_list(registry_world):
    response = client_for(registry_world.users["enterprise"]).get(f"{LIST}?export=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][0] == "名称"  # Chinese headers by default
    assert [r[0] for r in rows[1:]] == [registry_world.own.name]  # not the other firm

    admin = client_for(registry_world.admin)
    body = b"".join(admin.get(f"{LIST}?export=csv&origin=attracted").streaming_content)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == [registry_world.other.name]


@pytest.mark.django_db
def test_excel_export_has_typed_cells(registry_world):
    response = client_for(registry_world.admin).get(f"{LIST}?export=xlsx&listed=true")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    header = list(rows[0])
    assert len(rows) == 2
    assert rows[1][header.index("名称")] == registry_world.own.name
    assert rows[1][header.index("从业人数")] == 50000


@pytest.mark.django_db
def test_enterprise_users_edit_only_their_fields_and_it_is_audited(registry_world):
    own = registry_world.own
    client = client_for(registry_world.users["enterprise"])
    page = client.get(edit(own))
    form = page.context["form"]
    assert "revenue" in form.fields
    assert "name" not in form.fields and "credit_code" not in form.fields
    data = form_data(page, revenue="9000000", employees="50001", name="hacked")
    response = client.post(edit(own), data)
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.revenue == Decimal("9000000")
    assert own.name == "杭州海康威视数字技术股份有限公司"
    entry = AuditEntry.objects.filter(
        content_type__model="enterprise", object_id=str(own.pk), action="update"
    ).first()
    assert entry is not None
    assert entry.actor == registry_world.users["enterprise"]
    assert entry.before["revenue"] == "8930000.00"
    assert entry.after["revenue"] == "9000000.00"
    assert entry.changed_fields == ["employees", "revenue", "version"]
    assert client.get(edit(registry_world.other)).status_code == 404


@pytest.mark.django_db
def test_two_stale_forms_one_wins_the_other_changes_nothing(registry_world):
    own = registry_world.own
    alice = client_for(registry_world.admin)
    bob = client_for(registry_world.users["enterprise"])
    alice_page, bob_page = alice.get(edit(own)), bob.get(edit(own))
    version = alice_page.context["form"]["version"].value()
    assert bob_page.context["form"]["version"].value() == version
    response = alice.post(edit(own), form_data(alice_page, address="网商路699号"))
    assert response.status_code == 302
    stale = bob.post(edit(own), form_data(bob_page, address="滨安路555号", employees="1"))
    assert stale.status_code == 409
    assert stale.context["form"].non_field_errors()
    own.refresh_from_db()
    assert own.address == "网商路699号"
    assert own.employees == 50000
    assert own.version == version + 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", ["auditor", "district_official", "chain_leader", "task_force", "finance"]
)
def test_readers_cannot_write(registry_world, role):
    client = client_for(registry_world.users[role])
    own = registry_world.own
    writes = [
        ("get", edit(own)),
        ("post", edit(own)),
        ("get", reverse("registry:enterprise_create")),
        ("post", reverse("registry:enterprise_create")),
        ("get", reverse("registry:enterprise_delete", kwargs={"pk": own.pk})),
        ("post", reverse("registry:enterprise_delete", kwargs={"pk": own.pk})),
        ("get", reverse("registry:indicator_set", kwargs={"pk": own.pk})),
        ("post", reverse("registry:indicator_set", kwargs={"pk": own.pk})),
    ]
    for method, url in writes:
        assert getattr(client, method)(url, {"year": 2024}).status_code == 403, (method, url)
    assert Enterprise.objects.filter(pk=own.pk).exists()
    assert not own.indicators.exists()


@pytest.mark.django_db
def test_enterprise_users_cannot_create_or_delete(registry_world):
    client = client_for(registry_world.users["enterprise"])
    url = reverse("registry:enterprise_delete", kwargs={"pk": registry_world.own.pk})
    assert client.post(url).status_code == 403
    assert client.get(reverse("registry:enterprise_create")).status_code == 403


@pytest.mark.django_db
def test_city_admins_create_and_delete_firms(registry_world, districts):
    client = client_for(registry_world.admin)
    response = client.post(
        reverse("registry:enterprise_create"),
        {
            "name": "杭州宇树科技股份有限公司",
            "credit_code": "",
            "district": districts["滨江区"].pk,
            "industry": "3491",
            "origin": "local",
            "provenance": "public",
            "source_note": "公司官网",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    firm = Enterprise.objects.get(name="杭州宇树科技股份有限公司")
    assert firm.credit_code is None
    assert firm.source_note == "公司官网"
    delete_url = reverse("registry:enterprise_delete", kwargs={"pk": firm.pk})
    confirm = client.get(delete_url)
    assert confirm.status_code == 200
    assert Enterprise.objects.filter(pk=firm.pk).exists()  # a GET only asks
    assert client.post(delete_url).status_code == 302
    assert not Enterprise.objects.filter(pk=firm.pk).exists()
    assert AuditEntry.objects.filter(
        content_type__model="enterprise", object_id=str(firm.pk), action="delete"
    ).exists()


@pytest.mark.django_db
def test_an_invalid_credit_code_is_shown_on_the_form(registry_world):
    client = client_for(registry_world.admin)
    own = registry_world.own
    response = client.post(
        edit(own),
        {"version": own.version, "name": own.name, "credit_code": "91330000733796106X"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    own.refresh_from_db()
    assert own.credit_code == "91330000733796106P"


@pytest.mark.django_db
def test_yearly_figures_are_added_and_replaced(registry_world):
    own = registry_world.own
    client = client_for(registry_world.users["enterprise"])
    url = reverse("registry:indicator_set", kwargs={"pk": own.pk})
    assert client.post(url, {"year": 2024, "revenue": "100", "patents": "3"}).status_code == 302
    assert client.get(f"{url}?year=2024").context["form"]["revenue"].value() == Decimal("100.00")
    assert client.post(url, {"year": 2024, "revenue": "150"}).status_code == 302
    indicator = own.indicators.get(year=2024)
    assert indicator.revenue == Decimal(150)
    assert indicator.patents is None  # replaced, as the page says
    assert client.post(url, {"year": ""}).status_code == 200  # the form shows the error


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("city_admin", True),
        ("auditor", True),
        ("enterprise", True),
        ("district_official", False),
        ("chain_leader", False),
    ],
)
def test_the_change_history_is_shown_to_admins_auditors_and_the_firm(registry_world, role, sees):
    own = registry_world.own
    response = client_for(registry_world.users[role]).get(detail(own))
    assert (response.context["history"] is not None) == sees
    assert ('id="history"' in response.content.decode()) == sees
    if sees:
        assert response.context["history"][-1].action == "create"


@pytest.mark.django_db
def test_the_history_includes_the_yearly_figures(registry_world):
    own, admin = registry_world.own, registry_world.admin
    indicator_set(actor=admin, enterprise=own, year=2024, revenue=Decimal(120))
    history = client_for(admin).get(detail(own)).context["history"]
    related = [e for e in history if e.is_related]
    assert any(e.object_repr.endswith("2024") and e.action == "create" for e in related)
    assert registry_world.other.name not in {e.object_repr for e in history}


@pytest.mark.django_db
def test_the_list_is_chinese_by_default_and_english_after_switching(registry_world):
    client = client_for(registry_world.admin)
    chinese = client.get(LIST).content.decode()
    assert "企业" in chinese
    assert "信用代码未公开" in chinese  # the synthetic firm has no public code
    switch = client.post(reverse("set_language"), {"language": "en", "next": LIST})
    assert switch.status_code == 302
    english = client.get(LIST).content.decode()
    assert "Enterprises" in english
    assert "credit code not public" in english
    assert "信用代码未公开" not in english


@pytest.mark.django_db
def test_the_district_filter_names_districts_in_the_readers_language(registry_world, districts):
    binjiang = districts["滨江区"]
    binjiang.name_en = "Binjiang"
    binjiang.save()
    option = f'<option value="{binjiang.pk}">'
    client = client_for(registry_world.admin)
    assert f"{option}滨江区</option>" in client.get(LIST).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": LIST})
    english = client.get(LIST).content.decode()
    assert f"{option}Binjiang</option>" in english
    assert "滨江区" not in english.split('name="district"')[1].split("</select>")[0]


@pytest.mark.django_db
def test_the_filter_form_reloads_only_the_results_through_htmx(registry_world):
    client = client_for(registry_world.admin)
    page = client.get(LIST).content.decode()
    assert 'hx-target="#list-results"' in page
    response = client.get(LIST, {"origin": "attracted"}, HTTP_HX_REQUEST="true")
    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<div id="list-results">')
    assert "<html" not in fragment
    assert registry_world.other.name in fragment
    assert registry_world.own.name not in fragment
    assert "export=csv" in fragment and "origin=attracted" in fragment


@pytest.mark.django_db
def test_a_firm_other_records_refer_to_is_not_deleted(registry_world):
    import datetime as dt

    from chainlead.requests.services import request_raise

    own, admin = registry_world.own, registry_world.admin
    request_raise(
        actor=admin,
        enterprise=own,
        category="permits",
        title="环评审批",
        description="新厂房环评审批进度",
        now=dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC),
    )
    client = client_for(admin)
    response = client.post(reverse("registry:enterprise_delete", kwargs={"pk": own.pk}))
    assert response.status_code == 302
    assert response["Location"] == detail(own)
    assert Enterprise.objects.filter(pk=own.pk).exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert len(messages) == 1
