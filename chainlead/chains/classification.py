"""Placing firms on chain segments by rule: their industry code, then the words of their business.

Two rules, applied per firm and segment:

* **Industry-code rule** (source `industry_rule`, accepted): the firm's GB/T 4754-2017 code falls
  under one of the segment's codes by prefix (firm 3973 under segment code 397 or 3973). The
  confidence follows how precisely the firm's code is known: a class (4 digits) 1.0, a group
  0.9, a whole division 0.8 (the segment lists the entire division). A firm known only by its
  division (all listed firms: the CSRC industry is a division) does not fall under a segment
  defined by finer classes; for it the division is only supporting evidence for the text rule.
* **Text rule** (source `text_rule`): the segment's keywords found in the firm's name, main
  business, introduction or registered business scope. Each distinct keyword counts with the
  weight (calibrated per keyword on held-in data, `keyword_weights`) times the factor of the
  most telling field it appears in (`FIELD_FACTORS`), combined as independent
  evidence, 1 − Π(1 − w). The firm's division, when known, raises the confidence when it is one of
  the segment's divisions and weakens it when it is not; where the known division differs (or
  none is known) the division the text classifier reads in the firm's text
  (`chainlead.analytics.classify`, `predicted_division`) may agree instead. Guesses at or above
  `TEXT_RULE_AUTO_ACCEPT` are accepted, and so are the firm's own statements of its business: a
  keyword in its main business, or in its name or a sentence of its introduction that states
  its business (主营, 业务, 从事, …) when the division agrees (`Match.stated`), whatever the
  division when that sentence names the work as a line of its own business ("投资建设互联网数据
  中心(IDC)业务", `own_line`) or its main product equips the segment's facilities ("机柜产品
  广泛运用于…IDC机房", `supplied_product`). The rest wait
  in the officials' review queue, ranked by what a decision would change
  (`membership_review_ranked`).

Every membership records its evidence (the code or the keywords). The measured precision and
recall of the text rule are in docs/demo-data.md (`evaluate_text_rule`).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chainlead.accounts.types import Actor
from chainlead.chains.choices import MembershipSource
from chainlead.chains.models import Chain, Segment
from chainlead.chains.templates_data import TEMPLATES_DIR
from chainlead.registry.models import Enterprise

if TYPE_CHECKING:
    from chainlead.analytics.classify import DivisionClassifier

# How telling a field is: registered scope lists everything a firm may do, not what it does, and
# introductions are marketing prose.
FIELD_FACTORS = {
    "name": 1.0,
    "main_business": 1.0,
    # The introduction's sentences in which the firm states its business (BUSINESS_MARKERS):
    # "…投资建设互联网数据中心(IDC)业务。" says what it does as plainly as a main business.
    "business_statement": 0.75,
    "introduction": 0.5,
    "business_scope": 0.5,
}
# What one keyword in the main business says before calibration (and for keywords a city adds).
DEFAULT_KEYWORD_WEIGHT = 0.6
# Calibrated weights are kept within these bounds: no single word decides alone, none is useless.
WEIGHT_BOUNDS = (0.3, 0.85)
# Per-keyword weights measured on the dev split (`keyword_weights_calibrate`), by "chain/segment".
KEYWORD_WEIGHTS_FILE = TEMPLATES_DIR / "calibration" / "keyword_weights.json"
# The firm's division agrees with the segment's codes: halves the remaining doubt.
DIVISION_AGREES = 0.5
# The firm's division is known and is not one of the segment's: a firm's CSRC division is its
# main line only, so this weakens the guess (to the review queue) rather than ruling it out.
DIVISION_DISAGREES = 0.7
# Text-rule guesses below this are not recorded at all (one word in a business scope).
TEXT_RULE_MIN_CONFIDENCE = 0.4
# The text classifier's reading of a firm's division vouches for a segment only this sure.
PREDICTED_DIVISION_MIN = 0.5
# Fields in which a firm states what it does (not what it may do, nor its marketing prose).
STATING_FIELDS = ("name", "main_business", "business_statement")
# Words of an introduction's sentence that states the firm's own business.
BUSINESS_MARKERS = ("主营", "业务", "从事", "主要产品", "专注于", "致力于")
_SENTENCE_END = re.compile(r"[。；;！!？?\n]")
# A line of the firm's own business in a business sentence: a verb of doing it before the
# keyword and 业务 right after it ("投资建设互联网数据中心(IDC)业务"), not a market it sells to.
OWN_LINE_VERBS = ("投资建设", "建设运营", "运营", "开展", "从事", "经营", "布局")
OWN_LINE_REACH = 8  # characters between the keyword and 业务
# The firm's own product used in the segment's work: "公司生产的…机柜产品广泛运用于…IDC机房".
SUPPLY_VERBS = ("运用于", "应用于", "用于")
_SUPPLIED_PRODUCT = re.compile(r"公司(?:生产的|的)?(?P<product>[^，,、。；:：]{3,30}?)产品")
_CLAUSE_END = re.compile(r"[，,：:]")
# Places where the work is done: a product used there equips the segment ("IDC机房", "数据中心").
FACILITY_WORDS = ("机房", "中心")
# A class named in the firm's text (its GB/T name) under a segment's code.
NAMED_CLASS_CONFIDENCE = 0.9
# Confidence of an industry-code match by the level of the firm's code.
INDUSTRY_CONFIDENCE = {4: 1.0, 3: 0.9, 2: 0.8}

SPLIT_SALT = "chainlead-text-rule-split-v1"


@dataclass(frozen=True)
class FirmText:
    """What the rules read of a firm. `industry_code` is a GB/T code of any level, or None."""

    name: str = ""
    main_business: str = ""
    business_scope: str = ""
    introduction: str = ""
    industry_code: str | None = None
    # The text classifier's best division for the firm's text and its calibrated probability.
    predicted_division: tuple[str, float] | None = None
    # A four-digit class the firm's name, main business or scope names (GB/T 4754-2017 class
    # name, within its known or read division: `ClassLexicon.find`).
    named_class: str | None = None

    @property
    def business_statement(self) -> str:
        """The introduction's sentences that state the firm's business (BUSINESS_MARKERS)."""
        sentences = _SENTENCE_END.split(self.introduction)
        return "。".join(s for s in sentences if any(m in s for m in BUSINESS_MARKERS))

    @property
    def division(self) -> str | None:
        code = self.industry_code or ""
        return code[:2] if code[:2].isdigit() else None


@dataclass(frozen=True)
class SegmentRule:
    """One segment's codes and keywords, detached from the database."""

    key: Any  # the Segment's pk, or (chain slug, segment slug) for templates
    codes: tuple[str, ...]
    keywords: tuple[str, ...]
    weights: dict[str, float] = field(default_factory=dict, compare=False, hash=False)
    divisions: frozenset[str] = field(init=False)
    patterns: tuple[tuple[str, re.Pattern[str] | None], ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "divisions", frozenset(c[:2] for c in self.codes))
        object.__setattr__(self, "patterns", tuple((k, keyword_pattern(k)) for k in self.keywords))

    @classmethod
    def of(cls, segment: Segment) -> SegmentRule:
        return cls(
            key=segment.pk,
            codes=tuple(segment.industry_codes),
            keywords=tuple(segment.keywords),
            weights=keyword_weights().get(f"{segment.chain.slug}/{segment.slug}", {}),
        )

    def weight(self, keyword: str) -> float:
        return self.weights.get(keyword, DEFAULT_KEYWORD_WEIGHT)


