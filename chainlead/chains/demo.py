"""The chains' part of `chainlead load-demo`: the six chain templates, the article firms placed
by hand (the registry's step read them), and the city's real firms placed by the rules.

The rules read each listed firm's introduction from the listed companies' file (the registry
keeps none) and the division the text classifier reads in its text: the model file if it was
trained on the current data, else a small model trained here in about a minute
(`demo_classifier`). Names the chain the demo's chain leader and task force are granted
(`context.scopes`)."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from chainlead.analytics.classify import (
    ClassLexicon,
    DivisionClassifier,
    labelled_companies,
    train_classifier,
    training_fingerprint,
)
from chainlead.chains.classification import classify_enterprises
from chainlead.chains.models import Chain, Segment
from chainlead.chains.services import chain_create_from_template, membership_set
from chainlead.chains.templates_data import template_list
from chainlead.core.plugins import DemoContext
from chainlead.registry.demo import ARTICLE_FILE, listed_rows
from chainlead.registry.models import Enterprise

DEMO_CHAIN = "ai"
# The demo's own small model, kept apart from the one `chainlead train-classifier` writes.
DEMO_MODEL = Path("models") / "demo-classifier.joblib"


def demo_classifier(context: DemoContext) -> DivisionClassifier:
    """The model `chainlead train-classifier` wrote, if trained on the current data; else the
    demo's small model (short fields, 3 calibration folds), trained once and kept."""
    data = Path(settings.SHARED_DATA_DIR)
    rows = labelled_companies(data / "companies").drop(columns="province")
    lexicon = ClassLexicon.from_industries(data / "gbt4754-2017" / "industries.csv")
    # The full model learns from the standard's class texts too, the small one does not.
    current = {training_fingerprint(rows, lexicon), training_fingerprint(rows)}
    for path in (
        Path(settings.VAR_DIR) / "models" / "classifier.joblib",
        settings.VAR_DIR / DEMO_MODEL,
    ):
        if path.exists():
            model = DivisionClassifier.load(path)
            if model.training_sha256 in current:
                context.log(_("Text classifier: %(v)s (%(p)s)") % {"v": model.version, "p": path})
                return model
    context.log(_("Training the demo's text classifier on %(n)d listed firms…") % {"n": len(rows)})
    started = time.monotonic()
    model = train_classifier(rows, lexicon=lexicon, seed=1, small=True)
    model.save(Path(settings.VAR_DIR) / DEMO_MODEL)
    context.log(
        _("Text classifier %(v)s trained in %(s).0f s")
        % {"v": model.version, "s": time.monotonic() - started}
    )
    return model


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
    introductions = {row["stock_code"]: row["introduction"] for row in listed_rows()}
    by_pk = {
        e.pk: introductions.get(e.stock_code or "", "") for e in city_firms.only("pk", "stock_code")
    }
    classified = classify_enterprises(
        actor=None,
        enterprises=city_firms,
        introductions=by_pk,
        classifier=demo_classifier(context),
    )
    context.log(
        _("Rule memberships: %(c)d new, %(u)d updated, %(s)d unchanged")
        % {"c": classified.created, "u": classified.updated, "s": classified.unchanged}
    )
    context.results["classified"] = classified
    context.scopes["chain"] = ai
