"""Classification as a background job started from the pages and the API (issue 14 item 6).

Two kinds of `ClassifyJob`:

* "texts": an uploaded CSV / Excel file of firms' texts (the columns and Chinese headers of
  `chainlead classify-text`) is read by the division classifier; the result is a CSV with the
  CLI's columns, downloaded from the job page.
* "replace": the registry's firms are re-placed on the chains (`chainlead classify`'s work,
  `classification.classify_enterprises`), in batches; a task force re-places its own chains.

`*_job_create` checks the permission and the input, saves the job and, once the transaction
commits, starts it (chains.tasks); `classify_job_run` does the work, writing its progress on the
row the job page polls. Start and end are audit events naming who, the file's sha256 and the
counts. Who may do this: `permissions.runs_classification`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from chainlead.accounts.access import access_for
from chainlead.accounts.types import Actor, Reader, acting_user
from chainlead.audit.services import record_event
from chainlead.chains.choices import ClassifyJobKind, ClassifyJobStatus
from chainlead.chains.classification import classify_enterprises
from chainlead.chains.models import Chain, ClassifyJob
from chainlead.chains.permissions import reads_every_classify_job, runs_classification
from chainlead.core.exceptions import PermissionDenied
from chainlead.core.reasons import Reason, stored_parts
from chainlead.registry.models import Enterprise

if TYPE_CHECKING:  # pandas and the classifier load when a job runs, not with every page
    import pandas as pd

    from chainlead.analytics.classify import DivisionClassifier

logger = logging.getLogger(__name__)

# The CLI's output columns (chainlead/registry/management/commands/classify_text.py).
OUTPUT_COLUMNS = ["id", "division", "confidence", "top3", "class", "model_version",
                  "training_sha256"]  # fmt: skip
SUPPORTED_SUFFIXES = (".csv", ".xlsx")
# Smaller than the CLI's 20,000 rows: the bar moves every second or two, and a chunk's
# predictions cost about as much per firm either way.
CHUNK_ROWS = 2_000
REPLACE_BATCH = 500  # firms classified (and their memberships read) at a time, as imports do
STALE_AFTER_MINUTES = 15  # a chunk takes seconds; a job silent this long lost its process


def classifier_path() -> Path | None:
    """The model file the jobs use: `chainlead train-classifier`'s, else the demo's small one
    (chains.demo), else None."""
    models = Path(settings.VAR_DIR) / "models"
    for path in (models / "classifier.joblib", models / "demo-classifier.joblib"):
        if path.exists():
            return path
    return None


# ---------------------------------------------------------------------------------- selectors


def classify_job_list(*, user: Reader) -> QuerySet[ClassifyJob]:
    """The jobs `user` may open: a city admin every job, other runners the jobs they started."""
    access = access_for(user)
    jobs = ClassifyJob.objects.select_related("created_by")
    if not runs_classification(access):
        return jobs.none()
    if reads_every_classify_job(access):
        return jobs
    return jobs.filter(created_by_id=user.pk)


def classify_job_get(*, user: Reader, pk: int) -> ClassifyJob:
    """One job `user` may open (ClassifyJob.DoesNotExist otherwise: 404)."""
    classify_jobs_fail_stale()  # a job whose process died shows as failed, not running
    return classify_job_list(user=user).get(pk=pk)


# ----------------------------------------------------------------------------------- services


def _require_runner(actor: Actor) -> None:
    if not runs_classification(access_for(actor)):
        raise PermissionDenied(_("Only city admins and chains' task forces run classification."))


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _start_on_commit(job: ClassifyJob) -> None:
    from chainlead.chains.tasks import start_classify_job

    transaction.on_commit(lambda: start_classify_job(job))


@transaction.atomic
def classify_texts_job_create(
    *, actor: Actor, upload: UploadedFile[bytes], start: bool = True
) -> ClassifyJob:
    """Save an uploaded file of firms' texts as a pending job and start it after the commit.

    Refuses, naming the problem as `chainlead classify-text` does: another file type, no model
    file, a missing id or text column, an empty file, an unreadable encoding."""
    _require_runner(actor)
    name = Path(upload.name or "upload").name
    if Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
        raise ValidationError(
            _("%(file)s: upload a .csv or .xlsx file.") % {"file": name}, code="file_type"
        )
    if classifier_path() is None:
        raise ValidationError(
            _("No text classifier model: run `chainlead train-classifier` first."),
            code="no_model",
        )
    job = ClassifyJob(kind=ClassifyJobKind.TEXTS, created_by=acting_user(actor), filename=name)
    job.file.save(name, upload, save=False)
    path = Path(job.file.path)
    from chainlead.analytics.classify.firm_file import firm_chunks
    from chainlead.analytics.errors import AnalyticsError

    try:
        # Read the header (and the first chunk) now, so a bad file is refused at once.
        next(firm_chunks(path, chunk_rows=CHUNK_ROWS))
    except AnalyticsError as error:
        job.file.delete(save=False)
        raise ValidationError(
            _("%(file)s cannot be classified: %(reason)s")
            % {"file": name, "reason": _translated(problem_reason(error))},
            code="bad_file",
        ) from error
    job.sha256 = _file_sha256(path)
    job.full_clean()
    job.save()
    record_event(
        instance=job,
        event="classify_job_started",
        data={"kind": job.kind, "filename": job.filename, "sha256": job.sha256},
    )
    if start:
        _start_on_commit(job)
    return job


@transaction.atomic
def classify_replace_job_create(
    *, actor: Actor, use_model: bool = False, start: bool = True
) -> ClassifyJob:
    """Queue re-placing the city's firms on the chains the actor may edit (a city admin: all),
    optionally with the text classifier's reading vouching for segments (`classify --model`)."""
    _require_runner(actor)
    access = access_for(actor)
    if use_model and classifier_path() is None:
        raise ValidationError(
            _("No text classifier model: run `chainlead train-classifier` first."),
            code="no_model",
        )
    running = ClassifyJob.objects.filter(
        kind=ClassifyJobKind.REPLACE,
        status__in=[ClassifyJobStatus.PENDING, ClassifyJobStatus.RUNNING],
    ).first()
    if running is not None:
        # Two runs would write the same memberships at once.
        raise ValidationError(
            _("Job #%(pk)d is already re-placing the firms; wait for it to finish.")
            % {"pk": running.pk},
            code="running",
        )
    slugs = (
        []
        if access.is_admin
        else sorted(
            Chain.objects.filter(pk__in=access.task_force_chain_ids).values_list("slug", flat=True)
        )
    )
    job = ClassifyJob(
        kind=ClassifyJobKind.REPLACE,
        created_by=acting_user(actor),
        chain_slugs=slugs,
        use_model=use_model,
    )
    job.full_clean()
    job.save()
    record_event(
        instance=job,
        event="classify_job_started",
        data={"kind": job.kind, "chains": slugs or "all", "use_model": use_model},
    )
    if start:
        _start_on_commit(job)
    return job


