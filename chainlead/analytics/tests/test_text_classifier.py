"""The division classifier: labels, features, training, calibration, fingerprint, files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from chainlead.analytics.classify import (
    ClassLexicon,
    DivisionClassifier,
    cross_validate,
    division_from_csrc,
    prediction_quality,
    reliability,
    split_by_province,
    train_classifier,
    training_fingerprint,
)
from chainlead.analytics.classify.baseline import train_plain_baseline
from chainlead.analytics.classify.features import HashedCharTfidf
from chainlead.analytics.classify.firm_file import firm_chunks
from chainlead.analytics.classify.model import (
    MODEL_FORMAT,
    SENTENCE_WEIGHT,
    VIEW_SHARE,
    _cross_fitted_best,
    _fit_class_calibration,
    _fit_confidence_map,
    _fit_score_mixing,
    _fit_svm,
    _fit_temperature,
    _fit_views,
    _mapped_confidence,
    _out_of_fold_scores,
    _softmax,
    business_sentences,
    sentence_rows,
    standard_rows,
)
from chainlead.analytics.errors import EmptyInputError, MissingColumnError

PHRASES = {
    "39": ["集成电路芯片设计", "通信设备制造", "电子元器件生产", "智能手机终端"],
    "27": ["化学药品制剂", "生物疫苗研发", "中成药生产", "原料药销售"],
    "65": ["应用软件开发", "信息系统集成服务", "云计算平台", "数据处理服务"],
}


def sample_rows(per_division: int = 12, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for division, phrases in PHRASES.items():
        for i in range(per_division):
            picked = rng.choice(phrases, size=2, replace=False)
            rows.append(
                {
                    "id": f"{division}{i:04d}",
                    "division": division,
                    "province": "浙江" if i % 4 == 0 else "江苏",
                    "full_name": f"示例{picked[0]}股份有限公司",
                    "short_name": "",
                    "main_business": "主营业务:" + ",".join(picked),
                    "business_scope": "",
                    "introduction": f"公司专注于{picked[1]}。",
                }
            )
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def lexicon(tmp_path_factory: pytest.TempPathFactory) -> ClassLexicon:
    path = tmp_path_factory.mktemp("gbt") / "industries.csv"
    path.write_text(
        "code,name_zh,level,parent,note_zh\n39,计算机、通信和其他电子设备制造业,division,C,\n"
        "3973,集成电路制造,class,397,\n3922,通信终端设备制造,class,392,\n",
        encoding="utf-8",
    )
    return ClassLexicon.from_industries(path)


@pytest.fixture(scope="module")
def model(lexicon: ClassLexicon) -> DivisionClassifier:
    return train_classifier(sample_rows(), lexicon=lexicon, seed=1)


def test_csrc_codes_map_to_their_two_digits_except_conglomerates() -> None:
    assert division_from_csrc("C39") == "39"
    assert division_from_csrc(" i65 ") == "65"
    assert division_from_csrc("S91") is None
    assert division_from_csrc("通用设备") is None
    assert division_from_csrc(None) is None


def test_hashed_char_tfidf_rows_are_unit_length_and_drop_rare_ngrams() -> None:
    vectoriser = HashedCharTfidf(min_df=2)
    matrix = vectoriser.fit_transform(["软件开发", "软件服务", "芯片"])
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    assert norms[:2] == pytest.approx([1.0, 1.0], abs=1e-5)
    assert norms[2] == 0  # no n-gram of 芯片 occurs twice
    assert vectoriser.n_features == 3  # 软, 件, 软件


def test_the_model_learns_the_sample_and_reports_three_distinct_guesses(
    model: DivisionClassifier,
) -> None:
    frame = pd.DataFrame(
        {
            "full_name": ["某某集成电路芯片设计公司", "某某化学药品制剂公司"],
            "main_business": "",
            "x": 1,
        }
    )
    predicted = model.predict(frame)
    assert list(predicted["division"]) == ["39", "27"]
    assert predicted["class"].iloc[0] == "3973"
    assert predicted["class"].iloc[1] == ""
    for top3, best in zip(predicted["top3"], predicted["division"], strict=True):
        guesses = top3.split("|")
        assert guesses[0] == best and len(set(guesses)) == 3
    assert ((predicted["confidence"] > 0.34) & (predicted["confidence"] <= 1)).all()
    assert (predicted["training_sha256"] == model.training_sha256).all()
    assert (predicted["model_version"] == model.version).all()


def test_probabilities_sum_to_one(model: DivisionClassifier) -> None:
    p = model.probabilities(sample_rows(2, seed=9))
    assert p.sum(axis=1) == pytest.approx(np.ones(len(p)))


def test_training_is_deterministic_and_the_fingerprint_follows_the_data(
    model: DivisionClassifier, lexicon: ClassLexicon
) -> None:
    again = train_classifier(sample_rows(), lexicon=lexicon, seed=1)
    assert again.training_sha256 == model.training_sha256
    np.testing.assert_array_equal(again.weights, model.weights)
    changed = sample_rows()
    changed.loc[0, "main_business"] += "。"
    assert training_fingerprint(changed) != model.training_sha256
    assert training_fingerprint(sample_rows().iloc[::-1], lexicon) == model.training_sha256
    assert training_fingerprint(sample_rows()) != model.training_sha256  # the class texts count


def test_the_standards_class_texts_are_training_rows_of_the_firms_divisions_only(
    tmp_path: Path,
) -> None:
    path = tmp_path / "industries.csv"
    path.write_text(
        "code,name_zh,level,parent,note_zh\n3973,集成电路制造,class,397,指单片集成电路的制造\n"
        "2710,化学药品原料药制造,class,271,\n0111,稻谷种植,class,011,\n",
        encoding="utf-8",
    )
    lexicon = ClassLexicon.from_industries(path)
    rows = standard_rows(sample_rows(), lexicon)
    assert list(rows["division"]) == ["39", "27"]  # no firm of division 01: no class text
    assert rows.iloc[0]["main_business"] == "集成电路制造"
    assert rows.iloc[0]["introduction"] == "指单片集成电路的制造"
    model = train_classifier(sample_rows(), lexicon=lexicon, seed=1)
    assert model.training_rows == len(sample_rows())
    path.write_text(path.read_text(encoding="utf-8").replace("单片", "多片"), encoding="utf-8")
    changed = ClassLexicon.from_industries(path)
    assert training_fingerprint(sample_rows(), changed) != model.training_sha256


def test_a_saved_model_predicts_the_same(model: DivisionClassifier, tmp_path: Path) -> None:
    path = tmp_path / "m" / "classifier.joblib"
    model.save(path)
    frame = sample_rows(3, seed=5)
    pd.testing.assert_frame_equal(
        DivisionClassifier.load(path).predict(frame), model.predict(frame)
    )


def test_quality_on_held_out_sample_firms(model: DivisionClassifier) -> None:
    rows = sample_rows(per_division=4, seed=11)
    quality = prediction_quality(rows["division"], model.predict(rows))
    assert quality.firms == 12
    assert quality.top1 >= 0.9 and quality.top3 == 1.0


def test_cross_validation_scores_each_firm_once_by_a_model_that_never_saw_it(
    lexicon: ClassLexicon,
) -> None:
    rows = sample_rows().drop(columns="province")
    trained_on: list[set[str]] = []

    def train(part: pd.DataFrame) -> DivisionClassifier:
        trained_on.append(set(part["id"]))
        return train_classifier(part, lexicon=lexicon, seed=1)

    result = cross_validate(rows, train)
    scored = [set(rows["id"]) - seen for seen in trained_on]
    assert [len(s) for s in scored] == [q.firms for q in result.folds] == [12, 12, 12]
    assert set().union(*scored) == set(rows["id"]) and result.pooled.firms == 36
    assert result.pooled.top1 >= 0.8 and result.pooled.top3 == 1.0
    # The folds follow the ids, not the order the rows come in.
    shuffled = cross_validate(rows.sample(frac=1, random_state=4), train)
    assert shuffled == result and trained_on[3:] == trained_on[:3]


def test_per_division_calibration_corrects_a_division_the_scores_undervalue() -> None:
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 3, size=600)
    scores = rng.normal(size=(600, 3))
    scores[np.arange(600), truth] += 2.0
    scores[:, 2] -= 1.5  # division 2's scores run low: its firms are often taken for others
    temperature = _fit_temperature(scores, truth)
    scale, bias = _fit_class_calibration(scores, truth, temperature)
    assert scale.shape == bias.shape == (3,)
    assert bias[2] - bias[:2].mean() > 0.5  # the undervalued division is raised
    calibrated = scores * scale + bias
    before = (scores.argmax(axis=1) == truth).mean()
    assert (calibrated.argmax(axis=1) == truth).mean() > before + 0.05
    p = _softmax(calibrated, _fit_temperature(calibrated, truth))
    assert (
        -np.log(p[np.arange(600), truth]).mean()
        < -np.log(_softmax(scores, temperature)[np.arange(600), truth]).mean()
    )
    # A heavy penalty keeps the scores as they are.
    scale, bias = _fit_class_calibration(scores, truth, temperature, penalty=1e6)
    assert np.allclose(scale, 1, atol=1e-4) and np.allclose(bias, 0, atol=1e-4)


def test_score_mixing_separates_a_division_whose_firms_also_score_high_on_another() -> None:
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 3, size=900)
    scores = rng.normal(scale=0.5, size=(900, 3))
    scores[np.arange(900), truth] += 2.0
    # Division 1's firms score as high on division 0 as on their own: division 0's score
    # less a share of 1's tells them apart.
    scores[truth == 1, 0] += 2.0
    temperature = _fit_temperature(scores, truth)
    mixing, mixing_bias = _fit_score_mixing(scores, truth, temperature)
    assert mixing.shape == (3, 3) and mixing_bias.shape == (3,)
    assert mixing[1, 0] < -0.2  # division 1's score is taken off division 0's
    mixed = scores @ mixing + mixing_bias
    assert (mixed.argmax(axis=1) == truth).mean() > (scores.argmax(axis=1) == truth).mean() + 0.1
    scale, bias = _fit_class_calibration(scores, truth, temperature)
    scaled = scores * scale + bias

    def log_loss(calibrated: np.ndarray) -> float:
        p = _softmax(calibrated, _fit_temperature(calibrated, truth))
        return float(-np.log(p[np.arange(900), truth]).mean())

    assert log_loss(mixed) < log_loss(scaled)  # more than a scale per division can
    # A heavy penalty keeps the scores as they are.
    mixing, mixing_bias = _fit_score_mixing(scores, truth, temperature, penalty=1e6)
    assert np.allclose(mixing, np.eye(3), atol=1e-4) and np.allclose(mixing_bias, 0, atol=1e-4)


def test_business_sentences_are_the_introductions_statements_of_what_the_firm_does() -> None:
    introduction = (
        "公司成立于1998年，2010年在深圳证券交易所上市。公司主要从事锂离子电池的研发、生产和销售；"
        "主要产品包括动力电池、储能电池。未来公司将致力于成为全球领先的新能源企业！"
        "公司荣获国家制造业单项冠军。公司专注于电池管理系统。公司生产正极材料。公司生产正极材料。"
        "公司从事回收。"
    )
    assert business_sentences(introduction) == [
        "公司主要从事锂离子电池的研发、生产和销售",
        "主要产品包括动力电池、储能电池",
        "公司专注于电池管理系统",
    ]  # no listing, plans or honours; short ones ("公司从事回收") and repeats dropped; 3 at most
    rows = pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "division": ["38", "39", "65"],
            "introduction": [
                "公司生产正极材料。",
                None,
                "公司从事应用软件开发。主营业务为云计算服务。",
            ],
        }
    )
    texts, owners = sentence_rows(rows)
    assert list(texts["introduction"]) == [
        "公司生产正极材料",
        "公司从事应用软件开发",
        "主营业务为云计算服务",
    ]
    assert list(texts["division"]) == ["38", "65", "65"] and list(owners) == [0, 2, 2]
    assert (texts[["full_name", "main_business", "business_scope"]] == "").all().all()


def test_a_firm_held_out_of_a_calibration_fold_takes_its_sentences_with_it() -> None:
    # 60 firms, each with a word of its own and a random division; each firm's one sentence
    # repeats its word. Scored without the firm and its sentence, the word says nothing.
    rng = np.random.default_rng(1)
    labels = rng.choice(np.array(["a", "b", "c"]), size=60)
    features = sparse.vstack([sparse.identity(60, format="csr")] * 2, format="csr")
    all_labels = np.concatenate([labels, labels])
    owners = np.concatenate([np.full(60, -1), np.arange(60)])
    weights = np.concatenate([np.ones(60), np.full(60, SENTENCE_WEIGHT)])
    classes = ["a", "b", "c"]
    truth = np.searchsorted(np.asarray(classes), labels)

    def own_division_first(owned: np.ndarray | None) -> float:
        scores = _out_of_fold_scores(
            features, all_labels, classes, 1, 5, 60, owners=owned, sample_weight=weights
        )
        return float((scores.argmax(axis=1) == truth).mean())

    assert own_division_first(None) == 1.0  # the sentences, left in, give each firm away
    assert own_division_first(owners) < 0.7


def test_the_full_model_mixes_the_divisions_scores_and_ranks_the_runners_up_by_score(
    model: DivisionClassifier,
) -> None:
    assert model.model_format == MODEL_FORMAT == "division-text-svm/6"
    assert model.version.startswith("division-text-svm/6+")
    assert 0 < SENTENCE_WEIGHT < 1
    assert model.class_scale is None
    assert model.class_mixing is not None and model.class_bias is not None
    classes = len(model.classes)
    assert model.class_mixing.shape == (classes, classes) and model.class_bias.shape == (classes,)
    rows = sample_rows(3, seed=5)
    predicted = model.predict(rows)
    p = model.probabilities(rows)
    classes = np.asarray(model.classes)
    assert list(predicted["division"]) == list(classes[p.argmax(axis=1)])
    expected = _mapped_confidence(p.max(axis=1), model.confidence_map)
    assert np.allclose(predicted["confidence"], expected.round(4))
    raw = np.asarray(model.features.transform(rows) @ model.weights + model.intercepts)
    for top3, best, scores in zip(predicted["top3"], predicted["division"], raw, strict=True):
        runners_up = [c for c in classes[np.argsort(-scores, kind="stable")] if c != best][:2]
        assert top3.split("|") == [best, *runners_up]


def test_the_views_svms_are_added_into_one_weight_matrix() -> None:
    # Two blocks of columns: each view's SVM sees its block only; the model's scores are the
    # full SVM's plus each view's × its share, from one coefficient matrix.
    rng = np.random.default_rng(2)
    labels = rng.choice(np.array(["a", "b", "c"]), size=90)
    truth = np.searchsorted(np.array(["a", "b", "c"]), labels)
    noise = rng.random((90, 12))
    noise[np.arange(90), truth] += 1.0  # block one: columns 0-5; block two: 6-11
    noise[np.arange(90), 6 + truth] += rng.random(90)
    features = sparse.csr_matrix(noise)
    views = ((0, 6, 0.5), (6, 12, 0.25))
    classes, coefficients, intercepts = _fit_views(features, labels, None, 1, views)
    assert classes == ["a", "b", "c"] and coefficients.shape == (3, 12)
    _, full, full_intercepts = _fit_svm(features, labels, None, 1)
    expected = features @ full.T + full_intercepts
    for first, stop, share in views:
        _, view, view_intercepts = _fit_svm(features[:, first:stop], labels, None, 1)
        expected = expected + share * (features[:, first:stop] @ view.T + view_intercepts)
    np.testing.assert_allclose(features @ coefficients.T + intercepts, expected, atol=1e-9)
    assert not np.allclose(coefficients, full)


def test_the_full_models_views_are_its_character_blocks_and_its_words(
    model: DivisionClassifier,
) -> None:
    (first, characters, share), (start, stop, word_share) = model.features.views()
    assert first == 0 and start == characters and share == word_share == VIEW_SHARE
    assert characters == (
        model.features.short_chars.n_features + model.features.all_chars.n_features
    )
    assert stop == model.weights.shape[0]  # the words are the last columns


def test_the_confidence_map_learns_how_often_the_best_division_is_right() -> None:
    # Best probabilities of 0.9 right 70 % of the time, of 0.6 right 55 %: over-confident.
    best = np.repeat([0.9, 0.6], 1000)
    right = np.concatenate([np.arange(1000) < 700, np.arange(1000) < 550])
    slope, offset = _fit_confidence_map(best, right)
    mapped = _mapped_confidence(np.array([0.9, 0.6]), (slope, offset))
    assert mapped == pytest.approx([0.70, 0.55], abs=0.01)
    assert 0 < slope < 1
    # calibrated already: the map stays near the identity
    honest = np.concatenate([np.arange(1000) < 900, np.arange(1000) < 600])
    assert _fit_confidence_map(best, honest) == pytest.approx((1.0, 0.0), abs=0.02)
    # every firm right (a tiny sample): the weak pull toward (1, 0) keeps the fit finite
    slope, offset = _fit_confidence_map(best, np.ones(2000, dtype=bool))
    assert np.isfinite([slope, offset]).all() and slope > 1
    assert (_mapped_confidence(best, None) == best).all()  # no map: the probability itself


def test_the_confidence_map_is_fitted_on_firms_the_calibration_never_saw() -> None:
    # 40 classes, 120 firms, weak signal: a calibration fitted on the very firms it scores
    # (1,640 parameters) is sure of them; fitted on the other firms it is not.
    rng = np.random.default_rng(4)
    truth = rng.integers(0, 40, size=120)
    scores = rng.normal(size=(120, 40))
    scores[np.arange(120), truth] += 1.0
    best, right = _cross_fitted_best(scores, truth, mixing=True, seed=1)
    in_sample_calibration = _fit_score_mixing(scores, truth, _fit_temperature(scores, truth))
    mixed = scores @ in_sample_calibration[0] + in_sample_calibration[1]
    in_sample = _softmax(mixed, _fit_temperature(mixed, truth))
    in_sample_right = in_sample.argmax(axis=1) == truth
    assert in_sample.max(axis=1).mean() > best.mean()
    assert in_sample_right.mean() > right.mean()  # the in-sample fit flatters itself
    # the cross-fitted confidence is about as often right as it claims
    assert abs(best.mean() - right.mean()) < abs(in_sample.max(axis=1).mean() - right.mean())


def test_the_confidence_is_corrected_without_changing_any_guess_or_the_firms_order(
    lexicon: ClassLexicon,
) -> None:
    # The sample with every third firm's division wrong (label noise), so the firms' held-out
    # best probabilities are sometimes wrong: the map has something to correct.
    noisy = sample_rows()
    divisions = list(PHRASES)
    noisy.loc[::3, "division"] = [
        divisions[(divisions.index(d) + 1) % 3] for d in noisy.loc[::3, "division"]
    ]
    model = train_classifier(noisy, lexicon=lexicon, seed=1)
    assert model.confidence_map is not None
    slope, offset = model.confidence_map
    assert (slope, offset) != pytest.approx((1.0, 0.0), abs=1e-3)  # fitted, not the identity
    uncorrected = DivisionClassifier(**{**model.__dict__, "confidence_map": None})
    rows = pd.concat([sample_rows(4, seed=5), sample_rows(4, seed=11)], ignore_index=True)
    rows.loc[::3, "main_business"] = ""  # some weaker texts, so confidences differ
    rows.loc[::5, "full_name"] = "示例股份有限公司"
    corrected, plain = model.predict(rows), uncorrected.predict(rows)
    assert list(corrected["division"]) == list(plain["division"])
    assert list(corrected["top3"]) == list(plain["top3"])
    assert not np.allclose(corrected["confidence"], plain["confidence"])
    p = model.probabilities(rows).max(axis=1)
    expected = 1 / (1 + np.exp(-(slope * np.log(p / (1 - p)) + offset)))
    np.testing.assert_allclose(corrected["confidence"], expected.round(4), atol=1e-4)
    # a rising map: the firms keep their order (the confident half is read from it)
    order = np.argsort(p)
    assert (np.diff(expected[order]) >= 0).all()
    small = train_classifier(noisy, lexicon=lexicon, seed=1, small=True)
    assert small.confidence_map is not None and small.confidence_map != model.confidence_map
    assert small.confidence_map[0] >= 0.1  # rising even where the tiny sample asks otherwise


def test_a_model_file_of_format_5_still_gives_the_best_probability_as_confidence(
    model: DivisionClassifier, tmp_path: Path
) -> None:
    path = tmp_path / "format5.joblib"
    model.save(path)
    old = DivisionClassifier.load(path)
    del old.__dict__["confidence_map"]  # as format 5 pickled it
    old.model_format = "division-text-svm/5"
    rows = sample_rows(3, seed=5)
    predicted = old.predict(rows)
    np.testing.assert_allclose(old.probabilities(rows), model.probabilities(rows))
    assert list(predicted["division"]) == list(model.predict(rows)["division"])
    best = old.probabilities(rows).max(axis=1)
    np.testing.assert_allclose(predicted["confidence"], best.round(4))


def test_calibration_error_and_reliability_compare_confidence_with_accuracy() -> None:
    truth = pd.Series(["39", "39", "27", "27", "65"])
    predictions = pd.DataFrame(
        {
            "division": ["39", "27", "27", "27", "65"],
            "confidence": [0.95, 0.96, 0.6, 0.4, 1.0],
            "top3": ["39|27|65", "27|39|65", "27|39|65", "27|39|65", "65|39|27"],
        }
    )
    table = reliability(truth, predictions)
    assert table[["low", "firms", "right"]].values.tolist() == [
        [0.3, 1, 1.0],
        [0.5, 1, 1.0],
        [0.95, 2, 0.5],
        [0.99, 1, 1.0],  # 1.0 falls in the last bin
    ]
    quality = prediction_quality(truth, predictions)
    assert quality.mean_confidence == pytest.approx(0.782)
    # (|0.4 - 1| + |0.6 - 1| + 2 |0.955 - 0.5| + |1 - 1|) / 5
    assert quality.calibration_error == pytest.approx((0.6 + 0.4 + 0.91) / 5)


def test_a_model_file_of_format_4_still_predicts_as_it_did(
    model: DivisionClassifier, tmp_path: Path
) -> None:
    # Format 5 changed training only: a format-4 file (the same attributes) predicts as before.
    path = tmp_path / "format4.joblib"
    model.save(path)
    old = DivisionClassifier.load(path)
    del old.__dict__["confidence_map"]  # as format 4 pickled it
    old.model_format = "division-text-svm/4"
    rows = sample_rows(3, seed=5)
    assert old.version.startswith("division-text-svm/4+")
    np.testing.assert_allclose(old.probabilities(rows), model.probabilities(rows))
    assert list(old.predict(rows)["division"]) == list(model.predict(rows)["division"])


def test_a_model_file_of_format_3_still_predicts_with_its_scale_per_division(
    model: DivisionClassifier, tmp_path: Path
) -> None:
    path = tmp_path / "format3.joblib"
    model.save(path)
    old = DivisionClassifier.load(path)
    del old.__dict__["class_mixing"], old.__dict__["confidence_map"]  # as format 3 pickled it
    scale = np.linspace(0.8, 1.2, len(old.classes))
    old.class_scale, old.class_bias = scale, np.zeros(len(old.classes))
    rows = sample_rows(3, seed=5)
    scores = np.asarray(old.features.transform(rows) @ old.weights + old.intercepts, np.float64)
    np.testing.assert_allclose(old.probabilities(rows), _softmax(scores * scale, old.temperature))


def test_a_model_file_of_format_2_without_per_division_calibration_still_predicts(
    model: DivisionClassifier, tmp_path: Path
) -> None:
    path = tmp_path / "format2.joblib"
    model.save(path)
    old = DivisionClassifier.load(path)
    # as format 2 pickled it
    for attribute in ("class_scale", "class_bias", "class_mixing", "confidence_map"):
        del old.__dict__[attribute]
    rows = sample_rows(3, seed=5)
    scores = old.features.transform(rows) @ old.weights + old.intercepts
    expected = _softmax(np.asarray(scores, dtype=np.float64), old.temperature)
    np.testing.assert_allclose(old.probabilities(rows), expected)
    predicted = old.predict(rows)
    assert list(predicted["division"]) == list(np.asarray(old.classes)[expected.argmax(axis=1)])


def test_split_keeps_zhejiang_apart_and_the_parts_disjoint() -> None:
    split = split_by_province(sample_rows(), held_out_share=0.25, seed=2)
    assert (split.zhejiang["province"] == "浙江").all()
    ids = [set(p["id"]) for p in (split.train, split.held_out, split.zhejiang)]
    assert sum(map(len, ids)) == len(set().union(*ids)) == 36
    assert len(split.held_out) > 0


def test_training_needs_rows_and_columns(lexicon: ClassLexicon) -> None:
    with pytest.raises(EmptyInputError):
        train_classifier(sample_rows().iloc[:0], lexicon=lexicon)
    with pytest.raises(MissingColumnError):
        training_fingerprint(sample_rows().drop(columns="introduction"))


def test_firm_files_in_gb18030_with_chinese_headers_are_read(tmp_path: Path) -> None:
    path = tmp_path / "firms.csv"
    path.write_text("证券代码,公司名称,主营业务\n000001,某银行,贷款\n", encoding="gb18030")
    (chunk,) = list(firm_chunks(path))
    assert chunk.iloc[0].to_dict() == {
        "id": "000001", "full_name": "某银行", "short_name": "", "main_business": "贷款",
        "business_scope": "", "introduction": "",
    }  # fmt: skip


def test_the_small_model_reads_the_short_fields_only(lexicon: ClassLexicon) -> None:
    small = train_classifier(sample_rows(), lexicon=lexicon, seed=1, small=True)
    assert small.version.startswith("division-text-svm-small/2+")
    # unchanged: no per-division calibration
    assert small.class_scale is None and small.class_bias is None
    assert small.class_mixing is None
    firm = pd.DataFrame(
        {"full_name": ["示例应用软件开发股份有限公司"], "main_business": ["云计算平台"]}
    )
    with_intro = firm.assign(introduction=["公司专注于化学药品制剂和中成药生产。"])
    assert small.predict(firm)["division"].tolist() == ["65"]
    assert np.allclose(small.probabilities(firm), small.probabilities(with_intro))


def test_chunks_spread_over_two_processes_come_back_in_order(model: DivisionClassifier) -> None:
    rows = sample_rows(per_division=8, seed=5)
    chunks = [rows.iloc[i : i + 5] for i in range(0, len(rows), 5)]
    serial = pd.concat(model.predict_chunks(chunks))
    parallel = pd.concat(model.predict_chunks(chunks, workers=2))
    pd.testing.assert_frame_equal(serial, parallel)
    assert list(parallel.index) == list(rows.index)


@pytest.mark.parametrize(
    "text",
    [
        "主营业务:锂离子电池、储能系统；技术服务、技术开发。",
        "GPU加速卡与AI芯片（7nm），数据中心(IDC)业务 ２０２４年",
        "一般项目：软件开发\n许可项目：第二类增值电信业务  ① 5G+工业互联网",
        "",
    ],
)
def test_cached_segmentation_gives_jieba_s_own_words(text: str) -> None:
    import jieba  # type: ignore[import-untyped]

    from chainlead.analytics.classify.features import jieba_words

    expected = [w for w in jieba.lcut(text, HMM=False) if w.strip() and w.isalnum()]
    assert jieba_words(text) == expected
    assert jieba_words(text) == expected  # the second time from the cache


def test_the_plain_baseline_learns_the_sample_with_characters_alone() -> None:
    baseline = train_plain_baseline(sample_rows().drop(columns="province"))
    rows = sample_rows(per_division=4, seed=11)
    predicted = baseline.predict(rows)
    assert list(predicted.index) == list(rows.index)
    assert prediction_quality(rows["division"], predicted).top1 >= 0.9
    assert all(len(set(t.split("|"))) == 3 for t in predicted["top3"])
    assert (predicted["top3"].str[:2] == predicted["division"]).all()
    assert predicted["confidence"].between(1 / 3, 1).all()
    with pytest.raises(EmptyInputError, match="three divisions"):
        train_plain_baseline(sample_rows().query("division != '65'"))
