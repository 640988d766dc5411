from django import template

from chainlead.commissioners.labels import term_label as label

register = template.Library()


@register.filter
def term_label(name: str) -> str:
    """A score term's name in the reader's language."""
    return label(name)
