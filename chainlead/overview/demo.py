"""The overview's part of `chainlead load-demo`: the qualification tags that the city's listed
firms state in their public self-descriptions (nothing invented). Runs after the registry (10)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from chainlead.core.plugins import DemoContext
from chainlead.overview.services import firm_tags_load_public


def demo_step(context: DemoContext) -> None:
    report = firm_tags_load_public()
    context.log(
        _("Qualification tags from public profiles: %(t)d new, %(f)d firms state some")
        % {"t": report.tags, "f": report.firms}
    )
