"""Search that finds (issue 15 item 4): names in Simplified or Traditional, English names, codes,
words of the business, typos; scope; the page, the enterprise list's `q` and the API.

Runs on SQLite (FTS5 trigram candidates ranked in Python) and on PostgreSQL (pg_trgm), e.g.
`DATABASE_URL=postgres://postgres@127.0.0.1:5432/chainlead_search pytest chainlead/search`.
"""

from __future__ import annotations

import io
from typing import Any

import opencc
import pytest
from django.test import Client
from django.urls import reverse

from chainlead.accounts.models import User
from chainlead.core.search import SearchQuery, search, search_document, similarity
from chainlead.registry.choices import DataProvenance
from chainlead.registry.generator import synthetic_credit_code
from chainlead.registry.models import Enterprise
from chainlead.registry.search import matching, search_catch_up
from chainlead.registry.services import enterprise_create, enterprise_update

FIRMS = {
    "hik": {
        "name": "杭州海康威视数字技术股份有限公司",
        "short_name": "海康威视",
        "name_en": "Hangzhou Hikvision Digital Technology Co., Ltd.",
        "stock_code": "002415",
        "main_business": "视频监控产品和解决方案",
    },
    "deepseek": {
        "name": "杭州深度求索人工智能基础技术研究有限公司",
        "short_name": "深度求索",
        "name_en": "DeepSeek",
        "main_business": "大语言模型研发",
    },
    "brainco": {
        "name": "浙江强脑科技有限公司",
        "name_en": "BrainCo",
        "main_business": "脑机接口与智能假肢",
    },
    # Entered in Traditional characters: found by a Simplified query too.
    "tsmc": {
        "name": "臺灣積體電路製造股份有限公司",
        "name_en": "Taiwan Semiconductor Manufacturing Company",
        "stock_code": "TSM",
    },
    "dahua": {
        "name": "浙江大华技术股份有限公司",
        "short_name": "大华股份",
        "stock_code": "002236",
        "main_business": "视频监控",
    },
}


@pytest.fixture
def firms(db: Any, districts: dict[str, Any]) -> dict[str, Enterprise]:
    admin = User.objects.create_superuser("searcher", password=None)
    made = {}
    for n, (key, fields) in enumerate(FIRMS.items()):
        made[key] = enterprise_create(
            actor=admin,
            district=districts["滨江区"],
            credit_code=synthetic_credit_code(n, "330108", 7),
            **fields,
        )
    return made


def found(text: str) -> list[int]:
    return list(
        matching(Enterprise.objects.all(), SearchQuery.parse(text)).values_list("pk", flat=True)
    )


def first(text: str, firms: dict[str, Enterprise]) -> str | None:
    pks = found(text)
    by_pk = {f.pk: k for k, f in firms.items()}
    return by_pk.get(pks[0]) if pks else None


# --- the text forms -------------------------------------------------------------------------


def test_documents_cut_chinese_into_pairs_and_fold_traditional_and_case():
    assert search_document("海康威視", "HikVision") == " 海康 康威 威视 hikvision "
    assert SearchQuery.parse("  海康 ").phrase == " 海康"
    assert SearchQuery.parse("９１３３ab").code == "9133AB"  # full-width digits folded


def test_similarity_forgives_one_wrong_character():
    doc = search_document("杭州海康威视数字技术股份有限公司")
    assert similarity(SearchQuery.parse("海康威视"), doc) == 1.0
    assert similarity(SearchQuery.parse("海康微视"), doc) >= 0.5
    assert similarity(SearchQuery.parse("完全无关"), doc) < 0.5


# --- finding firms --------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("海康威视", "hik"),
        ("海康威視", "hik"),  # Traditional finds Simplified
        ("台湾积体电路", "tsmc"),  # Simplified finds Traditional
        ("臺積", None),  # two characters that are not adjacent in the name: nothing
        ("强脑", "brainco"),
        ("強腦科技", "brainco"),
        ("深度求索", "deepseek"),
    ],
)
def test_simplified_and_traditional_find_the_same_firm(firms, text, expected):
    assert first(text, firms) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hikvision", "hik"),
        ("HIKVISION digital", "hik"),
        ("Hikvis", "hik"),  # a prefix of a word
        ("deepseek", "deepseek"),
        ("brainco", "brainco"),
        ("Taiwan Semiconductor", "tsmc"),
    ],
)
def test_english_names(firms, text, expected):
    assert first(text, firms) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("海康微视", "hik"),  # one wrong character (微 for 威)
        ("深度球索", "deepseek"),
        ("hikvison", "hik"),  # a letter left out
        ("deepsek", "deepseek"),
        ("brainko", "brainco"),
    ],
)
def test_typos_are_forgiven(firms, text, expected):
    assert first(text, firms) == expected


