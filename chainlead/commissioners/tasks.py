"""Computing matching proposals in the background (`chainlead.core.background`; the setting
`CHAINLEAD_MATCH_RUNNER`). `matching_run_create` saves a queued MatchingRun and, once its
transaction commits, calls `start_matching`; the run's row carries the progress the page polls.
"""

from __future__ import annotations

from typing import Any

from django_tasks import task

from chainlead.audit.context import acting_as
from chainlead.commissioners.models import MatchingRun
from chainlead.core.background import start_in_background


@task()
def matching_run_task(run_id: int) -> dict[str, Any]:
    from chainlead.commissioners.services import matching_run_execute

    run = MatchingRun.objects.select_related("created_by").get(pk=run_id)
    with acting_as(run.created_by, source="task"):
        done = matching_run_execute(run)
    return {"status": done.status, "objective": done.objective}


def start_matching(run: MatchingRun) -> str:
    """Start `run` in the background; returns how ("task" or "thread")."""
    return start_in_background(
        matching_run_task, run.pk, runner_setting="CHAINLEAD_MATCH_RUNNER", name="matching"
    )
