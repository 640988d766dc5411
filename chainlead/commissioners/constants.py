"""Rules of the commissioners app as data, with their sources.

Match score (issue 12 item 6). A candidate pair (commissioner i, firm j) scores

    score = w_industry · industry + w_segment · segment + w_keyword · keyword
            + w_district · same_district + w_load · (1 − load_i / capacity_i)
            + w_continuity · continuity

with every term in [0, 1]:

* industry: how closely one of the commissioner's GB/T 4754 codes contains the firm's class:
  the class itself 1.0, its group 0.8, its division 0.6, its section 0.3 (INDUSTRY_LEVEL_FIT);
* segment: 1 when the commissioner serves a chain segment the firm belongs to;
* keyword: share of the commissioner's keywords (at most KEYWORD_SATURATION of them count) found
  in the firm's segment keywords, its industry's name and its open requests' text;
* same_district: 1 when commissioner and firm are in the same district (travel);
* load: the commissioner's share of capacity still free (spreads the work);
* continuity: 1 when the commissioner served this firm before and the firm rated that service
  at least CONTINUITY_MIN_RATING on average.

The weights are the setting CHAINLEAD_MATCH_WEIGHTS (read at call time), defaults below; the
Zhejiang standard asks for "digital platform matching" of expertise to needs but sets no weights.
"""

from __future__ import annotations

from decimal import Decimal

DEFAULT_MATCH_WEIGHTS: dict[str, float] = {
    "industry": 3.0,
    "segment": 2.0,
    "keyword": 2.0,
    "district": 1.5,
    "load": 0.5,
    "continuity": 1.0,
}
MATCH_TERMS = tuple(DEFAULT_MATCH_WEIGHTS)

# GB/T 4754-2017 levels: exact class, group (3 digits), division (2 digits), section (letter).
INDUSTRY_LEVEL_FIT = (1.0, 0.8, 0.6, 0.3)
KEYWORD_SATURATION = 3
CONTINUITY_MIN_RATING = 4
# Firms with no expertise candidate get this many same-district commissioners (those with the
# most free capacity), so a district pair never becomes a dense district × district block.
DISTRICT_ONLY_CANDIDATES = 10
# After scoring, each firm keeps its best candidates only: the matrix stays sparse.
MAX_CANDIDATES_PER_FIRM = 30
# A pair's score is rounded to this many decimals (the precision the proposal shows), so the
# flow solver's integer costs represent it exactly and the certificate has no rounding gap.
SCORE_DECIMALS = 4
# Firms read per database round trip while building candidates: the chunk's scratch (about
# 6 KB per firm at 30 candidates each) is the candidate stage's peak, so it stays small.
FIRM_CHUNK = 2_500

# Service logs: how many days back a commissioner may date a log without an official's
# approval (setting CHAINLEAD_LOG_BACKDATE_DAYS, read at call time).
DEFAULT_LOG_BACKDATE_DAYS = 7
MAX_LOG_HOURS = Decimal("24.0")

# Yearly evaluation (issue 12 item 4). Score =
#   5 × firms served + 0.5 × confirmed hours (at most 200 h count) + 3 × requests closed
#   + 10 × (mean rating − 3) − 5 × disputed logs
# Ratings are the firms' 1-5 ratings of confirmed service logs; no rating → that term is 0.
EVALUATION_FIRM_POINTS = Decimal("5")
EVALUATION_HOUR_POINTS = Decimal("0.5")
EVALUATION_HOURS_CAP = Decimal("200")
EVALUATION_REQUEST_POINTS = Decimal("3")
EVALUATION_RATING_POINTS = Decimal("10")
EVALUATION_RATING_NEUTRAL = Decimal("3")
EVALUATION_DISPUTE_POINTS = Decimal("5")
# The formula in words: labels.EVALUATION_FORMULA_TEXT.

COMMISSIONERS_DATA = "commissioners"
