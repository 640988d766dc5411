"""The audit log: city admins and auditors read it; no one writes it (there is no write route)."""

from chainlead.core.testing import Case, World, only


def setup(world: World) -> None:
    from chainlead.audit.models import AuditEntry

    world.add("audit_entry", own=AuditEntry.objects.order_by("id").first())


READERS = only(["city_admin", "auditor"])

MATRIX = [
    Case("audit:entry_list", expect=READERS),
    Case("audit:entry_list", query={"export": "csv"}, expect=READERS),
    Case("audit:entry_list", query={"action": "create"}, htmx=True, expect=READERS),
    Case("audit:entry_detail", kwargs=lambda s: {"pk": s.audit_entry.pk}, expect=READERS),
    Case("audit:entry_list", method="POST", expect=only(["city_admin", "auditor"], yes=405)),
]