@cache
def keyword_weights() -> dict[str, dict[str, float]]:
    """The committed calibration: {"chain/segment": {keyword: weight}}."""
    if not KEYWORD_WEIGHTS_FILE.exists():
        return {}
    data: dict[str, dict[str, float]] = json.loads(KEYWORD_WEIGHTS_FILE.read_text("utf-8"))
    return data


@dataclass(frozen=True)
class Match:
    key: Any
    source: str
    confidence: float
    evidence: str
    # The firm states the segment's work as its business (see text_match): accepted whatever the
    # confidence.
    stated: bool = False


def keyword_pattern(keyword: str) -> re.Pattern[str] | None:
    """Latin keywords (GPU, IDC) match only as whole words, in any case; Chinese ones anywhere
    (None: a plain substring test, much faster than a regular expression)."""
    if keyword.isascii():
        return re.compile(rf"(?<![A-Za-z]){re.escape(keyword)}(?![A-Za-z])", re.IGNORECASE)
    return None


def contains(text: str, keyword: str, pattern: re.Pattern[str] | None) -> bool:
    return keyword in text if pattern is None else pattern.search(text) is not None


def industry_match(firm_code: str | None, rule: SegmentRule) -> Match | None:
    if not firm_code:
        return None
    for code in sorted(rule.codes, key=len, reverse=True):
        if firm_code.startswith(code):
            confidence = INDUSTRY_CONFIDENCE.get(len(firm_code), 0.8)
            return Match(
                rule.key,
                MembershipSource.INDUSTRY_RULE,
                confidence,
                f"industry {firm_code} under segment code {code}",
            )
    return None


