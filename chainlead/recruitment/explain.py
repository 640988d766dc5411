"""A ranking term's reason in the reader's language: runs store a reason code and its
arguments (`ranking.Term`), never prose, so one stored run reads in Chinese and in English."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from chainlead.core.text import join_list

TERM_LABELS = {
    "fit": pgettext_lazy("ranking term", "segment fit"),
    "relatedness": pgettext_lazy("ranking term", "relatedness"),
    "size": pgettext_lazy("ranking term", "size"),
    "growth": pgettext_lazy("ranking term", "growth"),
}
TERM_MEANINGS = {
    "fit": gettext_lazy(
        "the firm's industry class is one the segment lists, or its business text states the "
        "segment's work (read by the rule that places the city's firms on the map)"
    ),
    "relatedness": gettext_lazy("the city's density in the firm's industry division"),
    "size": gettext_lazy("percentile of employees among the fitting firms"),
    "growth": gettext_lazy("percentile of revenue growth among the fitting firms"),
}


def term_label(name: str) -> str:
    return str(TERM_LABELS.get(name, name))


def term_reason(term: Mapping[str, Any]) -> str:
    """One term's reason; runs stored before reasons were codes keep their text (`why`)."""
    if "reason" not in term:
        return str(term.get("why", ""))
    reason, args = term["reason"], term.get("args") or {}
    if reason == "class":
        return _("industry %(industry)s is under the segment's %(code)s") % args
    if reason == "text":
        text = _("states %(keywords)s") % {"keywords": join_list(args.get("keywords") or [])}
        if args.get("agrees") is True:
            text += _("; division %(division)s agrees") % args
        elif args.get("agrees") is False:
            text += _("; division %(division)s differs") % args
        return text
    if reason == "density":
        return _("density %(density)s in division %(division)s") % {
            "density": number_format(args["density"], 3),
            "division": args["division"],
        }
    if reason == "no_density":
        return _("no density for this industry")
    if reason == "employees":
        return _("%(n)s employees") % {"n": number_format(args["employees"], force_grouping=True)}
    if reason == "no_employees":
        return _("no employee figure")
    if reason == "growth":
        return _("revenue growth %(rate)s%%") % {"rate": number_format(args["growth"] * 100, 1)}
    if reason == "no_growth":
        return _("no growth figure")
    return str(reason)
