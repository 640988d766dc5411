"""Background tasks of notices (django-tasks; the database backend runs them)."""

from django_tasks import task

from chainlead.audit.context import acting_as
from chainlead.notifications.services import deadlines_notify


@task()
def notify_deadlines() -> int:
    """What `chainlead notify-deadlines` does, enqueued from the task queue's scheduler."""
    with acting_as(None, source="task"):
        return deadlines_notify()
