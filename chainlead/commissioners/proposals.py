"""Building a proposal: candidate pairs from SQL joins, their scores term by term, the optimal
assignment (`chainlead.analytics.assign`) with its certificate, and the greedy baseline.

Candidates are generated sparsely, a chunk of firms at a time, never as a dense commissioners ×
firms matrix. A pair is a candidate when the commissioner and the firm share

* an industry: one of the commissioner's GB/T 4754 codes is the firm's class or one of its
  ancestors (four joins, one per level, on registry.Industry.parent);
* a chain segment (a join of the commissioner's segments with chains.Membership);
* a keyword found in the firm's open requests (its stated needs);
* a past station the firm rated well (continuity);

and a firm with none of these gets the DISTRICT_ONLY_CANDIDATES commissioners of its own
district with the most free capacity. Each firm then keeps its MAX_CANDIDATES_PER_FIRM best
pairs. The terms and weights are documented in `constants.py`.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from django.conf import settings
from django.db import connection
from django.db.models import Avg, Count, Exists, OuterRef, Q

from chainlead import analytics
from chainlead.analytics import OptimalAssignment
from chainlead.chains.models import Membership, Segment
from chainlead.commissioners.choices import CommissionerStatus, LogStatus
from chainlead.commissioners.constants import (
    CONTINUITY_MIN_RATING,
    DEFAULT_MATCH_WEIGHTS,
    DISTRICT_ONLY_CANDIDATES,
    FIRM_CHUNK,
    INDUSTRY_LEVEL_FIT,
    KEYWORD_SATURATION,
    MATCH_TERMS,
    MAX_CANDIDATES_PER_FIRM,
)
from chainlead.commissioners.models import Assignment, Commissioner, active_on
from chainlead.registry.models import Enterprise, Industry

Progress = Callable[[str, int, int], None]

IntArray = np.ndarray
FloatArray = np.ndarray


def match_weights() -> dict[str, float]:
    """The weights of the match score: CHAINLEAD_MATCH_WEIGHTS over the defaults (read now)."""
    configured = getattr(settings, "CHAINLEAD_MATCH_WEIGHTS", DEFAULT_MATCH_WEIGHTS)
    return {term: float(configured.get(term, DEFAULT_MATCH_WEIGHTS[term])) for term in MATCH_TERMS}


@dataclass
class Proposal:
    """The outcome of `build_proposal`: ids, candidate count and chosen pairs with terms."""

    commissioner_ids: IntArray
    firm_ids: IntArray
    candidate_pairs: int
    result: OptimalAssignment
    greedy_objective: float
    certificate_ok: bool
    certificate_problems: tuple[str, ...]
    # Per chosen pair (same order as result.pairs): the score and its terms (k × len(TERMS)).
    chosen_scores: FloatArray
    chosen_terms: FloatArray
    weights: dict[str, float]
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def objective(self) -> float:
        return self.result.objective

    @property
    def gap(self) -> float:
        return self.result.gap

    def pairs(self) -> Iterator[tuple[int, int, float, dict[str, float]]]:
        """(commissioner id, firm id, score, terms) of each chosen pair."""
        for k, (row, col) in enumerate(self.result.pairs.tolist()):
            terms = {
                name: round(float(self.chosen_terms[k, t]), 4) for t, name in enumerate(MATCH_TERMS)
            }
            yield (
                int(self.commissioner_ids[row]),
                int(self.firm_ids[col]),
                float(self.chosen_scores[k]),
                terms,
            )


def _table(model: type) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _m2m_table(model: type[Commissioner], field_name: str) -> str:
    through = model._meta.get_field(field_name).remote_field.through  # type: ignore[union-attr]
    return connection.ops.quote_name(through._meta.db_table)


def _industry_sql() -> list[str]:
    """One query per GB/T level: (commissioner id, firm id) where a commissioner's code is the
    firm's class (level 0) or its parent, grandparent, great-grandparent (levels 1-3)."""
    ci, e, i = _m2m_table(Commissioner, "industries"), _table(Enterprise), _table(Industry)
    queries = [
        f"SELECT ci.commissioner_id, e.id FROM {e} e JOIN {ci} ci ON ci.industry_id = e.industry_id"  # noqa: S608
        " WHERE e.id >= %s AND e.id <= %s"
    ]
    joins = ""
    previous = "e.industry_id"
    for level in range(1, 4):
        joins += f" JOIN {i} i{level} ON i{level}.code = {previous}"
        previous = f"i{level}.parent_id"
        queries.append(
            f"SELECT ci.commissioner_id, e.id FROM {e} e{joins}"  # noqa: S608
            f" JOIN {ci} ci ON ci.industry_id = {previous} WHERE e.id >= %s AND e.id <= %s"
        )
    return queries


