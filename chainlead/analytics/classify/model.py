"""Train, calibrate, save and apply the business-text → GB/T 4754-2017 division classifier.

Model: three TF-IDF views of a firm's text — hashed character 1-3-grams of the short fields
(names, main business, business scope), the same over all fields with the introduction, and
jieba words over all fields — feeding one linear SVM (one-vs-rest, classes weighted by their
inverse frequency so small divisions are not drowned). Besides the firms, the full model learns
from the standard itself: each GB/T 4754-2017 class's name and explanation is one more training
text of its division, weighing as much as a firm (3-fold cross-validation: +0.012 top-1,
+0.016 top-3; docs/classification.md). Scores become probabilities by a softmax fitted on
out-of-fold scores of the firms (5 folds), so ``confidence`` is calibrated rather than a raw
margin: the full model first mixes the divisions' scores linearly (each calibrated score is the
division's own score plus a learned share of the others', plus a bias: "matrix scaling", fitted
by penalised likelihood on the same out-of-fold scores), then divides by one temperature. The
full model also learns from up to three business sentences of each firm's introduction as
extra, weaker training texts (weight 0.3). Both together: +0.010 top-1 and +0.007 precision on
the most confident half in cross-validation (sixth round). Beside the SVM on all three views,
one SVM on the character views alone and one on the words alone add half their scores (format
5, seventh round: +0.006 top-1 in cross-validation, every fold; the confident half unchanged
within the noise); their weights are summed into one matrix, so prediction costs the same.
The best division is the calibrated one; the next two follow the raw scores. The best
division's probability then becomes the ``confidence`` through one slope and one offset on its
log-odds (format 6, ninth round), fitted on firms the calibration never saw: the calibration
fitted on the out-of-fold scores of all training firms is over-confident on new firms (its
6,480 mixing parameters fit those very firms, and the final SVM, trained on all of them,
scores new firms higher than the folds' SVMs did), and the slope and offset learn by how much
from the training firms' cross-fitted calibrations.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import re
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import joblib  # type: ignore[import-untyped]  # joblib ships no type information
import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import sparse
from scipy.optimize import minimize, minimize_scalar
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
from sklearn.model_selection import KFold  # type: ignore[import-untyped]
from sklearn.svm import LinearSVC  # type: ignore[import-untyped]

from chainlead.analytics.classify.classes import ClassLexicon
from chainlead.analytics.classify.data import TEXT_FIELDS, joined_text
from chainlead.analytics.classify.features import HashedCharTfidf, jieba_words
from chainlead.analytics.errors import EmptyInputError, MissingColumnError

# 2: learns from the standard's class texts too; 3: a scale and a bias per division;
# 4: the firms' business sentences as weaker training texts, and a matrix mixing the divisions'
# scores instead of a scale per division; 5: two more SVMs, on the character blocks alone and
# on the words alone, added into the one weight matrix (a share each); 6: the confidence is the
# best division's probability through a slope and an offset on its log-odds, fitted on firms
# the calibration never saw (the small model's format 2 likewise)
MODEL_FORMAT = "division-text-svm/6"
SMALL_MODEL_FORMAT = "division-text-svm-small/2"
SHORT_FIELDS = ("full_name", "short_name", "main_business", "business_scope")
SVM_C = 0.5
CALIBRATION_FOLDS = 5
SMALL_CALIBRATION_FOLDS = 3
STANDARD_ID_PREFIX = "GB/T 4754-2017 "
# L2 penalty on the per-division scales' and biases' departures from (1, 0), against the mean
# negative log-likelihood of the out-of-fold scores (cross-validated: 0.001 and 0.01 alike).
CLASS_CALIBRATION_PENALTY = 0.001
# L2 penalty on the mixing matrix's departure from the identity and on the biases (format 4;
# cross-validated: 0.01 and 0.03 alike, 0.1 no gain, 0.001 overfits).
MIXING_PENALTY = 0.01
# A firm's business sentences: the introduction's sentences that state what it makes or does
# and none of the words of history, honours or plans around them; at most three a firm, each a
# training text of the firm's division weighing 0.3 of a firm (0.15 / 0.3 / 0.6 cross-validated).
SENTENCE_WEIGHT = 0.3
SENTENCES_PER_FIRM = 3
# Format 5: the scores of an SVM on the character blocks alone and of one on the words alone,
# each × this share, are added to the full SVM's (cross-validated: 0.5 and 1 alike; seventh
# round). Their weights are summed at training, so prediction costs what it did.
VIEW_SHARE = 0.5
# Format 6: L2 pull of the confidence map's slope and offset toward the identity (1, 0), against
# the mean log-loss of "the best division is right"; it only keeps the fit defined when every
# training firm is right (tiny samples), 3,292 firms outweigh it.
CONFIDENCE_MAP_PENALTY = 0.001
# ... and its slope is kept at least this, so the map rises and orders firms as the best
# probability does (the training firms give about 0.5; a tiny noisy sample may ask for less).
CONFIDENCE_MIN_SLOPE = 0.1
_SENTENCE_END = re.compile(r"[。；;！!？?\n]+")
_BUSINESS_CUE = re.compile(
    r"主营|主要产品|主要从事|从事|专注于|致力于|业务包括|业务涵盖|产品包括|产品主要|产品有|生产|制造|研发"
)
_NOT_BUSINESS_CUE = re.compile(
    r"上市|证券交易所|股票代码|注册资本|荣获|被评为|认定为|员工|总部位于|未来|将|战略|愿景|使命|宗旨|理念"
)


def standard_rows(rows: pd.DataFrame, lexicon: ClassLexicon) -> pd.DataFrame:
    """The standard's class texts as training rows of the divisions ``rows`` hold.

    The class name stands in for the firm's name and main business, its explanation (what
    the class includes and excludes) for the introduction. Divisions without firms get none,
    so the model predicts only divisions firms taught it (a class text alone says nothing of
    how firms describe that work).
    """
    divisions = set(rows["division"].astype(str))
    documents = [
        {
            "id": STANDARD_ID_PREFIX + code,
            "division": code[:2],
            "full_name": name,
            "short_name": "",
            "main_business": name,
            "business_scope": "",
            "introduction": note,
        }
        for code, name, note in lexicon.documents
        if code[:2] in divisions
    ]
    return pd.DataFrame(documents, columns=["id", "division", *TEXT_FIELDS])


def business_sentences(introduction: str) -> list[str]:
    """Up to :data:`SENTENCES_PER_FIRM` distinct sentences of ``introduction`` stating the business.

    A sentence counts when it has at least 8 characters, a business cue (主营, 从事, 生产,
    研发, 产品包括…) and none of the words of listing, honours, history or plans (上市, 荣获,
    未来, 战略…), which surround business words in introductions without stating the business.
    """
    found: list[str] = []
    for sentence in _SENTENCE_END.split(introduction):
        sentence = sentence.strip()
        if (
            len(sentence) >= 8
            and _BUSINESS_CUE.search(sentence)
            and not _NOT_BUSINESS_CUE.search(sentence)
            and sentence not in found
        ):
            found.append(sentence)
    return found[:SENTENCES_PER_FIRM]


def sentence_rows(rows: pd.DataFrame) -> tuple[pd.DataFrame, npt.NDArray[np.intp]]:
    """Each firm's business sentences as training texts of its division (introduction only).

    Returns the texts and, per text, the position of its firm in ``rows``, so that a firm held
    out of a calibration fold takes its sentences with it.
    """
    documents: list[dict[str, str]] = []
    owners: list[int] = []
    introductions = rows["introduction"].fillna("").astype(str)
    for position, (firm, division, text) in enumerate(
        zip(rows["id"], rows["division"].astype(str), introductions, strict=True)
    ):
        for sentence in business_sentences(text):
            documents.append(
                {
                    "id": f"{firm}#",
                    "division": division,
                    "full_name": "",
                    "short_name": "",
                    "main_business": "",
                    "business_scope": "",
                    "introduction": sentence,
                }
            )
            owners.append(position)
    frame = pd.DataFrame(documents, columns=["id", "division", *TEXT_FIELDS])
    return frame, np.asarray(owners, dtype=np.intp)


def _with_standard(rows: pd.DataFrame, standard: pd.DataFrame) -> pd.DataFrame:
    if standard.empty:  # pandas warns about concatenating empty frames
        return rows.reset_index(drop=True)
    return pd.concat([rows[list(standard.columns)], standard], ignore_index=True)


def training_fingerprint(rows: pd.DataFrame, lexicon: ClassLexicon | None = None) -> str:
    """sha256 of the training rows: each firm's id, division and text fields, in id order.

    With ``lexicon`` (the full model's training), the standard's class texts it learns from
    (:func:`standard_rows`) are rows too, so the fingerprint follows them as well.
    """
    missing = [c for c in ("id", "division", *TEXT_FIELDS) if c not in rows.columns]
    if missing:
        raise MissingColumnError(f"training rows lack the columns {', '.join(missing)}")
    if lexicon is not None:
        rows = _with_standard(rows, standard_rows(rows, lexicon))
    digest = hashlib.sha256()
    for row in rows.sort_values("id")[["id", "division", *TEXT_FIELDS]].itertuples(index=False):
        digest.update("\x1f".join("" if pd.isna(v) else str(v) for v in row).encode())
        digest.update(b"\x1e")
    return digest.hexdigest()


@dataclass
class _Features:
    short_chars: HashedCharTfidf = field(default_factory=HashedCharTfidf)
    all_chars: HashedCharTfidf = field(default_factory=HashedCharTfidf)
    words: TfidfVectorizer = field(
        default_factory=lambda: TfidfVectorizer(
            analyzer=jieba_words, sublinear_tf=True, min_df=2, dtype=np.float32
        )
    )
    # The small model reads the short fields' characters only: no introduction, no jieba.
    short_only: bool = False

    def fit_transform(self, frame: pd.DataFrame) -> sparse.csr_matrix:
        short = self.short_chars.fit_transform(joined_text(frame, SHORT_FIELDS))
        if self.short_only:
            return short
        all_texts = joined_text(frame, TEXT_FIELDS)
        return sparse.hstack(
            [short, self.all_chars.fit_transform(all_texts), self.words.fit_transform(all_texts)],
            format="csr",
        )

    def views(self) -> tuple[tuple[int, int, float], ...]:
        """The full model's feature views (format 5): the character blocks, the words."""
        characters = self.short_chars.n_features + self.all_chars.n_features
        words = len(self.words.vocabulary_)
        return ((0, characters, VIEW_SHARE), (characters, characters + words, VIEW_SHARE))

    def transform(self, frame: pd.DataFrame) -> sparse.csr_matrix:
        short = self.short_chars.transform(joined_text(frame, SHORT_FIELDS))
        if self.short_only:
            return short
        all_texts = joined_text(frame, TEXT_FIELDS)
        return sparse.hstack(
            [short, self.all_chars.transform(all_texts), self.words.transform(all_texts)],
            format="csr",
        )


def _softmax(scores: npt.NDArray[np.float64], temperature: float) -> npt.NDArray[np.float64]:
    z = scores / temperature
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    result: npt.NDArray[np.float64] = e / e.sum(axis=1, keepdims=True)
    return result


def _out_of_fold_scores(
    features: sparse.csr_matrix,
    labels: npt.NDArray[np.str_],
    classes: list[str],
    seed: int,
    folds: int = CALIBRATION_FOLDS,
    firms: int | None = None,
    owners: npt.NDArray[np.intp] | None = None,
    sample_weight: npt.NDArray[np.float64] | None = None,
    views: tuple[tuple[int, int, float], ...] = (),
) -> npt.NDArray[np.float64]:
    """Each training firm's scores from an SVM fitted without it (classes absent: -10).

    Only the first ``firms`` rows are firms (scored, split into folds); the rows after them
    (the standard's texts, the firms' sentences) are in every fold's training part, except a
    row whose ``owners`` entry (a firm's position; -1: none) is a firm of the held-out fold.
    """
    firms = len(labels) if firms is None else firms
    extra = np.arange(firms, len(labels))
    owner = np.full(len(extra), -1) if owners is None else owners[firms:]
    scores = np.full((firms, len(classes)), -10.0)
    position = {c: i for i, c in enumerate(classes)}
    for fold_train, held in KFold(folds, shuffle=True, random_state=seed).split(labels[:firms]):
        is_held = np.zeros(firms + 1, dtype=bool)  # the last entry stands for "no firm"
        is_held[held] = True
        train = np.concatenate([fold_train, extra[~is_held[owner]]])
        weights = None if sample_weight is None else sample_weight[train]
        svm_classes, coefficients, intercepts = _fit_views(
            features[train], labels[train], weights, seed, views
        )
        columns = [position[c] for c in svm_classes]
        scores[np.ix_(held, columns)] = features[held] @ coefficients.T + intercepts
    return scores


def _fit_svm(
    features: sparse.csr_matrix,
    labels: npt.NDArray[np.str_],
    sample_weight: npt.NDArray[np.float64] | None,
    seed: int,
) -> tuple[list[str], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """The linear SVM's classes, coefficients (classes × features) and intercepts."""
    svm = LinearSVC(C=SVM_C, class_weight="balanced", random_state=seed)
    svm.fit(features, labels, sample_weight=sample_weight)
    classes = [str(c) for c in svm.classes_]
    if len(classes) == 2:  # one row only: the second class's score
        return classes, np.vstack([-svm.coef_, svm.coef_]), np.array([-1, 1]) * svm.intercept_
    return classes, svm.coef_, svm.intercept_


def _fit_views(
    features: sparse.csr_matrix,
    labels: npt.NDArray[np.str_],
    sample_weight: npt.NDArray[np.float64] | None,
    seed: int,
    views: tuple[tuple[int, int, float], ...] = (),
) -> tuple[list[str], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """One SVM on all columns plus, per view ``(first, stop, share)``, one SVM on those
    columns alone, its coefficients (zero elsewhere) and intercepts added × ``share``.

    The sum is one linear model: its scores are the views' scores added (format 5).
    """
    classes, coefficients, intercepts = _fit_svm(features, labels, sample_weight, seed)
    coefficients = coefficients.copy()
    for first, stop, share in views:
        view_classes, view_coefficients, view_intercepts = _fit_svm(
            features[:, first:stop], labels, sample_weight, seed
        )
        if view_classes != classes:  # the same labels: cannot happen
            raise RuntimeError("a view's SVM learned other classes")
        coefficients[:, first:stop] += share * view_coefficients
        intercepts = intercepts + share * view_intercepts
    return classes, coefficients, intercepts


def _fit_temperature(scores: npt.NDArray[np.float64], truth: npt.NDArray[np.intp]) -> float:
    def negative_log_likelihood(temperature: float) -> float:
        p = _softmax(scores, temperature)[np.arange(len(truth)), truth]
        return float(-np.log(np.clip(p, 1e-12, None)).mean())

    found = minimize_scalar(negative_log_likelihood, bounds=(0.005, 5.0), method="bounded")
    return float(found.x)


def _fit_class_calibration(
    scores: npt.NDArray[np.float64],
    truth: npt.NDArray[np.intp],
    temperature: float,
    penalty: float = CLASS_CALIBRATION_PENALTY,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Per class a scale and a bias of the scores (vector scaling), by penalised likelihood.

    Maximises the likelihood of ``truth`` under ``softmax((scores * scale + bias) /
    temperature)`` with an L2 penalty on ``scale - 1`` and ``bias`` (L-BFGS, exact gradient).
    """
    firms, classes = scores.shape
    rows = np.arange(firms)

    def loss_and_gradient(
        theta: npt.NDArray[np.float64],
    ) -> tuple[float, npt.NDArray[np.float64]]:
        bias, scale = theta[:classes], 1 + theta[classes:]
        p = _softmax(scores * scale + bias, temperature)
        loss = -np.log(np.clip(p[rows, truth], 1e-12, None)).mean() + penalty * (theta @ theta)
        residual = p
        residual[rows, truth] -= 1
        residual /= firms * temperature
        gradient = np.concatenate([residual.sum(axis=0), (residual * scores).sum(axis=0)])
        return float(loss), gradient + 2 * penalty * theta

    found = minimize(loss_and_gradient, np.zeros(2 * classes), jac=True, method="L-BFGS-B")
    return 1 + found.x[classes:], found.x[:classes]


def _fit_score_mixing(
    scores: npt.NDArray[np.float64],
    truth: npt.NDArray[np.intp],
    temperature: float,
    penalty: float = MIXING_PENALTY,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """A classes × classes matrix and a bias per class (matrix scaling), by penalised likelihood.

    Maximises the likelihood of ``truth`` under ``softmax((scores @ mixing + bias) /
    temperature)`` with an L2 penalty on ``mixing - I`` and ``bias`` (L-BFGS, exact gradient):
    beyond a scale per division, a division's score may borrow from the scores of the
    divisions it is confused with.
    """
    firms, classes = scores.shape
    rows = np.arange(firms)

    def loss_and_gradient(
        theta: npt.NDArray[np.float64],
    ) -> tuple[float, npt.NDArray[np.float64]]:
        bias, departure = theta[:classes], theta[classes:].reshape(classes, classes)
        p = _softmax(scores + scores @ departure + bias, temperature)
        loss = -np.log(np.clip(p[rows, truth], 1e-12, None)).mean() + penalty * (theta @ theta)
        residual = p
        residual[rows, truth] -= 1
        residual /= firms * temperature
        gradient = np.concatenate([residual.sum(axis=0), (scores.T @ residual).ravel()])
        return float(loss), gradient + 2 * penalty * theta

    found = minimize(
        loss_and_gradient,
        np.zeros(classes + classes * classes),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": 500},
    )
    mixing = np.eye(classes) + found.x[classes:].reshape(classes, classes)
    return mixing, found.x[:classes]


@dataclass(frozen=True)
class _Calibration:
    """Scores → probabilities: ``softmax((scores @ mixing + bias) / temperature)``."""

    temperature: float
    mixing: npt.NDArray[np.float64] | None = None
    bias: npt.NDArray[np.float64] | None = None

    def apply(self, scores: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        if self.mixing is not None and self.bias is not None:
            scores = scores @ self.mixing + self.bias
        return _softmax(scores, self.temperature)


def _fit_calibration(
    scores: npt.NDArray[np.float64], truth: npt.NDArray[np.intp], *, mixing: bool
) -> _Calibration:
    """One temperature; with ``mixing`` (the full model), matrix scaling, then the temperature
    again on the mixed scores."""
    temperature = _fit_temperature(scores, truth)
    if not mixing:
        return _Calibration(temperature)
    matrix, bias = _fit_score_mixing(scores, truth, temperature)
    return _Calibration(_fit_temperature(scores @ matrix + bias, truth), matrix, bias)


def _log_odds(p: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    p = np.clip(p, 1e-9, 1 - 1e-9)
    result: npt.NDArray[np.float64] = np.log(p) - np.log1p(-p)
    return result


def _mapped_confidence(
    best: npt.NDArray[np.float64], confidence_map: tuple[float, float] | None
) -> npt.NDArray[np.float64]:
    """``sigmoid(slope * logit(best) + offset)``; ``best`` itself without a map (format ≤ 5)."""
    if confidence_map is None:
        return best
    slope, offset = confidence_map
    result: npt.NDArray[np.float64] = 1 / (1 + np.exp(-(slope * _log_odds(best) + offset)))
    return result


def _fit_confidence_map(
    best: npt.NDArray[np.float64],
    right: npt.NDArray[np.bool_],
    penalty: float = CONFIDENCE_MAP_PENALTY,
) -> tuple[float, float]:
    """Slope and offset of the best division's log-odds that make it the probability of being
    right: a logistic regression of ``right`` on ``logit(best)`` (Platt scaling of the top
    label), with a weak L2 pull toward (1, 0) and the slope at least
    :data:`CONFIDENCE_MIN_SLOPE`."""
    x = _log_odds(best)
    y = right.astype(np.float64)

    def loss_and_gradient(theta: npt.NDArray[np.float64]) -> tuple[float, npt.NDArray[np.float64]]:
        z = theta[0] * x + theta[1]
        # log(1 + e^z) - y z, the mean log-loss of sigmoid(z) against y
        loss = np.mean(np.logaddexp(0, z) - y * z)
        residual = (1 / (1 + np.exp(-z)) - y) / len(x)
        departure = theta - np.array([1.0, 0.0])
        gradient = np.array([residual @ x, residual.sum()]) + 2 * penalty * departure
        return float(loss + penalty * (departure @ departure)), gradient

    found = minimize(
        loss_and_gradient,
        np.array([1.0, 0.0]),
        jac=True,
        method="L-BFGS-B",
        bounds=[(CONFIDENCE_MIN_SLOPE, None), (None, None)],
    )
    return float(found.x[0]), float(found.x[1])


def _cross_fitted_best(
    scores: npt.NDArray[np.float64],
    truth: npt.NDArray[np.intp],
    *,
    mixing: bool,
    seed: int,
    folds: int = CALIBRATION_FOLDS,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Each firm's best probability, and whether that division is right, under a calibration
    fitted (as the shipped one, :func:`_fit_calibration`) on the other firms' scores only.

    The shipped calibration is applied to firms it never saw; these are the same situation
    within the training firms, so the confidence map fitted on them holds on new firms.
    """
    best = np.zeros(len(truth))
    right = np.zeros(len(truth), dtype=bool)
    for fitted, held in KFold(folds, shuffle=True, random_state=seed).split(scores):
        p = _fit_calibration(scores[fitted], truth[fitted], mixing=mixing).apply(scores[held])
        best[held] = p.max(axis=1)
        right[held] = p.argmax(axis=1) == truth[held]
    return best, right


@dataclass
class DivisionClassifier:
    """A trained classifier; build with :func:`train_classifier`, keep with :meth:`save`."""

    features: _Features
    classes: list[str]
    weights: npt.NDArray[np.float32]  # features × classes
    intercepts: npt.NDArray[np.float32]
    temperature: float
    lexicon: ClassLexicon
    training_sha256: str
    training_rows: int
    seed: int
    model_format: str = MODEL_FORMAT
    # Format 3: each division's score × scale + bias before the temperature. None (the small
    # model, format 4, and files of format 2, which lack the attributes): no scale.
    class_scale: npt.NDArray[np.float64] | None = None
    class_bias: npt.NDArray[np.float64] | None = None
    # Format 4 (full model): scores @ mixing + class_bias before the temperature (class_scale
    # None). Files of formats 2 and 3 lack the attribute: the class default None applies.
    class_mixing: npt.NDArray[np.float64] | None = None
    # Format 6: the confidence is sigmoid(slope * logit(best probability) + offset). Files of
    # format 5 and older lack the attribute: the class default None keeps the best probability.
    confidence_map: tuple[float, float] | None = None

    @property
    def version(self) -> str:
        """The model format and the first 12 hex digits of its training fingerprint."""
        return f"{self.model_format}+{self.training_sha256[:12]}"

    def _scores(self, frame: pd.DataFrame) -> npt.NDArray[np.float64]:
        scores = self.features.transform(frame) @ self.weights + self.intercepts
        return np.asarray(scores, dtype=np.float64)

    def _calibrated(self, scores: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        if self.class_mixing is not None and self.class_bias is not None:
            scores = scores @ self.class_mixing + self.class_bias
        elif self.class_scale is not None and self.class_bias is not None:
            scores = scores * self.class_scale + self.class_bias
        return _softmax(scores, self.temperature)

    def probabilities(self, frame: pd.DataFrame) -> npt.NDArray[np.float64]:
        """Firms × classes calibrated probabilities (columns in ``classes`` order).

        ``predict``'s ``confidence`` is the best one's through :attr:`confidence_map` (format
        6), the probability that the best division is right.
        """
        return self._calibrated(self._scores(frame))

    def predict(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Per firm: ``division``, ``confidence``, ``top3``, ``class``, version, fingerprint.

        ``frame`` has any of the text columns (:data:`TEXT_FIELDS`); missing ones count as empty.
        ``class`` (four digits) is filled only where the text names one of the division's classes.
        The best division is the most probable; the next two in ``top3`` are the others with
        the highest raw scores (the per-division scales, fitted for the best guess, reorder the
        runners-up for the worse: cross-validated top-3 0.904 by the probabilities, 0.911 so).
        ``confidence`` is the best division's probability through :attr:`confidence_map`
        (format 6): a rising function, so it orders firms as the probability does.
        """
        if len(frame) == 0:
            return pd.DataFrame(
                columns=[
                    "division",
                    "confidence",
                    "top3",
                    "class",
                    "model_version",
                    "training_sha256",
                ]
            )
        scores = self._scores(frame)
        p = self._calibrated(scores)
        first = p.argmax(axis=1)
        raw = scores.copy()
        raw[np.arange(len(raw)), first] = np.inf  # the calibrated best first, then raw order
        order = np.argsort(-raw, axis=1, kind="stable")[:, :3]
        classes = np.asarray(self.classes)
        best = classes[first]
        texts = joined_text(frame, SHORT_FIELDS)
        return pd.DataFrame(
            {
                "division": best,
                "confidence": np.round(
                    _mapped_confidence(p[np.arange(len(p)), first], self.confidence_map), 4
                ),
                "top3": ["|".join(row) for row in classes[order]],
                "class": [self.lexicon.find(d, t) or "" for d, t in zip(best, texts, strict=True)],
                "model_version": self.version,
                "training_sha256": self.training_sha256,
            },
            index=frame.index,
        )

    def predict_chunks(
        self, chunks: Iterable[pd.DataFrame], *, workers: int = 1
    ) -> Iterator[pd.DataFrame]:
        """Predictions chunk by chunk, in order, so memory stays bounded by a few chunks.

        ``workers`` > 1 spreads the chunks over that many processes (each receives the model
        once); at most two chunks per worker are in flight.
        """
        if workers <= 1:
            for chunk in chunks:
                yield self.predict(chunk)
            return
        context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
        with ProcessPoolExecutor(
            workers, mp_context=context, initializer=_worker_start, initargs=(self,)
        ) as pool:
            pending: deque[Future[pd.DataFrame]] = deque()
            for chunk in chunks:
                pending.append(pool.submit(_worker_predict, chunk))
                if len(pending) >= 2 * workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        joblib.dump(self, path, compress=3)

    @classmethod
    def load(cls, path: Path) -> DivisionClassifier:
        """Read a model written by :meth:`save` (a local file; nothing is fetched)."""
        model = joblib.load(path)
        if not isinstance(model, cls):
            raise TypeError(f"{path} does not hold a {cls.__name__}")
        return model


_worker_model: DivisionClassifier | None = None


def _worker_start(model: DivisionClassifier) -> None:
    global _worker_model  # one model per worker process, received once
    _worker_model = model


def _worker_predict(chunk: pd.DataFrame) -> pd.DataFrame:
    if _worker_model is None:
        raise RuntimeError("worker started without a model")
    return _worker_model.predict(chunk)


def train_classifier(
    rows: pd.DataFrame, *, lexicon: ClassLexicon, seed: int = 1, small: bool = False
) -> DivisionClassifier:
    """Fit the classifier on ``rows`` (columns ``id``, ``division`` and :data:`TEXT_FIELDS`).

    ``lexicon`` names the four-digit classes; the full model also learns from its class
    texts (:func:`standard_rows`), each weighing as much as a firm, and from the firms'
    business sentences (:func:`sentence_rows`), each weighing :data:`SENTENCE_WEIGHT`; besides
    its SVM on all features, one on the character blocks and one on the words add their
    scores × :data:`VIEW_SHARE` (:func:`_fit_views`; one weight matrix). The confidence map
    (format 6) is fitted on the firms' best probabilities under calibrations fitted without
    them (:func:`_cross_fitted_best`, :func:`_fit_confidence_map`).
    ``small``: the short fields' characters only, no class texts or sentences and 3
    calibration folds, several times faster to train (the demo's model) and a few points less
    accurate (docs/classification.md).
    """
    if len(rows) == 0:
        raise EmptyInputError("no training rows")
    fingerprint = training_fingerprint(rows, None if small else lexicon)
    rows = rows.sort_values("id").reset_index(drop=True)
    firms = len(rows)
    standard = standard_rows(rows, lexicon).iloc[:0] if small else standard_rows(rows, lexicon)
    learned = _with_standard(rows[list(standard.columns)], standard)
    features = _Features(short_only=small)
    # The vocabulary and IDF come from the firms and class texts; the sentences, parts of the
    # firms' introductions, are read with them.
    matrix = features.fit_transform(learned)
    labels = learned["division"].astype(str).to_numpy()
    owners = np.full(len(learned), -1, dtype=np.intp)
    sample_weight = np.ones(len(learned))
    if not small:
        sentences, sentence_owners = sentence_rows(rows)
        if len(sentences):
            matrix = sparse.vstack([matrix, features.transform(sentences)], format="csr")
            labels = np.concatenate([labels, sentences["division"].astype(str).to_numpy()])
            owners = np.concatenate([owners, sentence_owners])
            sample_weight = np.concatenate(
                [sample_weight, np.full(len(sentences), SENTENCE_WEIGHT)]
            )
    if len(set(labels)) < 2:
        raise EmptyInputError("training rows need at least two divisions")
    views = () if small else features.views()
    classes, coefficients, intercepts = _fit_views(matrix, labels, sample_weight, seed, views)
    folds = SMALL_CALIBRATION_FOLDS if small else CALIBRATION_FOLDS
    scores = _out_of_fold_scores(
        matrix,
        labels,
        classes,
        seed,
        folds,
        firms,
        owners=owners,
        sample_weight=sample_weight,
        views=views,
    )
    truth = np.searchsorted(np.asarray(classes), labels[:firms])
    calibration = _fit_calibration(scores, truth, mixing=not small)
    best, right = _cross_fitted_best(scores, truth, mixing=not small, seed=seed, folds=folds)
    return DivisionClassifier(
        features=features,
        classes=classes,
        weights=np.ascontiguousarray(coefficients.T, dtype=np.float32),
        intercepts=intercepts.astype(np.float32),
        temperature=calibration.temperature,
        lexicon=lexicon,
        training_sha256=fingerprint,
        training_rows=len(rows),
        seed=seed,
        model_format=SMALL_MODEL_FORMAT if small else MODEL_FORMAT,
        class_bias=calibration.bias,
        class_mixing=calibration.mixing,
        confidence_map=_fit_confidence_map(best, right),
    )
