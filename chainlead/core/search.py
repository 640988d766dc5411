"""Site search: one query, a section per kind of record; each app answers for its own records.

The kit knows no organ. An app that has records worth finding registers a provider in its
`AppConfig.ready()`, as it registers a scope (`chainlead.core.scopes`):

    register_search(SearchProvider("request", _("Requests"), "chainlead.requests.search.hits",
                                   order=30, more_url_name="requests:request_list"))

`hits(user, query, limit) -> list[SearchHit]` returns at most `limit` records the user may see
(filtered by the app's own selector, exactly as its list is), best first.

Text is compared in one normal form (`normalise`): Traditional characters as Simplified (OpenCC
t2s), case-folded, full-width folded (NFKC). `search_document` turns a record's texts into the
form that is indexed: words separated by spaces, every run of Chinese characters cut into
overlapping pairs ("海康威视" → "海康 康威 威视"), as Chinese has no spaces between words. The
query is cut the same way, so a two-character query is one indexed word, and a typo in one
character still leaves the other pairs to match (pg_trgm's word similarity, or on SQLite the
FTS5 trigram candidates ranked by `similarity` here).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.module_loading import import_string

from chainlead.core.text import to_simplified

if TYPE_CHECKING:
    from chainlead.accounts.types import Reader

# A run of CJK ideographs, or a run of other letters and digits (a word, a code).
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_TOKEN = re.compile(rf"[{_CJK}]+|[^\W_{_CJK}]+")
_HAN = re.compile(rf"[{_CJK}]")
MAX_QUERY = 100  # characters of a query that are used; the rest is ignored


def normalise(text: str) -> str:
    """Simplified, case-folded, width-folded text (what is indexed and what is looked for)."""
    text = unicodedata.normalize("NFKC", text or "")
    return to_simplified(text).casefold()


def _tokens(normal: str) -> list[str]:
    out: list[str] = []
    for run in _TOKEN.findall(normal):
        if _HAN.match(run) and len(run) > 1:
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
        else:
            out.append(run)
    return out


def tokens(text: str) -> list[str]:
    """The indexed words of `text`: Chinese runs as overlapping pairs, other words whole."""
    return _tokens(normalise(text))


def search_document(*parts: str | None) -> str:
    """The indexed text of a record: its words, space-separated, with a space at each end (so
    that " 海康 " matches a whole word and " hikv" the start of one)."""
    words: list[str] = []
    for part in parts:
        if part:
            words.extend(_tokens(normalise(part)))
    return f" {' '.join(words)} " if words else ""


def search_documents(rows: Sequence[Sequence[str | None]]) -> list[str]:
    """`search_document` of many records with one OpenCC call (its per-call cost dominates)."""
    joined = "\x1e".join("\x1f".join(p or "" for p in row) for row in rows)
    simplified = to_simplified(unicodedata.normalize("NFKC", joined)).casefold()
    out = []
    for row in simplified.split("\x1e") if rows else []:
        words = [w for part in row.split("\x1f") for w in _tokens(part)]
        out.append(f" {' '.join(words)} " if words else "")
    return out


@dataclass(frozen=True)
class SearchQuery:
    """A user's query, normalised once for every provider."""

    raw: str
    normal: str
    words: tuple[str, ...]

    @classmethod
    def parse(cls, text: str | None) -> SearchQuery:
        raw = " ".join((text or "").split())[:MAX_QUERY]
        normal = normalise(raw)
        return cls(raw=raw, normal=normal, words=tuple(_tokens(normal)))

    def __bool__(self) -> bool:
        return bool(self.words)

    @property
    def code(self) -> str:
        """The query as a code (credit or stock code): upper case, no spaces."""
        return "".join(self.normal.split()).upper()

    @property
    def looks_like_code(self) -> bool:
        code = self.code
        return (
            len(code) >= 4 and code.isascii() and code.isalnum() and any(c.isdigit() for c in code)
        )

    @property
    def phrase(self) -> str:
        """The query as it appears in a document: " w1 w2 …" (the last word may be a prefix)."""
        return " " + " ".join(self.words)

    @property
    def document(self) -> str:
        """The query in document form, for word similarity."""
        return f" {' '.join(self.words)} "

    @property
    def short(self) -> bool:
        """Too short for trigram matching (fewer than 3 characters in all): prefix search."""
        return len("".join(self.words)) < 2 or len(self.phrase) < 3


