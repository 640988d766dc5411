"""Who may open the audit log pages: city admins and auditors read; nobody writes."""

from chainlead.core.testing import Case, World, only


def setup(world: World) -> None:
    from chainlead.audit.models import AuditEntry

    world.add("audit_entry", own=AuditEntry.objects.order_by("id").first())


READERS = ["city_admin", "auditor"]

MATRIX = [
    Case("audit:entry_list", expect=only(READERS)),
    Case("audit:entry_list", query={"export": "csv"}, expect=only(READERS)),
    Case("audit:entry_list", method="POST", data={}, expect=only(READERS, yes=405)),
    Case("audit:entry_detail", kwargs=lambda s: {"pk": s.audit_entry.pk}, expect=only(READERS)),
    Case(
        "audit:entry_detail",
        method="POST",
        kwargs=lambda s: {"pk": s.audit_entry.pk},
        data={},
        expect=only(READERS, yes=405),
    ),
]