def _keyword_hits(firm: FirmText, rule: SegmentRule) -> dict[str, tuple[float, str]]:
    # Fields from the most to the least telling; the first field naming a keyword counts.
    fields = [
        (name, factor, text)
        for name, factor in sorted(FIELD_FACTORS.items(), key=lambda f: -f[1])
        if (text := getattr(firm, name) or "")
    ]
    everything = "\n".join(text for _, _, text in fields)
    hits: dict[str, tuple[float, str]] = {}
    for keyword, pattern in rule.patterns:
        if not contains(everything, keyword, pattern):  # most keywords miss: one test
            continue
        for name, factor, text in fields:
            if contains(text, keyword, pattern):
                hits[keyword] = (rule.weight(keyword) * factor, name)
                break
    # A keyword inside a longer keyword that also matched (视觉 in 机器视觉) is the same evidence.
    return {k: v for k, v in hits.items() if not any(k != other and k in other for other in hits)}


def own_line(statement: str, keyword: str, pattern: re.Pattern[str] | None) -> bool:
    """``statement`` names the keyword's work as a line of the firm's own business: in a clause
    with a verb of doing it (OWN_LINE_VERBS) before the keyword and 业务 within a few characters
    after, and no word of selling to it (SUPPLY_VERBS) in between."""
    for sentence in _SENTENCE_END.split(statement):
        for clause in _CLAUSE_END.split(sentence):
            found = (
                pattern.search(clause)
                if pattern is not None
                else re.search(re.escape(keyword), clause)
            )
            if found is None:
                continue
            before, after = clause[: found.start()], clause[found.end() :]
            if (
                any(v in before for v in OWN_LINE_VERBS)
                and not any(v in before for v in SUPPLY_VERBS)
                and "业务" in after[: OWN_LINE_REACH + 2]
            ):
                return True
    return False


def supplied_product(firm: FirmText, keyword: str, pattern: re.Pattern[str] | None) -> str | None:
    """The product of the firm's main business that its introduction says is used in the
    keyword's facilities ("公司生产的…机柜产品广泛运用于…IDC机房": the firm equips them), or None.
    Only places where the work is done count (FACILITY_WORDS: "IDC机房", "数据中心"), not
    markets ("应用于半导体"), and the product must be named in the main business."""
    if not firm.main_business:
        return None
    for sentence in _SENTENCE_END.split(firm.introduction):
        verb = next((v for v in SUPPLY_VERBS if v in sentence), None)
        if verb is None:
            continue
        subject, _, market = sentence.partition(verb)
        if not any(
            contains(market, f"{keyword}{place}", keyword_pattern(f"{keyword}{place}"))
            for place in ("", *FACILITY_WORDS)
            if place or keyword.endswith(FACILITY_WORDS)
        ):
            continue
        product = _SUPPLIED_PRODUCT.search(subject)
        name = None if product is None else product.group("product")
        if name is not None and not name.startswith("主要") and name in firm.main_business:
            return name
    return None


