"""Finding firms: by Chinese or English name, short name, stock or credit code and the words of
their business, in Simplified or Traditional, forgiving typos (issue 15 item 4).

Each firm has a search document (`EnterpriseSearch.document`, see `chainlead.core.search`),
written on every save (a post_save handler), by the import job's follow-up and by
`search_catch_up()` for bulk writes that send no signals (`chainlead search-reindex`).

PostgreSQL: a GIN trigram index (pg_trgm) on the document. A firm matches when its document
holds the query's words in order (`LIKE '% w1 w2%'`, a substring the index finds), or when the
query is word-similar to a stretch of it (`query <% document`, pg_trgm's word similarity above
`WORD_SIMILARITY`, which a typo in one character of a four-character name still passes). The
candidates are ranked by word similarity plus boosts: an exact credit or stock code first, then
a name that equals or starts with the query.

SQLite: an FTS5 table with the trigram tokenizer mirrors the documents (triggers); the
candidates are the documents holding the phrase, or failing that any of the query's words, and
are ranked in Python (`core.search.similarity`). Queries of one character fall back to a name
and code prefix on both.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, models
from django.db.models import (
    BooleanField,
    Case,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.urls import reverse

from chainlead.core.search import (
    SearchHit,
    SearchQuery,
    search_document,
    search_documents,
    similarity,
)
from chainlead.registry.choices import DataProvenance
from chainlead.registry.models import Enterprise, EnterpriseSearch

WORD_SIMILARITY = 0.4  # pg_trgm.word_similarity_threshold for the typo-tolerant match
CANDIDATES = 2000  # at most this many matches are ranked (a query matching more is too vague)
FUZZY_CANDIDATES = 300  # of the merely similar (typos), at most this many
MAX_TYPO_CHARS = 12  # a query's first characters, each of which may be the wrong one
TABLE_NAME = "registry_enterprisesearch"
FTS_TABLE = "registry_enterprisesearch_fts"
FTS_SELECT = (
    "SELECT rowid FROM registry_enterprisesearch_fts WHERE registry_enterprisesearch_fts MATCH %s "
    "ORDER BY rank LIMIT 20000"
)
# Of the business, the words indexed: the main business (what the firm says it does), and the
# head of its registered business scope (its main activity; the rest is a long legal list).
MAIN_BUSINESS_CHARS = 80
SCOPE_CHARS = 30
BATCH = 5000
REBUILD_INDEX_ABOVE = 100_000  # documents written at once above which the index is rebuilt
TRGM_INDEX = "registry_enterprisesearch_trgm"
# Words in more than COMMON_SHARE of the documents (科技, 有限, a district's name…) make a poor
# index condition: pg_trgm's GIN reads their long posting lists for every query holding them
# (a brand with its trade, "卓合科技": 3–11 ms; the brand's words alone, then the whole phrase
# checked on the few rows found: 0.8 ms, 1,000,000 firms). Which words are common is learnt
# once per process from a sample; a stale answer only makes the index condition less
# selective, never the results different.
COMMON_SHARE = 0.005
COMMON_SAMPLE = 5_000  # documents sampled
COMMON_ABOVE = 100_000  # documents below which every condition is cheap: no sample

SOURCE_FIELDS = (
    "name",
    "short_name",
    "name_en",
    "credit_code",
    "stock_code",
    "main_business",
    "business_scope",
)


def _parts(values: Sequence[Any]) -> list[str | None]:
    # The credit code is not in the document: codes are looked up by their B-tree indexes
    # (`matching`), and 18 characters sharing the city's prefix would only blur the trigrams.
    name, short, name_en, _credit, stock, main, scope = values
    return [
        name,
        short,
        name_en,
        stock,
        (main or "")[:MAIN_BUSINESS_CHARS],
        (scope or "")[:SCOPE_CHARS],
    ]


def document_of(enterprise: Enterprise) -> str:
    return search_document(*_parts([getattr(enterprise, f) for f in SOURCE_FIELDS]))


def index_enterprise(enterprise: Enterprise) -> None:
    """Write the firm's search document (after each save)."""
    EnterpriseSearch.objects.update_or_create(
        enterprise_id=enterprise.pk,
        defaults={"document": document_of(enterprise), "version": enterprise.version},
    )


