"""Starting a job (an import, a classification, a matching) in the background, one way for
every app.

The app saves the job's row and, once its transaction commits, calls `start_in_background`
with its django-tasks task. Where a task worker runs (`chainlead db_worker`, the django-tasks
database backend) the app's runner setting is "task" and the job is enqueued. Without a worker
a queued job would wait for ever, so by default ("auto") the job is enqueued only when the task
backend runs tasks at once (the immediate backend, as in tests) and otherwise runs in a daemon
thread of the web process. Either way the job's row carries the progress its page polls.
"""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django_tasks.backends.immediate import ImmediateBackend


def start_in_background(job_task: Any, pk: int, *, runner_setting: str, name: str) -> str:
    """Run `job_task` (a django-tasks task taking the job's primary key) for job `pk`; returns
    how ("task" or "thread"). `runner_setting` names the app's setting: "auto", "task" or
    "thread"."""
    runner = getattr(settings, runner_setting, "auto")
    if runner == "task" or (
        runner == "auto" and isinstance(job_task.get_backend(), ImmediateBackend)
    ):
        job_task.enqueue(pk)
        return "task"
    threading.Thread(
        target=_run_in_thread, args=(job_task, pk), name=f"{name}-{pk}", daemon=True
    ).start()
    return "thread"


def _run_in_thread(job_task: Any, pk: int) -> None:
    close_old_connections()
    try:
        job_task.call(pk)
    finally:
        connection.close()
