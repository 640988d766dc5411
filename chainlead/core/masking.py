"""Masking personal information (PIPL art. 6 and 51: the minimum necessary; GB/T 35273-2020
§6.2 and Annex A: de-identified display of phone and ID numbers).

Who sees phone numbers and ID numbers in full (DOMAIN.md §1, docs/security-audit.md):

- the city admin, who runs the programmes and answers for the data;
- the firm's own users, for their own firm's contacts (`enterprise_id` in their grants).

Everyone else (chain leaders, task forces, district officials, commissioners, reviewers,
finance, auditors) sees them masked: they need to know that a contact exists, not the number.
The same helpers serve pages (the `mask_phone` / `mask_contact` filters are plain functions a
template tag can wrap), exports and the API schemas.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from chainlead.core.exceptions import PermissionDenied

if TYPE_CHECKING:
    from chainlead.accounts.access import Access
    from chainlead.accounts.types import Actor

# Mainland mobile numbers (11 digits from 13x–19x), with an optional +86 / 86 prefix and
# separators; landlines with an area code (0571-8888 8888).
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})[- ]?(\d{3,4})[- ]?(\d{4})(?!\d)")
# Resident identity card numbers, GB 11643-1999: 17 digits and a check digit or X.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![0-9A-Za-z])")
# Fields whose whole value is personal contact data, wherever they appear (audit snapshots).
PERSONAL_FIELDS = frozenset(
    {"phone", "mobile", "telephone", "contact", "contact_phone", "id_number"}
)


def mask_phone(value: str | None) -> str:
    """138****1234 for a mobile number, 0571-****8888 for a landline; other text unchanged."""
    if not value:
        return ""
    text = str(value)
    text = _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    return _LANDLINE.sub(lambda m: f"{m.group(1)}-****{m.group(3)}", text)


def mask_id_number(value: str | None) -> str:
    """330106********123X: the region code and the last four kept, the birth date hidden."""
    if not value:
        return ""
    text = str(value).strip()
    if _ID_NUMBER.fullmatch(text):
        return f"{text[:6]}{'*' * 8}{text[-4:]}"
    if len(text) <= 4:
        return "*" * len(text)
    return f"{text[:2]}{'*' * (len(text) - 4)}{text[-2:]}"


def mask_contact(value: str | None) -> str:
    """Free text (a contact field: "王经理 13812341234"): every phone and ID number in it masked."""
    if not value:
        return ""
    text = _ID_NUMBER.sub(lambda m: f"{m.group(1)}{'*' * 8}{m.group(3)}", str(value))
    return mask_phone(text)


def sees_personal_data(access: Access, *, enterprise_id: int | None = None) -> bool:
    """Whether `access` sees phone and ID numbers in full (of the firm `enterprise_id`, if the
    data belongs to one)."""
    if access.is_admin:
        return True
    return enterprise_id is not None and enterprise_id in access.enterprise_ids


def contact_for(access: Access, value: str | None, *, enterprise_id: int | None = None) -> str:
    """`value` as `access` may see it."""
    if sees_personal_data(access, enterprise_id=enterprise_id):
        return value or ""
    return mask_contact(value)


def mask_snapshot(data: Any) -> Any:
    """An audit snapshot (before/after) with its personal fields masked."""
    if not isinstance(data, dict):
        return data
    return {
        key: mask_contact(str(value)) if key in PERSONAL_FIELDS and value else value
        for key, value in data.items()
    }


def record_export(*, actor: Actor, what: str, rows: int | None = None, fields: str = "") -> None:
    """Audit an export of personal data: who exported what (PIPL art. 51, 54)."""
    from chainlead.audit.services import record_event

    if actor is None or not actor.is_authenticated:
        # Exports are behind a log-in; an anonymous one has no account to name.
        raise PermissionDenied("Log in to export.")

    record_event(
        instance=actor,
        event="export.personal_data",
        message=f"{actor.get_username()} exported {what}",
        data={"what": what, "rows": rows, "fields": fields},
    )
