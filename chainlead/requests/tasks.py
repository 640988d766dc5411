"""Background tasks of the requests app (django-tasks; the database backend runs them)."""

from typing import Any

from django_tasks import task

from chainlead.audit.context import acting_as
from chainlead.requests.escalation import requests_escalate


@task()
def escalate_overdue_requests() -> dict[str, Any]:
    """What `chainlead escalate` does, enqueued from the task queue's scheduler."""
    with acting_as(None, source="task"):
        result = requests_escalate()
    return {
        "to_task_force": result.to_task_force,
        "to_chain_leader": result.to_chain_leader,
        "notifications": result.notifications,
    }
