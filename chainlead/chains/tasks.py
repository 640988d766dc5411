"""Running classification jobs in the background (`chainlead.core.background`; the setting
`CHAINLEAD_CLASSIFY_RUNNER`, and `CHAINLEAD_CLASSIFY_WORKERS = 2` to predict on both cores
where a task worker runs). `classify_jobs.*_job_create` saves a pending ClassifyJob and, once
its transaction commits, calls `start_classify_job`.
"""

from __future__ import annotations

from typing import Any

from django_tasks import task

from chainlead.audit.context import acting_as
from chainlead.chains.models import ClassifyJob
from chainlead.core.background import start_in_background


@task()
def classify_job_task(job_id: int) -> dict[str, Any]:
    """Run the classification job `job_id`, attributed in the audit log to whoever started it."""
    from chainlead.chains.classify_jobs import classify_job_run, classify_jobs_fail_stale

    classify_jobs_fail_stale()  # jobs left running by a worker that stopped
    job = ClassifyJob.objects.select_related("created_by").get(pk=job_id)
    with acting_as(job.created_by, source="task"):
        done = classify_job_run(job)
    return {"status": done.status, "processed": done.processed}


def start_classify_job(job: ClassifyJob) -> str:
    """Start `job` in the background; returns how ("task" or "thread")."""
    return start_in_background(
        classify_job_task, job.pk, runner_setting="CHAINLEAD_CLASSIFY_RUNNER", name="classify"
    )
