"""Rules of the overview app as data, each with its source."""

from chainlead.overview.choices import Qualification

# The words that state a qualification in a listed firm's public self-description
# (shared/data/companies/listed_profiles.csv, column `introduction`, see its PROVENANCE.md).
# Longer phrases first: "专精特新'小巨人'" is a little giant, not only a specialised SME.
QUALIFICATION_PHRASES: tuple[tuple[Qualification, tuple[str, ...]], ...] = (
    (Qualification.LITTLE_GIANT, ("小巨人",)),
    (Qualification.SPECIALISED, ("专精特新",)),
    (Qualification.HIGH_TECH, ("高新技术企业",)),
    (Qualification.SINGLE_CHAMPION, ("单项冠军",)),
    (Qualification.TECH_SME, ("科技型中小企业",)),
    (Qualification.UNICORN, ("独角兽",)),
)
# Characters of context kept either side of the matched words, as the tag's evidence.
EVIDENCE_CONTEXT = 40

# The requests' figures on the overview cover this many days back from today.
REQUEST_PERIOD_DAYS = 182

# The data version bumped by writes to recruitment targets (the recruitment app declares none;
# the overview's cached funnel keys on it, see apps.py).
RECRUITMENT_DATA = "overview.recruitment"
OVERVIEW_DATA = "overview"
CACHE_SECONDS = 600