@pytest.mark.django_db
def test_stock_and_credit_codes(firms):
    assert found("002415")[0] == firms["hik"].pk
    assert found("002236")[0] == firms["dahua"].pk
    assert found("tsm")[0] == firms["tsmc"].pk
    code = firms["brainco"].credit_code
    assert found(code) == [firms["brainco"].pk]
    assert found(code.lower())[0] == firms["brainco"].pk
    assert firms["brainco"].pk in found(code[:10])  # a prefix of the code


@pytest.mark.django_db
def test_words_of_the_business(firms):
    assert first("脑机接口", firms) == "brainco"
    assert set(found("视频监控")) == {firms["hik"].pk, firms["dahua"].pk}
    # the firm whose *name* holds the words ranks above the one whose business does
    assert first("大语言模型", firms) == "deepseek"


@pytest.mark.django_db
def test_common_words_change_the_index_condition_not_the_results(firms, monkeypatch):
    # On 1,000,000 firms PostgreSQL looks the phrase up by its least common words (learnt from a
    # sample; a small registry has none), then checks the whole phrase on what it finds.
    from chainlead.registry import search as registry_search

    texts = ["杭州海康威视", "海康威视数字", "视频监控", "浙江大华技术", "海康微视数字"]
    plain = {text: found(text) for text in texts}
    _, sections = search(User.objects.get(username="searcher"), "杭州海康威视")
    page = [hit.pk for hit in sections[0].hits]
    monkeypatch.setattr(registry_search, "_common_words", frozenset({"杭州", "数字", "技术"}))
    assert registry_search._selective(SearchQuery.parse("杭州海康威视")) == " 州海 海康 "
    assert registry_search._selective(SearchQuery.parse("海康威视数字")) == " 海康 康威 "
    assert {text: found(text) for text in texts} == plain
    assert plain["杭州海康威视"] == [firms["hik"].pk]
    _, sections = search(User.objects.get(username="searcher"), "杭州海康威视")
    assert [hit.pk for hit in sections[0].hits] == page == [firms["hik"].pk]


@pytest.mark.django_db
def test_one_character_falls_back_to_a_name_prefix(firms):
    assert set(found("浙")) == {firms["brainco"].pk, firms["dahua"].pk}
    assert found("") == list(Enterprise.objects.values_list("pk", flat=True))


@pytest.mark.django_db
def test_unrelated_text_finds_nothing(firms):
    assert found("完全无关的文字") == []
    assert found("zzzzqqq") == []


# --- the index follows writes ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_renamed_firm_is_found_by_its_new_name_only(firms):
    admin = User.objects.get(username="searcher")
    enterprise_update(actor=admin, enterprise=firms["brainco"], name="浙江脑电波科技有限公司")
    assert first("脑电波", firms) == "brainco"
    assert firms["brainco"].pk not in found("强脑")


@pytest.mark.django_db
def test_bulk_writes_are_indexed_by_the_catch_up(firms):
    Enterprise.objects.bulk_create(
        [Enterprise(name="杭州新批量导入科技有限公司", provenance=DataProvenance.SYNTHETIC)]
    )
    assert found("批量导入") == []  # no signal: not yet indexed
    assert search_catch_up() == 1
    assert len(found("批量导入")) == 1
    assert search_catch_up() == 0


@pytest.mark.django_db
def test_a_deleted_firm_is_no_longer_found(firms):
    firms["dahua"].delete()
    assert found("大华") == []


# --- scope, the page, the list's q and the API -----------------------------------------------


@pytest.mark.django_db
def test_each_role_finds_only_the_firms_it_may_see(world):
    own, other = world.own.firm, world.other.firm
    everyone = {"city_admin", "auditor", "finance"}
    for role, user in world.users.items():
        _, sections = search(user, "Walk firm", kinds=["enterprise"])
        pks = {hit.pk for hit in sections[0].hits}
        if role in everyone:
            assert pks == {own.pk, other.pk}, role
        elif role in {"chain_leader", "task_force", "district_official", "enterprise"}:
            assert pks == {own.pk}, role  # never the other side's firm
        else:
            assert pks == set(), role


@pytest.mark.django_db
def test_the_api_and_the_list_q_keep_to_the_scope(world, role_clients):
    own, other = world.own.firm, world.other.firm
    for role in ("enterprise", "district_official"):
        client = role_clients[role]
        data = client.get("/api/v1/search/", {"q": "walk firm", "kind": "enterprise"}).json()
        assert [h["pk"] for h in data["sections"][0]["hits"]] == [own.pk], role
        listed = client.get("/api/v1/registry/enterprises", {"q": "walk firm other"}).json()
        assert other.pk not in [row["id"] for row in listed["items"]], role
        page = client.get(reverse("search:results"), {"q": "Walk firm other"})
        sections = {s.provider.kind: s for s in page.context["sections"]}
        shown = {hit.pk for hit in sections["enterprise"].hits}
        assert own.pk in shown, role  # "Walk firm own" is near enough to be offered
        assert other.pk not in shown, role


