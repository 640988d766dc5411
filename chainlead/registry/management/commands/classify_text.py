"""`chainlead classify-text FILE [--format csv|json] [--model PATH] [--output FILE]`."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chainlead.analytics.classify import DivisionClassifier
from chainlead.analytics.classify.firm_file import firm_chunks
from chainlead.analytics.errors import AnalyticsError
from chainlead.registry.management.commands.train_classifier import default_model_path

OUTPUT_COLUMNS = ["id", "division", "confidence", "top3", "class", "model_version",
                  "training_sha256"]  # fmt: skip


class Command(BaseCommand):
    help = (
        "Predict each firm's GB/T 4754 division from its names, main business, business scope "
        "and introduction (CSV or Excel; English or Chinese headers)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument("--model", type=Path, help="Model file (default under VAR_DIR).")
        parser.add_argument("--output", type=Path, help="Write here instead of stdout.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        model_path: Path = options["model"] or default_model_path()
        if not path.exists():
            raise CommandError(f"{path}: no such file")
        if not model_path.exists():
            raise CommandError(f"{model_path}: no model file; run `chainlead train-classifier`")
        model = DivisionClassifier.load(model_path)
        output: Path | None = options["output"]
        try:
            if output is None:
                self._write(model, path, options["format"], self.stdout)
            else:
                with output.open("w", encoding="utf-8", newline="") as out:
                    self._write(model, path, options["format"], out)
        except AnalyticsError as error:
            raise CommandError(str(error)) from error

    def _write(self, model: DivisionClassifier, path: Path, fmt: str, out: Any) -> None:
        first = True
        if fmt == "json":
            out.write("[")
        for chunk in firm_chunks(path):
            predicted = model.predict(chunk)
            predicted.insert(0, "id", chunk["id"])
            predicted = predicted[OUTPUT_COLUMNS]
            if fmt == "csv":
                out.write(predicted.to_csv(index=False, header=first, lineterminator="\n"))
            else:
                for record in predicted.to_dict(orient="records"):
                    out.write(("\n" if first else ",\n") + json.dumps(record, ensure_ascii=False))
                    first = False
            first = False
        if fmt == "json":
            out.write("\n]\n")