def text_match(firm: FirmText, rule: SegmentRule) -> Match | None:
    hits = _keyword_hits(firm, rule)
    if not hits:
        return None
    doubt = 1.0
    for weight, _ in hits.values():
        doubt *= 1.0 - weight
    confidence = 1.0 - doubt
    words = ", ".join(f"{k} ({f})" for k, (_, f) in sorted(hits.items()))
    evidence = f"keywords: {words}"
    division = firm.division
    agrees = False
    if division is not None:
        if division in rule.divisions:
            agrees = True
            evidence += f"; division {division} agrees"
        else:
            evidence += f"; division {division} differs"
    if not agrees and firm.predicted_division is not None:
        predicted, probability = firm.predicted_division
        if predicted in rule.divisions and probability >= PREDICTED_DIVISION_MIN:
            agrees = True
            evidence += f"; text reads as division {predicted} ({probability:.2f}), agrees"
    if agrees:
        confidence = 1.0 - (1.0 - confidence) * (1.0 - DIVISION_AGREES)
    elif division is not None:
        confidence *= DIVISION_DISAGREES
    confidence = round(confidence, 3)
    supplied = None
    for keyword, _ in sorted(hits.items()):
        if (product := supplied_product(firm, keyword, keyword_pattern(keyword))) is not None:
            supplied = f"; its main product {product} is used in {keyword}"
            break
    if confidence < TEXT_RULE_MIN_CONFIDENCE and supplied is None:
        return None
    # The firm says it does this work: in its main business (a secondary line need not match
    # its CSRC division, which is the main line's), or in its name or a business sentence of
    # its introduction if the division agrees (a name can be a brand: 萤石网络 mines no
    # fluorite; introductions name the markets they sell to: "产品应用于数据中心").
    fields = {f for _, f in hits.values()}
    stated = "main_business" in fields or (agrees and bool(fields & set(STATING_FIELDS)))
    if not stated:
        # A line of its own business ("投资建设…数据中心(IDC)业务"), whatever its main division;
        # or its main product supplied to the work ("…机柜产品广泛运用于…IDC机房").
        statement = firm.business_statement
        for keyword, (_, field_name) in sorted(hits.items()):
            pattern = keyword_pattern(keyword)
            if field_name == "business_statement" and own_line(statement, keyword, pattern):
                stated = True
                evidence += f"; states {keyword} as a line of its own business"
                break
        if not stated and supplied is not None:
            stated = True
            evidence += supplied
    return Match(rule.key, MembershipSource.TEXT_RULE, confidence, evidence, stated)


def class_match(firm: FirmText, rule: SegmentRule) -> Match | None:
    """The class the firm's text names falls under the segment's codes: the firm says, in the
    standard's own words, that it does the segment's work (accepted, `stated`)."""
    if not firm.named_class or len(firm.industry_code or "") >= len(firm.named_class):
        return None
    by_code = industry_match(firm.named_class, rule)
    if by_code is None:
        return None
    return Match(
        rule.key,
        MembershipSource.TEXT_RULE,
        NAMED_CLASS_CONFIDENCE,
        f"class {firm.named_class} named in its text; {by_code.evidence}",
        stated=True,
    )


def classify(firm: FirmText, rules: Iterable[SegmentRule]) -> list[Match]:
    """The segments `firm` belongs to by rule: its industry code, else the class its text names,
    else the segment's keywords."""
    matches = []
    for rule in rules:
        match = (
            industry_match(firm.industry_code, rule)
            or class_match(firm, rule)
            or text_match(firm, rule)
        )
        if match is not None:
            matches.append(match)
    return matches


# Some sources fill "main business" with the registered scope ("一般项目：…；许可项目：…"), a list
# of everything the firm may do; such text counts as business scope.
SCOPE_MARKERS = ("一般项目", "许可项目", "经营范围")


def make_firm_text(
    *,
    name: str = "",
    main_business: str = "",
    business_scope: str = "",
    introduction: str = "",
    industry_code: str | None = None,
    predicted_division: tuple[str, float] | None = None,
    named_class: str | None = None,
) -> FirmText:
    if main_business.lstrip().startswith(SCOPE_MARKERS):
        business_scope = f"{main_business}\n{business_scope}".strip()
        main_business = ""
    return FirmText(
        name,
        main_business,
        business_scope,
        introduction,
        industry_code,
        predicted_division,
        named_class,
    )


