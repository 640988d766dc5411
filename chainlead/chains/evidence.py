"""A placement's evidence in the reader's language.

The placement rules (`classification`) store their evidence as plain English clauses joined by
"; " ("keywords: 数据中心 (main_business); division 65 agrees"): stored rows keep one language, and
the words the firm used stay as it wrote them. The page reads each clause back in the reader's
language; a clause no pattern knows (a city's own note, the demo's source) is shown as stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chainlead.core.text import join_list

FIELD_NAMES = {
    "name": gettext_lazy("name"),
    "main_business": gettext_lazy("main business"),
    "business_statement": gettext_lazy("business stated in its introduction"),
    "introduction": gettext_lazy("introduction"),
    "business_scope": gettext_lazy("business scope"),
}
_KEYWORD = re.compile(r"^(?P<word>.+?) \((?P<field>[a-z_]+)\)$")


def _keywords(match: re.Match[str]) -> str:
    words = []
    for item in match["items"].split(", "):
        found = _KEYWORD.match(item)
        if found and found["field"] in FIELD_NAMES:
            words.append(
                _("%(word)s (%(field)s)")
                % {"word": found["word"], "field": FIELD_NAMES[found["field"]]}
            )
        else:
            words.append(item)
    return _("keywords: %(words)s") % {"words": join_list(words)}


CLAUSES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(r"^industry (?P<code>\S+) under segment code (?P<segment>\S+)$"),
        lambda m: _("industry %(code)s under segment code %(segment)s") % m.groupdict(),
    ),
    (re.compile(r"^industry (?P<code>\S+)$"), lambda m: _("industry %(code)s") % m.groupdict()),
    (re.compile(r"^keywords: (?P<items>.+)$"), _keywords),
    (
        re.compile(r"^division (?P<division>\d+) agrees$"),
        lambda m: _("division %(division)s agrees") % m.groupdict(),
    ),
    (
        re.compile(r"^division (?P<division>\d+) differs$"),
        lambda m: _("division %(division)s differs") % m.groupdict(),
    ),
    (
        re.compile(r"^text reads as division (?P<division>\d+) \((?P<p>[\d.]+)\), agrees$"),
        lambda m: (
            _("the text reads as division %(division)s (%(p)s), which agrees") % m.groupdict()
        ),
    ),
    (
        re.compile(r"^states (?P<word>.+) as a line of its own business$"),
        lambda m: _("states %(word)s as a line of its own business") % m.groupdict(),
    ),
    (
        re.compile(r"^its main product (?P<product>.+) is used in (?P<word>.+)$"),
        lambda m: _("its main product %(product)s is used in %(word)s") % m.groupdict(),
    ),
    (
        re.compile(r"^class (?P<code>\d+) named in its text$"),
        lambda m: _("class %(code)s named in its text") % m.groupdict(),
    ),
    (
        re.compile(r"^(?P<source>\S+): ai_chain_segment \(our mapping\)$"),
        lambda m: _("%(source)s: the article's segment (our mapping)") % m.groupdict(),
    ),
]


def evidence_label(evidence: str) -> str:
    """`evidence` with each clause the rules write in the reader's language."""
    clauses = []
    for clause in (evidence or "").split("; "):
        for pattern, render in CLAUSES:
            found = pattern.match(clause)
            if found:
                clauses.append(render(found))
                break
        else:
            clauses.append(clause)
    return _("; ").join(clauses)