# The firm-file problems `chainlead.analytics` names by code (its messages are English), as
# the reader's language says them.
FIRM_FILE_PROBLEMS = {
    "no_id_column": gettext_noop("missing column: stock_code (or id)"),
    "no_text_column": gettext_noop("missing columns: none of %(columns)s"),
    "encoding": gettext_noop("%(file)s: not UTF-8 (with or without BOM) nor GB18030 text"),
    "empty": gettext_noop("%(file)s: the file is empty"),
    "file_type": gettext_noop("%(file)s: unsupported file type %(suffix)s; use .csv or .xlsx"),
    "no_firms": gettext_noop("%(file)s: the file has a header but no firms"),
}


def problem_reason(error: BaseException) -> str:
    """Why a job failed: a `Reason` for the problems analytics names, else the error's text."""
    code = getattr(error, "code", "")
    if code in FIRM_FILE_PROBLEMS:
        return Reason(FIRM_FILE_PROBLEMS[code], **getattr(error, "params", {}))
    return str(error)


def _translated(reason: str) -> str:
    return reason.translated() if isinstance(reason, Reason) else reason


def _progress(job: ClassifyJob, **values: object) -> None:
    ClassifyJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now(), **values)


def classify_job_run(job: ClassifyJob) -> ClassifyJob:
    """Run `job`, writing its progress and outcome on its row (no outer transaction: the page
    polls the row meanwhile). Bad input ends the job failed with the problem named."""
    from chainlead.analytics.errors import AnalyticsError

    _progress(job, status=ClassifyJobStatus.RUNNING)
    try:
        if job.kind == ClassifyJobKind.TEXTS:
            _run_texts(job)
        else:
            _run_replace(job)
    except Exception as error:
        expected = isinstance(error, AnalyticsError | OSError)
        message = problem_reason(error) if expected else f"{type(error).__name__}: {error}"
        with transaction.atomic():
            _progress(
                job,
                status=ClassifyJobStatus.FAILED,
                message=message,
                message_parts=stored_parts([message]),
                finished_at=timezone.now(),
            )
            record_event(instance=job, event="classify_job_failed", message=message[:2000])
        if not expected:
            raise
    job.refresh_from_db()
    return job


def _model() -> DivisionClassifier:
    from chainlead.analytics.classify import DivisionClassifier

    path = classifier_path()
    if path is None:
        raise FileNotFoundError("no text classifier model: run `chainlead train-classifier`")
    return DivisionClassifier.load(path)


