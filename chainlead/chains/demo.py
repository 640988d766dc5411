"""The chains' part of `chainlead load-demo`: the six chain templates, the article firms placed
by hand (the registry's step read them), and the city's real firms placed by the rules.

Names the chain the demo's chain leader and task force are granted (`context.scopes`)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from chainlead.chains.classification import classify_enterprises
from chainlead.chains.models import Chain, Segment
from chainlead.chains.services import chain_create_from_template, membership_set
from chainlead.chains.templates_data import template_list
from chainlead.core.plugins import DemoContext
from chainlead.registry.demo import ARTICLE_FILE
from chainlead.registry.models import Enterprise

DEMO_CHAIN = "ai"


def demo_step(context: DemoContext) -> None:
    for template in template_list():
        chain_create_from_template(actor=None, template=template)
    context.log(_("Chain templates: %(n)d") % {"n": len(template_list())})
    ai = Chain.objects.get(slug=DEMO_CHAIN)
    placed: list[tuple[Enterprise, str]] = context.results.get("article_placements", [])
    for enterprise, slug in placed:
        membership_set(
            actor=None,
            enterprise=enterprise,
            segment=Segment.objects.get(chain=ai, slug=slug),
            evidence=f"{ARTICLE_FILE.as_posix()}: ai_chain_segment (our mapping)",
        )
    city_firms = (
        Enterprise.objects.real()
        .filter(city=settings.CHAINLEAD_CITY_NAME)
        .exclude(pk__in=[e.pk for e, _slug in placed])
        .order_by("pk")
    )
    classified = classify_enterprises(actor=None, enterprises=city_firms)
    context.log(
        _("Rule memberships: %(c)d new, %(u)d updated, %(s)d unchanged")
        % {"c": classified.created, "u": classified.updated, "s": classified.unchanged}
    )
    context.results["classified"] = classified
    context.scopes["chain"] = ai
