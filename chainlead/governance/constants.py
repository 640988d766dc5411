"""Units and sources of the work-plan indicators, and the demo's policy-to-chain mapping."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chainlead.governance.choices import ActualSource, Indicator

# Units as Chinese statistics report them: money in 亿元 (100 million CNY), firms in 家.
YI_YUAN = _("100 million CNY")
FIRMS = pgettext_lazy("unit", "firms")  # 家
INDICATOR_UNITS = {
    Indicator.OUTPUT_VALUE: YI_YUAN,
    Indicator.ABOVE_SIZE_FIRMS: FIRMS,
    Indicator.FIXED_ASSET_INVESTMENT: YI_YUAN,
    Indicator.FIRMS_RECRUITED: FIRMS,
    Indicator.RD_SPEND: YI_YUAN,
}
# Which actuals the registry can give. Fixed-asset investment is not in the registry: it is entered
# from the statistics bureau's figures.
INDICATOR_SOURCES = {
    Indicator.OUTPUT_VALUE: ActualSource.REGISTRY,
    Indicator.ABOVE_SIZE_FIRMS: ActualSource.REGISTRY,
    Indicator.FIXED_ASSET_INVESTMENT: ActualSource.ENTERED,
    Indicator.FIRMS_RECRUITED: ActualSource.REGISTRY,
    Indicator.RD_SPEND: ActualSource.REGISTRY,
}
INDICATOR_ORDER = [
    Indicator.OUTPUT_VALUE,
    Indicator.ABOVE_SIZE_FIRMS,
    Indicator.FIXED_ASSET_INVESTMENT,
    Indicator.FIRMS_RECRUITED,
    Indicator.RD_SPEND,
]
# The registry stores money in 万元; targets are in 亿元.
WAN_PER_YI = 10_000

# How the demo attaches the policies of shared/data/hangzhou/policies.csv to chains: the `ai` topic
# goes to the AI chain; `chain` documents go to the chain their title names (keywords below); the
# cross-cutting topics (proof of concept, talent, funds, commissioners, other) serve every chain.
TOPIC_CHAIN_SLUGS: dict[str, tuple[str, ...] | None] = {
    "ai": ("ai",),
    "chain": (),  # by title keyword, see CHAIN_TITLE_KEYWORDS
    "poc": None,  # None = every chain
    "talent": None,
    "fund": None,
    "commissioners": None,
    "other": None,
}
CHAIN_TITLE_KEYWORDS: dict[str, tuple[str, ...]] = {
    "biomedicine": ("生物医药",),
    "high-end-equipment": ("高端装备",),
    "new-materials": ("新材料",),
    "green-energy": ("绿色能源",),
    "smart-iot": ("视觉智能", "中国视谷", "物联"),
    "ai": ("集成电路", "软件和信息技术", "人工智能", "算力"),
}
# A chain document whose title names no chain (链长制 itself, a district's general policy) serves
# every chain.

ACTION_OPEN_STATES = ("open", "in_progress")
RECENT_DECISIONS = 8
RECENT_ACTIONS = 10
# A chain is found by its slug, else by a name containing one of these words (cities name their
# own chains; the shipped templates use these).
CHAIN_NAME_HINTS: dict[str, tuple[str, ...]] = {
    "ai": ("人工智能", "AI"),
    "smart-iot": ("智能物联", "物联"),
    "biomedicine": ("生物医药",),
    "high-end-equipment": ("高端装备",),
    "new-materials": ("新材料",),
    "green-energy": ("绿色能源",),
}

# The data version bumped by every write to a governance record (models.GOVERNANCE_RECORDS).
GOVERNANCE_DATA = "governance"
