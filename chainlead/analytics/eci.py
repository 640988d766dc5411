"""Economic Complexity Index (ECI) and Product Complexity Index (PCI), the eigenvector method.

``ecomplexity`` 0.5.3 (``calc_eci_pci``) forms the product-side matrix
``Mpp = (M / ubiquity).T @ (M / diversity)``, takes the eigenvector ``kp`` of its second largest
eigenvalue with a dense non-symmetric ``np.linalg.eig`` (O(P³) for P products), sets
``kc = (M / diversity) @ kp`` and flips both so that ``corr(diversity, kc) > 0``.

We get the same vectors from the *smaller* side of a symmetric matrix. With
``A = D_c^-1/2 M D_p^-1/2`` (``D_c``, ``D_p`` the diagonal matrices of diversity and ubiquity),
``Mpp = D_p^-1/2 (A.T A) D_p^1/2`` and ``Mcc = D_c^-1/2 (A A.T) D_c^1/2``; both share the non-zero
eigenvalues of the Gram matrix ``G`` (``A A.T`` or ``A.T A``, whichever is smaller). The leading
eigenvector of ``G`` is known exactly (``sqrt(diversity)`` resp. ``sqrt(ubiquity)``, eigenvalue 1),
so we deflate it and take the top eigenvector of ``G - t t'``: dense ``scipy.linalg.eigh``
limited to the two largest eigenvalues for a small G, ARPACK's Lanczos ``eigsh`` for a large one.
``kp`` is mapped back and scaled to unit length, as LAPACK returns it to ``ecomplexity``;
``kc = (M / diversity) @ kp``; the sign rule is ``ecomplexity``'s. So the raw vectors here equal
``ecomplexity``'s to rounding, and the normalised ECI / PCI too.

Where ``ecomplexity`` gives NaN we give NaN (the :func:`eigenvector_complexity` docstring lists the
cases). Where its answer is not unique, ours is one valid answer, ``well_defined`` is False and a
ComplexityWarning says so; ``ecomplexity``'s then depends on LAPACK's choice:

* a repeated second eigenvalue (``λ2 = λ3``);
* a disconnected region-product network (``λ2 = 1``). With two components the normalised ECI and
  PCI are still unique (deflating the constant vector leaves one direction, and normalisation
  removes the rest), but COI and COG use the *raw* PCI, which is not; with three or more
  components nothing is;
* a correlation of exactly 0 between the eigenvector and diversity (the sign is arbitrary).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.linalg
import scipy.sparse.linalg

from chainlead.analytics._linalg import crossprod, gram_rows, nansum
from chainlead.analytics._types import FloatArray
from chainlead.analytics.errors import ComplexityWarning, ShapeError

# Relative gap below which the second eigenvalue counts as repeated (results not unique).
DEGENERACY_TOLERANCE = 1e-9
# Up to this many rows the deflated Gram matrix goes to a dense solver, above it to Lanczos.
DENSE_EIGH_LIMIT = 400


@dataclass(frozen=True)
class EigenvectorComplexity:
    """Raw (not normalised) complexity vectors and the spectrum they come from.

    * ``eci``: one value per region (row of M), sign-adjusted, NaN where ``ecomplexity`` has NaN;
    * ``pci``: one value per product (column of M), on the same scale (``kp`` of unit length);
    * ``eigenvalues``: the three largest eigenvalues of ``Mpp`` (``[1, λ2, λ3]``), fewer for tiny
      matrices, empty when the eigenproblem was not solved;
    * ``correlation``: Pearson correlation of the eigenvector with diversity, whose sign orients
      ECI (NaN when undefined);
    * ``well_defined``: False when the result is NaN or not unique (see the module docstring).
    """

    eci: FloatArray
    pci: FloatArray
    eigenvalues: FloatArray
    correlation: float
    well_defined: bool

    @property
    def eigengap(self) -> float:
        """``(λ2 - λ3) / λ2``, how clearly the second eigenvector is separated (NaN if unknown)."""
        if self.eigenvalues.size < 3 or not self.eigenvalues[1] > 0:
            return float("nan")
        return float((self.eigenvalues[1] - self.eigenvalues[2]) / self.eigenvalues[1])


def _nan_result(n_regions: int, n_products: int) -> EigenvectorComplexity:
    return EigenvectorComplexity(
        eci=np.full(n_regions, np.nan),
        pci=np.full(n_products, np.nan),
        eigenvalues=np.empty(0),
        correlation=float("nan"),
        well_defined=False,
    )


def _top_two(gram: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The two largest eigenvalues (ascending) of a symmetric matrix and the top eigenvector.

    Dense ``eigh`` (restricted to the two) for small matrices; ARPACK's Lanczos (``eigsh``) above
    ``DENSE_EIGH_LIMIT``, from a seeded start vector so results are reproducible, with the dense
    solver as fallback if it does not converge.
    """
    n = gram.shape[0]
    if n > DENSE_EIGH_LIMIT:
        start = np.random.default_rng(0).standard_normal(n)
        try:
            values, vectors = scipy.sparse.linalg.eigsh(gram, k=2, which="LA", v0=start, tol=0)
        except scipy.sparse.linalg.ArpackError:
            pass
        else:
            order = np.argsort(values)
            return np.asarray(values[order], dtype=np.float64), vectors[:, order[1]]
    values, vectors = scipy.linalg.eigh(gram, subset_by_index=[n - 2, n - 1])
    return np.asarray(values, dtype=np.float64), vectors[:, 1]