def reindex(
    ids: Iterable[int] | None = None, *, stale_only: bool = False, batch: int = BATCH
) -> int:
    """(Re)write the documents of the firms `ids` (all when None; with `stale_only`, those
    without a current document); returns how many.

    Many documents at once (an import of a city's registry) are written without the trigram
    index on PostgreSQL, which is built again afterwards: minutes faster for a million firms."""
    qs = Enterprise.objects.order_by("pk")
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    if stale_only:
        current = EnterpriseSearch.objects.filter(
            enterprise_id=models.OuterRef("pk"), version=models.OuterRef("version")
        )
        qs = qs.filter(~models.Exists(current))
    rebuild = False
    if connection.vendor == "postgresql":
        rebuild = qs[REBUILD_INDEX_ABOVE : REBUILD_INDEX_ABOVE + 1].exists()
    if rebuild:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX IF EXISTS {TRGM_INDEX}")
    try:
        return _write(qs, batch)
    finally:
        if rebuild:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"CREATE INDEX IF NOT EXISTS {TRGM_INDEX} ON registry_enterprisesearch "
                    "USING gin (document gin_trgm_ops)"
                )


def _write(qs: QuerySet[Enterprise], batch: int) -> int:
    done = 0
    last = 0
    while True:
        rows = list(qs.filter(pk__gt=last).values_list("pk", "version", *SOURCE_FIELDS)[:batch])
        if not rows:
            return done
        documents = search_documents([_parts(r[2:]) for r in rows])
        EnterpriseSearch.objects.bulk_create(
            [
                EnterpriseSearch(enterprise_id=r[0], version=r[1], document=d)
                for r, d in zip(rows, documents, strict=True)
            ],
            update_conflicts=True,
            unique_fields=["enterprise"],
            update_fields=["document", "version"],
        )
        done += len(rows)
        last = rows[-1][0]


def search_catch_up() -> int:
    """Index what bulk writes (imports, generators) left without a current document."""
    return reindex(stale_only=True)


# --- querying ---------------------------------------------------------------------------------


class WordSimilar(Func):
    """`query <% document`: pg_trgm's word similarity above its threshold (GIN-indexed)."""

    arg_joiner = " <%% "
    template = "(%(expressions)s)"
    output_field = BooleanField()


class Like(Func):
    """`document LIKE pattern`, the pattern's `_` a wildcard (GIN-indexed by pg_trgm)."""

    arg_joiner = " LIKE "
    template = "(%(expressions)s)"
    output_field = BooleanField()


def _one_wrong_character(query: SearchQuery) -> list[str]:
    """LIKE patterns of the query's Chinese with any one character unknown: "恒太科技" →
    "% _太 太科 科技%", "% 恒_ _科 科技%", …; the usual Chinese typo is one wrong character
    (a homophone), which breaks two of a four-character name's three pairs."""
    words = query.words
    chained = all(_is_han(w) for w in words) and all(
        a[1] == b[0] for a, b in itertools.pairwise(words)
    )
    if not chained or len(words) < 2:
        return []
    han = words[0] + "".join(w[1] for w in words[1:])
    patterns = []
    for at in range(min(len(han), MAX_TYPO_CHARS)):
        chars = [*han[:at], "_", *han[at + 1 :]]
        pairs = [chars[i] + chars[i + 1] for i in range(len(chars) - 1)]
        patterns.append("% " + " ".join(pairs) + "%")
    return patterns


def _is_han(word: str) -> bool:
    return len(word) == 2 and not word.isascii()


def _similar(query: SearchQuery, document: Value) -> Q:
    """Typo-tolerant: word similarity (Latin words), or one wrong Chinese character."""
    condition = Q(WordSimilar(document, F("search_entry__document")))
    patterns = _one_wrong_character(query)
    if patterns:
        condition = Q()
        for pattern in patterns:
            condition |= Q(Like(F("search_entry__document"), Value(pattern)))
    return condition


