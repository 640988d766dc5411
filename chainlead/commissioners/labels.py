"""The words for the score terms of matching and of the yearly evaluation, in the reader's
language (the terms are keys in the code and in stored proposals)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

TERM_LABELS: dict[str, Promise] = {
    # Matching (constants.MATCH_TERMS)
    "industry": pgettext_lazy("matching term", "industry"),
    "segment": pgettext_lazy("matching term", "chain segment"),
    "keyword": pgettext_lazy("matching term", "keywords"),
    "district": pgettext_lazy("matching term", "same district"),
    "load": pgettext_lazy("matching term", "free capacity"),
    "continuity": pgettext_lazy("matching term", "continuity"),
    # Yearly evaluation (evaluation.score_terms)
    "firms": _("firms served"),
    "hours": _("service hours"),
    "requests": _("requests closed"),
    "rating": _("firms' rating"),
    "disputes": _("disputed logs"),
}


# The yearly evaluation score (constants.EVALUATION_*_POINTS), in words the reader reads.
EVALUATION_FORMULA_TEXT = _(
    "5 × firms served + 0.5 × confirmed hours (≤ 200) + 3 × requests closed "
    "+ 10 × (mean rating − 3) − 5 × disputed logs"
)


def term_label(name: str) -> str:
    return str(TERM_LABELS.get(name, name))