def _segment_sql() -> str:
    cs, m = _m2m_table(Commissioner, "segments"), _table(Membership)
    return (
        f"SELECT cs.commissioner_id, m.enterprise_id FROM {m} m"  # noqa: S608
        f" JOIN {cs} cs ON cs.segment_id = m.segment_id"
        " WHERE m.enterprise_id >= %s AND m.enterprise_id <= %s"
    )


def _fetch_pairs(sql: str, params: Sequence[object]) -> tuple[IntArray, IntArray]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    data = np.asarray(rows, dtype=np.int64)
    return data[:, 0], data[:, 1]


def _index_of(ids: IntArray, values: IntArray) -> IntArray:
    """Position of each value in the sorted `ids`, −1 where absent."""
    if ids.size == 0 or values.size == 0:
        return np.full(values.size, -1, dtype=np.int64)
    where = np.searchsorted(ids, values).clip(0, ids.size - 1)
    return np.where(ids[where] == values, where, -1).astype(np.int64)


class _Keywords:
    """The commissioners' keywords as a vocabulary, and a regex finding them in text."""

    def __init__(self, keyword_lists: Sequence[Sequence[str]]) -> None:
        vocabulary: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        for row, keywords in enumerate(keyword_lists):
            for keyword in {str(k).strip().lower() for k in keywords if str(k).strip()}:
                cols.append(vocabulary.setdefault(keyword, len(vocabulary)))
                rows.append(row)
        self.vocabulary = vocabulary
        self.matrix = sp.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)),
            shape=(len(keyword_lists), max(1, len(vocabulary))),
        )
        self.counts = np.minimum(np.diff(self.matrix.indptr), KEYWORD_SATURATION)
        ordered = sorted(vocabulary, key=len, reverse=True)  # longest first: "芯片设计" over "芯片"
        self.pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def find(self, text: str) -> set[int]:
        if self.pattern is None or not text:
            return set()
        return {self.vocabulary[m] for m in self.pattern.findall(text.lower())}


@dataclass
class _Inputs:
    commissioner_ids: IntArray
    commissioner_district: IntArray
    capacity_left: IntArray
    load_share: FloatArray
    firm_ids: IntArray
    firm_district: IntArray
    firm_industry: list[str]
    keywords: _Keywords
    segment_keywords: dict[int, set[int]]
    industry_keywords: dict[str, set[int]]
    continuity: set[tuple[int, int]]


def _inputs(as_of: dt.date, district_id: int | None) -> _Inputs:
    commissioners = (
        Commissioner.objects.filter(status=CommissionerStatus.ACTIVE)
        .filter(Q(service_start__isnull=True) | Q(service_start__lte=as_of))
        .filter(Q(service_end__isnull=True) | Q(service_end__gte=as_of))
        .annotate(load=Count("assignments", filter=active_on(as_of, "assignments__")))
        .order_by("id")
        .values_list("id", "district_id", "capacity", "load", "keywords")
    )
    ids, districts, capacity, load, keyword_lists = [], [], [], [], []
    for pk, district, cap, current, keywords in commissioners.iterator(chunk_size=5000):
        ids.append(pk)
        districts.append(district or -1)
        capacity.append(cap)
        load.append(current)
        keyword_lists.append(keywords if isinstance(keywords, list) else [])
    capacity_arr = np.asarray(capacity, dtype=np.int64)
    load_arr = np.asarray(load, dtype=np.int64)
    share = np.where(capacity_arr > 0, load_arr / np.maximum(capacity_arr, 1), 1.0)

    stationed = Assignment.objects.filter(active_on(as_of), enterprise_id=OuterRef("pk"))
    firms = Enterprise.objects.exclude(Exists(stationed))
    if district_id is not None:
        firms = firms.filter(district_id=district_id)
    firm_rows = list(firms.order_by("id").values_list("id", "district_id", "industry_id"))
    keywords = _Keywords(keyword_lists)
    segment_keywords = {
        pk: keywords.find(" ".join([name, *[str(k) for k in (kws or [])]]))
        for pk, name, kws in Segment.objects.values_list("id", "name", "keywords")
    }
    industry_keywords = {
        code: found
        for code, name in Industry.objects.values_list("code", "name")
        if (found := keywords.find(name))
    }
    continuity = {
        (c, f)
        for c, f, rating in Assignment.objects.filter(
            Q(ended_early_on__lt=as_of) | Q(ends_on__lt=as_of)
        )
        .values("commissioner_id", "enterprise_id")
        .annotate(rating=Avg("logs__firm_rating", filter=Q(logs__status=LogStatus.CONFIRMED)))
        .values_list("commissioner_id", "enterprise_id", "rating")
        if rating is not None and rating >= CONTINUITY_MIN_RATING
    }
    return _Inputs(
        commissioner_ids=np.asarray(ids, dtype=np.int64),
        commissioner_district=np.asarray(districts, dtype=np.int64),
        capacity_left=np.maximum(capacity_arr - load_arr, 0),
        load_share=np.clip(share, 0.0, 1.0),
        firm_ids=np.asarray([r[0] for r in firm_rows], dtype=np.int64),
        firm_district=np.asarray([r[1] or -2 for r in firm_rows], dtype=np.int64),
        firm_industry=[r[2] or "" for r in firm_rows],
        keywords=keywords,
        segment_keywords=segment_keywords,
        industry_keywords=industry_keywords,
        continuity=continuity,
    )