class WordSimilarity(Func):
    function = "word_similarity"
    output_field = FloatField()


def set_trigram_threshold(sender: Any, connection: Any, **kwargs: Any) -> None:
    """On each new PostgreSQL connection: the word similarity `<%` accepts (connection_created).
    Set before pg_trgm is loaded, the setting waits as a placeholder, which pg_trgm adopts."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)",
                [str(WORD_SIMILARITY)],
            )


def _prefix(query: SearchQuery) -> Q:
    text = query.raw.strip()
    return (
        Q(name__startswith=text)
        | Q(short_name__startswith=text)
        | Q(credit_code__startswith=query.code)
        | Q(stock_code__startswith=query.code)
    )


def _boosts(query: SearchQuery) -> Case:
    code = query.code
    raw = query.raw.strip()
    return Case(
        When(Q(credit_code=code) | Q(stock_code=code), then=Value(3.0)),
        When(Q(name=raw) | Q(short_name=raw), then=Value(2.0)),
        When(Q(name__startswith=raw) | Q(short_name__startswith=raw), then=Value(0.5)),
        default=Value(0.0),
        output_field=FloatField(),
    )


def _fts_available() -> bool:
    return FTS_TABLE in connection.introspection.table_names()


def _fts_match(query: SearchQuery, *, any_word: bool) -> str:
    """An FTS5 query: the phrase, or (`any_word`) any Chinese pair or any trigram of a word."""

    def quoted(s: str) -> str:
        return '"' + s.replace('"', '""') + '"'

    if not any_word:
        return quoted(query.phrase)
    parts: set[str] = set()
    for word in query.words:
        if len(word) < 3:
            parts.add(f" {word} ")
        else:
            parts.update(word[i : i + 3] for i in range(len(word) - 2))
    return " OR ".join(quoted(p) for p in sorted(parts))


class Unindexed(Func):
    """`(document || '')`: the same text, which no index serves, so that a condition on it is
    checked on the rows the other conditions found instead of read from the index."""

    template = "(%(expressions)s || '')"
    output_field = models.TextField()


_common_words: frozenset[str] | None = None


def common_words() -> frozenset[str]:
    """The documents' words common enough to leave out of an index condition (PostgreSQL)."""
    global _common_words
    if _common_words is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [TABLE_NAME])
            row = cursor.fetchone()
            documents = float(row[0]) if row else 0.0
            words: Counter[str] = Counter()
            sampled = 0
            if documents >= COMMON_ABOVE:
                percent = min(100.0, 100.0 * COMMON_SAMPLE / documents)
                cursor.execute(
                    f"SELECT document FROM {TABLE_NAME} "  # noqa: S608 (constants)
                    f"TABLESAMPLE SYSTEM ({percent:.4f}) REPEATABLE (1)"
                )
                for (document,) in cursor.fetchall():
                    words.update(set(document.split()))
                    sampled += 1
        _common_words = frozenset(w for w, n in words.items() if n > sampled * COMMON_SHARE)
    return _common_words


def _selective(query: SearchQuery) -> str | None:
    """Of the query's words in document form, the two adjacent ones least common (" 卓合 合科 "
    of "卓合科技"), for the index condition; None when the whole phrase is as good."""
    words = query.words
    common = common_words()
    if len(words) < 3 or not common or not any(w in common for w in words):
        return None
    best = min(
        range(len(words) - 1),
        key=lambda i: (sum(w in common for w in words[i : i + 2]), i),
    )
    window = " " + " ".join(words[best : best + 2])
    # A word inside the query is whole in the document; the last may be a prefix.
    return window if best + 2 == len(words) else window + " "


def _holding_phrase(qs: QuerySet[Enterprise], query: SearchQuery) -> QuerySet[Enterprise]:
    """The firms of `qs` whose documents hold the query's words in order: through the index on
    the least common of them, the whole phrase checked on what that finds."""
    selective = _selective(query)
    if selective is None:
        return qs.filter(search_entry__document__contains=query.phrase)
    return qs.filter(search_entry__document__contains=selective).filter(
        Like(Unindexed(F("search_entry__document")), Value(f"%{query.phrase}%"))
    )


