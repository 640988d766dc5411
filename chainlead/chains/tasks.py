"""Running classification jobs in the background (the house pattern of registry/tasks.py).

`classify_jobs.*_job_create` saves a pending ClassifyJob and, once its transaction commits,
calls `start_classify_job`. Where a task worker runs (`chainlead db_worker`, the django-tasks
database backend) set `CHAINLEAD_CLASSIFY_RUNNER = "task"` (and `CHAINLEAD_CLASSIFY_WORKERS = 2`
to predict on both cores). Without a worker a queued job would wait for ever, so by default
("auto") the job is enqueued only when the task backend runs tasks at once (the immediate
backend, as in tests) and otherwise runs in a daemon thread of the web process. Either way the
job's row carries the progress the page polls.
"""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django_tasks import task
from django_tasks.backends.immediate import ImmediateBackend

from chainlead.audit.context import acting_as
from chainlead.chains.models import ClassifyJob


@task()
def classify_job_task(job_id: int) -> dict[str, Any]:
    """Run the classification job `job_id`, attributed in the audit log to whoever started it."""
    from chainlead.chains.classify_jobs import classify_job_run, classify_jobs_fail_stale

    classify_jobs_fail_stale()  # jobs left running by a worker that stopped
    job = ClassifyJob.objects.select_related("created_by").get(pk=job_id)
    with acting_as(job.created_by, source="task"):
        done = classify_job_run(job)
    return {"status": done.status, "processed": done.processed}


def _run_in_thread(job_id: int) -> None:
    close_old_connections()
    try:
        classify_job_task.call(job_id)
    finally:
        connection.close()


def start_classify_job(job: ClassifyJob) -> str:
    """Start `job` in the background; returns how ("task" or "thread")."""
    runner = getattr(settings, "CHAINLEAD_CLASSIFY_RUNNER", "auto")
    if runner == "task" or (
        runner == "auto" and isinstance(classify_job_task.get_backend(), ImmediateBackend)
    ):
        classify_job_task.enqueue(job.pk)
        return "task"
    threading.Thread(
        target=_run_in_thread, args=(job.pk,), name=f"classify-{job.pk}", daemon=True
    ).start()
    return "thread"
