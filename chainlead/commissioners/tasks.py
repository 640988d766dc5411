"""Computing matching proposals in the background (the house pattern of registry/tasks.py).

`matching_run_create` saves a queued MatchingRun and, once its transaction commits, calls
`start_matching`. Where a task worker runs (`chainlead db_worker`) set
`CHAINLEAD_MATCH_RUNNER = "task"`; by default ("auto") the run is enqueued only when the task
backend runs tasks at once (the immediate backend, as in tests) and otherwise runs in a daemon
thread of the web process. Either way the run's row carries the progress the page polls.
"""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django_tasks import task
from django_tasks.backends.immediate import ImmediateBackend

from chainlead.audit.context import acting_as
from chainlead.commissioners.models import MatchingRun


@task()
def matching_run_task(run_id: int) -> dict[str, Any]:
    from chainlead.commissioners.services import matching_run_execute

    run = MatchingRun.objects.select_related("created_by").get(pk=run_id)
    with acting_as(run.created_by, source="task"):
        done = matching_run_execute(run)
    return {"status": done.status, "objective": done.objective}


def _run_in_thread(run_id: int) -> None:
    close_old_connections()
    try:
        matching_run_task.call(run_id)
    finally:
        connection.close()


def start_matching(run: MatchingRun) -> str:
    """Start `run` in the background; returns how ("task" or "thread")."""
    runner = getattr(settings, "CHAINLEAD_MATCH_RUNNER", "auto")
    if runner == "task" or (
        runner == "auto" and isinstance(matching_run_task.get_backend(), ImmediateBackend)
    ):
        matching_run_task.enqueue(run.pk)
        return "task"
    threading.Thread(
        target=_run_in_thread, args=(run.pk,), name=f"matching-{run.pk}", daemon=True
    ).start()
    return "thread"
