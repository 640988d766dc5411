"""`chainlead train-classifier [--model PATH] [--seed S]`: build the division classifier file."""

from pathlib import Path
from typing import Any

import pandas as pd
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from chainlead.analytics.classify import (
    ClassLexicon,
    CrossValidation,
    cross_validate,
    labelled_companies,
    prediction_quality,
    split_by_province,
    train_classifier,
)
from chainlead.analytics.classify.baseline import train_plain_baseline
from chainlead.analytics.errors import AnalyticsError


def default_model_path() -> Path:
    return Path(settings.VAR_DIR) / "models" / "classifier.joblib"


class Command(BaseCommand):
    help = (
        "Train the business-text → GB/T 4754 division classifier on the listed companies in "
        "the shared data folder and write the model file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--model", type=Path, help="Model file to write.")
        parser.add_argument("--data", type=Path, help="Data folder (default: SHARED_DATA_DIR).")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--evaluate",
            action="store_true",
            help=(
                "First train without a random 20%% of the firms outside Zhejiang and report "
                "the quality on them (docs/classification.md)."
            ),
        )
        parser.add_argument(
            "--cross-validate",
            action="store_true",
            help=(
                "First report the 3-fold cross-validation on the training firms (the firms "
                "--evaluate trains on; docs/classification.md): pooled and per fold."
            ),
        )

        parser.add_argument(
            "--baseline",
            action="store_true",
            help=(
                "With --cross-validate: also cross-validate the plain character-n-gram "
                "baseline (TF-IDF of characters 1-3, one linear SVM) on the same folds."
            ),
        )

    def _report(self, what: str, cv: CrossValidation) -> None:
        self.stdout.write(
            f"{what}, 3-fold cross-validation on {cv.pooled.firms} training firms: "
            f"top-1 {cv.pooled.top1:.3f}, top-3 {cv.pooled.top3:.3f}, "
            f"confident-half precision {cv.pooled.confident_half_precision:.3f}, "
            f"mean confidence {cv.pooled.mean_confidence:.3f} "
            f"(calibration error {cv.pooled.calibration_error:.3f}); "
            "top-1 per fold " + ", ".join(f"{q.top1:.3f}" for q in cv.folds)
        )

    def handle(self, *args: Any, **options: Any) -> None:
        data: Path = options["data"] or Path(settings.SHARED_DATA_DIR)
        model_path: Path = options["model"] or default_model_path()
        seed: int = options["seed"]
        if options["baseline"] and not options["cross_validate"]:
            raise CommandError("--baseline is cross-validated: give --cross-validate with it")
        try:
            rows = labelled_companies(data / "companies")
            lexicon = ClassLexicon.from_industries(data / "gbt4754-2017" / "industries.csv")
            # As docs/classification.md: a random 20 % of the firms outside Zhejiang is
            # held out; trial models learn from the rest and from Zhejiang's firms.
            split = split_by_province(rows, seed=seed)
            learn = pd.concat([split.train, split.zhejiang], ignore_index=True)
            if options["cross_validate"] and options["baseline"]:
                self._report(
                    "Plain baseline",
                    cross_validate(
                        learn.drop(columns="province"),
                        lambda part: train_plain_baseline(part, seed=seed),
                        seed=seed,
                    ),
                )
            if options["cross_validate"]:
                cv = cross_validate(
                    learn.drop(columns="province"),
                    lambda part: train_classifier(part, lexicon=lexicon, seed=seed),
                    seed=seed,
                )
                self._report("Model", cv)
            if options["evaluate"]:
                trial = train_classifier(learn.drop(columns="province"), lexicon=lexicon, seed=seed)
                q = prediction_quality(split.held_out["division"], trial.predict(split.held_out))
                self.stdout.write(
                    f"held out (outside Zhejiang): {q.firms} firms, trained on {len(learn)}: "
                    f"top-1 {q.top1:.3f}, top-3 {q.top3:.3f}, "
                    f"confident-half precision {q.confident_half_precision:.3f}, "
                    f"mean confidence {q.mean_confidence:.3f} "
                    f"(calibration error {q.calibration_error:.3f})"
                )
            model = train_classifier(rows.drop(columns="province"), lexicon=lexicon, seed=seed)
        except (OSError, AnalyticsError) as error:
            raise CommandError(str(error)) from error
        model.save(model_path)
        self.stdout.write(
            f"Trained {model.version} on {model.training_rows} firms "
            f"(sha256 {model.training_sha256}); wrote {model_path}."
        )