def eigenvector_complexity(mcp: npt.ArrayLike) -> EigenvectorComplexity:
    """ECI and PCI before normalisation, from the region × product matrix M.

    M is usually binary but any non-negative weights work (``presence_test='manual'``).
    NaN results, exactly where ``ecomplexity`` has them:

    * exactly one region with diversity 0, or exactly one product with ubiquity 0: everything
      (``ecomplexity`` fails on a 0-d index array there and falls back to NaN);
    * two or more such regions / products: those entries (the rest is computed without them; the
      normalisation in :func:`normalise` then turns all ECI to NaN if a region was left out);
    * fewer than two regions or products with positive diversity / ubiquity, a non-finite M, or
      a diversity with zero variance (e.g. every region has the same number of products, such as
      an all-ones M): everything, since the sign rule's correlation is undefined.
    """
    raw = np.asarray(mcp)
    if raw.ndim != 2:
        raise ShapeError(f"mcp must be a 2-D region × product matrix, got {raw.ndim}-D")
    n_regions, n_products = raw.shape
    diversity = np.asarray(nansum(raw, axis=1), dtype=np.float64)
    ubiquity = np.asarray(nansum(raw, axis=0), dtype=np.float64)
    m = np.asarray(raw, dtype=np.float64)
    del raw
    keep_r = diversity != 0
    keep_p = ubiquity != 0
    dropped_r = n_regions - int(keep_r.sum())
    dropped_p = n_products - int(keep_p.sum())
    if dropped_r == 1 or dropped_p == 1:
        return _nan_result(n_regions, n_products)
    mv = m if dropped_r == 0 and dropped_p == 0 else m[keep_r][:, keep_p]
    del m
    dv, uv = diversity[keep_r], ubiquity[keep_p]
    n_r, n_p = mv.shape
    if n_r < 2 or n_p < 2 or not np.isfinite(mv).all():
        return _nan_result(n_regions, n_products)

    # A = D_c^-1/2 M D_p^-1/2 is the only regions × products array we keep: M x and M' y are
    # sqrt(d) * (A (sqrt(u) * x)) and sqrt(u) * (A' (sqrt(d) * y)).
    sqrt_d, sqrt_u = np.sqrt(dv), np.sqrt(uv)
    a = mv / sqrt_d[:, np.newaxis]
    del mv
    a *= (1.0 / sqrt_u)[np.newaxis, :]
    region_side = n_r <= n_p
    gram = gram_rows(a) if region_side else crossprod(a)
    top = (sqrt_d if region_side else sqrt_u) / np.linalg.norm(sqrt_d if region_side else sqrt_u)
    gram -= np.outer(top, top)
    values, vector = _top_two(gram)
    del gram
    kp = sqrt_u * (a.T @ vector) / uv if region_side else vector / sqrt_u
    kp /= np.linalg.norm(kp)
    kc = sqrt_d * (a @ (sqrt_u * kp)) / dv
    del a

    with np.errstate(divide="ignore", invalid="ignore"):
        correlation = float(np.corrcoef(dv, kc)[0, 1])
    sign = np.sign(correlation)
    eci = np.full(n_regions, np.nan)
    pci = np.full(n_products, np.nan)
    eci[keep_r] = sign * kc
    pci[keep_p] = sign * kp

    lam2, lam3 = float(values[1]), float(values[0])
    eigenvalues = np.array([1.0, lam2, lam3]) if min(n_r, n_p) >= 3 else np.array([1.0, lam2])
    repeated = min(n_r, n_p) >= 3 and lam2 - lam3 <= DEGENERACY_TOLERANCE * max(abs(lam2), 1.0)
    disconnected = lam2 >= 1.0 - DEGENERACY_TOLERANCE
    well_defined = bool(
        np.isfinite(correlation) and correlation != 0 and not repeated and not disconnected
    )
    if np.isfinite(correlation) and not well_defined:
        reason = (
            "the region-product network falls apart (second eigenvalue 1), so the raw PCI "
            "behind COI and COG (and, with three or more parts, ECI and PCI) depends on the "
            "eigen-solver"
            if disconnected
            else f"the second eigenvalue is repeated (λ2={lam2:.6g}, λ3={lam3:.6g})"
            if repeated
            else "ECI is uncorrelated with diversity, so its sign is arbitrary"
        )
        warnings.warn(
            f"ECI/PCI are not uniquely defined: {reason}; the result is one valid choice",
            ComplexityWarning,
            stacklevel=2,
        )
    return EigenvectorComplexity(
        eci=eci,
        pci=pci,
        eigenvalues=eigenvalues,
        correlation=correlation,
        well_defined=well_defined,
    )


