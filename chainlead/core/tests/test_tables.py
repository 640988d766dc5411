"""The tables' rows written in one pass (`chainlead.core.tables`) are what django-tables2's own
template writes: every list page of the platform, and a table using the features no list uses
yet (callable cell attributes, localisation switched on and off, a row-wanting render)."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import django_tables2 as tables
import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django_tables2 import RequestConfig

from chainlead.core.tables import PlatformTable
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


class _Everything(PlatformTable):
    """Features of django-tables2 that no list of the platform uses today (on the platform's
    base, whose tables copy their columns shallowly)."""

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


# The reference for the whole table and its pager: django-tables2's own template (its header,
# rows and footer) with the pager core/table.html drew over it before the table was written in
# one pass (chainlead.core.tables.table_html).
REFERENCE_TABLE_TEMPLATE = (Path(__file__).parent / "table_reference.html").read_text()


def _container(html: str) -> str:
    """The table's `<div class="table-container">`, whitespace next to tags dropped."""
    start = html.index('<div class="table-container">')
    depth, position = 0, start
    for tag in re.finditer(r"<(/?)div\b", html[start:]):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            position = start + tag.end()
            break
    found = html[start : html.index(">", position) + 1]
    return re.sub(r">\s+", ">", re.sub(r"\s+<", "<", found)).strip()


def _reference(table: tables.Table, request: Any) -> str:
    from django.template import engines

    template = engines["django"].from_string(REFERENCE_TABLE_TEMPLATE)
    # Rows count on from the table's earlier rendering (even/odd classes): start again.
    table._counter = itertools.count()
    return _container(template.render({"table": table, "request": request}))


@pytest.mark.parametrize(("url_name", "params"), LIST_PAGES)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_list_writes_the_table_and_pager_the_blocks_wrote(
    world: Any, varied_firms: list[Enterprise], url_name: str, params: dict[str, str], language
):
    client = Client()
    client.force_login(world.admin)
    cache.clear()
    response = client.get(reverse(url_name), params, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    ours = _container(response.content.decode())
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        assert ours == _reference(response.context["table"], response.wsgi_request)
    # Not vacuous: a list with rows has its pager (an empty one has neither).
    assert ('<nav class="pagination"' in ours) == ("<tr " in ours)


@pytest.mark.parametrize("page", [1, 2, 7, 12, 13])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_pager_links_every_page_as_the_blocks_did(world: Any, page: int, language: str):
    """13 pages: previous/next, the gaps (…) either side, and the request's other parameters
    (Chinese, `&`, a repeated key, the sort) kept in every link."""
    EnterpriseFactory.create_batch(125)
    query = f"q=&district=&sort=-revenue&tag=a%26b&tag=%E9%93%BE&page={page}"
    request = RequestFactory().get(f"/registry/?{query}")
    with translation.override(language):
        table = EnterpriseTableForPager(Enterprise.objects.order_by("pk"))
        RequestConfig(request, paginate={"per_page": 10}).configure(table)
        ours = _container(table.as_html(request))
        assert ours == _reference(table, request)
    assert ours.count('aria-current="page"') == 1
    assert "…" in ours
    assert "tag=a%26b&amp;tag=%E9%93%BE" in ours and "sort=-revenue" in ours
    assert ("btn btn-secondary" in ours) and (f"page={page + 1}" in ours or page == 13)


class EnterpriseTableForPager(tables.Table):
    name = tables.Column(footer="合计 <total>")
    employees = tables.Column(footer=lambda table: sum(r.employees or 0 for r in table.data))

    class Meta:
        attrs = {"class": "data", "tbody": {"id": "rows"}, "tfoot": {"class": "sum"}}


def test_a_table_with_a_footer_writes_it_as_the_library_does(world: Any):
    EnterpriseFactory.create_batch(3, employees=10)
    request = RequestFactory().get("/")
    table = EnterpriseTableForPager(Enterprise.objects.order_by("pk"))
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    ours = _container(table.as_html(request))
    assert ours == _reference(table, request)
    assert '<tfoot class="sum">' in ours and "合计 &lt;total&gt;" in ours
    assert '<tbody id="rows">' in ours


def test_what_one_table_changes_in_its_columns_no_other_table_sees():
    first, second = _Everything([]), _Everything([])
    first.columns.hide("revenue")
    first.columns["name"].column.attrs["td"]["data-name"] = "changed"
    first.columns["name"].column.link.attrs["class"] = "changed"
    assert not first.columns["revenue"].visible
    for table in (second, _Everything([])):
        assert table.columns["revenue"].visible
        assert callable(table.columns["name"].column.attrs["td"]["data-name"])
        assert "class" not in (table.columns["name"].column.link.attrs or {})
    assert callable(_Everything.base_columns["name"].attrs["td"]["data-name"])
    # What no table changes is shared, not copied.
    assert (
        first.columns["template"].column.template_code
        is _Everything.base_columns["template"].template_code
    )