def firm_text(
    enterprise: Enterprise,
    *,
    introduction: str = "",
    reading: TextReading | None = None,
) -> FirmText:
    """What the rules read of a registry firm; the registry keeps no introduction, so a caller
    that has one (the demo reads the listed companies' file) passes it, and the text
    classifier's `reading` if there is one."""
    return make_firm_text(
        name=enterprise.name,
        main_business=enterprise.main_business,
        business_scope=enterprise.business_scope,
        introduction=introduction,
        industry_code=enterprise.industry_id,
        predicted_division=None if reading is None else reading.division,
        named_class=None if reading is None else reading.named_class,
    )


@dataclass
class ClassifyReport:
    firms: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    by_source: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class TextReading:
    """What the text classifier reads in a firm's text: its best division with the calibrated
    probability, and a class the text names within the known division (else the read one)."""

    division: tuple[str, float]
    named_class: str | None


def text_readings(
    classifier: DivisionClassifier,
    enterprises: Sequence[Enterprise],
    introductions: Mapping[int, str],
) -> dict[int, TextReading]:
    """Each firm's `TextReading`, by enterprise pk."""
    import pandas as pd

    if not enterprises:
        return {}
    frame = pd.DataFrame(
        {
            "full_name": [e.name for e in enterprises],
            "short_name": [e.short_name for e in enterprises],
            "main_business": [e.main_business for e in enterprises],
            "business_scope": [e.business_scope for e in enterprises],
            "introduction": [introductions.get(e.pk, "") for e in enterprises],
        }
    )
    predictions = classifier.predict(frame)
    readings = {}
    for e, division, confidence in zip(
        enterprises, predictions["division"], predictions["confidence"], strict=True
    ):
        known = (e.industry_id or "")[:2]
        within = known or (division if confidence >= PREDICTED_DIVISION_MIN else "")
        short_text = " ".join((e.name, e.short_name, e.main_business, e.business_scope))
        readings[e.pk] = TextReading(
            (str(division), float(confidence)),
            classifier.lexicon.find(within, short_text) if within else None,
        )
    return readings


def classify_enterprises(
    *,
    actor: Actor,
    enterprises: Iterable[Enterprise],
    chains: Sequence[Chain] | None = None,
    introductions: Mapping[int, str] | None = None,
    classifier: DivisionClassifier | None = None,
) -> ClassifyReport:
    """Record the rule memberships of `enterprises` in every segment of `chains` (all if None).

    `introductions` (by enterprise pk) adds text the registry does not keep; `classifier` reads
    each firm's division from its text, which may vouch for a segment where the known division
    does not (a chip designer registered as software). Writes through `membership_set`, so
    permissions, review status and decisions already taken by officials are respected; running
    it twice changes nothing.
    """
    from chainlead.chains.models import Membership
    from chainlead.chains.services import membership_set, membership_would_change

    segment_qs = Segment.objects.select_related("chain")
    if chains is not None:
        segment_qs = segment_qs.filter(chain__in=chains)
    segments = {s.pk: s for s in segment_qs}
    rules = [SegmentRule.of(s) for s in segments.values()]
    firms = list(enterprises)
    # One read of the existing memberships, so that a re-run writes (and queries) nothing.
    existing = {
        (m.enterprise_id, m.segment_id): m
        for m in Membership.objects.filter(
            enterprise__in=[f.pk for f in firms], segment_id__in=list(segments)
        )
    }
    introductions = introductions or {}
    read = {} if classifier is None else text_readings(classifier, firms, introductions)
    report = ClassifyReport(firms=len(firms))
    for enterprise in firms:
        text = firm_text(
            enterprise,
            introduction=introductions.get(enterprise.pk, ""),
            reading=read.get(enterprise.pk),
        )
        for match in classify(text, rules):
            confidence = Decimal(str(match.confidence))
            current = existing.get((enterprise.pk, match.key))
            if current is not None and not membership_would_change(
                current,
                source=match.source,
                confidence=confidence,
                evidence=match.evidence,
                stated=match.stated,
            ):
                report.unchanged += 1
                continue
            membership_set(
                actor=actor,
                enterprise=enterprise,
                segment=segments[match.key],
                source=match.source,
                confidence=confidence,
                evidence=match.evidence,
                stated=match.stated,
            )
            if current is None:
                report.created += 1
                report.by_source[match.source] = report.by_source.get(match.source, 0) + 1
            else:
                report.updated += 1
    return report