def _exact_else_similar(exact: QuerySet[Any], similar: QuerySet[Any]) -> RawSQL | None:
    """The exact matches, or only when there are none the similar ones, in one statement (no
    round trip to ask first whether there are exact ones): PostgreSQL runs the uncorrelated
    `NOT EXISTS` once, before the similar ones' scan, which it skips when exact ones exist.
    None when the reader's scope holds no firm (nothing to compile)."""
    try:
        exact_sql, exact_params = exact.query.sql_with_params()
        similar_sql, similar_params = similar.query.sql_with_params()
    except EmptyResultSet:
        return None
    # Both parts are compiled querysets, their values passed as parameters.
    sql = (
        f"WITH exact AS MATERIALIZED ({exact_sql}) SELECT * FROM exact UNION ALL "  # noqa: S608
        f"SELECT * FROM ({similar_sql}) fuzzy WHERE NOT EXISTS (SELECT 1 FROM exact)"
    )
    return RawSQL(  # noqa: S611
        sql,
        (*exact_params, *similar_params),
    )


def matching(qs: QuerySet[Enterprise], query: SearchQuery) -> QuerySet[Enterprise]:
    """The firms of `qs` that match `query`, best first (annotated `search_score`)."""
    if not query:
        return qs
    if query.looks_like_code:
        # Codes are found by their unique B-tree indexes: the exact code, else a prefix of a
        # credit code (in code order, which the index gives without sorting).
        code = query.code
        exact = qs.filter(Q(credit_code=code) | Q(stock_code=code))
        if exact.exists():
            return exact.annotate(search_score=Value(3.0, output_field=FloatField())).order_by(
                "name", "pk"
            )
        prefix = qs.filter(
            credit_code__gte=code, credit_code__lt=code + "\x7f", credit_code__startswith=code
        )
        if prefix.exists():
            return prefix.annotate(search_score=Value(1.0, output_field=FloatField())).order_by(
                "credit_code"
            )
    if query.short:
        return (
            qs.filter(_prefix(query))
            .annotate(search_score=_boosts(query))
            .order_by("-search_score", "name", "pk")
        )
    if connection.vendor == "postgresql":
        document = Value(query.document)
        # The documents holding the query's words in order (a GIN-indexed LIKE, precise and
        # fast); only when there are none, those word-similar to it (typos: broader, slower,
        # so fewer are ranked).
        exact = _holding_phrase(qs, query)
        similar = qs.filter(_similar(query, document))
        candidates = _exact_else_similar(
            exact.order_by().values("pk")[:CANDIDATES],
            similar.order_by().values("pk")[:FUZZY_CANDIDATES],
        )
        if candidates is None:
            return qs.none()
        return (
            qs.filter(pk__in=candidates)
            .annotate(
                search_score=WordSimilarity(document, F("search_entry__document")) + _boosts(query)
            )
            .order_by("-search_score", "name", "pk")
        )
    return _matching_in_python(qs, query)


