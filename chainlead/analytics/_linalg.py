"""Matrix products that switch to scipy.sparse when the left factor is sparse enough.

Measured on the project's 2-core AMD EPYC with OpenBLAS (3,000 × 5,000 binary M):
``M.T @ M`` and ``M @ B`` (B dense 5,000 × 5,000) are faster through scipy.sparse below about
2 % non-zero cells, and several times slower above it (dense BLAS runs near 100 GFLOP/s, the
sparse kernels are single-threaded). RCA ≥ 1 typically marks 10-30 % of the cells, so most real
matrices take the dense path; very sparse region × industry tables take the sparse one.

The sparse path skips zero cells, so ``0 * NaN`` is not propagated as dense BLAS does: it is only
taken when both factors are finite, which keeps results identical up to rounding.

:func:`blas_threads_for` runs small grids on one BLAS thread. There the work is a few dozen
small BLAS calls (the eigen-solver makes many), and waking OpenBLAS's second thread costs more than
it saves, the more so the busier other processes keep the cores (a 300 × 1,000 × 1,000 product:
12 ms on one thread; 6.6 ms on two when the machine is quiet, 14-36 ms with one core busy).
:func:`chainlead.analytics.complexity` then uses the second core itself, running independent
steps on a worker thread. Large grids keep the library's default. The limit needs
``threadpoolctl`` (without it nothing is limited and nothing runs side by side) and, like
scikit-learn's own use of it, applies process-wide while the call runs.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
from collections.abc import Iterator
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from chainlead.analytics._types import FloatArray

ScalarT = TypeVar("ScalarT", bound=np.generic)

SPARSE_FILL_THRESHOLD = 0.02
# Grids up to this many cells run on one BLAS thread (see the module docstring).
SINGLE_THREAD_CELLS = 2_000_000


@functools.cache
def _thread_controller() -> Any:
    """threadpoolctl's view of the loaded BLAS libraries (scanning them takes ~2 ms, so once),
    or None without threadpoolctl."""
    try:
        threadpoolctl = importlib.import_module("threadpoolctl")
    except ImportError:
        return None
    return threadpoolctl.ThreadpoolController()


@contextlib.contextmanager
def blas_threads_for(cells: int) -> Iterator[bool]:
    """One BLAS thread while computing a grid of ``cells`` cells, if it is small; yields
    whether BLAS was limited (then independent steps may run on threads of their own)."""
    controller = _thread_controller() if cells <= SINGLE_THREAD_CELLS else None
    if controller is None:
        yield False
        return
    with controller.limit(limits=1, user_api="blas"):
        yield True


def nansum(array: npt.NDArray[ScalarT], axis: int) -> npt.NDArray[ScalarT]:
    """``np.nansum`` without its copy of the array when there is no NaN.

    ``np.nansum`` copies a float array with NaN replaced by 0 and sums the copy; without NaN that
    copy equals the array, so the plain sum is bit for bit the same. A NaN shows up in the plain
    sum, and only then do we pay for ``np.nansum``.
    """
    total: npt.NDArray[ScalarT] = np.asarray(np.sum(array, axis=axis))
    if array.dtype.kind in "fc" and bool(np.isnan(total).any()):
        return np.asarray(np.nansum(array, axis=axis))
    return total


def _sparse_enough(matrix: npt.NDArray[np.generic]) -> bool:
    if matrix.size == 0:
        return False
    return bool(np.count_nonzero(matrix) <= SPARSE_FILL_THRESHOLD * matrix.size)


def crossprod(matrix: FloatArray) -> FloatArray:
    """``matrix.T @ matrix`` as a dense C-contiguous float64 array."""
    if _sparse_enough(matrix) and bool(np.isfinite(matrix).all()):
        sparse = sp.csr_array(matrix)
        return np.ascontiguousarray((sparse.T @ sparse).toarray(), dtype=np.float64)
    return np.ascontiguousarray(matrix.T @ matrix)


def crossprod32(matrix: npt.NDArray[np.generic]) -> npt.NDArray[np.float32]:
    """``matrix.T @ matrix`` in float32, for 0/1 matrices whose products are exact there."""
    if _sparse_enough(matrix):
        sparse = sp.csr_array(matrix, dtype=np.float32)
        return np.ascontiguousarray((sparse.T @ sparse).toarray(), dtype=np.float32)
    single = np.asarray(matrix, dtype=np.float32)
    return np.ascontiguousarray(single.T @ single)


def gram_rows(matrix: FloatArray) -> FloatArray:
    """``matrix @ matrix.T`` as a dense C-contiguous float64 array."""
    if _sparse_enough(matrix) and bool(np.isfinite(matrix).all()):
        sparse = sp.csr_array(matrix)
        return np.ascontiguousarray((sparse @ sparse.T).toarray(), dtype=np.float64)
    return np.ascontiguousarray(matrix @ matrix.T)


def matmul(left: FloatArray, right: FloatArray) -> FloatArray:
    """``left @ right`` as a dense float64 array, sparse-aware in ``left``."""
    if _sparse_enough(left) and bool(np.isfinite(left).all()) and bool(np.isfinite(right).all()):
        return np.ascontiguousarray(sp.csr_array(left) @ right, dtype=np.float64)
    return np.asarray(left @ right, dtype=np.float64)