# ---- Measuring the text rule ------------------------------------------------------------------


def split_of(stock_code: str, *, test_share: int = 30) -> str:
    """ "test" for a fixed ~30% of stock codes (seeded hash), else "dev". Stable across runs."""
    digest = hashlib.sha256(f"{SPLIT_SALT}:{stock_code}".encode()).digest()
    return "test" if int.from_bytes(digest[:4], "big") % 100 < test_share else "dev"


@dataclass
class Evaluation:
    """Precision and recall of the text rule at predicting a firm's GB/T division."""

    firms: int
    in_scope: int  # firms whose division is one of some segment's divisions
    predictions: int  # (firm, segment) guesses at or above the threshold
    correct_predictions: int  # guesses whose segment has the firm's division among its codes
    firms_found: int  # in-scope firms with at least one correct guess

    @property
    def precision(self) -> float:
        return self.correct_predictions / self.predictions if self.predictions else 0.0

    @property
    def recall(self) -> float:
        return self.firms_found / self.in_scope if self.in_scope else 0.0


def evaluate_text_rule(
    firms: Iterable[tuple[FirmText, str]],
    rules: Sequence[SegmentRule],
    *,
    threshold: float,
    stated: bool = False,
) -> Evaluation:
    """Score text-only guesses against each firm's known division (`firms`: (text, division)).

    The firm's industry code is hidden from the rule, so the division cannot vouch for itself.
    `stated`: guesses the firm states (`Match.stated`) count whatever their confidence, as the
    accepted memberships do.
    """
    all_divisions = frozenset().union(*(r.divisions for r in rules))
    by_key = {r.key: r for r in rules}
    n = in_scope = predictions = correct = found = 0
    for firm, division in firms:
        n += 1
        blind = FirmText(
            name=firm.name,
            main_business=firm.main_business,
            business_scope=firm.business_scope,
            introduction=firm.introduction,
        )
        guesses = [
            m
            for r in rules
            if (m := text_match(blind, r)) and (m.confidence >= threshold or (stated and m.stated))
        ]
        hits = sum(1 for m in guesses if division in by_key[m.key].divisions)
        predictions += len(guesses)
        correct += hits
        if division in all_divisions:
            in_scope += 1
            found += 1 if hits else 0
    return Evaluation(n, in_scope, predictions, correct, found)


CSRC_CODE = re.compile(r"^[A-T](\d{2})$")


def validation_firms(*, split: str) -> list[tuple[FirmText, str]]:
    """Listed firms OUTSIDE the province, with their CSRC division, in `split` ("dev"/"test").

    Reads `companies/listed_profiles.csv` under settings.SHARED_DATA_DIR; raises
    FileNotFoundError naming the path when the shared data are missing.
    """
    import csv

    from django.conf import settings

    path = settings.SHARED_DATA_DIR / "companies" / "listed_profiles.csv"
    if not path.exists():
        raise FileNotFoundError(
            f"{path} is missing: the shared data (settings.SHARED_DATA_DIR, env "
            "CHAINLEAD_DATA_DIR) must hold companies/listed_profiles.csv."
        )
    province = settings.CHAINLEAD_PROVINCE_NAME
    out = []
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = CSRC_CODE.match(row["csrc_industry_code"] or "")
            if row["province"] == province or code is None:
                continue
            if not (row["main_business"] or row["introduction"]):
                continue
            if split_of(row["stock_code"]) != split:
                continue
            firm = make_firm_text(
                name=row["full_name"] or row["short_name"],
                main_business=row["main_business"],
                business_scope=row["business_scope"],
                introduction=row["introduction"],
            )
            out.append((firm, code.group(1)))
    return out


