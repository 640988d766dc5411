"""`chainlead import-enterprises FILE [--dry-run]`: import firms from CSV or Excel, all or none."""

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from chainlead.audit.context import acting_as
from chainlead.registry.importers import finish_job, follow_up, import_enterprises
from chainlead.registry.models import ImportJob


class Command(BaseCommand):
    help = (
        "Import enterprises from a CSV (UTF-8 or GBK/GB18030) or .xlsx file with the headers of "
        "the import format. Nothing is written if any row has an error."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Validate only; write nothing.")
        parser.add_argument(
            "--user", help="Username the changes are attributed to in the audit log."
        )
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        actor = None
        if options["user"]:
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"No such user: {options['user']}")
        bar = tqdm(
            unit=" rows", disable=options["no_progress"] or None, file=self.stderr._out, leave=False
        )

        job: ImportJob | None = None

        def progress(processed: int, total: int | None) -> None:
            if total and bar.total != total:
                bar.total = total
            bar.update(processed - bar.n)
            if job is not None:  # alive: not taken for a job whose process died
                ImportJob.objects.filter(pk=job.pk).update(
                    processed_rows=processed, heartbeat_at=timezone.now()
                )

        with acting_as(actor, source="cli"):
            if not options["dry_run"]:
                job = ImportJob.objects.create(
                    created_by=actor,
                    filename=path.name,
                    status="running",
                    dry_run=False,
                    heartbeat_at=timezone.now(),
                )
            try:
                result = import_enterprises(
                    path, dry_run=options["dry_run"], job=job, progress=progress
                )
            finally:
                bar.close()
            if result.ok and job is not None:
                result.follow_up = follow_up(job, result)  # e.g. chains places the new firms
            if job is not None:
                finish_job(job, result)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            hidden = result.error_count - len(result.errors)
            if hidden:
                self.stderr.write(f"... and {hidden} more errors")
            raise CommandError(f"{result.error_count} errors in {path.name}; nothing was written.")
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        for line in result.follow_up:
            self.stdout.write(line)
        verb = "Would import" if options["dry_run"] else "Imported"
        self.stdout.write(
            f"{verb} {result.total_rows} rows: {result.created} created, {result.updated} "
            f"updated, {result.unchanged} unchanged."
        )
