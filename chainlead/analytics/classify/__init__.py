"""Business text → GB/T 4754-2017 division (and, where named, class) of a firm; no Django.

* :mod:`~chainlead.analytics.classify.data`: listed companies labelled by CSRC code, splits;
* :mod:`~chainlead.analytics.classify.features`: hashed character n-grams, jieba words;
* :mod:`~chainlead.analytics.classify.model`: training, calibration, prediction, model files;
* :mod:`~chainlead.analytics.classify.classes`: four-digit classes named in the text;
* :mod:`~chainlead.analytics.classify.quality`: accuracy measures, cross-validation, the worst
  divisions;
* :mod:`~chainlead.analytics.classify.firm_file`: reading firms' texts from CSV / Excel;
* :mod:`~chainlead.analytics.classify.decisions`: officials' decisions as training rows, and a
  round of them simulated and measured on firms of known division.
"""

from chainlead.analytics.classify.classes import ClassLexicon
from chainlead.analytics.classify.data import (
    TEXT_FIELDS,
    ProvinceSplit,
    division_from_csrc,
    labelled_companies,
    split_by_province,
)
from chainlead.analytics.classify.decisions import (
    DecisionRound,
    decision_round,
    decision_row,
)
from chainlead.analytics.classify.model import (
    DivisionClassifier,
    train_classifier,
    training_fingerprint,
)
from chainlead.analytics.classify.quality import (
    CrossValidation,
    Quality,
    cross_validate,
    prediction_quality,
    reliability,
    worst_divisions,
)

__all__ = [
    "TEXT_FIELDS",
    "ClassLexicon",
    "CrossValidation",
    "DecisionRound",
    "DivisionClassifier",
    "ProvinceSplit",
    "Quality",
    "cross_validate",
    "decision_round",
    "decision_row",
    "division_from_csrc",
    "labelled_companies",
    "prediction_quality",
    "reliability",
    "split_by_province",
    "train_classifier",
    "training_fingerprint",
    "worst_divisions",
]
