"""A round of officials' decisions as training labels, simulated on firms of known division.

The platform keeps officials' decisions on placements and retrains the text classifier with
them (``chainlead.chains.classification.decision_training_rows``, ``chainlead classify
--retrain``): a firm an official accepted into a segment whose codes lie in one division — by
accepting the guess in the review queue, or by placing the firm there by hand — becomes one
training row of that division (:func:`decision_row`: its registry fields, names, main
business and business scope; the registry keeps no introduction); a rejection is kept but not
learned (one label per firm; it says what the firm is not).

:func:`decision_round` measures what one round does. Part of the labelled firms play the
registry (``registry_share``, seeded: their divisions hidden), the model trained on the other
firms predicts them; half of the registry firms (seeded) may be reviewed, the other half is
the evaluation set, which no official decides and neither model learns. For a budget of
``k`` decisions a simulated official takes the first ``k`` reviewable firms in review order
(lowest confidence first, or a seeded random order) and accepts a firm when the predicted
division is its true one; otherwise the official rejects the guess — and with ``corrections``
also places the firm by hand in a segment of its true division, which is an acceptance there.
The model retrained on the same training firms plus the accepted firms' rows is scored on the
evaluation firms beside the model before.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np
import pandas as pd

from chainlead.analytics.classify.data import TEXT_FIELDS
from chainlead.analytics.classify.quality import Quality, prediction_quality
from chainlead.analytics.errors import EmptyInputError

DECISION_ID_PREFIX = "decision-"
ReviewOrder = Literal["confidence", "random"]


def decision_row(key: object, division: str, texts: Mapping[str, str | None]) -> dict[str, str]:
    """One training row from an official's acceptance: the firm's registry fields, no introduction.

    ``key`` identifies the firm (the enterprise's primary key on the platform); ``texts`` has
    ``full_name``, ``short_name``, ``main_business`` and ``business_scope`` (missing or None:
    empty). The registry keeps no introduction, so the row has none even when ``texts`` does.
    """
    row = {"id": f"{DECISION_ID_PREFIX}{key}", "division": division}
    for field in TEXT_FIELDS:
        value = texts.get(field) if field != "introduction" else None
        row[field] = "" if value is None else str(value)
    return row


class _Predictor(Protocol):
    def predict(self, frame: pd.DataFrame) -> pd.DataFrame: ...


@dataclass(frozen=True)
class Budget:
    """What ``k`` decisions did: how many were accepted (rows) and the retrained model's quality.

    ``flips_right`` / ``flips_wrong``: evaluation firms the retrained model reads right where
    the model before read them wrong, and the reverse (the paired change in top-1).
    ``decided_top1``: the retrained model's top-1 on the firms decided (accepted or not).
    """

    k: int
    accepted: int
    rejected: int
    label_rows: int
    after: Quality
    flips_right: int
    flips_wrong: int
    decided_top1: float


@dataclass(frozen=True)
class DecisionRound:
    """Sizes of the parts, the model before and each budget's retrained model."""

    training_firms: int
    registry_firms: int
    reviewable_firms: int
    evaluation_ids: tuple[str, ...]
    before: Quality
    reviewable_top1_before: float
    budgets: tuple[Budget, ...]


def _review_order(
    predictions: pd.DataFrame, order: ReviewOrder, rng: np.random.Generator
) -> np.ndarray:
    if order == "random":
        return rng.permutation(len(predictions))
    # Lowest confidence first; ties in row (id) order.
    return np.argsort(predictions["confidence"].to_numpy(), kind="stable")


def decision_round(
    rows: pd.DataFrame,
    *,
    train: Callable[[pd.DataFrame], _Predictor],
    budgets: Iterable[int | None],
    registry_from: Collection[str] | None = None,
    registry_share: float = 1 / 3,
    seed: int = 1,
    order: ReviewOrder = "confidence",
    corrections: bool = False,
) -> DecisionRound:
    """Simulate a round of decisions on ``rows`` (``id``, ``division``, texts) and score it.

    ``registry_from`` (ids; default all firms): the firms the registry part is drawn from; a
    seeded ``registry_share`` of them have their divisions hidden, and the other firms of
    ``rows`` are the training firms of both models. ``train`` builds a model from rows.
    ``budgets``: numbers of decisions, None for every reviewable firm. The models are trained
    once before and once per budget, in that order.
    """
    rows = rows.sort_values("id").reset_index(drop=True)
    eligible = (
        np.ones(len(rows), dtype=bool)
        if registry_from is None
        else rows["id"].isin(list(registry_from)).to_numpy()
    )
    rng = np.random.default_rng(seed)
    in_registry = eligible & (rng.random(len(rows)) < registry_share)
    registry = rows[in_registry].reset_index(drop=True)
    training = rows[~in_registry].reset_index(drop=True)
    reviewable_mask = rng.random(len(registry)) < 0.5
    reviewable = registry[reviewable_mask].reset_index(drop=True)
    evaluation = registry[~reviewable_mask].reset_index(drop=True)
    if len(reviewable) == 0 or len(evaluation) == 0:
        raise EmptyInputError("too few firms for a registry to review and to evaluate on")
    hidden = [c for c in rows.columns if c in TEXT_FIELDS]

    base = train(training)
    before_eval = base.predict(evaluation[hidden])
    before = prediction_quality(evaluation["division"], before_eval)
    guessed = base.predict(reviewable[hidden])
    right_before = guessed["division"].to_numpy() == reviewable["division"].to_numpy()
    queue = _review_order(guessed, order, rng)
    hit_before = before_eval["division"].to_numpy() == evaluation["division"].to_numpy()

    results = []
    for k in budgets:
        count = len(queue) if k is None else min(k, len(queue))
        decided = queue[:count]
        accepted = decided[right_before[decided]]
        labelled = decided if corrections else accepted
        decided_rows = pd.DataFrame(
            [
                decision_row(
                    reviewable.at[i, "id"],
                    str(reviewable.at[i, "division"]),
                    {f: reviewable.at[i, f] for f in hidden},
                )
                for i in sorted(labelled)
            ],
            columns=["id", "division", *TEXT_FIELDS],
        )
        model = train(pd.concat([training, decided_rows], ignore_index=True))
        after_eval = model.predict(evaluation[hidden])
        hit_after = after_eval["division"].to_numpy() == evaluation["division"].to_numpy()
        on_decided = model.predict(reviewable.iloc[decided][hidden].reset_index(drop=True))
        results.append(
            Budget(
                k=count,
                accepted=len(accepted),
                rejected=count - len(accepted),
                label_rows=len(decided_rows),
                after=prediction_quality(evaluation["division"], after_eval),
                flips_right=int((hit_after & ~hit_before).sum()),
                flips_wrong=int((~hit_after & hit_before).sum()),
                decided_top1=float(
                    (
                        on_decided["division"].to_numpy()
                        == reviewable["division"].to_numpy()[decided]
                    ).mean()
                )
                if count
                else float("nan"),
            )
        )
    return DecisionRound(
        training_firms=len(training),
        registry_firms=len(registry),
        reviewable_firms=len(reviewable),
        evaluation_ids=tuple(evaluation["id"]),
        before=before,
        reviewable_top1_before=float(right_before.mean()),
        budgets=tuple(results),
    )