def _open_request_texts(low: int, high: int) -> list[tuple[int, str]]:
    from chainlead.requests.choices import OPEN_STATUSES
    from chainlead.requests.models import EnterpriseRequest

    return [
        (firm, f"{title} {description}")
        for firm, title, description in EnterpriseRequest.objects.filter(
            enterprise_id__gte=low, enterprise_id__lte=high, status__in=OPEN_STATUSES
        ).values_list("enterprise_id", "title", "description")
    ]


def _district_fallback(inputs: _Inputs) -> dict[int, IntArray]:
    """Per district, the commissioners with the most free capacity (at most N)."""
    result: dict[int, IntArray] = {}
    free = inputs.capacity_left > 0
    for district in np.unique(inputs.commissioner_district[free]).tolist():
        members = np.flatnonzero(free & (inputs.commissioner_district == district))
        order = np.argsort(-inputs.capacity_left[members], kind="stable")
        result[int(district)] = members[order[:DISTRICT_ONLY_CANDIDATES]]
    return result


def _chunk_candidates(
    inputs: _Inputs, start: int, stop: int, fallback: dict[int, IntArray]
) -> tuple[IntArray, IntArray, FloatArray]:
    """Candidate pairs of the firms inputs.firm_ids[start:stop]: rows, global firm columns,
    and the raw terms (pairs × len(MATCH_TERMS))."""
    firm_ids = inputs.firm_ids[start:stop]
    low, high = int(firm_ids[0]), int(firm_ids[-1])
    n_local = stop - start
    n_comm = inputs.commissioner_ids.size
    industry_fit: list[tuple[IntArray, IntArray, FloatArray]] = []
    sources_rows: list[IntArray] = []
    sources_cols: list[IntArray] = []

    def add(raw_commissioners: IntArray, raw_firms: IntArray) -> tuple[IntArray, IntArray]:
        rows = _index_of(inputs.commissioner_ids, raw_commissioners)
        cols = _index_of(firm_ids, raw_firms)
        keep = (rows >= 0) & (cols >= 0)
        rows, cols = rows[keep], cols[keep]
        keep = inputs.capacity_left[rows] > 0
        return rows[keep], cols[keep]

    for level, sql in enumerate(_industry_sql()):
        rows, cols = add(*_fetch_pairs(sql, [low, high]))
        industry_fit.append((rows, cols, np.full(rows.size, INDUSTRY_LEVEL_FIT[level])))
        sources_rows.append(rows)
        sources_cols.append(cols)
    seg_rows, seg_cols = add(*_fetch_pairs(_segment_sql(), [low, high]))
    sources_rows.append(seg_rows)
    sources_cols.append(seg_cols)

    # The firms' keywords: their segments', their industry's name, their open requests' text.
    kw_firm: list[int] = []
    kw_word: list[int] = []
    request_firm: list[int] = []
    request_word: list[int] = []
    for firm, segment in Membership.objects.filter(
        enterprise_id__gte=low, enterprise_id__lte=high
    ).values_list("enterprise_id", "segment_id"):
        for word in inputs.segment_keywords.get(segment, ()):
            kw_firm.append(firm)
            kw_word.append(word)
    for local, code in enumerate(inputs.firm_industry[start:stop]):
        for word in inputs.industry_keywords.get(code, ()):
            kw_firm.append(int(firm_ids[local]))
            kw_word.append(word)
    for firm, text in _open_request_texts(low, high):
        for word in inputs.keywords.find(text):
            kw_firm.append(firm)
            kw_word.append(word)
            request_firm.append(firm)
            request_word.append(word)
    vocabulary = inputs.keywords.matrix.shape[1]

    def firm_matrix(firms: list[int], words: list[int]) -> sp.csr_matrix:
        cols = _index_of(firm_ids, np.asarray(firms, dtype=np.int64))
        keep = cols >= 0
        matrix = sp.csr_matrix(
            (np.ones(int(keep.sum()), dtype=np.float32), (cols[keep], np.asarray(words)[keep])),
            shape=(n_local, vocabulary),
        )
        matrix.data[:] = 1.0  # a keyword counts once per firm, however often it appears
        matrix.sum_duplicates()
        matrix.data[:] = 1.0
        return matrix

    firm_keywords = firm_matrix(kw_firm, kw_word)
    if request_firm:
        needs = (firm_matrix(request_firm, request_word) @ inputs.keywords.matrix.T).tocoo()
        rows, cols = needs.col.astype(np.int64), needs.row.astype(np.int64)
        keep = inputs.capacity_left[rows] > 0
        sources_rows.append(rows[keep])
        sources_cols.append(cols[keep])
    continuity_rows: list[int] = []
    continuity_cols: list[int] = []
    if inputs.continuity:
        for commissioner, firm in inputs.continuity:
            if low <= firm <= high:
                continuity_rows.append(commissioner)
                continuity_cols.append(firm)
        rows, cols = add(
            np.asarray(continuity_rows, dtype=np.int64), np.asarray(continuity_cols, np.int64)
        )
        continuity_rows, continuity_cols = rows.tolist(), cols.tolist()
        sources_rows.append(rows)
        sources_cols.append(cols)

    # Firms without any candidate: their district's freest commissioners.
    covered = np.zeros(n_local, dtype=bool)
    for cols in sources_cols:
        covered[cols] = True
    lonely = np.flatnonzero(~covered)
    for local in lonely.tolist():
        members = fallback.get(int(inputs.firm_district[start + local]))
        if members is not None and members.size:
            sources_rows.append(members)
            sources_cols.append(np.full(members.size, local, dtype=np.int64))

    all_rows = np.concatenate(sources_rows) if sources_rows else np.zeros(0, np.int64)
    all_cols = np.concatenate(sources_cols) if sources_cols else np.zeros(0, np.int64)
    keys = np.unique(all_cols * n_comm + all_rows)
    cols, rows = keys // n_comm, keys % n_comm
    terms = np.zeros((keys.size, len(MATCH_TERMS)), dtype=np.float64)

    def positions(r: IntArray, c: IntArray) -> IntArray:
        return np.searchsorted(keys, c * n_comm + r)

    for r, c, fit in industry_fit:
        if r.size:
            np.maximum.at(terms[:, 0], positions(r, c), fit)
    if seg_rows.size:
        terms[positions(seg_rows, seg_cols), 1] = 1.0
    if keys.size and inputs.keywords.pattern is not None:
        shared = np.asarray(
            inputs.keywords.matrix[rows].multiply(firm_keywords[cols]).sum(axis=1)
        ).ravel()
        denominator = np.maximum(inputs.keywords.counts[rows], 1)
        terms[:, 2] = np.minimum(shared, denominator) / denominator
    terms[:, 3] = (inputs.commissioner_district[rows] == inputs.firm_district[start + cols]) * 1.0
    terms[:, 4] = 1.0 - inputs.load_share[rows]
    if continuity_rows:
        terms[positions(np.asarray(continuity_rows), np.asarray(continuity_cols)), 5] = 1.0
    return rows, cols + start, terms


