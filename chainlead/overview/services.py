"""Writes of the overview app: the firms' qualification tags."""

from __future__ import annotations

import csv
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from chainlead.accounts.access import access_for
from chainlead.accounts.types import Actor
from chainlead.audit.services import record_event
from chainlead.core.exceptions import PermissionDenied
from chainlead.overview.choices import Qualification, TagProvenance
from chainlead.overview.constants import EVIDENCE_CONTEXT, QUALIFICATION_PHRASES
from chainlead.overview.models import FirmTag
from chainlead.overview.permissions import manages_firm_tags
from chainlead.registry.demo import LISTED_FILE, shared_file
from chainlead.registry.models import Enterprise


@transaction.atomic
def firm_tag_set(
    *,
    actor: Actor,
    enterprise: Enterprise,
    qualification: str,
    source: str,
    provenance: str = TagProvenance.ENTERED,
    evidence: str = "",
) -> FirmTag:
    """Record that `enterprise` holds `qualification` (once per firm; a second call updates the
    source). `actor` None is the system (the demo's loader)."""
    if actor is not None and not manages_firm_tags(access_for(actor)):
        raise PermissionDenied(_("Only city admins record a firm's qualifications."))
    tag = FirmTag.objects.filter(enterprise=enterprise, qualification=qualification).first()
    if tag is None:
        tag = FirmTag(enterprise=enterprise, qualification=qualification)
    tag.source = source
    tag.provenance = provenance
    tag.evidence = evidence
    tag.full_clean()
    tag.save()
    record_event(instance=tag, event="firm_tag.set", data={"source": source})
    return tag


def qualifications_in(text: str) -> list[tuple[Qualification, str]]:
    """The qualifications `text` states, each with the words around the phrase that states it.
    A little giant is not also counted as a plain 专精特新 firm by the same words."""
    found: list[tuple[Qualification, str]] = []
    claimed: list[tuple[int, int]] = []
    for qualification, phrases in QUALIFICATION_PHRASES:
        for phrase in phrases:
            start = text.find(phrase)
            if start < 0:
                continue
            end = start + len(phrase)
            if any(a - 6 <= start and end <= b + 6 for a, b in claimed):
                continue  # "专精特新'小巨人'": already a little giant
            claimed.append((start, end))
            lo, hi = max(0, start - EVIDENCE_CONTEXT), min(len(text), end + EVIDENCE_CONTEXT)
            found.append((qualification, text[lo:hi].strip()))
            break
    return found


@dataclass
class TagLoadReport:
    firms: int = 0
    tags: int = 0


@transaction.atomic
def firm_tags_load_public() -> TagLoadReport:
    """Tags of the city's listed firms from their public self-description (the `introduction`
    column of companies/listed_profiles.csv): only what the text states, with the words."""
    report = TagLoadReport()
    firms = Enterprise.objects.exclude(stock_code=None).in_bulk(field_name="stock_code")
    source = f"{LISTED_FILE.as_posix()}: introduction"
    with shared_file(LISTED_FILE).open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            firm = firms.get(row["stock_code"])
            if firm is None or row["city"] != settings.CHAINLEAD_CITY_NAME:
                continue
            found = qualifications_in(row["introduction"])
            if found:
                report.firms += 1
            for qualification, evidence in found:
                exists = FirmTag.objects.filter(
                    enterprise=firm, qualification=qualification, evidence=evidence
                ).exists()
                if not exists:
                    firm_tag_set(
                        actor=None,
                        enterprise=firm,
                        qualification=qualification,
                        source=source,
                        provenance=TagProvenance.PUBLIC,
                        evidence=evidence,
                    )
                    report.tags += 1
    return report
