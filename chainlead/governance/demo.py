"""Chain governance in `chainlead load-demo`: the real policy documents, attached to chains, and
the demo's chain leader and task force recorded as the AI chain's "five ones"."""

from __future__ import annotations

from django.core.management import call_command

from chainlead.core.plugins import DemoContext


def demo_step(context: DemoContext) -> None:
    call_command("load_policies", attach=True, sync_grants=True, stdout=context.options["stdout"])
