"""Economic complexity and concentration measures over region × industry data; no Django.

Pure functions over numpy / scipy / pandas, one module per measure:

* :mod:`~chainlead.analytics.rca`: RCA, RPOP, the presence matrix M, diversity, ubiquity;
* :mod:`~chainlead.analytics.proximity`: product proximity (and the long-table
  :func:`proximity`, a drop-in for ``ecomplexity.proximity``);
* :mod:`~chainlead.analytics.density`: density (relatedness of a product to a region);
* :mod:`~chainlead.analytics.eci`: ECI and PCI by the eigenvector method;
* :mod:`~chainlead.analytics.outlook`: complexity outlook index and gain;
* :mod:`~chainlead.analytics.economic_complexity`: everything at once, :func:`complexity` (a
  drop-in for ``ecomplexity.ecomplexity``) and :func:`complexity_matrix`;
* :mod:`~chainlead.analytics.matrix`: long table ↔ region × industry matrix;
* :mod:`~chainlead.analytics.concentration`: the Herfindahl-Hirschman index;
* :mod:`~chainlead.analytics.matching`: the optimal commissioner ↔ firm assignment (OR-Tools
  min-cost flow) with its certificate of optimality, and the greedy baseline;
* :mod:`~chainlead.analytics.survival`: Kaplan-Meier survival of proof-of-concept projects,
  median, log-rank tests, stage reach and time per stage (checked against ``lifelines``);
* :mod:`~chainlead.analytics.synthetic`: seeded synthetic region × product tables and
  proof-of-concept project histories.

Results agree with ``ecomplexity`` 0.5.3 (the reference implementation, DOMAIN.md §10) to 1e-6,
and with Stata's ``ecomplexity`` under ``convention="stata"``; ``chainlead/analytics/tests``
checks both. Errors are :class:`~chainlead.analytics.errors.AnalyticsError` subclasses.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chainlead.analytics.concentration import herfindahl
    from chainlead.analytics.density import density, knn_neighbours
    from chainlead.analytics.eci import EigenvectorComplexity, eigenvector_complexity, normalise
    from chainlead.analytics.economic_complexity import (
        ComplexityResult,
        complexity,
        complexity_matrix,
    )
    from chainlead.analytics.errors import (
        AnalyticsError,
        ComplexityWarning,
        EmptyInputError,
        InvalidValueError,
        MissingColumnError,
        MissingKeyError,
        NegativeValueError,
        ShapeError,
        UnsupportedOptionError,
    )
    from chainlead.analytics.matching import (
        Assignment,
        CertificateCheck,
        GreedyGain,
        OptimalAssignment,
        assign,
        greedy_assign,
        greedy_gain,
        synthetic_scores,
        verify_certificate,
    )
    from chainlead.analytics.matrix import (
        LabelledMatrix,
        long_to_matrix,
        matrix_to_long,
        region_industry_matrices,
    )
    from chainlead.analytics.outlook import complexity_outlook
    from chainlead.analytics.proximity import (
        continuous_proximity,
        discrete_proximity,
        proximity,
        proximity_from_edgelist,
    )
    from chainlead.analytics.rca import diversity, presence, rca, rpop, ubiquity
    from chainlead.analytics.survival import (
        GroupComparison,
        compare_groups,
        kaplan_meier,
        logrank,
        median_survival,
        stage_reach,
        stage_times,
    )
    from chainlead.analytics.synthetic import poc_project_histories, region_product_table

# Each public name is imported from its module on first use, not here: the web processes reach this
# package through a few services that need one measure each, and importing every module at once
# (OR-Tools, scipy.stats, pandas) made each gunicorn worker ~80 MB bigger, with ~80,000 more
# objects for every full garbage collection to walk (issue 8, the pages' p99).
_SOURCES: dict[str, str] = {
    "AnalyticsError": "errors",
    "Assignment": "matching",
    "CertificateCheck": "matching",
    "ComplexityResult": "economic_complexity",
    "ComplexityWarning": "errors",
    "EigenvectorComplexity": "eci",
    "EmptyInputError": "errors",
    "GreedyGain": "matching",
    "GroupComparison": "survival",
    "InvalidValueError": "errors",
    "LabelledMatrix": "matrix",
    "MissingColumnError": "errors",
    "MissingKeyError": "errors",
    "NegativeValueError": "errors",
    "OptimalAssignment": "matching",
    "ShapeError": "errors",
    "UnsupportedOptionError": "errors",
    "assign": "matching",
    "compare_groups": "survival",
    "complexity": "economic_complexity",
    "complexity_matrix": "economic_complexity",
    "complexity_outlook": "outlook",
    "continuous_proximity": "proximity",
    "density": "density",
    "discrete_proximity": "proximity",
    "diversity": "rca",
    "eigenvector_complexity": "eci",
    "greedy_assign": "matching",
    "greedy_gain": "matching",
    "herfindahl": "concentration",
    "kaplan_meier": "survival",
    "knn_neighbours": "density",
    "logrank": "survival",
    "long_to_matrix": "matrix",
    "matrix_to_long": "matrix",
    "median_survival": "survival",
    "normalise": "eci",
    "poc_project_histories": "synthetic",
    "presence": "rca",
    "proximity": "proximity",
    "proximity_from_edgelist": "proximity",
    "rca": "rca",
    "region_industry_matrices": "matrix",
    "region_product_table": "synthetic",
    "rpop": "rca",
    "stage_reach": "survival",
    "stage_times": "survival",
    "synthetic_scores": "matching",
    "ubiquity": "rca",
    "verify_certificate": "matching",
}
# Names that are both a module and the function it exports: the package's attribute is the
# function, as when everything was imported here.
_SHADOWED = frozenset(name for name, module in _SOURCES.items() if name == module)


def __getattr__(name: str) -> Any:
    module = _SOURCES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _Package(types.ModuleType):
    def __setattr__(self, name: str, value: Any) -> None:
        # Importing a submodule binds it here by name; for `rca`, `density` and `proximity`
        # bind its function instead.
        if name in _SHADOWED and isinstance(value, types.ModuleType):
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

__all__ = [
    "AnalyticsError",
    "Assignment",
    "CertificateCheck",
    "ComplexityResult",
    "ComplexityWarning",
    "EigenvectorComplexity",
    "EmptyInputError",
    "GreedyGain",
    "GroupComparison",
    "InvalidValueError",
    "LabelledMatrix",
    "MissingColumnError",
    "MissingKeyError",
    "NegativeValueError",
    "OptimalAssignment",
    "ShapeError",
    "UnsupportedOptionError",
    "assign",
    "compare_groups",
    "complexity",
    "complexity_matrix",
    "complexity_outlook",
    "continuous_proximity",
    "density",
    "discrete_proximity",
    "diversity",
    "eigenvector_complexity",
    "greedy_assign",
    "greedy_gain",
    "herfindahl",
    "kaplan_meier",
    "knn_neighbours",
    "logrank",
    "long_to_matrix",
    "matrix_to_long",
    "median_survival",
    "normalise",
    "poc_project_histories",
    "presence",
    "proximity",
    "proximity_from_edgelist",
    "rca",
    "region_industry_matrices",
    "region_product_table",
    "rpop",
    "stage_reach",
    "stage_times",
    "synthetic_scores",
    "ubiquity",
    "verify_certificate",
]
