"""`chainlead classify-text FILE [--format csv|json] [--model PATH] [--output FILE] [--workers N]`.

Chunks of firms are predicted by ``--workers`` processes (default 2, this machine's cores) in
order; the number of firms done is printed to stderr after each chunk (progress).
"""

import json
import os
from collections import deque
from collections.abc import Iterator
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
        parser.add_argument(
            "--workers",
            type=int,
            default=min(2, os.cpu_count() or 1),
            help="Processes predicting chunks of firms (default 2).",
        )
        parser.add_argument("--quiet", action="store_true", help="No progress on stderr.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        model_path: Path = options["model"] or default_model_path()
        if not path.exists():
            raise CommandError(f"{path}: no such file")
        if not model_path.exists():
            raise CommandError(f"{model_path}: no model file; run `chainlead train-classifier`")
        model = DivisionClassifier.load(model_path)
        output: Path | None = options["output"]
        self.workers = max(1, options["workers"])
        self.progress = not options["quiet"]
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
        ids: deque[Any] = deque()

        def chunks() -> Iterator[Any]:
            for chunk in firm_chunks(path):
                ids.append(chunk["id"])
                yield chunk

        done = 0
        for predicted in model.predict_chunks(chunks(), workers=self.workers):
            chunk_ids = ids.popleft()
            predicted.insert(0, "id", chunk_ids.to_numpy())
            done += len(predicted)
            if self.progress:
                self.stderr.write(f"{done} firms classified")
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
