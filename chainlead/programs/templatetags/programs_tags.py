from django import template

from chainlead.programs.choices import RuleKind

register = template.Library()


@register.filter
def rule_kind(kind: str) -> str:
    """A rule kind's name in the reader's language (rules are stored as JSON with their key)."""
    try:
        return str(RuleKind(kind).label)
    except ValueError:
        return kind
