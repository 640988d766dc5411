"""Chain governance in `chainlead load-demo`: the real policy documents, attached to chains. (The
demo's chain leader and task force are the AI chain's "five ones" already: granting those roles
appoints them, see accounts.mirrors.)
"""

from __future__ import annotations

from django.core.management import call_command

from chainlead.core.plugins import DemoContext


def demo_step(context: DemoContext) -> None:
    call_command("load_policies", attach=True, stdout=context.options["stdout"])
