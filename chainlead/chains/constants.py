"""Thresholds of the chain map (DOMAIN.md §2, "What a chain map shows")."""

from decimal import Decimal

# A segment whose revenue Herfindahl index reaches this is weak (弱链): one firm dominates it.
WEAK_HHI_THRESHOLD = 0.5
# A segment with at most this many firms is weak.
WEAK_MAX_FIRMS = 1
# Text-rule memberships below this confidence wait in the officials' review queue.
TEXT_RULE_AUTO_ACCEPT = Decimal("0.90")
TOP_FIRMS_PER_SEGMENT = 5
