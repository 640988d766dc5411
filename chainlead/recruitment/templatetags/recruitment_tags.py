from typing import Any

from django import template

from chainlead.recruitment import explain

register = template.Library()


@register.filter
def term_label(name: str) -> str:
    return explain.term_label(name)


@register.filter
def term_meaning(name: str) -> str:
    return str(explain.TERM_MEANINGS.get(name, ""))


@register.filter
def term_reason(term: Any) -> str:
    return explain.term_reason(term)


@register.filter
def term_labels(names: Any) -> str:
    """Several terms' names, listed as the reader's language lists them."""
    from chainlead.core.text import join_list

    return join_list(explain.term_label(n) for n in names or [])