def _best_per_firm(rows: IntArray, cols: IntArray, scores: FloatArray, limit: int) -> IntArray:
    """Indices of each firm's `limit` best pairs."""
    order = np.lexsort((rows, -scores, cols))
    sorted_cols = cols[order]
    starts = np.flatnonzero(np.r_[True, sorted_cols[1:] != sorted_cols[:-1]])
    group_start = np.repeat(starts, np.diff(np.r_[starts, sorted_cols.size]))
    rank = np.arange(sorted_cols.size) - group_start
    return np.sort(order[rank < limit])


def build_proposal(
    *,
    as_of: dt.date,
    district_id: int | None = None,
    progress: Progress | None = None,
    weights: dict[str, float] | None = None,
) -> Proposal:
    """The optimal proposal over the database as of `as_of` (firms of `district_id` only, if
    given; firms with an active station are left out; capacity is what is still free)."""
    report = progress or (lambda stage, done, total: None)
    weights = weights or match_weights()
    weight_vector = np.asarray([weights[t] for t in MATCH_TERMS], dtype=np.float64)
    seconds: dict[str, float] = {}
    clock = time.perf_counter()
    report("reading", 0, 1)
    inputs = _inputs(as_of, district_id)
    seconds["read"] = time.perf_counter() - clock
    n_comm, n_firms = inputs.commissioner_ids.size, inputs.firm_ids.size
    fallback = _district_fallback(inputs)
    all_rows: list[IntArray] = []
    all_cols: list[IntArray] = []
    all_scores: list[FloatArray] = []
    all_terms: list[FloatArray] = []
    clock = time.perf_counter()
    for start in range(0, n_firms, FIRM_CHUNK):
        stop = min(n_firms, start + FIRM_CHUNK)
        report("candidates", start, n_firms)
        rows, cols, terms = _chunk_candidates(inputs, start, stop, fallback)
        scores = terms @ weight_vector
        best = _best_per_firm(rows, cols, scores, MAX_CANDIDATES_PER_FIRM)
        all_rows.append(rows[best].astype(np.int32))
        all_cols.append(cols[best].astype(np.int32))
        all_scores.append(scores[best])
        all_terms.append(terms[best].astype(np.float32))
    seconds["candidates"] = time.perf_counter() - clock
    rows = np.concatenate(all_rows) if all_rows else np.zeros(0, np.int32)
    cols = np.concatenate(all_cols) if all_cols else np.zeros(0, np.int32)
    scores = np.concatenate(all_scores) if all_scores else np.zeros(0)
    terms = np.concatenate(all_terms) if all_terms else np.zeros((0, len(MATCH_TERMS)), np.float32)
    report("solving", n_firms, n_firms)
    clock = time.perf_counter()
    matrix = sp.coo_matrix((scores, (rows, cols)), shape=(max(n_comm, 0), max(n_firms, 0)))
    capacity = inputs.capacity_left
    result = analytics.assign(matrix, capacity)
    seconds["solve"] = time.perf_counter() - clock
    clock = time.perf_counter()
    greedy = analytics.greedy_assign(matrix, capacity)
    # The flow solver rounds each score to a whole cost unit; the certificate holds to within
    # that rounding (analytics.matching: gap ≤ positive pairs × cost_unit / 2), no tighter.
    rounding = int(np.count_nonzero(scores > 0)) * result.cost_unit / 2
    tolerance = max(1e-9, rounding / max(abs(result.objective), 1e-12))
    check = analytics.verify_certificate(matrix, capacity, None, result, tol=tolerance)
    seconds["greedy_and_check"] = time.perf_counter() - clock
    keys = rows.astype(np.int64) * max(n_firms, 1) + cols
    order = np.argsort(keys)
    chosen = result.pairs[:, 0] * max(n_firms, 1) + result.pairs[:, 1]
    found = order[np.searchsorted(keys, chosen, sorter=order)] if chosen.size else chosen
    return Proposal(
        commissioner_ids=inputs.commissioner_ids,
        firm_ids=inputs.firm_ids,
        candidate_pairs=int(scores.size),
        result=result,
        greedy_objective=greedy.objective,
        certificate_ok=check.ok,
        certificate_problems=check.problems,
        chosen_scores=scores[found] if chosen.size else np.zeros(0),
        chosen_terms=terms[found] if chosen.size else np.zeros((0, len(MATCH_TERMS))),
        weights=weights,
        seconds=seconds,
    )
