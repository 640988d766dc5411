"""The tables' rows written in one pass (`chainlead.core.tables`) are what django-tables2's own
template writes: every list page of the platform, and a table using the features no list uses
yet (callable cell attributes, localisation switched on and off, a row-wanting render)."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any

import django_tables2 as tables
import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django_tables2 import RequestConfig

from chainlead.registry.choices import DataProvenance, Origin, SizeClass
from chainlead.registry.models import Enterprise, Industry
from chainlead.registry.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

# Every page that shows a django-tables2 table (each template calling `render_table`).
LIST_PAGES = [
    ("registry:enterprise_list", {}),
    ("registry:enterprise_list", {"q": "测试"}),  # ranked: the table without default order
    ("registry:enterprise_list", {"sort": "-revenue"}),
    ("registry:enterprise_list", {"sort": "district"}),
    ("registry:enterprise_list", {"q": "没有这样的企业"}),  # the empty text
    ("audit:entry_list", {}),
    ("requests:request_list", {}),
    ("commissioners:commissioner_list", {}),
    ("commissioners:assignment_list", {}),
    ("chains:review_queue", {}),
    ("recruitment:target_list", {}),
    ("poc:project_list", {}),
    ("programs:application_list", {}),
    ("governance:policy_list", {}),
]


def _body(html: str, tag: str = "tbody") -> str:
    """The `<tbody>` (or `<thead>`) of a page, whitespace between and inside tags dropped (the
    one difference allowed) and CSRF tokens blanked (masked anew at each rendering)."""
    found = re.search(rf"<{tag}[^>]*>(.*?)</{tag}>", html, re.S)
    assert found, f"no {tag} on the page"
    body = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]*', r"\1", found.group(1))
    body = re.sub(r">\s+", ">", re.sub(r"\s+<", "<", body))
    return body.strip()


def _library_body(table: tables.Table, request: Any, tag: str = "tbody") -> str:
    table.template_name = "django_tables2/table.html"  # the library's per-cell template
    return _body(table.as_html(request), tag)


@pytest.fixture
def varied_firms(world: Any) -> list[Enterprise]:
    """Firms whose cells take every branch of the enterprise table's renderers."""
    industry = Industry.objects.order_by("code").first()
    return [
        EnterpriseFactory(
            name="测试甲<b>有限公司",  # escaped, not markup
            credit_code=None,
            origin=Origin.ATTRACTED,
            provenance=DataProvenance.PUBLIC,
            revenue=Decimal("12345.6"),
            employees=1234,
            size_class=SizeClass.SMALL,
            industry=industry,
            stock_code="600001",
        ),
        EnterpriseFactory(name="测试乙有限公司", district=world.own.district, employees=None),
    ]


@pytest.mark.parametrize(("url_name", "params"), LIST_PAGES)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_list_writes_the_rows_the_library_writes(
    world: Any, varied_firms: list[Enterprise], url_name: str, params: dict[str, str], language
):
    client = Client()
    client.force_login(world.admin)
    cache.clear()  # the request list caches its table
    response = client.get(reverse(url_name), params, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    table = response.context["table"]
    ours = _body(response.content.decode())
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        theirs = _library_body(table, response.wsgi_request)
        their_head = _library_body(table, response.wsgi_request, "thead")
    assert ours == theirs
    assert _body(response.content.decode(), "thead") == their_head
    assert "<th" in their_head
    if url_name == "registry:enterprise_list" and "q" not in params:
        # Not vacuous: the firms are on the page, each cell as the library renders it.
        assert ours.count("<tr ") == Enterprise.objects.count()
        assert "测试甲&lt;b&gt;有限公司" in ours and 'class="badge badge-attracted"' in ours
        assert "12,346" in ours and "1,234" in ours


class _Everything(tables.Table):
    """Features of django-tables2 that no list of the platform uses today."""

    name = tables.Column(
        linkify=lambda record: f"/firm/{record.pk}/",
        attrs={"td": {"data-name": lambda value: value, "class": lambda record: record.origin}},
    )
    revenue = tables.Column(localize=True)
    employees = tables.Column(localize=False)
    founded = tables.DateColumn(format="Y-m-d")
    size_class = tables.Column()  # choices: shown by label
    district_name = tables.Column(accessor="district__name", default="(none)")
    position = tables.Column(empty_values=(), orderable=False)
    template = tables.TemplateColumn("{{ record.name|length }}·{{ value }}", accessor="pk")
    missing = tables.Column(accessor="no_such_attribute", default="?")

    class Meta:
        attrs = {"class": "data", "td": {"title": "cell"}}
        row_attrs = {"data-pk": lambda record: record.pk}

    def render_position(self, bound_row: Any, record: Enterprise) -> Any:
        return format_html("<i>{}</i>", bound_row.row_counter)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_features_no_list_uses_yet_render_as_the_library_does(world: Any, language: str):
    EnterpriseFactory(
        name="甲", revenue=Decimal("1234567.5"), employees=54321, founded=dt.date(2020, 1, 2)
    )
    EnterpriseFactory(name="乙", district=world.own.district, size_class=SizeClass.MICRO)
    request = RequestFactory().get("/")
    with translation.override(language):
        table = _Everything(Enterprise.objects.order_by("pk"))
        RequestConfig(request, paginate={"per_page": 50}).configure(table)
        html = table.as_html(request)
        ours = _body(html)
        theirs = _library_body(table, request)
        assert _body(html, "thead") == _library_body(table, request, "thead")
    assert ours == theirs
    assert 'data-pk="' in ours and "<i>" in ours and "(none)" in ours


def test_an_empty_table_says_so_as_the_library_does():
    request = RequestFactory().get("/")
    table = _Everything(Enterprise.objects.none(), empty_text="Nothing <here>")
    RequestConfig(request).configure(table)
    ours = _body(table.as_html(request))
    assert ours == _library_body(table, request)
    assert ours == '<tr><td colspan="9">Nothing &lt;here&gt;</td></tr>'


def test_every_list_of_the_demo_city_writes_the_rows_the_library_writes(districts: Any):
    """The demo fills every list (requests, reviews, targets, projects, …): each page's rows,
    in both languages, as the library's template writes them."""
    from django.core.management import call_command

    from chainlead.accounts.models import User

    call_command("load_demo", stdout=io.StringIO())
    client = Client()
    client.force_login(User.objects.filter(is_superuser=True).first())
    rows = {}
    for language in ("zh-hans", "en"):
        for url_name, params in LIST_PAGES:
            cache.clear()
            response = client.get(reverse(url_name), params, HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 200, url_name
            table = response.context["table"]
            ours = _body(response.content.decode())
            with translation.override(response.wsgi_request.LANGUAGE_CODE):
                assert ours == _library_body(table, response.wsgi_request), (url_name, language)
            rows[url_name] = max(rows.get(url_name, 0), ours.count("<tr "))
    # Every list shows rows (but the demo's commissioner stations: one or none).
    rows.pop("commissioners:assignment_list")
    assert [name for name, n in rows.items() if n < 2] == [], rows