def _matching_in_python(qs: QuerySet[Enterprise], query: SearchQuery) -> QuerySet[Enterprise]:
    """SQLite (and any other database): candidates from FTS5, ranked by `similarity`."""
    if _fts_available():
        ids: list[int] = []
        for any_word in (False, True):
            match = RawSQL(FTS_SELECT, [_fts_match(query, any_word=any_word)])  # noqa: S611
            found = qs.filter(pk__in=match)
            ids = list(found.order_by().values_list("pk", flat=True)[: CANDIDATES * 2])
            if ids and not any_word:
                break
    else:
        words = Q()
        for word in query.words:
            words |= Q(search_entry__document__contains=f" {word} ")
        ids = list(qs.filter(words).order_by().values_list("pk", flat=True)[: CANDIDATES * 2])
    rows = EnterpriseSearch.objects.filter(enterprise_id__in=ids).values_list(
        "enterprise_id", "document", "enterprise__name", "enterprise__short_name"
    )
    exact = set(
        qs.filter(Q(credit_code=query.code) | Q(stock_code=query.code)).values_list("pk", flat=True)
    )
    raw = query.raw.strip()
    scores = {}
    for pk, document, name, short_name in rows:
        score = similarity(query, document) + (3.0 if pk in exact else 0.0)
        if query.phrase in document:
            score += 0.5
        # The boosts PostgreSQL gives (`_boosts`): a name that is, or starts with, the query.
        if raw in (name, short_name):
            score += 2.0
        elif name.startswith(raw) or (short_name or "").startswith(raw):
            score += 0.5
        if score >= 0.5:
            scores[pk] = score
    for pk in exact:
        scores.setdefault(pk, 3.0)
    best = sorted(scores, key=lambda pk: -scores[pk])[:CANDIDATES]
    if not best:
        return qs.none()
    order = Case(
        *(When(pk=pk, then=Value(scores[pk])) for pk in best),
        default=Value(0.0),
        output_field=FloatField(),
    )
    return (
        qs.filter(pk__in=best).annotate(search_score=order).order_by("-search_score", "name", "pk")
    )


def ranked_at_most(query: SearchQuery) -> int | None:
    """How many matches of `query` `matching` ranks at most; None when it finds them all (a
    code or a single character, by prefix) or nothing is searched."""
    return CANDIDATES if query and not query.short and not query.looks_like_code else None


def matching_firm_ids(query: SearchQuery, limit: int) -> list[int]:
    """The `limit` firms of the whole registry best matching `query`: other kinds' providers
    find their records by their firm's name through these (the reader's scope is theirs)."""
    return list(matching(Enterprise.objects.all(), query).values_list("pk", flat=True)[:limit])


def enterprise_hits(user: Any, query: SearchQuery, limit: int) -> list[SearchHit]:
    """The search provider of the registry: the firms `user` may see (its list's selector)."""
    from chainlead.registry.selectors import enterprise_list

    visible = enterprise_list(user=user)
    if (
        connection.vendor == "postgresql"
        and not visible.query.where  # a city-wide reader: every firm
        and query
        and not query.short
        and not query.looks_like_code
    ):
        return [_hit(*row) for row in _best_of_the_registry(query, limit)]
    hits = []
    for firm in matching(visible, query)[:limit]:
        hits.append(
            _hit(
                firm.pk,
                firm.name,
                firm.credit_code,
                firm.stock_code,
                firm.name_en,
                firm.provenance,
                str(firm.district or ""),
                float(getattr(firm, "search_score", 0.0)),
            )
        )
    return hits


def _hit(
    pk: int,
    name: str,
    credit_code: str | None,
    stock_code: str | None,
    name_en: str,
    provenance: str,
    district: str | None,
    score: float,
) -> SearchHit:
    return SearchHit(
        kind="enterprise",
        pk=pk,
        title=name,
        url=reverse("registry:enterprise_detail", args=[pk]),
        subtitle=" · ".join(filter(None, [credit_code or stock_code or "", name_en, district])),
        score=float(score),
        synthetic=provenance == DataProvenance.SYNTHETIC,
    )


# The search page's query for a city-wide reader, the hot path: `matching` in one statement of
# plain SQL, the columns of a hit only (the ORM's compiling of the same costs several ms of
# CPU a request; scoped readers keep the ORM's `matching`). The list's ranked ids for a
# city-wide reader are the same statement, selecting the ids.
BEST_SQL = """
WITH exact AS MATERIALIZED (
    SELECT enterprise_id FROM registry_enterprisesearch WHERE {exact} LIMIT %s
), found AS (
    SELECT enterprise_id FROM exact
    UNION ALL
    SELECT enterprise_id FROM (
        SELECT enterprise_id FROM registry_enterprisesearch WHERE {similar} LIMIT %s
    ) fuzzy WHERE NOT EXISTS (SELECT 1 FROM exact)
)
SELECT {columns},
    word_similarity(%s, s.document) + CASE
        WHEN e.credit_code = %s OR e.stock_code = %s THEN 3.0
        WHEN e.name = %s OR e.short_name = %s THEN 2.0
        WHEN e.name LIKE %s OR e.short_name LIKE %s THEN 0.5
        ELSE 0.0 END AS score
FROM found
JOIN registry_enterprisesearch s ON s.enterprise_id = found.enterprise_id
JOIN registry_enterprise e ON e.id = found.enterprise_id
{joins}
ORDER BY score DESC, e.name, e.id
LIMIT %s
"""
HIT_COLUMNS = "e.id, e.name, e.credit_code, e.stock_code, e.name_en, e.provenance, d.name"
HIT_JOINS = "LEFT JOIN registry_district d ON d.id = e.district_id"


