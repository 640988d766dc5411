"""How well predicted divisions match the truth on firms the model never saw."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd
from sklearn.model_selection import KFold  # type: ignore[import-untyped]

from chainlead.analytics.errors import EmptyInputError

# Confidence bins of the calibration error and the reliability table (docs/classification.md,
# eighth and ninth rounds): finer where most firms are, near 1.
CONFIDENCE_BINS = (0.0, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0)


@dataclass(frozen=True)
class Quality:
    """Top-1 and top-3 accuracy, the precision of the most confident half, and how well the
    confidence matches the accuracy: its mean, and the expected calibration error (over
    :data:`CONFIDENCE_BINS`, the firms' share of each bin times the gap between its mean
    confidence and its accuracy)."""

    firms: int
    top1: float
    top3: float
    confident_half_precision: float
    mean_confidence: float
    calibration_error: float


def reliability(truth: pd.Series, predictions: pd.DataFrame) -> pd.DataFrame:
    """Per bin of :data:`CONFIDENCE_BINS` (the last includes 1): ``firms``, their mean
    ``confidence`` and the share ``right`` (top-1); empty bins are left out."""
    hit = predictions["division"].to_numpy() == truth.astype(str).to_numpy()
    confidence = predictions["confidence"].to_numpy(dtype=float)
    last = len(CONFIDENCE_BINS) - 2  # 1.0 falls in the last bin
    bins = np.clip(np.searchsorted(CONFIDENCE_BINS, confidence, side="right") - 1, 0, last)
    rows = [
        {
            "low": CONFIDENCE_BINS[b],
            "high": CONFIDENCE_BINS[b + 1],
            "firms": int((bins == b).sum()),
            "confidence": float(confidence[bins == b].mean()),
            "right": float(hit[bins == b].mean()),
        }
        for b in range(len(CONFIDENCE_BINS) - 1)
        if (bins == b).any()
    ]
    return pd.DataFrame(rows, columns=["low", "high", "firms", "confidence", "right"])


def prediction_quality(truth: pd.Series, predictions: pd.DataFrame) -> Quality:
    """Compare ``truth`` (divisions) with :meth:`DivisionClassifier.predict` output, row by row."""
    if len(truth) == 0:
        raise EmptyInputError("no firms to evaluate")
    actual = truth.astype(str).to_numpy()
    hit = predictions["division"].to_numpy() == actual
    in_top3 = np.array(
        [a in t.split("|") for a, t in zip(actual, predictions["top3"], strict=True)]
    )
    most_confident = np.argsort(-predictions["confidence"].to_numpy(), kind="stable")
    half = most_confident[: max(1, len(actual) // 2)]
    bins = reliability(truth, predictions)
    gap = (bins["firms"] * (bins["confidence"] - bins["right"]).abs()).sum() / len(actual)
    return Quality(
        firms=len(actual),
        top1=float(hit.mean()),
        top3=float(in_top3.mean()),
        confident_half_precision=float(hit[half].mean()),
        mean_confidence=float(predictions["confidence"].mean()),
        calibration_error=float(gap),
    )


def worst_divisions(truth: pd.Series, predictions: pd.DataFrame, *, count: int = 8) -> pd.DataFrame:
    """Divisions with the most misclassified firms: their size, recall and commonest mistakes."""
    frame = pd.DataFrame(
        {"true": truth.astype(str).to_numpy(), "predicted": predictions["division"].to_numpy()}
    )
    rows = []
    for division, group in frame.groupby("true"):
        wrong = group[group["predicted"] != division]
        mistakes = wrong["predicted"].value_counts().head(3)
        rows.append(
            {
                "division": division,
                "firms": len(group),
                "misclassified": len(wrong),
                "recall": round(1 - len(wrong) / len(group), 3),
                "taken_for": ", ".join(f"{d} ({n})" for d, n in mistakes.items()),
            }
        )
    table = pd.DataFrame(rows)
    return table.sort_values(["misclassified", "division"], ascending=[False, True]).head(count)


class _Predictor(Protocol):
    def predict(self, frame: pd.DataFrame) -> pd.DataFrame: ...


@dataclass(frozen=True)
class CrossValidation:
    """Quality over all firms' out-of-fold predictions (``pooled``) and fold by fold."""

    pooled: Quality
    folds: tuple[Quality, ...]


def cross_validate(
    rows: pd.DataFrame,
    train: Callable[[pd.DataFrame], _Predictor],
    *,
    folds: int = 3,
    seed: int = 1,
) -> CrossValidation:
    """``train`` on all folds but one, predict that one, for each fold (rows in id order).

    The folds are those of docs/classification.md's rounds (``KFold(3, shuffle, seed 1)``
    over the training firms sorted by id); each firm is predicted by a model that never saw
    it, and the pooled figures compare all the out-of-fold predictions at once.
    """
    if len(rows) < folds:
        raise EmptyInputError(f"cross-validation needs at least {folds} firms")
    rows = rows.sort_values("id").reset_index(drop=True)
    predictions: list[pd.DataFrame] = []
    per_fold: list[Quality] = []
    for fold_train, held in KFold(folds, shuffle=True, random_state=seed).split(rows):
        model = train(rows.iloc[fold_train].reset_index(drop=True))
        tested = rows.iloc[held]
        predicted = model.predict(tested.reset_index(drop=True)).set_axis(tested.index)
        per_fold.append(prediction_quality(tested["division"], predicted))
        predictions.append(predicted)
    pooled = pd.concat(predictions).sort_index()
    return CrossValidation(prediction_quality(rows["division"], pooled), tuple(per_fold))
