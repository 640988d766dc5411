"""How well predicted divisions match the truth on firms the model never saw."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from chainlead.analytics.errors import EmptyInputError


@dataclass(frozen=True)
class Quality:
    """Top-1 and top-3 accuracy, and the precision of the most confident half."""

    firms: int
    top1: float
    top3: float
    confident_half_precision: float


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
    return Quality(
        firms=len(actual),
        top1=float(hit.mean()),
        top3=float(in_top3.mean()),
        confident_half_precision=float(hit[half].mean()),
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
