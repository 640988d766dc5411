"""The plain baseline issue 14 compares against: character n-grams and one linear SVM.

scikit-learn's character 1-3-gram TF-IDF (sublinear tf) of all five text fields joined, and a
one-vs-rest ``LinearSVC`` (C = 1, no class weights): no words, no class texts, no
calibration. Its ``confidence`` is the best division's softmax share of the raw decision
scores (unit temperature): it only orders firms for the confident half, it is not calibrated.
``chainlead train-classifier --cross-validate --baseline`` scores it on the same folds as the
model (docs/classification.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
from sklearn.svm import LinearSVC  # type: ignore[import-untyped]

from chainlead.analytics.classify.data import joined_text
from chainlead.analytics.errors import EmptyInputError

BASELINE_C = 1.0


@dataclass
class PlainBaseline:
    """A trained baseline; :meth:`predict` gives ``division``, ``confidence`` and ``top3``."""

    vectorizer: TfidfVectorizer
    svm: LinearSVC

    def predict(self, frame: pd.DataFrame) -> pd.DataFrame:
        scores: npt.NDArray[np.float64] = np.asarray(
            self.svm.decision_function(self.vectorizer.transform(joined_text(frame))),
            dtype=np.float64,
        )
        order = np.argsort(-scores, axis=1, kind="stable")[:, :3]
        shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
        share = shifted.max(axis=1) / shifted.sum(axis=1)
        classes = np.asarray([str(c) for c in self.svm.classes_])
        return pd.DataFrame(
            {
                "division": classes[order[:, 0]],
                "confidence": np.round(share, 4),
                "top3": ["|".join(row) for row in classes[order]],
            },
            index=frame.index,
        )


def train_plain_baseline(rows: pd.DataFrame, *, seed: int = 1) -> PlainBaseline:
    """Fit the baseline on ``rows`` (``division`` and any of the text fields, `TEXT_FIELDS`)."""
    if len(rows) == 0:
        raise EmptyInputError("no training rows")
    labels = rows["division"].astype(str).to_numpy()
    if len(set(labels)) < 3:  # decision_function is one column for two classes
        raise EmptyInputError("the baseline needs at least three divisions")
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)
    svm = LinearSVC(C=BASELINE_C, random_state=seed)
    svm.fit(vectorizer.fit_transform(joined_text(rows)), labels)
    return PlainBaseline(vectorizer, svm)
