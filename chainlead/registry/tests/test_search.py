"""Search where Traditional and Simplified characters are equal, in the queryset and the list."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from chainlead.accounts.models import User
from chainlead.registry.filtersets import EnterpriseFilterSet
from chainlead.registry.models import Enterprise
from chainlead.registry.services import enterprise_create


@pytest.fixture
def firms(db: Any, districts: dict[str, Any]) -> dict[str, Enterprise]:
    admin = User.objects.create_superuser("searcher", password=None)
    names = {
        "hik": "杭州海康威视数字技术股份有限公司",
        "deepseek": "杭州深度求索人工智能基础技术研究有限公司",
        "brainco": "浙江强脑科技有限公司",
    }
    made = {
        key: enterprise_create(actor=admin, name=name, district=districts["滨江区"])
        for key, name in names.items()
    }
    return made


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("海康威視", {"hik"}),  # Traditional finds Simplified
        ("海康威视", {"hik"}),
        ("深度求索", {"deepseek"}),
        ("強腦", {"brainco"}),
        (" 强 脑 ", {"brainco"}),  # spaces are ignored
        ("杭州", {"hik", "deepseek"}),
        ("不存在的公司", set()),
    ],
)
def test_search_treats_traditional_and_simplified_alike(firms, text, expected):
    found = set(Enterprise.objects.search(text).values_list("pk", flat=True))
    assert found == {firms[k].pk for k in expected}


@pytest.mark.django_db
def test_the_filterset_search_is_the_queryset_search(firms):
    fs = EnterpriseFilterSet({"q": "海康威視"}, queryset=Enterprise.objects.all())
    assert list(fs.qs) == [firms["hik"]]


@pytest.mark.django_db
def test_the_list_page_finds_traditional_spellings(firms):
    client = Client()
    client.force_login(User.objects.get(username="searcher"))
    response = client.get(reverse("registry:enterprise_list"), {"q": "海康威視"})
    assert response.status_code == 200
    rows = [row.record for row in response.context["table"].paginated_rows]
    assert rows == [firms["hik"]]
    assert firms["hik"].name in response.content.decode()


@pytest.mark.django_db
def test_the_searched_list_ranks_once_and_pages_through_the_ranking(districts):
    """A searched list reads its ranked firms' ids once: the count and each page come from them
    (no COUNT of the ranking), 20 best matches a page, in the ranking's order."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from chainlead.core.search import SearchQuery
    from chainlead.registry.search import matching
    from chainlead.registry.views import SEARCH_PER_PAGE

    admin = User.objects.create_superuser("ranker", password=None)
    for i in range(45):
        # Names that match the query to different degrees, so the ranking has an order.
        name = f"星河{'科技' * (i % 3)}第{i}号有限公司" if i % 2 else f"杭州星河第{i}号有限公司"
        enterprise_create(actor=admin, name=name, district=districts["滨江区"])
    enterprise_create(actor=admin, name="不相干的公司", district=districts["滨江区"])
    ranking = list(
        matching(Enterprise.objects.all(), SearchQuery.parse("星河")).values_list("pk", flat=True)
    )
    assert len(ranking) == 45
    client = Client()
    client.force_login(admin)
    url = reverse("registry:enterprise_list")
    seen = []
    for page in (1, 2, 3):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"q": "星河", "page": page})
        assert response.status_code == 200
        table = response.context["table"]
        assert table.paginator.count == 45
        seen += [row.record.pk for row in table.paginated_rows]
        counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
        assert not [sql for sql in counts if "registry_enterprise" in sql], counts
    assert SEARCH_PER_PAGE == 20
    assert seen == ranking  # 20 + 20 + 5, in the ranking's order
    # Sorted by a column, the list is a plain list again: 50 a page, counted.
    response = client.get(url, {"q": "星河", "sort": "name"})
    names = [row.record.name for row in response.context["table"].paginated_rows]
    assert names == sorted(names) and len(names) == 45


@pytest.mark.django_db
@pytest.mark.parametrize("q", ["星河", "没有这样的企业", "9133"])
def test_every_searched_list_keeps_the_tables_look_and_empty_text(districts, q):
    """Searched by words (ranked once), by nothing found, or by a code: the table is the
    enterprise table's (class "data", its empty text), as the unsearched list."""
    admin = User.objects.create_superuser("looker", password=None)
    enterprise_create(actor=admin, name="杭州星河科技有限公司", district=districts["滨江区"])
    client = Client()
    client.force_login(admin)
    plain = client.get(reverse("registry:enterprise_list"), HTTP_ACCEPT_LANGUAGE="en")
    searched = client.get(reverse("registry:enterprise_list"), {"q": q}, HTTP_ACCEPT_LANGUAGE="en")
    assert searched.status_code == plain.status_code == 200
    assert '<table class="data">' in plain.content.decode()
    html = searched.content.decode()
    assert '<table class="data">' in html
    table = searched.context["table"]
    assert table.empty_text == plain.context["table"].empty_text == "No firm matches these filters."
    if not table.rows:
        assert "No firm matches these filters." in html
