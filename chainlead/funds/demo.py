"""Demo step placeholder (filled in below)."""

from chainlead.core.plugins import DemoContext


def demo_step(context: DemoContext) -> None:
    return None


def demo_approvals_step(context: DemoContext) -> None:
    return None