def keyword_weights_calibrate(
    firms: Iterable[tuple[FirmText, str]], rules: Sequence[SegmentRule]
) -> dict[str, dict[str, float]]:
    """Each keyword's weight: how often a firm naming it in its name or main business is in one
    of the segment's divisions, shrunk towards `DEFAULT_KEYWORD_WEIGHT` (a prior worth two firms)
    and kept within `WEIGHT_BOUNDS`. Run on the dev split only; the test split measures it.
    Rule keys must be (chain slug, segment slug)."""
    counts: dict[Any, dict[str, list[int]]] = {r.key: {} for r in rules}
    for firm, division in firms:
        text = f"{firm.name}\n{firm.main_business}"
        for rule in rules:
            for keyword, pattern in rule.patterns:
                if contains(text, keyword, pattern):
                    c = counts[rule.key].setdefault(keyword, [0, 0])
                    c[0] += 1
                    c[1] += 1 if division in rule.divisions else 0
    low, high = WEIGHT_BOUNDS
    out: dict[str, dict[str, float]] = {}
    for rule in rules:
        chain_slug, segment_slug = rule.key
        weights = {}
        for keyword in rule.keywords:
            hits, correct = counts[rule.key].get(keyword, [0, 0])
            raw = (correct + 2 * DEFAULT_KEYWORD_WEIGHT) / (hits + 2)
            weights[keyword] = round(min(high, max(low, raw)), 3)
        out[f"{chain_slug}/{segment_slug}"] = weights
    return out


def template_rules(*, calibrated: bool = True) -> list[SegmentRule]:
    """The rules of the shipped templates, keyed by (chain slug, segment slug)."""
    from chainlead.chains.templates_data import template_list

    weights = keyword_weights() if calibrated else {}
    return [
        SegmentRule(
            key=(t.slug, s.slug),
            codes=s.industry_codes,
            keywords=s.keywords,
            weights=weights.get(f"{t.slug}/{s.slug}", {}),
        )
        for t in template_list()
        for s in t.segments
    ]


def keyword_weights_write() -> Path:
    """Recalibrate on the dev split and write KEYWORD_WEIGHTS_FILE (a developer's step)."""
    weights = keyword_weights_calibrate(
        validation_firms(split="dev"), template_rules(calibrated=False)
    )
    KEYWORD_WEIGHTS_FILE.parent.mkdir(exist_ok=True)
    KEYWORD_WEIGHTS_FILE.write_text(
        json.dumps(weights, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8"
    )
    keyword_weights.cache_clear()
    return KEYWORD_WEIGHTS_FILE


# ---- officials' decisions as training labels --------------------------------------------------


def decision_training_rows() -> list[dict[str, str]]:
    """Training rows for the text classifier from officials' decisions.

    A firm an official accepted into a segment whose codes all lie in one division is labelled
    with that division (a person checked that the firm does that work); firms with a known
    industry code are labelled by their code instead, so decisions only add firms the data did
    not label. Rejections say what a firm is not, which a one-label-per-firm classifier cannot
    use; they still count in the review figures. Rows have the columns of
    `chainlead.analytics.classify.TEXT_FIELDS`, `id` ("decision-<pk>") and `division`
    (`decision_row`; docs/classification.md measures a round of them on real firms).
    """
    # numpy and pandas come with the classifier's package: loaded when retraining, not by every
    # web worker that imports this module.
    from chainlead.analytics.classify.decisions import decision_row
    from chainlead.chains.choices import ReviewStatus
    from chainlead.chains.models import Membership

    decided = (
        Membership.objects.filter(
            review_status=ReviewStatus.ACCEPTED,
            reviewed_by__isnull=False,
            enterprise__industry__isnull=True,
        )
        .select_related("enterprise", "segment")
        .order_by("enterprise_id", "segment_id")
    )
    labels: dict[int, set[str]] = {}
    firms: dict[int, Enterprise] = {}
    for membership in decided:
        divisions = {code[:2] for code in membership.segment.industry_codes}
        if len(divisions) == 1:
            labels.setdefault(membership.enterprise_id, set()).update(divisions)
            firms[membership.enterprise_id] = membership.enterprise
    return [
        decision_row(
            pk,
            next(iter(divisions)),
            {
                "full_name": firms[pk].name,
                "short_name": firms[pk].short_name,
                "main_business": firms[pk].main_business,
                "business_scope": firms[pk].business_scope,
            },
        )
        for pk, divisions in sorted(labels.items())
        if len(divisions) == 1  # accepted into segments of two divisions: no single label
    ]
