"""`chainlead classify [--chain ai] [--model PATH] [--retrain PATH]`: place the city's firms on
chain segments by rule; optionally with the text classifier's reading of their divisions, and
first retrained on the listed companies plus officials' decisions."""

from pathlib import Path
from typing import Any

import pandas as pd
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from chainlead.analytics.classify import (
    ClassLexicon,
    DivisionClassifier,
    labelled_companies,
    train_classifier,
)
from chainlead.analytics.errors import AnalyticsError
from chainlead.audit.context import acting_as
from chainlead.chains.classification import classify_enterprises, decision_training_rows
from chainlead.chains.models import Chain
from chainlead.registry.models import Enterprise


class Command(BaseCommand):
    help = "Record industry-code and text-rule memberships for the city's firms (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--chain", action="append", default=[], help="A chain slug (repeat).")
        parser.add_argument(
            "--model",
            type=Path,
            help="Text classifier file: its reading of a firm's division may vouch for a segment.",
        )
        parser.add_argument(
            "--retrain",
            type=Path,
            help="First train the text classifier on the listed companies plus the firms "
            "officials accepted into single-division segments; write it here and use it.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        chains = None
        if options["chain"]:
            chains = list(Chain.objects.filter(slug__in=options["chain"]))
            if len(chains) != len(set(options["chain"])):
                known = ", ".join(Chain.objects.values_list("slug", flat=True))
                raise CommandError(_("Unknown chain. Known chains: %(k)s") % {"k": known})
        classifier = None
        try:
            if options["retrain"]:
                classifier = self._retrain(options["retrain"])
            elif options["model"]:
                classifier = DivisionClassifier.load(options["model"])
        except (OSError, AnalyticsError) as error:
            raise CommandError(str(error)) from error
        # The city's firms only: firms recorded with another city are not on the city's chains.
        # Memberships set by hand or decided by an official are left alone (membership_set).
        firms = Enterprise.objects.filter(city__in=["", settings.CHAINLEAD_CITY_NAME]).order_by(
            "pk"
        )
        with acting_as(None, source="cli"):
            report = classify_enterprises(
                actor=None, enterprises=firms, chains=chains, classifier=classifier
            )
        self.stdout.write(
            _("%(f)d firms: %(c)d memberships created, %(u)d updated, %(s)d unchanged")
            % {"f": report.firms, "c": report.created, "u": report.updated, "s": report.unchanged}
        )

    def _retrain(self, path: Path) -> DivisionClassifier:
        data = Path(settings.SHARED_DATA_DIR)
        listed = labelled_companies(data / "companies").drop(columns="province")
        decided = pd.DataFrame(decision_training_rows(), columns=listed.columns)
        self.stdout.write(
            _("Training on %(l)d listed firms and %(d)d officials' decisions…")
            % {"l": len(listed), "d": len(decided)}
        )
        model = train_classifier(
            pd.concat([listed, decided], ignore_index=True),
            lexicon=ClassLexicon.from_industries(data / "gbt4754-2017" / "industries.csv"),
        )
        model.save(path)
        self.stdout.write(_("Wrote %(v)s to %(p)s") % {"v": model.version, "p": path})
        return model