def _best_of_the_registry(
    query: SearchQuery, limit: int, *, columns: str = HIT_COLUMNS, joins: str = HIT_JOINS
) -> list[tuple[Any, ...]]:
    """The `limit` best firms of the whole registry for `query` (PostgreSQL), as `_hit`'s
    arguments (or the `columns` asked): the same candidates, boosts and order as `matching`."""
    selective = _selective(query)
    if selective is None:
        exact, exact_params = "document LIKE %s", [f"%{query.phrase}%"]
    else:
        exact = "document LIKE %s AND (document || '') LIKE %s"
        exact_params = [f"%{selective}%", f"%{query.phrase}%"]
    patterns = _one_wrong_character(query)
    if patterns:
        similar, similar_params = (
            "(" + " OR ".join(["document LIKE %s"] * len(patterns)) + ")",
            [*patterns],
        )
    else:
        similar, similar_params = "%s <%% document", [query.document]
    raw = query.raw.strip()
    prefix = raw.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    sql = BEST_SQL.format(exact=exact, similar=similar, columns=columns, joins=joins)
    params: list[str | int] = [
        *exact_params,
        CANDIDATES,
        *similar_params,
        FUZZY_CANDIDATES,
        query.document,
        query.code,
        query.code,
        raw,
        raw,
        prefix,
        prefix,
        limit,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def registry_ranking(query: SearchQuery) -> list[int] | None:
    """The ids of the whole registry's firms matching `query`, best first, as `matching` ranks
    them, in plain statements: for a city-wide reader's list on PostgreSQL. Words: at most
    `ranked_at_most` firms, in one statement. A code: every firm it finds, in two at most (the
    exact code, else the credit codes it begins), unless it begins more than CANDIDATES. None
    where `matching` must do it (SQLite, short queries, a code beginning many firms)."""
    if connection.vendor != "postgresql":
        return None
    if query.looks_like_code:
        return _code_ranking(query.code)
    if ranked_at_most(query) is None:
        return None
    return [row[0] for row in _best_of_the_registry(query, CANDIDATES, columns="e.id", joins="")]


def _code_ranking(code: str) -> list[int] | None:
    """`matching`'s code branch as ids: firms with the exact credit or stock code by name; else
    those whose credit code begins with `code`, in code order (the unique index's order)."""
    table = Enterprise._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {table} WHERE credit_code = %s OR stock_code = %s "  # noqa: S608 (the model's table)
            "ORDER BY name, id",
            [code, code],
        )
        exact = [row[0] for row in cursor.fetchall()]
        if exact:
            return exact
        # The code is ASCII letters and digits (SearchQuery.looks_like_code): no LIKE wildcards.
        cursor.execute(
            f"SELECT id FROM {table} WHERE credit_code >= %s AND credit_code < %s "  # noqa: S608
            "AND credit_code LIKE %s ORDER BY credit_code LIMIT %s",
            [code, code + "\x7f", code + "%", CANDIDATES + 1],
        )
        begun = [row[0] for row in cursor.fetchall()]
    return begun if len(begun) <= CANDIDATES else None


def on_enterprise_saved(sender: type[Enterprise], instance: Enterprise, **kwargs: Any) -> None:
    if not kwargs.get("raw"):
        index_enterprise(instance)
