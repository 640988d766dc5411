"""Optimal commissioner ↔ firm assignment, with a certificate of optimality; no Django.

The problem (a bipartite *b-matching*): ``scores`` is a sparse commissioners × firms matrix whose
stored entries are the allowed pairs and their scores; commissioner ``i`` may take at most
``capacity[i]`` firms, firm ``j`` wants at most ``demand[j]`` commissioners (default 1), and a pair
is used at most once. :func:`assign` returns the pairs that maximise the total score::

    max  Σ s_ij x_ij   s.t.  Σ_j x_ij ≤ capacity_i,  Σ_i x_ij ≤ demand_j,  0 ≤ x_ij ≤ 1.

Pairs whose score is not positive are never chosen (they can only lower the total). The
constraint matrix is totally unimodular, so this LP has an integral optimum and the LP's dual
certifies the assignment. For prices ``u ≥ 0`` (commissioners) and ``v ≥ 0`` (firms),

    bound(u, v) = Σ capacity_i u_i + Σ demand_j v_j + Σ_{s_ij > 0} max(0, s_ij − u_i − v_j)

is an upper bound on every assignment's total (weak duality; the last sum is the dual of
``x_ij ≤ 1``, which matters once a capacity and a demand both exceed 1). :func:`assign` returns
prices whose bound meets the objective; :func:`verify_certificate` recomputes everything from
the input alone.

**Solver.** OR-Tools' min-cost flow (cost scaling), on the network source → commissioner
(capacity) → firm (one unit per allowed pair, cost −score) → sink (demand), plus a source → sink
bypass of cost 0 so that leaving capacity unused is free. The prices come from a second
min-cost flow's final residual graph: integer shortest-path distances from a virtual root,
by whole-array Bellman-Ford rounds (a few dozen on realistic instances), or, when paths are
long, by a second OR-Tools min-cost flow in which every node draws one unit from the root and
the arcs carrying flow are tight.

**Scaling and rounding.** Min-cost flow needs integer costs: each score is multiplied by
``max_cost / max_score`` and rounded, where ``max_score`` is the largest positive
score of a pair that can be used and ``max_cost`` is ``min(2**40, 2**62 // (4 (nodes + 2)**2))``
(OR-Tools multiplies costs by the node count internally and must not overflow; about 2.4e9 for
2,000 × 20,000); one integer unit is worth ``cost_unit = max_score / max_cost`` in score. The
rounding moves each score by at most ``cost_unit / 2`` (a relative
``2e-10`` of ``max_score`` at that size). The objective is recomputed in floats from the chosen
pairs, and the float prices are the integer potentials times ``cost_unit``, so the certified
gap ``bound − objective`` is at most (number of positive pairs) × ``cost_unit / 2``;
the returned :attr:`Assignment.gap` is the actual one, and no assignment is better than
``objective + gap``.

**Large networks.** Above RESTRICTED_ARCS_ABOVE pair arcs the flow first sees each class's
RESTRICTED_ARCS_PER_CLASS cheapest arcs; the potentials of that optimum price every arc left out,
and those with a negative reduced cost (or nearly) join before it solves again (two or three
rounds on the platform's proposals). It ends when no arc left out has a negative reduced cost:
the potentials then hold on the whole network, so the flow is optimal on it and the certificate
is the same. Among equally good assignments it may pick another than one solve of the whole
network would (the objective is the same).

**Memory.** A canonical float64 CSC input is read in place (pairs in column-major order, the
matrix's own int32 indices), whole-array steps run a PAIR_BLOCK of pairs at a time, and the
network's arrays are dropped while OR-Tools (about 80 bytes per arc) solves, so the peak is
the pairs themselves plus OR-Tools' graph of the restricted network.

When every usable score is a whole multiple of a decimal unit ``10**-k`` (``k ≤ 6``, to within
float error) and the multiples fit that range, the unit itself is the cost unit instead: the
integer costs are then exact, the gap is float error only, and cost scaling needs fewer phases
(about twice as fast on 1.4 million pairs with scores of 4 decimals).

:func:`greedy_assign` (highest score first) is the baseline; :func:`greedy_gain` reports what the
optimum adds. :func:`synthetic_scores` draws seeded instances for tests and benchmarks.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

# OR-Tools ships .pyi stubs but no py.typed marker, so mypy will not read them.
from ortools.graph.python import min_cost_flow  # type: ignore[import-untyped]
from scipy.sparse.csgraph import breadth_first_order

from chainlead.analytics._types import BoolArray, FloatArray, IntArray
from chainlead.analytics.errors import InvalidValueError, NegativeValueError, ShapeError

# Pair indices keep the sparse matrix's own dtype (int32 as a rule: half the memory).
IndexArray = npt.NDArray[np.signedinteger[Any]]

# Largest integer cost unit: well inside float64's 2**53, and OR-Tools' cost scaling multiplies
# costs by (nodes + 1) and sums them along paths, which must stay inside int64.
MAX_COST_UNITS = 2**40
DEFAULT_TOLERANCE = 1e-9
# Bellman-Ford rounds (about 2 ms each at 2,000 × 20,000) before handing the prices to OR-Tools,
# which takes about 3 s there whatever the path lengths.
LABEL_CORRECTING_ROUNDS = 500
# Decimal grids tried for exact integer costs (scores with at most this many decimals), and
# how far from a whole multiple of the grid's unit a score may lie (float error, relative).
GRID_DECIMALS = 6
GRID_TOLERANCE = 1e-9
# Pairs the greedy baseline walks per block (bounds its Python lists).
GREEDY_BLOCK = 65_536
# Above this many pair arcs (after merging interchangeable firms) the flow starts from each
# class's cheapest RESTRICTED_ARCS_PER_CLASS arcs and adds the ones its prices do not rule out
# (see `assign`): OR-Tools' graph costs about 80 bytes per arc, the largest share of the peak.
RESTRICTED_ARCS_ABOVE = 100_000
RESTRICTED_ARCS_PER_CLASS = 8
PRICE_MARGIN_DIVISOR = 25
# Pairs per block of a whole-array step (costs, hashes, the bound): its temporaries stay a
# few MiB whatever the number of pairs, so the peak is the data held, not the scratch.
PAIR_BLOCK = 262_144


@dataclass(frozen=True)
class Assignment:
    """Chosen pairs, as ``(commissioner, firm)`` row / column indices sorted by row then column.

    ``pairs`` is ``k × 2`` int64; ``objective`` is the float sum of their scores.
    """

    pairs: IntArray
    objective: float


@dataclass(frozen=True)
class OptimalAssignment(Assignment):
    """An optimal assignment with its dual certificate (see the module docstring).

    ``commissioner_prices`` (``u``, one per row, ≥ 0) and ``firm_prices`` (``v``, one per
    column, ≥ 0) give the upper bound ``bound`` ≥ every assignment's total; ``gap`` =
    ``bound − objective`` is how far from optimal this assignment can possibly be.
    ``cost_unit`` is the score one integer cost unit of the flow solver stands for (0 when no
    pair could be used); rounding to it is the only approximation.
    """

    commissioner_prices: FloatArray
    firm_prices: FloatArray
    bound: float
    cost_unit: float

    @property
    def gap(self) -> float:
        return self.bound - self.objective


@dataclass(frozen=True)
class GreedyGain:
    """What the optimal assignment adds over the greedy one."""

    optimal: float
    greedy: float

    @property
    def gain(self) -> float:
        return self.optimal - self.greedy

    @property
    def relative_gain(self) -> float:
        """Gain as a share of the greedy total (0 when both are 0, inf when only greedy is)."""
        if self.greedy > 0:
            return self.gain / self.greedy
        return 0.0 if self.gain <= 0 else math.inf


@dataclass(frozen=True)
class CertificateCheck:
    """Result of :func:`verify_certificate`: ``ok`` when ``problems`` is empty."""

    problems: tuple[str, ...]
    objective: float
    bound: float

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def gap(self) -> float:
        return self.bound - self.objective


@dataclass(frozen=True)
class _Problem:
    """Validated input: the stored pairs in column-major order (by column, then row; column
    ``j``'s pairs are ``indptr[j]:indptr[j + 1]``), duplicates summed, and integer limits.

    ``rows`` and ``values`` are the caller's own arrays when the input is already a canonical
    float64 CSC matrix (read here, never written), so a million pairs are not copied three
    times over; ``rows`` and ``cols`` keep the matrix's index dtype (int32 as a rule).
    """

    n_rows: int
    n_cols: int
    rows: IndexArray
    cols: IndexArray
    indptr: IndexArray
    values: FloatArray
    capacity: IntArray
    demand: IntArray


def _blocks(size: int) -> Iterator[slice]:
    """Consecutive slices of at most PAIR_BLOCK pairs (whole-array temporaries per block)."""
    for begin in range(0, size, PAIR_BLOCK):
        yield slice(begin, min(size, begin + PAIR_BLOCK))


def _limits(values: Any, length: int, name: str) -> IntArray:
    array = np.asarray(values)
    if array.ndim != 1 or array.shape[0] != length:
        raise ShapeError(f"{name} must be a vector of length {length}, got shape {array.shape}")
    if array.dtype.kind not in "biuf":
        raise InvalidValueError(f"{name} must be numeric, got dtype {array.dtype}")
    as_float = array.astype(np.float64)
    if not np.isfinite(as_float).all():
        raise InvalidValueError(f"{name} must be finite")
    if (as_float < 0).any():
        raise NegativeValueError(
            f"{name} must not be negative (index {int(np.argmax(as_float < 0))})"
        )
    if (as_float != np.floor(as_float)).any():
        raise InvalidValueError(f"{name} must hold whole numbers")
    # Beyond 2**62 a limit can never bind (there are fewer pairs than that).
    return np.minimum(as_float, 2.0**62).astype(np.int64)


def _problem(scores: Any, capacity: Any, demand: Any) -> _Problem:
    if not sp.issparse(scores):
        raise TypeError(f"scores must be a scipy.sparse matrix or array, got {type(scores)!r}")
    if len(scores.shape) != 2:
        raise ShapeError(f"scores must be 2-D, got shape {scores.shape}")
    n_rows, n_cols = (int(n) for n in scores.shape)
    # A CSC input is shared, not copied (csc_matrix of a CSC keeps its arrays); anything else is
    # converted once. Sorting or summing duplicates writes, so a shared one is copied first.
    shared = scores.format == "csc"
    csc = sp.csc_matrix(scores)
    if csc.dtype != np.float64:
        csc, shared = csc.astype(np.float64), False
    if not csc.has_canonical_format:
        if shared:
            csc = csc.copy()
        csc.sum_duplicates()
    values = np.asarray(csc.data, dtype=np.float64)
    if not np.isfinite(values).all():
        raise InvalidValueError("scores must be finite (no NaN or infinity among stored entries)")
    capacity_ = _limits(capacity, n_rows, "capacity")
    demand_ = _limits(
        np.ones(n_cols, dtype=np.int64) if demand is None else demand, n_cols, "demand"
    )
    rows = np.asarray(csc.indices)
    indptr = np.asarray(csc.indptr)
    cols = np.repeat(np.arange(n_cols, dtype=rows.dtype), np.diff(indptr))
    return _Problem(
        n_rows=n_rows,
        n_cols=n_cols,
        rows=rows,
        cols=cols,
        indptr=indptr,
        values=values,
        capacity=capacity_,
        demand=demand_,
    )


def locate_pairs(indptr: Any, indices: Any, rows: Any, cols: Any) -> IntArray:
    """Position of each (row, column) among the stored entries of a canonical CSC matrix
    (``indptr``, ``indices``: sorted rows, no duplicates), −1 where it is not stored: a binary
    search inside each column, all queries at once, with no key array over every entry."""
    indptr, indices = np.asarray(indptr), np.asarray(indices)
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    if indices.size == 0:
        return np.full(rows.size, -1, dtype=np.int64)
    end = indptr[cols + 1].astype(np.int64)
    low, high = indptr[cols].astype(np.int64), end.copy()
    last = indices.size - 1
    active = low < high
    while active.any():
        middle = (low + high) // 2
        right = active & (indices[np.minimum(middle, last)] < rows)
        low = np.where(right, middle + 1, low)
        high = np.where(active & ~right, middle, high)
        active = low < high
    found = (low < end) & (indices[np.minimum(low, last)] == rows)
    return np.where(found, low, -1).astype(np.int64)


def _sorted_pairs(rows: IntArray, cols: IntArray) -> IntArray:
    order = np.lexsort((cols, rows))
    return np.column_stack([rows[order], cols[order]]).astype(np.int64).reshape(-1, 2)


# --- the flow solver ----------------------------------------------------------------------


Network = tuple[IndexArray, IndexArray, IntArray, IntArray]


def _solve_min_cost_flow(network: Callable[[], Network], supplies: IntArray) -> IntArray:
    """OR-Tools' min-cost flow on the arcs ``network()`` builds (tails, heads, capacities,
    costs); the flow on each arc, in that order. The arrays are dropped once OR-Tools holds its
    own copy, so they do not sit beside its graph while it solves."""
    solver = min_cost_flow.SimpleMinCostFlow()
    tails, heads, capacities, costs = network()
    arcs = solver.add_arcs_with_capacity_and_unit_cost(
        np.asarray(tails, dtype=np.int32),
        np.asarray(heads, dtype=np.int32),
        np.asarray(capacities, dtype=np.int64),
        np.asarray(costs, dtype=np.int64),
    )
    del tails, heads, capacities, costs
    solver.set_nodes_supplies(np.arange(supplies.size, dtype=np.int32), supplies)
    status = solver.solve()
    if status != solver.OPTIMAL:
        # Balanced supplies, a bypass arc and scaled costs rule this out; say so loudly.
        raise RuntimeError(f"OR-Tools min-cost flow ended with status {status!r}")
    return np.asarray(solver.flows(arcs), dtype=np.int64)


def _label_correcting(
    n_nodes: int, tails: IntArray, heads: IntArray, costs: IntArray, max_rounds: int
) -> IntArray | None:
    """Bellman-Ford in whole-array rounds from a virtual root with 0-cost arcs to every node;
    ``None`` when it has not settled after ``max_rounds`` (paths with more arcs than that)."""
    distance = np.zeros(n_nodes, dtype=np.int64)
    for _ in range(max_rounds):
        relaxed = distance.copy()
        np.minimum.at(relaxed, heads, distance[tails] + costs)
        if np.array_equal(relaxed, distance):
            return distance
        distance = relaxed
    return None


def _shortest_path_flow(
    n_nodes: int, tails: IntArray, heads: IntArray, costs: IntArray
) -> IntArray:
    """The same distances from OR-Tools: every node draws one unit from the root, the arcs
    that carry flow are tight, so walking them from the root gives the distances."""
    root = n_nodes
    all_tails = np.concatenate([tails, np.full(n_nodes, root, dtype=np.int64)])
    all_heads = np.concatenate([heads, np.arange(n_nodes, dtype=np.int64)])
    all_costs = np.concatenate([costs, np.zeros(n_nodes, dtype=np.int64)])
    supplies = np.full(n_nodes + 1, -1, dtype=np.int64)
    supplies[root] = n_nodes
    capacities = np.full(all_tails.size, n_nodes, dtype=np.int64)
    flows = _solve_min_cost_flow(lambda: (all_tails, all_heads, capacities, all_costs), supplies)
    used = flows > 0
    tree_tails, tree_heads, tree_costs = all_tails[used], all_heads[used], all_costs[used]
    # Tight arcs: any spanning tree of them from the root fixes the potentials.
    tight = sp.csr_matrix(
        (np.ones(tree_tails.size), (tree_tails, tree_heads)), shape=(n_nodes + 1, n_nodes + 1)
    )
    order, predecessors = breadth_first_order(tight, root, directed=True)
    if order.size != n_nodes + 1:
        raise RuntimeError("the shortest-path flow left a node unreached")
    # Each (tail, head) occurs once among the arcs, so a sorted key finds an arc's cost.
    keys = tree_tails * (n_nodes + 1) + tree_heads
    by_key = np.argsort(keys)
    children = order[1:]
    parents = predecessors[children]
    found = by_key[np.searchsorted(keys, parents * (n_nodes + 1) + children, sorter=by_key)]
    values = [0] * (n_nodes + 1)
    for parent, child, cost in zip(
        parents.tolist(), children.tolist(), tree_costs[found].tolist(), strict=True
    ):
        values[child] = values[parent] + cost  # BFS order: the parent is already set
    return np.asarray(values[:n_nodes], dtype=np.int64)


def _potentials(
    n_nodes: int,
    tails: IntArray,
    heads: IntArray,
    costs: IntArray,
    max_rounds: int = LABEL_CORRECTING_ROUNDS,
) -> IntArray:
    """Shortest-path distances ``d`` from a virtual root (0-cost arcs to every node) in a
    residual graph without negative cycles, so that ``cost + d(tail) − d(head) ≥ 0`` on every
    arc. Whole-array Bellman-Ford rounds settle in a few dozen rounds on realistic instances;
    past ``max_rounds`` OR-Tools computes them (slower, but bounded)."""
    distance = _label_correcting(n_nodes, tails, heads, costs, max_rounds)
    if distance is None:
        distance = _shortest_path_flow(n_nodes, tails, heads, costs)
    if tails.size and int((costs + distance[tails] - distance[heads]).min()) < 0:
        raise RuntimeError("the potentials violate a residual arc; the flow was not optimal")
    return distance


def _max_cost_units(n_nodes: int) -> int:
    return max(1, min(MAX_COST_UNITS, 2**62 // (4 * (n_nodes + 2) ** 2)))


def _decimal_grid(
    scores: FloatArray, max_score: float, max_cost: int
) -> tuple[float, IntArray] | None:
    """``(unit, -costs)`` when every score is a whole multiple of ``unit = 10**-k`` (to within
    float error, k ≤ GRID_DECIMALS) and the largest multiple fits the cost range; the coarsest
    such unit. Then the integer costs are exact (no rounding) and small, which cost scaling
    solves in fewer phases than costs spread over the whole range."""

    def on_grid(block: FloatArray, unit: float) -> bool:
        multiples = block / unit
        whole = np.rint(multiples)
        close = np.abs(multiples - whole) <= GRID_TOLERANCE * np.maximum(1.0, np.abs(whole))
        return bool(np.all(close) and np.all(whole >= 1))

    for decimals in range(GRID_DECIMALS + 1):
        unit = 10.0**-decimals
        if max_score / unit > max_cost:
            return None
        if all(on_grid(scores[block], unit) for block in _blocks(scores.size)):
            costs = np.empty(scores.size, dtype=np.int64)
            for block in _blocks(scores.size):
                costs[block] = -np.rint(scores[block] / unit).astype(np.int64)
            return unit, costs
    return None


def _scaled_costs(scores: FloatArray, max_score: float, max_cost: int) -> IntArray:
    """``-round(score / max_score × max_cost)``; dividing first keeps tiny (even subnormal)
    scores from overflowing."""
    costs = np.empty(scores.size, dtype=np.int64)
    for block in _blocks(scores.size):
        costs[block] = -np.rint(scores[block] / max_score * max_cost).astype(np.int64)
    return costs


@dataclass(frozen=True)
class _Classes:
    """Classes of interchangeable firms (columns): those wanting one commissioner whose usable
    pairs are the same rows at the same integer costs; every other column is a class of its
    own. ``class_of[j]`` is column j's class; ``members`` lists the columns class by class
    (``start``, ``size``); ``arcs`` are the indices of the arcs of each class's first column,
    the only ones the flow sees, each with the class's size as its capacity."""

    class_of: IntArray
    members: IntArray
    start: IntArray
    size: IntArray
    demand: IntArray
    arcs: IntArray

    @classmethod
    def of(
        cls, rows: IndexArray, cols: IndexArray, costs: IntArray, demand: IntArray, n_cols: int
    ) -> _Classes:
        """The classes of the usable pairs ``rows``, ``cols``, ``costs``, given in column-major
        order (by column, then row), as :class:`_Problem` keeps them."""
        degree = np.bincount(cols, minlength=n_cols)
        first = np.zeros(n_cols + 1, dtype=np.int64)
        np.cumsum(degree, out=first[1:])
        # An order-free 64-bit hash of each column's (row, cost) pairs (splitmix64 finaliser),
        # a block of pairs at a time.
        digest = np.zeros(n_cols, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for block in _blocks(rows.size):
                mixed = rows[block].astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
                mixed ^= costs[block].astype(np.uint64) * np.uint64(0xC2B2AE3D27D4EB4F)
                mixed ^= mixed >> np.uint64(30)
                mixed *= np.uint64(0xBF58476D1CE4E5B9)
                mixed ^= mixed >> np.uint64(27)
                mixed *= np.uint64(0x94D049BB133111EB)
                mixed ^= mixed >> np.uint64(31)
                np.add.at(digest, cols[block], mixed)
            digest += degree.astype(np.uint64) * np.uint64(0xD6E8FEB86659FD93)
        eligible = (demand == 1) & (degree > 0)
        # Candidate classes by digest; the first column of each is its representative.
        candidates = np.flatnonzero(eligible)
        _, first_of, inverse = np.unique(digest[candidates], return_index=True, return_inverse=True)
        representative = np.arange(n_cols, dtype=np.int64)
        representative[candidates] = candidates[first_of[inverse.ravel()]]
        # Check every merge pair by pair; a column that differs (a hash collision) stays alone.
        bad = np.zeros(n_cols, dtype=bool)
        last = max(rows.size - 1, 0)
        for block in _blocks(rows.size):
            merged = np.flatnonzero(representative[cols[block]] != cols[block]) + block.start
            cols_m = cols[merged]
            reps_m = representative[cols_m]
            twin = (first[reps_m] + merged - first[cols_m]).clip(0, last)
            differs = (
                (degree[reps_m] != degree[cols_m])
                | (rows[twin] != rows[merged])
                | (costs[twin] != costs[merged])
            )
            bad[cols_m[differs]] = True
        representative[bad] = np.flatnonzero(bad)
        # Classes numbered by their representative's column, members in column order.
        leaders, class_of = np.unique(representative, return_inverse=True)
        class_of = class_of.ravel().astype(np.int64)
        members = np.argsort(class_of, kind="stable").astype(np.int64)
        size = np.bincount(class_of, minlength=leaders.size).astype(np.int64)
        start = np.zeros(leaders.size, dtype=np.int64)
        np.cumsum(size[:-1], out=start[1:])
        class_demand = np.bincount(class_of, weights=demand, minlength=leaders.size)
        lead_arcs = [
            np.flatnonzero(representative[cols[block]] == cols[block]) + block.start
            for block in _blocks(rows.size)
        ]
        return cls(
            class_of=class_of,
            members=members,
            start=start,
            size=size,
            demand=class_demand.astype(np.int64),
            arcs=np.concatenate(lead_arcs) if lead_arcs else np.zeros(0, dtype=np.int64),
        )

    def pairs(self, rows: IndexArray, classes: IndexArray, flows: IntArray) -> IntArray:
        """The chosen (row, column) pairs from the flow on each class's arcs: a class's units,
        in row order, go to its firms in column order (one each: a merged class's firms want
        one commissioner; a class of one firm takes them all)."""
        used = flows > 0
        rows, classes, flows = rows[used], classes[used], flows[used]
        order = np.lexsort((rows, classes))
        rows, classes, flows = rows[order], classes[order], flows[order]
        unit_rows = np.repeat(rows, flows)
        unit_classes = np.repeat(classes, flows)
        if unit_rows.size == 0:
            return np.zeros((0, 2), dtype=np.int64)
        begins = np.flatnonzero(np.r_[True, unit_classes[1:] != unit_classes[:-1]])
        rank = np.arange(unit_rows.size) - np.repeat(begins, np.diff(np.r_[begins, unit_rows.size]))
        member = self.members[self.start[unit_classes] + rank % self.size[unit_classes]]
        return _sorted_pairs(unit_rows, member)


def _initial_arcs(rows: IndexArray, classes: IndexArray, costs: IntArray) -> BoolArray:
    """The pair arcs the flow sees first: all of them on a network of at most
    RESTRICTED_ARCS_ABOVE pair arcs, else each class's RESTRICTED_ARCS_PER_CLASS cheapest
    (ties to the lower row). The arcs come grouped by class."""
    if rows.size <= RESTRICTED_ARCS_ABOVE:
        return np.ones(rows.size, dtype=bool)
    order = np.lexsort((rows, costs, classes))
    grouped = classes[order]
    starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
    rank = np.arange(order.size) - np.repeat(starts, np.diff(np.r_[starts, order.size]))
    active = np.zeros(rows.size, dtype=bool)
    active[order[rank < RESTRICTED_ARCS_PER_CLASS]] = True
    return active


def assign(scores: Any, capacity: Any, demand: Any = None) -> OptimalAssignment:
    """The assignment of firms to commissioners with the largest total score.

    ``scores``: ``scipy.sparse`` commissioners × firms, stored entries are the allowed pairs
    (duplicates are summed, as scipy does); ``capacity[i]``: how many firms commissioner ``i``
    may take; ``demand[j]``: how many commissioners firm ``j`` wants (default 1). Limits are
    whole numbers ≥ 0. Returns the pairs, their total and the dual certificate; raises
    :class:`~chainlead.analytics.errors.ShapeError`, ``NegativeValueError`` or
    ``InvalidValueError`` (all ``ValueError``) for mismatched shapes, negative or fractional
    limits and non-finite scores.
    """
    problem = _problem(scores, capacity, demand)
    n_rows, n_cols = problem.n_rows, problem.n_cols
    rows, cols, values = problem.rows, problem.cols, problem.values
    capacity_, demand_ = problem.capacity, problem.demand

    usable = np.empty(values.size, dtype=bool)
    for block in _blocks(values.size):
        usable[block] = (
            (values[block] > 0) & (capacity_[rows[block]] > 0) & (demand_[cols[block]] > 0)
        )
    # Prices for pairs the flow never sees: a commissioner (firm) with no capacity (demand)
    # costs nothing in the bound at any price, so price it at its best score.
    row_floor = np.zeros(n_rows)
    col_floor = np.zeros(n_cols)
    if usable.all():  # the usual case: no copies of a million pairs, nobody blocked
        arc_rows, arc_cols, arc_scores = rows, cols, values
    else:
        arc_rows, arc_cols, arc_scores = rows[usable], cols[usable], values[usable]
        positive = values > 0
        blocked_rows = positive & (capacity_[rows] == 0)
        np.maximum.at(row_floor, rows[blocked_rows], values[blocked_rows])
        blocked_cols = positive & ~blocked_rows & (demand_[cols] == 0)
        np.maximum.at(col_floor, cols[blocked_cols], values[blocked_cols])
        del positive, blocked_rows, blocked_cols
    del usable
    n_arcs = int(arc_rows.size)

    if n_arcs == 0:
        empty = np.zeros((0, 2), dtype=np.int64)
        bound = _bound(problem, row_floor, col_floor)
        return OptimalAssignment(empty, 0.0, row_floor, col_floor, bound, 0.0)

    # Nodes: source 0, commissioners 1..R, firms R+1..R+C, sink R+C+1.
    n_nodes = n_rows + n_cols + 2
    max_score, max_cost = float(arc_scores.max()), _max_cost_units(n_nodes)
    grid = _decimal_grid(arc_scores, max_score, max_cost)
    if grid is not None:
        # Scores on a decimal grid: exact integer costs, and far fewer scaling phases.
        unit, arc_costs = grid
        max_cost, max_score = int(-arc_costs.min()), float(-arc_costs.min()) * unit
    else:
        arc_costs = _scaled_costs(arc_scores, max_score, max_cost)
    del grid

    # Firms that want one commissioner and whose usable pairs are the same commissioners at
    # the same integer costs are interchangeable: the flow sees each such class once, as one
    # node wanting as many commissioners as it has firms (an exact reduction).
    merged = _Classes.of(arc_rows, arc_cols, arc_costs, demand_, n_cols)
    net_rows = arc_rows[merged.arcs].astype(np.int32)
    net_classes = merged.class_of[arc_cols[merged.arcs]].astype(np.int32)
    net_costs = arc_costs[merged.arcs]
    n_classes = merged.size.size
    del arc_rows, arc_cols, arc_scores, arc_costs
    net_caps = merged.size[net_classes]

    # A limit above what the pairs can carry never binds; one more keeps it slack.
    row_room = np.bincount(net_rows, weights=net_caps, minlength=n_rows).astype(np.int64)
    class_room = np.bincount(net_classes, weights=net_caps, minlength=n_classes).astype(np.int64)
    del net_caps
    row_cap = np.minimum(capacity_, row_room + 1)
    class_cap = np.minimum(merged.demand, class_room + 1)
    # One unit more than can ever pass through the commissioners always takes the bypass,
    # which keeps source and sink at the same potential.
    supply = int(min(np.minimum(row_cap, row_room).sum(), np.minimum(class_cap, class_room).sum()))
    supply += 1

    n_nodes = n_rows + n_classes + 2
    source, sink = 0, n_nodes - 1
    row_nodes = np.arange(1, n_rows + 1, dtype=np.int64)
    class_nodes = np.arange(n_rows + 1, n_rows + n_classes + 1, dtype=np.int64)
    supplies = np.zeros(n_nodes, dtype=np.int64)
    supplies[source], supplies[sink] = supply, -supply

    # On a large network the flow first sees each class's RESTRICTED_ARCS_PER_CLASS cheapest
    # pair arcs only; the potentials of that optimum then price every arc left out, and the
    # arcs they do not price out (negative reduced cost) join before solving again. When none
    # is left, the potentials satisfy every arc of the whole network, so the flow is optimal on
    # it (the same certificate, and OR-Tools' graph is a fraction of the size).
    active = _initial_arcs(net_rows, net_classes, net_costs)
    while True:
        chosen = np.flatnonzero(active)

        def network(chosen: IntArray = chosen) -> Network:
            # Built on demand (twice: for OR-Tools, then for the residual graph) rather than
            # held beside OR-Tools' own copy while it solves.
            classes = net_classes[chosen]
            tails = np.concatenate(
                [np.full(n_rows, source), net_rows[chosen] + 1, class_nodes, [source]]
            ).astype(np.int32)
            heads = np.concatenate(
                [row_nodes, classes + n_rows + 1, np.full(n_classes, sink), [sink]]
            ).astype(np.int32)
            capacities = np.concatenate(
                [row_cap, merged.size[classes], class_cap, [supply]]
            ).astype(np.int64)
            costs = np.concatenate(
                [np.zeros(n_rows, np.int64), net_costs[chosen], np.zeros(n_classes, np.int64), [0]]
            ).astype(np.int64)
            return tails, heads, capacities, costs

        flows = _solve_min_cost_flow(network, supplies)
        # Residual graph of the flow: forward where capacity is left, backward where flow is.
        tails, heads, capacities, costs = network()
        forward = flows < capacities
        backward = flows > 0
        residual_tails = np.concatenate([tails[forward], heads[backward]])
        residual_heads = np.concatenate([heads[forward], tails[backward]])
        residual_costs = np.concatenate([costs[forward], -costs[backward]])
        del tails, heads, capacities, costs, forward, backward
        distance = _potentials(n_nodes, residual_tails, residual_heads, residual_costs)
        del residual_tails, residual_heads, residual_costs
        left_out = np.flatnonzero(~active)
        reduced = net_costs[left_out] + distance[net_rows[left_out] + 1]
        reduced -= distance[net_classes[left_out] + n_rows + 1]
        if not (reduced < 0).any():
            break
        # Arcs close to pricing in join too: the next prices rarely move far.
        priced_in = left_out[reduced < max(1, max_cost // PRICE_MARGIN_DIVISOR)]
        active[priced_in] = True
        del flows, distance, left_out, reduced, priced_in

    # u_i + v_j = d(i) − d(j) is at most the score on used pairs (the pair's slack w takes the
    # rest) and at least it on unused ones; prices of nodes without flow may come out negative
    # and are raised to 0, which the bound allows (all their pairs are unused, and raising a
    # price only keeps u_i + v_j ≥ s_ij there). A firm's price is its class's.
    prices_row = (distance[row_nodes] - distance[source]) / max_cost * max_score
    prices_class = (distance[source] - distance[class_nodes]) / max_cost * max_score
    prices_row = np.maximum(np.maximum(prices_row, 0.0), row_floor)
    prices_col = np.maximum(np.maximum(prices_class[merged.class_of], 0.0), col_floor)

    pair_flows = flows[n_rows : n_rows + chosen.size]
    pairs = merged.pairs(net_rows[chosen], net_classes[chosen], pair_flows)
    del flows, pair_flows
    # The chosen pairs' own scores (a class's firms share integer costs, not float scores).
    found = locate_pairs(problem.indptr, rows, pairs[:, 0], pairs[:, 1])
    objective = float(np.sum(values[found]))
    bound = _bound(problem, prices_row, prices_col)
    cost_unit = max_score / max_cost
    return OptimalAssignment(pairs, objective, prices_row, prices_col, bound, cost_unit)


def _bound(problem: _Problem, prices_row: FloatArray, prices_col: FloatArray) -> float:
    """The dual objective for prices u, v, with the best pair slacks (see the module doc);
    the slacks a block of pairs at a time."""
    slack = 0.0
    for block in _blocks(problem.values.size):
        values = problem.values[block]
        positive = values > 0
        gain = values[positive] - prices_row[problem.rows[block][positive]]
        gain -= prices_col[problem.cols[block][positive]]
        slack += float(np.maximum(gain, 0.0).sum())
    return float(
        np.dot(problem.capacity.astype(np.float64), prices_row)
        + np.dot(problem.demand.astype(np.float64), prices_col)
        + slack
    )


# --- checking a result --------------------------------------------------------------------


def verify_certificate(
    scores: Any,
    capacity: Any,
    demand: Any,
    result: OptimalAssignment,
    tol: float = DEFAULT_TOLERANCE,
) -> CertificateCheck:
    """Check ``result`` against the input alone, trusting nothing it computed.

    The pairs must be distinct, stored, positive and within every capacity and demand;
    ``objective`` must be their score total; the prices must be finite and ≥ 0; and the bound
    they give (recomputed here) must exceed the objective by at most ``tol × |objective|``
    (then no assignment beats it by more). ``demand=None`` means 1 per firm, as in
    :func:`assign`.
    """
    problem = _problem(scores, capacity, demand)
    problems: list[str] = []
    pairs = np.asarray(result.pairs)
    u = np.asarray(result.commissioner_prices, dtype=np.float64)
    v = np.asarray(result.firm_prices, dtype=np.float64)
    if u.shape != (problem.n_rows,) or v.shape != (problem.n_cols,):
        return CertificateCheck(("prices do not match the matrix's shape",), math.nan, math.nan)
    if pairs.ndim != 2 or pairs.shape[1] != 2 or pairs.dtype.kind not in "iu":
        return CertificateCheck(("pairs must be a k × 2 integer array",), math.nan, math.nan)

    chosen_rows, chosen_cols = pairs[:, 0].astype(np.int64), pairs[:, 1].astype(np.int64)
    inside = (
        (chosen_rows >= 0)
        & (chosen_rows < problem.n_rows)
        & (chosen_cols >= 0)
        & (chosen_cols < problem.n_cols)
    )
    if not inside.all():
        return CertificateCheck(("a pair lies outside the matrix",), math.nan, math.nan)
    chosen_keys = chosen_rows * problem.n_cols + chosen_cols
    if np.unique(chosen_keys).size != chosen_keys.size:
        problems.append("a pair is chosen twice")
    where = locate_pairs(problem.indptr, problem.rows, chosen_rows, chosen_cols)
    if chosen_keys.size and not bool(np.all(where >= 0)):
        problems.append("a chosen pair has no stored score")
        objective = math.nan
    else:
        chosen_scores = problem.values[where] if chosen_keys.size else np.zeros(0)
        if (chosen_scores <= 0).any():
            problems.append("a chosen pair has a score that is not positive")
        objective = float(chosen_scores.sum())
        if not math.isclose(objective, result.objective, rel_tol=1e-12, abs_tol=1e-12):
            problems.append(f"objective {result.objective!r} is not the pairs' total {objective!r}")
    row_load = np.bincount(chosen_rows, minlength=problem.n_rows)
    col_load = np.bincount(chosen_cols, minlength=problem.n_cols)
    if (row_load > problem.capacity).any():
        problems.append("a commissioner takes more firms than their capacity")
    if (col_load > problem.demand).any():
        problems.append("a firm gets more commissioners than its demand")
    if not (np.isfinite(u).all() and np.isfinite(v).all()):
        problems.append("a price is not finite")
        return CertificateCheck(tuple(problems), objective, math.nan)
    if (u < 0).any() or (v < 0).any():
        problems.append("a price is negative")
    bound = _bound(problem, u, v)
    if not math.isnan(objective) and abs(bound - objective) > tol * abs(objective):
        problems.append(f"the bound {bound!r} misses the objective {objective!r} (tol {tol})")
    return CertificateCheck(tuple(problems), objective, bound)


# --- the baseline -------------------------------------------------------------------------


def greedy_assign(scores: Any, capacity: Any, demand: Any = None) -> Assignment:
    """Highest score first: take each positive pair, best first (ties by row, then column),
    while its commissioner has capacity and its firm still wants someone."""
    problem = _problem(scores, capacity, demand)
    positive = problem.values > 0
    if positive.all():  # no copies of a million pairs
        rows, cols, values = problem.rows, problem.cols, problem.values
    else:
        rows, cols = problem.rows[positive], problem.cols[positive]
        values = problem.values[positive]
    del positive
    order = np.lexsort((cols, rows, -values))
    capacity_left = problem.capacity.tolist()
    demand_left = problem.demand.tolist()
    # Nothing more can be taken once either side is used up.
    room = min(sum(capacity_left), sum(demand_left))  # Python ints: no overflow
    taken: list[int] = []
    # A block at a time, so only one block of pairs is ever a list of Python ints.
    for begin in range(0, order.size, GREEDY_BLOCK):
        if len(taken) >= room:
            break
        block = order[begin : begin + GREEDY_BLOCK]
        for index, row, col in zip(
            block.tolist(), rows[block].tolist(), cols[block].tolist(), strict=True
        ):
            if capacity_left[row] > 0 and demand_left[col] > 0:
                capacity_left[row] -= 1
                demand_left[col] -= 1
                taken.append(index)
    chosen = np.asarray(taken, dtype=np.int64)
    return Assignment(_sorted_pairs(rows[chosen], cols[chosen]), float(values[chosen].sum()))


def greedy_gain(optimal: Assignment, greedy: Assignment) -> GreedyGain:
    """The optimum's total against the greedy one's (``gain``, ``relative_gain``)."""
    return GreedyGain(optimal=optimal.objective, greedy=greedy.objective)


# --- synthetic instances ------------------------------------------------------------------


def synthetic_scores(
    n_commissioners: int,
    n_firms: int,
    pairs_per_firm: int = 20,
    seed: int = 0,
) -> tuple[sp.csr_matrix, IntArray, IntArray]:
    """A seeded instance: ``(scores, capacity, demand)``.

    Commissioners and firms have expertise and needs in 8 latent fields; each firm is offered
    ``pairs_per_firm`` candidate commissioners drawn with heavy-tailed popularity (so popular
    experts are oversubscribed, as in real matchings, and a few draws repeat: "about"
    ``pairs_per_firm`` distinct ones). The score is the fit (needs · expertise) plus noise; about
    5 % come out zero or negative. Capacities are 5-15 firms; 10 % of firms want 2
    commissioners. Invented data, for tests and benchmarks only.
    """
    if n_commissioners < 1 or n_firms < 1 or pairs_per_firm < 1:
        raise InvalidValueError("n_commissioners, n_firms and pairs_per_firm must be at least 1")
    rng = np.random.default_rng(seed)
    expertise = rng.gamma(1.0, 1.0, size=(n_commissioners, 8))
    needs = rng.dirichlet(np.full(8, 0.5), size=n_firms)
    popularity = rng.pareto(1.5, size=n_commissioners) + 1.0
    popularity /= popularity.sum()
    rows = rng.choice(n_commissioners, size=n_firms * pairs_per_firm, p=popularity)
    cols = np.repeat(np.arange(n_firms), pairs_per_firm)
    keys = np.unique(rows.astype(np.int64) * n_firms + cols)
    rows, cols = keys // n_firms, keys % n_firms
    fit = np.einsum("ij,ij->i", expertise[rows], needs[cols])
    values = np.round(fit + rng.normal(0.0, 0.35, size=rows.size), 3)
    scores = sp.csr_matrix((values, (rows, cols)), shape=(n_commissioners, n_firms))
    capacity = rng.integers(5, 16, size=n_commissioners).astype(np.int64)
    demand = np.where(rng.random(n_firms) < 0.1, 2, 1).astype(np.int64)
    return scores, capacity, demand


__all__ = [
    "Assignment",
    "CertificateCheck",
    "GreedyGain",
    "OptimalAssignment",
    "assign",
    "greedy_assign",
    "greedy_gain",
    "locate_pairs",
    "synthetic_scores",
    "verify_certificate",
]
