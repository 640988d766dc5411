"""`chainlead classify-text` and `chainlead train-classifier` on a small fixed sample."""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path

import pandas as pd
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chainlead.analytics.classify import DivisionClassifier
from chainlead.analytics.tests.test_text_classifier import sample_rows


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("shared")
    (root / "companies").mkdir()
    (root / "gbt4754-2017").mkdir()
    profiles = sample_rows().rename(columns={"id": "stock_code"})
    profiles["csrc_industry_code"] = "C" + profiles.pop("division")
    profiles.loc[profiles["csrc_industry_code"] == "C65", "csrc_industry_code"] = "I65"
    profiles.to_csv(root / "companies" / "listed_profiles.csv", index=False)
    (root / "gbt4754-2017" / "industries.csv").write_text(
        "code,name_zh,level,parent,note_zh\n3973,集成电路制造,class,397,\n", encoding="utf-8"
    )
    return root


@pytest.fixture(scope="module")
def model_path(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("models") / "classifier.joblib"
    call_command("train_classifier", data=data_dir, model=path, stdout=StringIO())
    return path


def firms_csv(path: Path, encoding: str = "utf-8") -> Path:
    path.write_text(
        "股票代码,公司名称,简称,主营业务,经营范围,公司简介\n"
        "A1,某集成电路芯片设计公司,,芯片,,\nA2,,,,化学药品制剂,\nA3,,,,,\n",
        encoding=encoding,
    )
    return path


def classify(*args: object) -> str:
    out = StringIO()
    call_command("classify_text", *args, stdout=out)
    return out.getvalue()


def test_training_writes_a_model_whose_fingerprint_follows_the_data(
    data_dir: Path, model_path: Path, tmp_path: Path
) -> None:
    model = DivisionClassifier.load(model_path)
    assert model.classes == ["27", "39", "65"] and len(model.training_sha256) == 64
    changed = tmp_path / "shared"
    (changed / "companies").mkdir(parents=True)
    (changed / "gbt4754-2017").symlink_to(data_dir / "gbt4754-2017")
    profiles = pd.read_csv(data_dir / "companies" / "listed_profiles.csv", dtype=str)
    profiles.loc[0, "introduction"] = "公司专注于芯片。"
    profiles.to_csv(changed / "companies" / "listed_profiles.csv", index=False)
    other = tmp_path / "other.joblib"
    call_command("train_classifier", data=changed, model=other, stdout=StringIO())
    assert DivisionClassifier.load(other).training_sha256 != model.training_sha256


def test_csv_output_has_one_row_per_firm(model_path: Path, tmp_path: Path) -> None:
    text = classify(firms_csv(tmp_path / "f.csv", "utf-8-sig"), "--model", str(model_path))
    table = pd.read_csv(StringIO(text), dtype=str, keep_default_na=False)
    assert list(table["id"]) == ["A1", "A2", "A3"]
    assert list(table["division"][:2]) == ["39", "27"]
    assert table["class"][0] == "3973"
    assert all(len(t.split("|")) == 3 for t in table["top3"])
    assert table["confidence"].astype(float).between(0, 1).all()
    # Every prediction carries the model's version and its training data's fingerprint.
    model = DivisionClassifier.load(model_path)
    assert set(table["model_version"]) == {model.version}
    assert set(table["training_sha256"]) == {model.training_sha256}


def test_json_output_from_gb18030(model_path: Path, tmp_path: Path) -> None:
    path = firms_csv(tmp_path / "f.csv", "gb18030")
    records = json.loads(classify(path, "--format", "json", "--model", str(model_path)))
    assert [r["id"] for r in records] == ["A1", "A2", "A3"]
    assert records[0]["division"] == "39" and records[0]["top3"].startswith("39|")


def test_excel_input(model_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "f.xlsx"
    pd.DataFrame({"id": ["X"], "main_business": ["化学药品制剂"]}).to_excel(path, index=False)
    assert "X,27," in classify(path, "--model", str(model_path))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        ("公司名称,主营业务\n某公司,芯片\n".encode(), "stock_code"),
        ("股票代码,地址\nA,杭州\n".encode(), "main_business"),
        (b"stock_code,full_name\n\xff\xfe\xfa,\x81\n", "GB18030"),
    ],
)
def test_bad_files_are_refused_clearly(
    model_path: Path, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        classify(path, "--model", str(model_path))


def test_a_missing_model_is_named(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="train-classifier"):
        classify(firms_csv(tmp_path / "f.csv"), "--model", str(tmp_path / "none.joblib"))


def test_evaluate_holds_out_firms_outside_zhejiang_and_learns_from_zhejiang(
    data_dir: Path, tmp_path: Path
) -> None:
    """As docs/classification.md: the trial model learns from Zhejiang's firms and the other
    80 % outside it; the held-out 20 % (all outside Zhejiang) is scored."""
    from chainlead.analytics.classify import labelled_companies, split_by_province

    split = split_by_province(labelled_companies(data_dir / "companies"), seed=1)
    out = StringIO()
    call_command(
        "train_classifier", data=data_dir, model=tmp_path / "m.joblib", evaluate=True, stdout=out
    )
    learned = len(split.train) + len(split.zhejiang)
    assert f"held out (outside Zhejiang): {len(split.held_out)} firms, trained on {learned}:" in (
        out.getvalue()
    )
    assert "Zhejiang:" not in out.getvalue()
    # how well the confidence matches the accuracy on those firms (ninth round)
    calibration = r"mean confidence [01]\.\d{3} \(calibration error [01]\.\d{3}\)"
    assert re.search(calibration, out.getvalue())


def test_cross_validation_uses_the_evaluations_training_firms_only(
    data_dir: Path, tmp_path: Path
) -> None:
    """The 3 folds split the firms --evaluate trains on; the held-out firms are not among them."""
    from chainlead.analytics.classify import labelled_companies, split_by_province

    split = split_by_province(labelled_companies(data_dir / "companies"), seed=1)
    out = StringIO()
    call_command(
        "train_classifier",
        data=data_dir,
        model=tmp_path / "m.joblib",
        cross_validate=True,
        stdout=out,
    )
    learned = len(split.train) + len(split.zhejiang)
    assert learned < len(split.train) + len(split.zhejiang) + len(split.held_out)
    assert f"3-fold cross-validation on {learned} training firms: top-1 " in out.getvalue()
    assert out.getvalue().count("top-1 per fold") == 1 and "held out" not in out.getvalue()
    assert out.getvalue().count("(calibration error ") == 1


def test_two_workers_give_the_same_rows_and_report_progress(
    model_path: Path, tmp_path: Path
) -> None:
    firms = firms_csv(tmp_path / "f.csv")
    one = classify(firms, "--model", str(model_path), "--workers", "1", "--quiet")
    progress = StringIO()
    out = StringIO()
    call_command(
        "classify_text", firms, "--model", str(model_path), "--workers", "2",
        stdout=out, stderr=progress,
    )  # fmt: skip
    assert out.getvalue() == one
    assert progress.getvalue().strip().splitlines()[-1] == "3 firms classified"


def test_the_plain_baseline_is_cross_validated_on_the_same_folds(
    data_dir: Path, tmp_path: Path
) -> None:
    out = StringIO()
    call_command(
        "train_classifier",
        data=data_dir,
        model=tmp_path / "m.joblib",
        cross_validate=True,
        baseline=True,
        stdout=out,
    )
    printed = out.getvalue()
    assert printed.count("top-1 per fold") == 2
    assert printed.index("Plain baseline, 3-fold") < printed.index("Model, 3-fold")

    with pytest.raises(CommandError, match="--cross-validate"):
        call_command("train_classifier", data=data_dir, model=tmp_path / "m2.joblib", baseline=True)
