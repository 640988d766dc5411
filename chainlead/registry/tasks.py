"""Running enterprise imports in the background (`chainlead.core.background`; the setting
`CHAINLEAD_IMPORT_RUNNER`). The web view saves the upload as an ImportJob and calls
`start_import`; the job row's processed_rows is updated every batch, which the job page polls
with htmx.
"""

from __future__ import annotations

from typing import Any

from django_tasks import task

from chainlead.audit.context import acting_as
from chainlead.core.background import start_in_background
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


def start_import(job: ImportJob) -> str:
    """Start `job` in the background; returns how ("task" or "thread")."""
    return start_in_background(
        import_job_run, job.pk, runner_setting="CHAINLEAD_IMPORT_RUNNER", name="import"
    )