@dataclass(frozen=True)
class Normalised:
    """ECI / PCI standardised by ECI's mean and standard deviation; ``scale`` is that deviation
    (outlook gain is divided by it too)."""

    eci: FloatArray
    pci: FloatArray
    mean: float
    scale: float


def long_table_std(values: FloatArray, repeat: int) -> float:
    """Standard deviation as Stata's ``summarize`` sees it on the long table: every value
    repeated ``repeat`` times (once per product of the region), divided by ``n - 1``."""
    n = values.size * repeat
    if n < 2:
        return float("nan")
    centred = values - values.mean()
    return float(np.sqrt(np.sum(centred * centred) * repeat / (n - 1)))


def normalise(
    eci_raw: FloatArray,
    pci_raw: FloatArray,
    *,
    stata: bool = False,
) -> Normalised:
    """``(x - mean(eci_raw)) / std(eci_raw)`` for both vectors.

    ``ecomplexity`` uses numpy's population standard deviation over regions. Stata's
    ``ecomplexity`` runs ``summarize eci`` over the long table (each region repeated once per
    product) with the sample deviation, which is larger by ``sqrt(NP / (NP - 1))``: ``stata=True``.
    Normalising PCI with ECI's moments keeps ECI equal to the mean PCI of a region's products.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = float(eci_raw.mean())
        scale = long_table_std(eci_raw, pci_raw.size) if stata else float(eci_raw.std())
        return Normalised(
            eci=(eci_raw - mean) / scale,
            pci=(pci_raw - mean) / scale,
            mean=mean,
            scale=scale,
        )


__all__ = [
    "EigenvectorComplexity",
    "Normalised",
    "eigenvector_complexity",
    "long_table_std",
    "normalise",
]