def similarity(query: SearchQuery, document: str) -> float:
    """How well `document` (search-document form) holds the query, 0–1, typos forgiven.

    The share of the query's words found in the document, and for the others the best
    difflib ratio against a document word (so "hikvison" still finds "hikvision"). Used where
    the database cannot rank (SQLite) and for the small kinds ranked in Python."""
    if not query.words:
        return 0.0
    doc_words = document.split()
    if not doc_words:
        return 0.0
    present = set(doc_words)
    score = 0.0
    for word in query.words:
        if word in present:
            score += 1.0
            continue
        best = 0.0
        for candidate in present:
            if candidate.startswith(word):
                best = max(best, 0.95)
                break
            if abs(len(candidate) - len(word)) > 3:
                continue
            best = max(best, difflib.SequenceMatcher(None, word, candidate).ratio())
        score += best if best >= 0.5 else 0.0
    return score / len(query.words)


@dataclass(frozen=True)
class SearchHit:
    """One record found: what the results page and the API show."""

    kind: str
    pk: int
    title: str
    url: str
    subtitle: str = ""
    score: float = 0.0
    synthetic: bool = False


@dataclass(frozen=True)
class SearchProvider:
    """An app's answer to a query. `function`: dotted path of `fn(user, query, limit)`."""

    kind: str
    label: str | Promise
    function: str
    order: int = 100
    more_url_name: str | None = None  # the app's list page, given `?q=`

    def hits(self, user: Reader, query: SearchQuery, limit: int) -> list[SearchHit]:
        fn: Callable[[Reader, SearchQuery, int], list[SearchHit]] = import_string(self.function)
        return fn(user, query, limit)


@dataclass
class SearchSection:
    provider: SearchProvider
    hits: list[SearchHit] = field(default_factory=list)
    more: bool = False


_providers: dict[str, SearchProvider] = {}


def register_search(provider: SearchProvider) -> None:
    """Add (or replace: ready() may run twice in tests) the provider of `provider.kind`."""
    _providers[provider.kind] = provider


def search_providers() -> list[SearchProvider]:
    return sorted(_providers.values(), key=lambda p: (p.order, p.kind))


def search(
    user: Reader, text: str | None, *, kinds: Iterable[str] | None = None, limit: int = 10
) -> tuple[SearchQuery, list[SearchSection]]:
    """The sections (one per kind, in order) of what `user` may see that matches `text`."""
    query = SearchQuery.parse(text)
    wanted = set(kinds) if kinds else None
    sections = []
    for provider in search_providers():
        if wanted is not None and provider.kind not in wanted:
            continue
        hits = provider.hits(user, query, limit + 1) if query else []
        sections.append(SearchSection(provider, hits[:limit], more=len(hits) > limit))
    return query, sections


def rank_in_python(
    query: SearchQuery,
    candidates: Iterable[Any],
    document: Callable[[Any], str],
    limit: int,
    *,
    threshold: float = 0.5,
) -> list[tuple[float, Any]]:
    """Score `candidates` by `similarity` of their documents; the best `limit` above threshold."""
    scored = []
    for obj in candidates:
        score = similarity(query, document(obj))
        if score >= threshold:
            scored.append((score, obj))
    scored.sort(key=lambda pair: -pair[0])
    return scored[:limit]


def rank_records(
    qs: QuerySet[Any],
    fields: Sequence[str],
    query: SearchQuery,
    limit: int,
    *,
    candidates: int = 500,
    also: Q | None = None,
    document_fields: Sequence[str] | None = None,
) -> list[tuple[float, Any]]:
    """The records of `qs` (already restricted to the reader) best matching `query` on `fields`.

    For the kinds counted in thousands (requests, policies, chains): candidates are the records
    holding any of the query's words in `fields`, in the Simplified or the typed form (on
    PostgreSQL one `~*` a column, which an app serves with a pg_trgm index of the column), or
    matching `also`; they are ranked by `similarity` of their
    `document_fields` (default `fields`) in Python, so a typo in one word still finds its
    record."""
    if not query:
        return []
    variants = sorted(set(query.words) | set(_tokens(query.raw.casefold())))
    condition = Q()
    if connection.vendor == "postgresql":
        # One case-insensitive regular expression per column (pg_trgm indexes `~*` too): a
        # fraction of the ORM's compiling of a lookup per word and column.
        alternatives = "|".join(re.escape(word) for word in variants)
        for name in fields:
            condition |= Q(**{f"{name}__iregex": alternatives})
    else:
        for word in variants:
            for name in fields:
                condition |= Q(**{f"{name}__icontains": word})
    if also is not None:
        condition |= also
    found = list(qs.filter(condition).order_by("-pk")[:candidates])
    if not found:
        return []
    names = document_fields or fields
    # One OpenCC call for every candidate: its per-call cost is most of a document's.
    documents = search_documents(
        [[str(_value(obj, name) or "") for name in names] for obj in found]
    )
    by_object = {id(obj): doc for obj, doc in zip(found, documents, strict=True)}
    return rank_in_python(query, found, lambda obj: by_object[id(obj)], limit)


def _value(obj: Any, path: str) -> Any:
    for part in path.split("__"):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj
