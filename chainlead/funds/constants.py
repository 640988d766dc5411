"""Rules of the support fund, with their sources."""

from decimal import Decimal

# Binjiang district sets aside no less than 15% of its fiscal expenditure each year as the
# industry support fund. Source: the article "DeepSeek的故事在杭州，杭州的故事在中国" (玉渊谭天,
# 2025-02), recorded in /work/shared/data/hangzhou/PROVENANCE.md; the regulation's legal text
# was not found. Override with settings.CHAINLEAD_FUND_MIN_SHARE (a decimal string, "0.15").
DEFAULT_MIN_SUPPORT_SHARE = Decimal("0.15")
MIN_SUPPORT_SHARE_SOURCE = (
    "滨江区: no less than 15% of fiscal expenditure each year to the industry support fund "
    "(玉渊谭天, 2025-02; legal text not found)"
)

CENT = Decimal("0.01")
# Amounts up to 10^14 CNY with fen: far above any district budget.
AMOUNT_DIGITS = 16

# Data version bumped by every ledger write (cached position figures key on it).
FUNDS_DATA = "funds"

# Test-only fault injection: the fault test sets this to make disbursement_execute sleep after
# writing the payment rows and before committing, so a SIGKILL lands mid-transaction.
SLEEP_BEFORE_COMMIT_ENV = "CHAINLEAD_FUNDS_SLEEP_BEFORE_COMMIT"