def _run_texts(job: ClassifyJob) -> None:
    from chainlead.analytics.classify.firm_file import firm_chunks

    path = Path(job.file.path)
    model = _model()
    # A first pass counts the firms: the bar needs the total (about a second per 100,000 rows).
    total = sum(len(chunk) for chunk in firm_chunks(path, chunk_rows=CHUNK_ROWS))
    _progress(
        job,
        total=total,
        model_version=model.version,
        training_sha256=model.training_sha256,
    )
    name = default_storage.get_available_name(
        job.result.field.generate_filename(job, f"classify-{job.pk}.csv")
    )
    out_path = Path(default_storage.path(name))
    out_path.parent.mkdir(parents=True, exist_ok=True)
    ids: deque[pd.Series[str]] = deque()

    def chunks() -> Iterator[pd.DataFrame]:
        for chunk in firm_chunks(path, chunk_rows=CHUNK_ROWS):
            ids.append(chunk["id"])
            yield chunk

    # Worker processes fork: only where a task worker runs the job (not a web thread).
    workers = int(getattr(settings, "CHAINLEAD_CLASSIFY_WORKERS", 1))
    done = 0
    with out_path.open("w", encoding="utf-8", newline="") as out:
        for predicted in model.predict_chunks(chunks(), workers=workers):
            predicted.insert(0, "id", ids.popleft().to_numpy())
            out.write(
                predicted[OUTPUT_COLUMNS].to_csv(index=False, header=done == 0, lineterminator="\n")
            )
            done += len(predicted)
            _progress(job, processed=done)
    with transaction.atomic():
        _progress(
            job,
            status=ClassifyJobStatus.SUCCEEDED,
            processed=done,
            result=name,
            finished_at=timezone.now(),
        )
        record_event(
            instance=job,
            event="classify_job_finished",
            data={
                "kind": job.kind,
                "sha256": job.sha256,
                "firms": done,
                "model_version": model.version,
                "training_sha256": model.training_sha256,
            },
        )


def _run_replace(job: ClassifyJob) -> None:
    chains = list(Chain.objects.filter(slug__in=job.chain_slugs)) if job.chain_slugs else None
    classifier = _model() if job.use_model else None
    # The city's firms only, as `chainlead classify` places them.
    firm_ids = list(
        Enterprise.objects.filter(city__in=["", settings.CHAINLEAD_CITY_NAME])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    _progress(
        job,
        total=len(firm_ids),
        model_version=classifier.version if classifier else "",
        training_sha256=classifier.training_sha256 if classifier else "",
    )
    created = updated = unchanged = 0
    for start in range(0, len(firm_ids), REPLACE_BATCH):
        batch = firm_ids[start : start + REPLACE_BATCH]
        report = classify_enterprises(
            actor=job.created_by,
            enterprises=Enterprise.objects.filter(pk__in=batch).order_by("pk"),
            chains=chains,
            classifier=classifier,
        )
        created += report.created
        updated += report.updated
        unchanged += report.unchanged
        _progress(
            job,
            processed=start + len(batch),
            created_count=created,
            updated_count=updated,
            unchanged_count=unchanged,
        )
    with transaction.atomic():
        _progress(
            job,
            status=ClassifyJobStatus.SUCCEEDED,
            processed=len(firm_ids),
            finished_at=timezone.now(),
        )
        record_event(
            instance=job,
            event="classify_job_finished",
            data={
                "kind": job.kind,
                "chains": job.chain_slugs or "all",
                "firms": len(firm_ids),
                "created": created,
                "updated": updated,
                "unchanged": unchanged,
                "model_version": classifier.version if classifier else "",
            },
        )


def classify_jobs_fail_stale(*, now: dt.datetime | None = None) -> list[int]:
    """Mark failed the unfinished jobs silent for `CHAINLEAD_CLASSIFY_STALE_MINUTES`: the
    process running them ended and they would show "running" for ever. Their ids; audited."""
    now = now or timezone.now()
    minutes = int(getattr(settings, "CHAINLEAD_CLASSIFY_STALE_MINUTES", STALE_AFTER_MINUTES))
    cutoff = now - dt.timedelta(minutes=minutes)
    unfinished = ClassifyJob.objects.filter(
        status__in=[ClassifyJobStatus.PENDING, ClassifyJobStatus.RUNNING]
    )
    stale = list(
        unfinished.filter(
            Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
        )
    )
    message = Reason(
        gettext_noop("Stopped: no progress for %(minutes)d minutes; the process running it ended."),
        minutes=minutes,
    )
    failed: list[int] = []
    for job in stale:
        with transaction.atomic():
            if unfinished.filter(pk=job.pk).update(
                status=ClassifyJobStatus.FAILED,
                message=message,
                message_parts=stored_parts([message]),
                finished_at=now,
            ):
                record_event(instance=job, event="classify_job_stale", message=message)
                failed.append(job.pk)
    return failed