@pytest.mark.django_db
def test_the_results_page_has_a_section_per_kind_and_marks_synthetic_data(firms):
    Enterprise.objects.filter(pk=firms["hik"].pk).update(provenance=DataProvenance.SYNTHETIC)
    client = Client()
    client.force_login(User.objects.get(username="searcher"))
    response = client.get(reverse("search:results"), {"q": "海康威視"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-kind="enterprise"' in body
    assert f'data-pk="{firms["hik"].pk}"' in body
    assert "badge-synthetic" in body
    fragment = client.get(reverse("search:results"), {"q": "强脑"}, HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.content.decode()
    assert firms["brainco"].name in fragment.content.decode()


@pytest.mark.django_db
def test_the_enterprise_list_q_ranks_the_best_match_first(firms):
    client = Client()
    client.force_login(User.objects.get(username="searcher"))
    response = client.get(reverse("registry:enterprise_list"), {"q": "hikvison"})
    rows = [row.record for row in response.context["table"].paginated_rows]
    assert rows[0] == firms["hik"]
    # Ranked, not in the table's default order by name: 安徽… sorts before 浙江大华…, whose
    # short name starts with the query.
    namesake = Enterprise.objects.create(name="安徽大华之星科技有限公司")
    search_catch_up()
    response = client.get(reverse("registry:enterprise_list"), {"q": "大华"})
    rows = [row.record for row in response.context["table"].paginated_rows]
    assert rows[:2] == [firms["dahua"], namesake]
    by_name = client.get(reverse("registry:enterprise_list"), {"q": "大华", "sort": "name"})
    rows = [row.record for row in by_name.context["table"].paginated_rows]
    assert rows[:2] == [namesake, firms["dahua"]]  # a column chosen: its order
    api = client.get("/api/v1/registry/enterprises", {"q": "002236"}).json()
    assert api["items"][0]["id"] == firms["dahua"].pk


@pytest.mark.django_db
def test_the_list_says_when_a_search_reaches_the_most_matches_it_ranks(firms, monkeypatch):
    from chainlead.registry import search as registry_search

    monkeypatch.setattr(registry_search, "CANDIDATES", 2)
    client = Client()
    client.force_login(User.objects.get(username="searcher"))
    capped = client.get(reverse("registry:enterprise_list"), {"q": "视频监控"})
    assert len(capped.context["table"].paginated_rows) == 2
    assert 'data-testid="search-capped"' in capped.content.decode()
    one = client.get(reverse("registry:enterprise_list"), {"q": "海康威视"})
    assert 'data-testid="search-capped"' not in one.content.decode()
    code = client.get(reverse("registry:enterprise_list"), {"q": "002415"})  # a code: all
    assert 'data-testid="search-capped"' not in code.content.decode()


@pytest.mark.django_db
def test_the_api_answers_every_kind_and_is_in_the_openapi_schema(firms):
    client = Client()
    client.force_login(User.objects.get(username="searcher"))
    data = client.get("/api/v1/search/", {"q": "海康威视"}).json()
    kinds = [s["kind"] for s in data["sections"]]
    assert kinds[:2] == ["enterprise", "request"]
    assert {"policy", "chain"} <= set(kinds)
    assert data["sections"][0]["hits"][0]["pk"] == firms["hik"].pk
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/search/" in schema["paths"]


@pytest.mark.django_db
def test_an_import_indexes_the_firms_it_writes(districts, tmp_path):
    from django.core.management import call_command

    names = ["杭州临江光启微电子有限公司", "杭州云栖睿思数据科技有限公司"]
    path = tmp_path / "firms.csv"
    lines = [
        "credit_code,name,district,industry_code,founded,size_class,above_designated_size,"
        "employees,revenue,rd_spend,business_scope,listed,origin,origin_place,landed_on"
    ]
    lines += [
        f"{synthetic_credit_code(50 + n, '330108', 3)},{name},滨江区,6513,2015-01-01,small,no,"
        "10,100,5,软件开发,no,local,,"
        for n, name in enumerate(names)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    call_command("import_enterprises", str(path), "--no-progress", stdout=io.StringIO())
    for name in names:
        firm = Enterprise.objects.get(name=name)
        assert found(name.removesuffix("有限公司")) == [firm.pk]
        assert found(opencc.OpenCC("s2t").convert(name))[0] == firm.pk  # in Traditional


RANKED_QUERIES = [
    "海康威視",
    "hikvison",
    "大华",
    "视频监控",
    "深度求索",
    "强脑科技",
    "臺灣積體",
    "无此企业",
]


@pytest.mark.django_db
def test_the_registrys_ranking_in_one_statement_is_matchings(firms):
    """A city-wide reader's list ranks the registry in one plain statement on PostgreSQL: the
    same firms in the same order as `matching`; elsewhere (SQLite) `matching` does it."""
    from django.db import connection

    from chainlead.registry.search import registry_ranking

    Enterprise.objects.create(name="安徽大华之星科技有限公司")
    search_catch_up()
    for text in RANKED_QUERIES:
        ranking = registry_ranking(SearchQuery.parse(text))
        if connection.vendor == "postgresql":
            assert ranking == found(text), text
        else:
            assert ranking is None
    assert registry_ranking(SearchQuery.parse("华")) is None  # one character: a prefix
    # Codes: the exact credit or stock code, else the credit codes the query begins.
    firm = Enterprise.objects.filter(credit_code__isnull=False).order_by("pk").first()
    assert firm is not None and firm.credit_code
    for text in ("002415", firm.credit_code, firm.credit_code[:10].lower(), "91330000ZZZZ"):
        ranking = registry_ranking(SearchQuery.parse(text))
        if connection.vendor == "postgresql":
            expected = found(text)
            assert ranking == expected, text
            assert expected or text == "91330000ZZZZ", text  # not vacuous
        else:
            assert ranking is None


@pytest.mark.django_db
def test_a_code_beginning_more_firms_than_are_ranked_is_left_to_matching(firms, monkeypatch):
    from django.db import connection

    from chainlead.registry import search
    from chainlead.registry.search import registry_ranking

    code = Enterprise.objects.exclude(credit_code=None).order_by("pk").first().credit_code[:8]
    query = SearchQuery.parse(code)
    if connection.vendor != "postgresql":
        assert registry_ranking(query) is None
        return
    begun = found(code)
    assert len(begun) >= 2  # not vacuous: the prefix begins several firms' codes
    monkeypatch.setattr(search, "CANDIDATES", len(begun) - 1)
    assert registry_ranking(query) is None  # more than are ranked: the filterset pages them
    monkeypatch.setattr(search, "CANDIDATES", len(begun))
    assert registry_ranking(query) == begun


@pytest.mark.django_db
def test_a_city_wide_list_search_ranks_once_and_scoped_or_filtered_ones_keep_the_filterset(
    firms, world
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def ranking_statements(user: User, params: dict[str, str]) -> list[str]:
        """The statements that rank (PostgreSQL's word similarity, SQLite's FTS candidates)."""
        client = Client()
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("registry:enterprise_list"), params)
        assert response.status_code == 200
        assert not [
            q for q in queries if "COUNT(" in q["sql"] and "registry_enterprise" in q["sql"]
        ]
        marker = "word_similarity" if connection.vendor == "postgresql" else "_fts"
        return [q["sql"].lstrip() for q in queries if marker in q["sql"]]

    admin = User.objects.get(username="searcher")
    statements = ranking_statements(admin, {"q": "视频监控"})
    assert len(statements) == 1  # ranked once: no COUNT, no second ranking for the page
    plain = statements[0].startswith("WITH exact AS MATERIALIZED")
    assert plain == (connection.vendor == "postgresql")  # the one plain statement there
    # Filtered beyond the words, or a reader with a scope: the filterset's ranking.
    district = str(firms["hik"].district_id)
    filtered = ranking_statements(admin, {"q": "视频监控", "district": district})
    assert len(filtered) == 1 and not filtered[0].startswith("WITH exact")
    scoped = ranking_statements(world.users["district_official"], {"q": "视频监控"})
    assert len(scoped) == 1 and not scoped[0].startswith("WITH exact")
    # An export reads the filterset's whole list, and nothing ranks it beforehand for a page.
    client = Client()
    client.force_login(admin)
    with CaptureQueriesContext(connection) as queries:
        export = client.get(reverse("registry:enterprise_list"), {"q": "视频监控", "export": "csv"})
        content = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "杭州海康威视数字技术股份有限公司" in content
    assert not [q for q in queries if q["sql"].lstrip().startswith("WITH exact")]


@pytest.mark.django_db
def test_a_city_wide_list_searched_by_code_reads_no_count_on_postgresql(firms):
    """A code in a city-wide reader's list: on PostgreSQL its firms are read by id (no COUNT,
    no ORM ranking); the page lists what `matching` finds, in its order, on either database."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(User.objects.get(username="searcher"))
    code = Enterprise.objects.exclude(credit_code=None).order_by("pk").first().credit_code
    for text in (code, code[:10]):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("registry:enterprise_list"), {"q": text})
        assert response.status_code == 200
        listed = [row.record.pk for row in response.context["table"].page.object_list]
        assert listed == found(text)[: len(listed)] and listed, text
        counts = [q for q in queries if "COUNT(" in q["sql"] and "registry_enterprise" in q["sql"]]
        assert (counts == []) == (connection.vendor == "postgresql"), text
