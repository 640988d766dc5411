"""Import jobs: an uploaded file saved as a job, run with its progress and outcome recorded."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from chainlead.accounts.access import access_for
from chainlead.accounts.types import Actor, acting_user
from chainlead.audit.services import record_event
from chainlead.core.exceptions import PermissionDenied
from chainlead.core.reasons import Reason, stored_parts
from chainlead.registry.choices import ImportStatus
from chainlead.registry.hooks import firms_imported
from chainlead.registry.importers.format import ImportResult, Progress
from chainlead.registry.importers.run import FOLLOW_UP_MAX, import_enterprises
from chainlead.registry.models import ImportJob
from chainlead.registry.permissions import manages_registry
from chainlead.registry.search import search_catch_up

logger = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".csv", ".xlsx")


@transaction.atomic
def import_job_create(*, actor: Actor, upload: UploadedFile[bytes], dry_run: bool) -> ImportJob:
    """Save an uploaded enterprise file as a pending ImportJob (run it with tasks.start_import)."""
    if not manages_registry(access_for(actor)):
        raise PermissionDenied(_("Only city admins import firms."))
    name = Path(upload.name or "upload").name
    if Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
        raise ValidationError(_("Upload a .csv or .xlsx file."), code="file_type")
    job = ImportJob(created_by=acting_user(actor), filename=name[:255], dry_run=dry_run)
    job.file.save(name, upload, save=False)
    job.full_clean()
    job.save()
    return job


def run_job(job: ImportJob, *, progress: Progress | None = None) -> ImportResult:
    """Run a saved ImportJob (its `file`), recording progress and the outcome on the job."""

    def report(processed: int, total: int | None) -> None:
        ImportJob.objects.filter(pk=job.pk).update(
            processed_rows=processed, heartbeat_at=timezone.now()
        )
        if progress is not None:
            progress(processed, total)

    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, heartbeat_at=timezone.now()
    )
    try:
        result = import_enterprises(
            job.file.path, dry_run=job.dry_run, filename=job.filename, job=job, progress=report
        )
    except Exception as exc:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED,
            message=f"{type(exc).__name__}: {exc}",
            finished_at=timezone.now(),
        )
        raise
    if result.ok and not result.dry_run:
        result.follow_up = follow_up(job, result)
    finish_job(job, result)
    return result


def follow_up(job: ImportJob | None, result: ImportResult) -> list[str]:
    """Run what other apps do with the new firms (`registry.hooks`), once the import has
    committed, showing their progress on the job; their summaries.

    A failure here leaves the import in place (it is committed) and is reported instead.
    """

    def report(done: int, total: int) -> None:
        if job is not None:
            placing = Reason(
                gettext_noop("Placing the new firms: %(done)d of %(total)d."),
                done=done,
                total=total,
            )
            ImportJob.objects.filter(pk=job.pk).update(
                message=placing, message_parts=stored_parts([placing]), heartbeat_at=timezone.now()
            )

    actor = job.created_by if job is not None else None
    if len(result.created_ids) > FOLLOW_UP_MAX or result.updated > FOLLOW_UP_MAX:
        return [
            Reason(
                gettext_noop(
                    "More than %(n)d firms written: index them for search with "
                    "`chainlead search-reindex` and place them on the chains with "
                    "`chainlead classify`."
                ),
                n=FOLLOW_UP_MAX,
            )
        ]
    try:
        # The import writes with SQL, which sends no signals: the firms it created or changed
        # are searchable once their search documents are written.
        search_catch_up()
        return firms_imported(actor=actor, firm_ids=result.created_ids, progress=report)
    except Exception as exc:
        logger.exception("Follow-up of import job %s failed", job.pk if job else None)
        return [
            Reason(
                gettext_noop("The new firms were imported but not placed on the chains (%(why)s)."),
                why=str(exc),
            )
        ]


def finish_job(job: ImportJob, result: ImportResult) -> None:
    job.status = ImportStatus.SUCCEEDED if result.ok else ImportStatus.FAILED
    job.total_rows = result.total_rows
    job.processed_rows = result.total_rows
    job.created_count = result.created if result.ok else 0
    job.updated_count = result.updated if result.ok else 0
    job.unchanged_count = result.unchanged if result.ok else 0
    # Warnings (rows written, worth a look) are kept beside the errors, marked as such.
    job.errors = [e.as_dict() for e in result.errors] + [
        e.as_dict() | {"warning": True} for e in (result.warnings if result.ok else [])
    ]
    job.sha256 = result.sha256
    job.finished_at = timezone.now()
    parts: list[str] = []
    if result.ok:
        counts = {
            "rows": result.total_rows,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
        }
        if result.dry_run:
            done = gettext_noop(
                "Would import %(rows)d rows: %(created)d created, %(updated)d updated, "
                "%(unchanged)d unchanged."
            )
        else:
            done = gettext_noop(
                "Imported %(rows)d rows: %(created)d created, %(updated)d updated, "
                "%(unchanged)d unchanged."
            )
        parts.append(Reason(done, **counts))
        if result.warnings:
            parts.append(
                Reason(gettext_noop("%(n)d possible duplicates to check."), n=len(result.warnings))
            )
        parts.extend(result.follow_up)
    else:
        parts.append(
            Reason(gettext_noop("%(n)d errors; nothing was written."), n=result.error_count)
        )
        more = result.error_count - len(result.errors)
        if more:
            parts.append(
                Reason(
                    gettext_noop("The first %(listed)d are listed (%(more)d more)."),
                    listed=len(result.errors),
                    more=more,
                )
            )
    job.message = " ".join(parts)
    job.message_parts = stored_parts(parts)
    job.save(
        update_fields=[
            "status",
            "total_rows",
            "processed_rows",
            "created_count",
            "updated_count",
            "unchanged_count",
            "errors",
            "sha256",
            "finished_at",
            "message",
            "message_parts",
        ]
    )


STALE_AFTER_MINUTES = 15  # CHAINLEAD_IMPORT_STALE_MINUTES: a batch takes seconds, not minutes


def import_jobs_fail_stale(*, now: dt.datetime | None = None) -> list[int]:
    """Mark failed the pending or running jobs that showed no progress for the configured
    time: the process running them ended (a restart, a crash) and they would show "running"
    for ever (issue 9 item 13). Returns their ids; each is recorded in the audit log."""
    now = now or timezone.now()
    minutes = int(getattr(settings, "CHAINLEAD_IMPORT_STALE_MINUTES", STALE_AFTER_MINUTES))
    cutoff = now - dt.timedelta(minutes=minutes)
    unfinished = ImportJob.objects.filter(status__in=[ImportStatus.PENDING, ImportStatus.RUNNING])
    stale = list(
        unfinished.filter(
            Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
        )
    )
    message = Reason(
        gettext_noop(
            "Stopped: no progress for %(minutes)d minutes; the process running it ended. "
            "Nothing was written unless the job page says so; import the file again."
        ),
        minutes=minutes,
    )
    failed: list[int] = []
    for job in stale:
        with transaction.atomic():
            # Only if still unfinished: a job that just finished keeps its outcome.
            if unfinished.filter(pk=job.pk).update(
                status=ImportStatus.FAILED,
                message=message,
                message_parts=stored_parts([message]),
                finished_at=now,
            ):
                record_event(
                    instance=job,
                    event="import_job_stale",
                    message=message,
                    data={"heartbeat_at": str(job.heartbeat_at or job.created_at)},
                )
                failed.append(job.pk)
    return failed
