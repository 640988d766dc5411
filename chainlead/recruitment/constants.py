"""Thresholds for following up landed firms' promises (our choice; documented in docs/)."""

from decimal import Decimal

# A promise is "at risk" when the firm has reached at least this share of the pace it promised.
AT_RISK_SHARE_OF_PACE = Decimal("0.8")
# A landed firm whose headcount fell by this share in a year may be about to leave.
LEAVING_EMPLOYEE_DROP = Decimal("0.3")
