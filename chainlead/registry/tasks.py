"""Running enterprise imports in the background.

Design: the web view saves the upload as an ImportJob and calls `start_import`. Where a task
worker runs (`chainlead db_worker` with the django-tasks database backend) set
`CHAINLEAD_IMPORT_RUNNER = "task"` and the job is enqueued. Without a worker a queued job would
wait forever, so by default ("auto") the job is enqueued only when the task backend runs tasks
at once (the immediate backend, as in tests) and is otherwise run in a daemon thread of the web
process. Either way the job row's processed_rows is updated every batch, which the job page
polls with htmx.
"""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django_tasks import task
from django_tasks.backends.immediate import ImmediateBackend

from chainlead.audit.context import acting_as
from chainlead.registry.importers import import_jobs_fail_stale, run_job
from chainlead.registry.models import ImportJob


@task()
def import_job_run(job_id: int) -> dict[str, Any]:
    """Run the import job `job_id`, attributed in the audit log to whoever uploaded it."""
    import_jobs_fail_stale()  # jobs left running by a worker that stopped
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    with acting_as(job.created_by, source="task"):
        result = run_job(job)
    return {
        "ok": result.ok,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "errors": result.error_count,
    }


def _run_in_thread(job_id: int) -> None:
    close_old_connections()
    try:
        import_job_run.call(job_id)
    finally:
        connection.close()


def start_import(job: ImportJob) -> str:
    """Start `job` in the background; returns how ("task" or "thread")."""
    runner = getattr(settings, "CHAINLEAD_IMPORT_RUNNER", "auto")
    if runner == "task" or (
        runner == "auto" and isinstance(import_job_run.get_backend(), ImmediateBackend)
    ):
        import_job_run.enqueue(job.pk)
        return "task"
    threading.Thread(
        target=_run_in_thread, args=(job.pk,), name=f"import-{job.pk}", daemon=True
    ).start()
    return "thread"
