"""Building a proposal: candidate pairs from the database, their scores term by term, the
optimal assignment (`chainlead.analytics.assign`) with its certificate, and the greedy baseline.

Candidates are generated sparsely, a chunk of firms at a time, never as a dense commissioners ×
firms matrix and never as one Python object per pair. A pair is a candidate when the
commissioner and the firm share

* an industry: one of the commissioner's GB/T 4754 codes is the firm's class or one of its
  ancestors (the industry tree is read once; per chunk, a sparse product of the firms' codes at
  each level with the experts of each code);
* a chain segment (the chunk's chains.Membership rows times the experts of each segment);
* a keyword found in the firm's open requests (its stated needs);
* a past station the firm rated well (continuity);

and a firm with none of these gets the DISTRICT_ONLY_CANDIDATES commissioners of its own
district with the most free capacity. Each firm then keeps its MAX_CANDIDATES_PER_FIRM best
pairs. The terms and weights are documented in `constants.py`; a score is rounded to
SCORE_DECIMALS, so the solver's integer costs are exact.

Per kept candidate the proposal holds 13 bytes (commissioner index, score, and one byte coding
the terms that are not recomputable), written chunk by chunk into arrays allocated once, in the
CSC layout the solver, the greedy baseline and the certificate check read in place; the terms
of the chosen pairs only are expanded for the explanation (and stored with them).
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from django.conf import settings
from django.db.models import Avg, Count, Exists, OuterRef, Q

from chainlead import analytics
from chainlead.analytics import OptimalAssignment
from chainlead.analytics.matching import locate_pairs
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
    SCORE_DECIMALS,
)
from chainlead.commissioners.models import Assignment, Commissioner, active_on
from chainlead.registry.models import Enterprise, Industry

Progress = Callable[[str, int, int], None]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
CodeArray = npt.NDArray[np.uint8]

# The byte coding a candidate's terms: industry level code (0 none, 4 the firm's own class …
# 1 its section), segment, continuity, and the capped count of shared keywords.
_SEGMENT_BIT = 8
_CONTINUITY_BIT = 16
_KEYWORD_SHIFT = 5
# INDUSTRY_LEVEL_FIT indexed by the level code (4 − level).
_FIT_BY_CODE = np.asarray([0.0, *reversed(INDUSTRY_LEVEL_FIT)], dtype=np.float64)
_LEVELS = len(INDUSTRY_LEVEL_FIT)


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
        rows = self.commissioner_ids[self.result.pairs[:, 0]].tolist()
        cols = self.firm_ids[self.result.pairs[:, 1]].tolist()
        terms = np.round(self.chosen_terms, 4).tolist()
        for commissioner, firm, score, values in zip(
            rows, cols, self.chosen_scores.tolist(), terms, strict=True
        ):
            yield commissioner, firm, score, dict(zip(MATCH_TERMS, values, strict=True))


def _index_of(ids: IntArray, values: IntArray) -> IntArray:
    """Position of each value in the sorted `ids`, −1 where absent."""
    if ids.size == 0 or values.size == 0:
        return np.full(values.size, -1, dtype=np.int64)
    where = np.searchsorted(ids, values).clip(0, ids.size - 1)
    return np.where(ids[where] == values, where, -1).astype(np.int64)


def _pairs(rows: Sequence[tuple[int, int]]) -> tuple[IntArray, IntArray]:
    if not rows:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    data = np.asarray(rows, dtype=np.int64)
    return data[:, 0], data[:, 1]


def _binary(
    rows: IntArray, cols: IntArray, shape: tuple[int, int], values: IntArray | None = None
) -> sp.csr_matrix:
    """A canonical CSR matrix with the given entries; duplicates keep the largest value
    (1 everywhere when `values` is None)."""
    keep = (rows >= 0) & (cols >= 0)
    rows, cols = rows[keep], cols[keep]
    data = np.ones(rows.size, dtype=np.int64) if values is None else values[keep]
    if rows.size:
        order = np.lexsort((-data, cols, rows))
        rows, cols, data = rows[order], cols[order], data[order]
        first = np.r_[True, (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])]
        rows, cols, data = rows[first], cols[first], data[first]
    matrix = sp.csr_matrix((data, (rows, cols)), shape=shape)
    matrix.sum_duplicates()
    return matrix


def _aligned(union: sp.csr_matrix, part: sp.csr_matrix) -> IntArray:
    """The values of `part` (non-negative integers, pattern within `union`'s) at each stored
    entry of the canonical 0/1 matrix `union`, in its order (0 where `part` has none)."""
    total = (union + part).tocsr()
    total.sum_duplicates()
    if total.nnz != union.nnz:
        raise RuntimeError("a candidate term lies outside the candidate pairs")
    return np.asarray(total.data, dtype=np.int64) - 1


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
        self.size = max(1, len(vocabulary))
        self.matrix = sp.csr_matrix(
            (np.ones(len(rows), dtype=np.int64), (rows, cols)),
            shape=(len(keyword_lists), self.size),
        )
        self.counts = np.minimum(np.diff(self.matrix.indptr), KEYWORD_SATURATION)
        ordered = sorted(vocabulary, key=len, reverse=True)  # longest first: "芯片设计" over "芯片"
        self.pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def find(self, text: str) -> set[int]:
        if self.pattern is None or not text:
            return set()
        return {self.vocabulary[m] for m in self.pattern.findall(text.lower())}

    def rows_of(self, texts: Sequence[str]) -> sp.csr_matrix:
        """One 0/1 row per text: the keywords found in it."""
        rows: list[int] = []
        cols: list[int] = []
        for row, text in enumerate(texts):
            for word in self.find(text):
                rows.append(row)
                cols.append(word)
        return _binary(
            np.asarray(rows, dtype=np.int64),
            np.asarray(cols, dtype=np.int64),
            (len(texts), self.size),
        )


@dataclass
class _Inputs:
    commissioner_ids: IntArray
    commissioner_district: IntArray
    capacity_left: IntArray
    load_share: FloatArray
    keywords: _Keywords
    firm_ids: IntArray
    firm_district: IntArray
    firm_industry: IntArray  # index into the industry table, −1 for none
    # (industries × levels): the code `level` steps up the tree from each code, −1 above the top.
    industry_ancestors: IntArray
    # industries × commissioners and segments × commissioners, 0/1, free commissioners only.
    industry_experts: sp.csr_matrix
    segment_ids: IntArray
    segment_experts: sp.csr_matrix
    # vocabulary × commissioners, 0/1, free commissioners only.
    keyword_experts: sp.csr_matrix
    # The keywords found in each industry's name and each segment's name and keywords.
    industry_keywords: sp.csr_matrix
    segment_keywords: sp.csr_matrix
    # Continuity: (commissioner index, firm id), sorted by firm id.
    continuity: tuple[IntArray, IntArray]
    # districts × commissioners, 0/1: each district's freest commissioners (the fallback).
    district_ids: IntArray
    district_fallback: sp.csr_matrix


def _commissioners(as_of: dt.date) -> tuple[IntArray, IntArray, IntArray, IntArray, _Keywords]:
    commissioners = (
        Commissioner.objects.filter(status=CommissionerStatus.ACTIVE)
        .filter(Q(service_start__isnull=True) | Q(service_start__lte=as_of))
        .filter(Q(service_end__isnull=True) | Q(service_end__gte=as_of))
        .annotate(load=Count("assignments", filter=active_on(as_of, "assignments__")))
        .order_by("id")
        .values_list("id", "district_id", "capacity", "load", "keywords")
    )
    ids, districts, capacity, load = [], [], [], []
    keyword_lists: list[Sequence[str]] = []
    for pk, district, cap, current, keywords in commissioners.iterator(chunk_size=5000):
        ids.append(pk)
        districts.append(district or -1)
        capacity.append(cap)
        load.append(current)
        keyword_lists.append(keywords if isinstance(keywords, list) else [])
    return (
        np.asarray(ids, dtype=np.int64),
        np.asarray(districts, dtype=np.int64),
        np.asarray(capacity, dtype=np.int64),
        np.asarray(load, dtype=np.int64),
        _Keywords(keyword_lists),
    )


def _inputs(as_of: dt.date, district_id: int | None) -> _Inputs:
    ids, districts, capacity, load, keywords = _commissioners(as_of)
    capacity_left = np.maximum(capacity - load, 0)
    share = np.where(capacity > 0, load / np.maximum(capacity, 1), 1.0)
    free = capacity_left > 0
    n_comm = ids.size

    # The industry tree: every code's ancestors, as indices.
    industry_rows = list(Industry.objects.order_by("code").values_list("code", "parent_id", "name"))
    industry_index = {code: n for n, (code, _parent, _name) in enumerate(industry_rows)}
    parents = np.asarray(
        [industry_index.get(parent or "", -1) for _code, parent, _name in industry_rows],
        dtype=np.int64,
    )
    ancestors = np.full((len(industry_rows), _LEVELS), -1, dtype=np.int64)
    if industry_rows:
        ancestors[:, 0] = np.arange(len(industry_rows))
        for level in range(1, _LEVELS):
            above = ancestors[:, level - 1]
            ancestors[:, level] = np.where(above >= 0, parents[above.clip(0)], -1)
    industry_keywords = keywords.rows_of([name for _code, _parent, name in industry_rows])

    industry_links = Commissioner.industries.through.objects.values_list(
        "commissioner_id", "industry_id"
    )
    experts, codes = _pairs(
        [(commissioner, industry_index.get(code, -1)) for commissioner, code in industry_links]
    )
    rows = _index_of(ids, experts)
    keep = rows >= 0
    keep[keep] = free[rows[keep]]
    industry_experts = _binary(codes[keep], rows[keep], (len(industry_rows), n_comm))

    segment_rows = list(Segment.objects.order_by("id").values_list("id", "name", "keywords"))
    segment_ids = np.asarray([pk for pk, _name, _kws in segment_rows], dtype=np.int64)
    segment_keywords = keywords.rows_of(
        [" ".join([name, *[str(k) for k in (kws or [])]]) for _pk, name, kws in segment_rows]
    )
    segment_links = Commissioner.segments.through.objects.values_list(
        "commissioner_id", "segment_id"
    )
    experts, segments = _pairs(list(segment_links))
    rows = _index_of(ids, experts)
    keep = rows >= 0
    keep[keep] = free[rows[keep]]
    segment_experts = _binary(
        _index_of(segment_ids, segments[keep]), rows[keep], (segment_ids.size, n_comm)
    )

    stationed = Assignment.objects.filter(active_on(as_of), enterprise_id=OuterRef("pk"))
    firms = Enterprise.objects.exclude(Exists(stationed))
    if district_id is not None:
        firms = firms.filter(district_id=district_id)
    firm_ids: list[int] = []
    firm_districts: list[int] = []
    firm_industries: list[int] = []
    for pk, district, industry in (
        firms.order_by("id").values_list("id", "district_id", "industry_id").iterator(10_000)
    ):
        firm_ids.append(pk)
        firm_districts.append(district or -2)
        firm_industries.append(industry_index.get(industry or "", -1))

    continuity = _pairs(
        [
            (c, f)
            for c, f, rating in Assignment.objects.filter(
                Q(ended_early_on__lt=as_of) | Q(ends_on__lt=as_of)
            )
            .values("commissioner_id", "enterprise_id")
            .annotate(rating=Avg("logs__firm_rating", filter=Q(logs__status=LogStatus.CONFIRMED)))
            .values_list("commissioner_id", "enterprise_id", "rating")
            if rating is not None and rating >= CONTINUITY_MIN_RATING
        ]
    )
    rows = _index_of(ids, continuity[0])
    keep = rows >= 0
    keep[keep] = free[rows[keep]]
    order = np.argsort(continuity[1][keep], kind="stable")

    held = keywords.matrix.tocoo()
    holders, words = held.row.astype(np.int64), held.col.astype(np.int64)

    # Per district, the commissioners with the most free capacity (at most N).
    district_ids = np.unique(districts[free])
    fallback_rows: list[IntArray] = []
    fallback_cols: list[IntArray] = []
    for n, district in enumerate(district_ids.tolist()):
        members = np.flatnonzero(free & (districts == district))
        best = members[
            np.argsort(-capacity_left[members], kind="stable")[:DISTRICT_ONLY_CANDIDATES]
        ]
        fallback_rows.append(np.full(best.size, n, dtype=np.int64))
        fallback_cols.append(best)
    district_fallback = _binary(
        np.concatenate(fallback_rows) if fallback_rows else np.zeros(0, np.int64),
        np.concatenate(fallback_cols) if fallback_cols else np.zeros(0, np.int64),
        (district_ids.size, n_comm),
    )
    return _Inputs(
        commissioner_ids=ids,
        commissioner_district=districts,
        capacity_left=capacity_left,
        load_share=np.clip(share, 0.0, 1.0),
        keywords=keywords,
        keyword_experts=_binary(
            words[free[holders]], holders[free[holders]], (keywords.size, n_comm)
        ),
        firm_ids=np.asarray(firm_ids, dtype=np.int64),
        firm_district=np.asarray(firm_districts, dtype=np.int64),
        firm_industry=np.asarray(firm_industries, dtype=np.int64),
        industry_ancestors=ancestors,
        industry_experts=industry_experts,
        segment_ids=segment_ids,
        segment_experts=segment_experts,
        industry_keywords=industry_keywords,
        segment_keywords=segment_keywords,
        continuity=(rows[keep][order], continuity[1][keep][order]),
        district_ids=district_ids,
        district_fallback=district_fallback,
    )


def _open_request_texts(low: int, high: int) -> tuple[IntArray, list[str]]:
    from chainlead.requests.choices import OPEN_STATUSES
    from chainlead.requests.models import EnterpriseRequest

    firms: list[int] = []
    texts: list[str] = []
    for firm, title, description in EnterpriseRequest.objects.filter(
        enterprise_id__gte=low, enterprise_id__lte=high, status__in=OPEN_STATUSES
    ).values_list("enterprise_id", "title", "description"):
        firms.append(firm)
        texts.append(f"{title} {description}")
    return np.asarray(firms, dtype=np.int64), texts


def _positive(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """0/1 of a sparse matrix with non-negative entries, canonical, explicit zeros dropped."""
    matrix = sp.csr_matrix(matrix)
    matrix.sum_duplicates()
    matrix.eliminate_zeros()
    return sp.csr_matrix(
        (np.ones(matrix.nnz, dtype=np.int64), matrix.indices, matrix.indptr), shape=matrix.shape
    )


@dataclass
class _Chunk:
    """The kept candidates of a chunk of firms, in (firm, commissioner) order."""

    rows: npt.NDArray[np.int32]
    cols: npt.NDArray[np.int32]
    scores: FloatArray
    codes: CodeArray
    considered: int


class _Candidates:
    """The kept candidates of every chunk, columnar, in arrays allocated once for the most
    there can be (MAX_CANDIDATES_PER_FIRM per firm; pages never written cost no memory), so
    no chunk's arrays are kept and nothing is concatenated: 13 bytes per candidate, plus the
    firms' offsets (`indptr`, CSC layout)."""

    def __init__(self, n_firms: int, limit: int) -> None:
        room = n_firms * limit
        self._rows = np.empty(room, dtype=np.int32)
        self._scores = np.empty(room, dtype=np.float64)
        self._codes = np.empty(room, dtype=np.uint8)
        self.counts = np.zeros(n_firms, dtype=np.int64)
        self.size = 0

    def add(self, start: int, stop: int, chunk: _Chunk) -> None:
        """Append the chunk of firms [start, stop) (its pairs grouped by firm, in order)."""
        end = self.size + chunk.rows.size
        self._rows[self.size : end] = chunk.rows
        self._scores[self.size : end] = chunk.scores
        self._codes[self.size : end] = chunk.codes
        self.counts[start:stop] = np.bincount(chunk.cols - start, minlength=stop - start)
        self.size = end

    @property
    def rows(self) -> npt.NDArray[np.int32]:
        return self._rows[: self.size]

    @property
    def scores(self) -> FloatArray:
        return self._scores[: self.size]

    @property
    def codes(self) -> CodeArray:
        return self._codes[: self.size]

    @property
    def indptr(self) -> npt.NDArray[np.int32]:
        """Firm j's candidates are [indptr[j], indptr[j + 1]) (int32, as scipy keeps them)."""
        indptr = np.zeros(self.counts.size + 1, dtype=np.int32)
        np.cumsum(self.counts, out=indptr[1:])
        return indptr


def _chunk_candidates(
    inputs: _Inputs, start: int, stop: int, weights: FloatArray, limit: int
) -> _Chunk:
    """Candidate pairs of the firms inputs.firm_ids[start:stop], scored, each firm's `limit`
    best kept."""
    firm_ids = inputs.firm_ids[start:stop]
    low, high = int(firm_ids[0]), int(firm_ids[-1])
    n_local, n_comm = stop - start, inputs.commissioner_ids.size
    local = np.arange(n_local, dtype=np.int64)

    # Industry: the firm's code at each level times the experts of that code; the closest wins.
    industry = _binary(local[:0], local[:0], (n_local, n_comm))
    firm_codes = inputs.firm_industry[start:stop]
    for level in range(_LEVELS):
        ancestor = np.where(
            firm_codes >= 0, inputs.industry_ancestors[firm_codes.clip(0), level], -1
        )
        at_level = _binary(local, ancestor, (n_local, inputs.industry_ancestors.shape[0]))
        found = _positive(at_level @ inputs.industry_experts) * (_LEVELS - level)
        industry = industry.maximum(found).tocsr()

    members, segments = _pairs(
        list(
            Membership.objects.filter(enterprise_id__gte=low, enterprise_id__lte=high).values_list(
                "enterprise_id", "segment_id"
            )
        )
    )
    in_segment = _binary(
        _index_of(firm_ids, members),
        _index_of(inputs.segment_ids, segments),
        (n_local, inputs.segment_ids.size),
    )
    segment = _positive(in_segment @ inputs.segment_experts)

    # The firms' keywords: their segments', their industry's name, their open requests' text.
    request_firms, texts = _open_request_texts(low, high)
    request_words = inputs.keywords.rows_of(texts)
    own = _binary(local, firm_codes, (n_local, inputs.industry_ancestors.shape[0]))
    requests_of = _binary(
        _index_of(firm_ids, request_firms), np.arange(len(texts)), (n_local, len(texts))
    )
    needs = _positive(requests_of @ request_words)
    firm_keywords = _positive(
        in_segment @ inputs.segment_keywords + own @ inputs.industry_keywords + needs
    )
    stated = _positive(needs @ inputs.keyword_experts)

    past = np.searchsorted(inputs.continuity[1], [low, high + 1])
    continuity = _binary(
        _index_of(firm_ids, inputs.continuity[1][past[0] : past[1]]),
        inputs.continuity[0][past[0] : past[1]],
        (n_local, n_comm),
    )

    union = _positive(industry + segment + stated + continuity)
    # Firms without any candidate: their district's freest commissioners.
    lonely = np.flatnonzero(np.diff(union.indptr) == 0)
    district = _index_of(inputs.district_ids, inputs.firm_district[start:stop][lonely])
    fallback = _binary(lonely, district, (n_local, inputs.district_ids.size))
    union = _positive(union + fallback @ inputs.district_fallback)

    rows = np.asarray(union.indices, dtype=np.int64)  # commissioners
    cols = np.repeat(local, np.diff(union.indptr))  # firms (local)
    level_code = _aligned(union, industry)
    in_shared_segment = _aligned(union, segment)
    continued = _aligned(union, continuity)
    shared = np.zeros(rows.size, dtype=np.int64)
    has_words = (inputs.keywords.counts[rows] > 0) & (np.diff(firm_keywords.indptr)[cols] > 0)
    if has_words.any():
        which = np.flatnonzero(has_words)
        both = inputs.keywords.matrix[rows[which]].multiply(firm_keywords[cols[which]])
        shared[which] = np.asarray(both.sum(axis=1)).ravel()
    denominator = np.maximum(inputs.keywords.counts[rows], 1)
    shared = np.minimum(shared, denominator)

    scores = (
        weights[0] * _FIT_BY_CODE[level_code]
        + weights[1] * in_shared_segment
        + weights[2] * (shared / denominator)
        + weights[3] * (inputs.commissioner_district[rows] == inputs.firm_district[start + cols])
        + weights[4] * (1.0 - inputs.load_share[rows])
        + weights[5] * continued
    )
    scores = np.round(scores, SCORE_DECIMALS)
    codes = (
        level_code
        + _SEGMENT_BIT * in_shared_segment
        + _CONTINUITY_BIT * continued
        + (shared << _KEYWORD_SHIFT)
    ).astype(np.uint8)
    keep = _best_per_firm(cols, rows, scores, np.diff(union.indptr), limit)
    return _Chunk(
        rows=rows[keep].astype(np.int32),
        cols=(cols[keep] + start).astype(np.int32),
        scores=scores[keep],
        codes=codes[keep],
        considered=int(rows.size),
    )


def _best_per_firm(
    cols: IntArray, rows: IntArray, scores: FloatArray, counts: IntArray, limit: int
) -> IntArray:
    """Indices (ascending) of each firm's `limit` best pairs, ties to the lower commissioner
    index; the pairs are grouped by firm (`cols`), `counts` per firm."""
    crowded = counts > limit
    if not crowded.any():
        return np.arange(cols.size)
    many = np.flatnonzero(crowded[cols])
    order = many[np.lexsort((rows[many], -scores[many], cols[many]))]
    sorted_cols = cols[order]
    starts = np.flatnonzero(np.r_[True, sorted_cols[1:] != sorted_cols[:-1]])
    rank = np.arange(order.size) - np.repeat(starts, np.diff(np.r_[starts, order.size]))
    keep = np.ones(cols.size, dtype=bool)
    keep[many] = False
    keep[order[rank < limit]] = True
    return np.flatnonzero(keep)


def _terms(inputs: _Inputs, rows: IntArray, cols: IntArray, codes: CodeArray) -> FloatArray:
    """The terms (pairs × len(MATCH_TERMS)) of candidates from their coded byte."""
    codes = codes.astype(np.int64)
    shared = codes >> _KEYWORD_SHIFT
    terms = np.zeros((rows.size, len(MATCH_TERMS)), dtype=np.float64)
    terms[:, 0] = _FIT_BY_CODE[codes & 7]
    terms[:, 1] = (codes & _SEGMENT_BIT) > 0
    terms[:, 2] = shared / np.maximum(inputs.keywords.counts[rows], 1)
    terms[:, 3] = inputs.commissioner_district[rows] == inputs.firm_district[cols]
    terms[:, 4] = 1.0 - inputs.load_share[rows]
    terms[:, 5] = (codes & _CONTINUITY_BIT) > 0
    return terms


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
    candidates = _Candidates(n_firms, MAX_CANDIDATES_PER_FIRM)
    clock = time.perf_counter()
    for start in range(0, n_firms, FIRM_CHUNK):
        stop = min(n_firms, start + FIRM_CHUNK)
        report("candidates", start, n_firms)
        chunk = _chunk_candidates(inputs, start, stop, weight_vector, MAX_CANDIDATES_PER_FIRM)
        candidates.add(start, stop, chunk)
        del chunk
    seconds["candidates"] = time.perf_counter() - clock
    report("solving", n_firms, n_firms)
    clock = time.perf_counter()
    # The solver, the greedy baseline and the check all read these arrays in place (CSC:
    # commissioners × firms, a firm's candidates in commissioner order); none copies them.
    rows, scores, codes = candidates.rows, candidates.scores, candidates.codes
    indptr = candidates.indptr
    matrix = sp.csc_matrix((scores, rows, indptr), shape=(n_comm, n_firms))
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
    del matrix
    chosen_rows, chosen_cols = result.pairs[:, 0], result.pairs[:, 1]
    found = locate_pairs(indptr, rows, chosen_rows, chosen_cols)
    return Proposal(
        commissioner_ids=inputs.commissioner_ids,
        firm_ids=inputs.firm_ids,
        candidate_pairs=int(scores.size),
        result=result,
        greedy_objective=greedy.objective,
        certificate_ok=check.ok,
        certificate_problems=check.problems,
        chosen_scores=scores[found],
        chosen_terms=_terms(inputs, chosen_rows, chosen_cols, codes[found]),
        weights=weights,
        seconds=seconds,
    )
