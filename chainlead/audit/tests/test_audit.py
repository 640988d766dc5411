"""The audit log is append-only: no model, queryset or admin path changes or deletes it."""

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from chainlead.accounts.models import User
from chainlead.audit.context import acting_as
from chainlead.audit.models import AuditEntry
from chainlead.registry.models import Enterprise
from chainlead.registry.services import enterprise_create, enterprise_update


@pytest.fixture
def admin(db: Any) -> User:
    return User.objects.create_superuser("root", password=None)


@pytest.fixture
def entry(admin: User, districts: dict[str, Any]) -> AuditEntry:
    with acting_as(admin, source="test"):
        firm = enterprise_create(
            actor=admin, name="杭州强脑科技有限公司", district=districts["余杭区"]
        )
        enterprise_update(actor=admin, enterprise=firm, revenue=Decimal("12.5"))
    return AuditEntry.objects.filter(
        content_type__model="enterprise", object_id=str(firm.pk), action="update"
    ).get()


@pytest.mark.django_db
def test_changes_are_logged_with_actor_and_before_after(entry, admin):
    assert entry.actor == admin
    assert entry.source == "test"
    assert entry.before["revenue"] is None
    assert entry.after["revenue"] == "12.50"
    assert entry.changed_fields == ["revenue", "version"]
    assert entry.after["version"] == 2  # the stored number, not the F() expression


@pytest.mark.django_db
def test_an_entry_cannot_be_saved_again_or_deleted(entry):
    entry.message = "tampered"
    with pytest.raises(PermissionDenied):
        entry.save()
    with pytest.raises(PermissionDenied):
        entry.delete()
    entry.refresh_from_db()
    assert entry.message == ""


@pytest.mark.django_db
def test_querysets_cannot_update_or_delete(entry):
    count = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.filter(pk=entry.pk).update(message="tampered")
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.count() == count
    assert AuditEntry.objects.get(pk=entry.pk).message == ""


@pytest.mark.django_db
def test_the_admin_reads_but_never_writes_even_for_superusers(entry, admin):
    client = Client()
    client.force_login(admin)
    changelist = reverse("admin:audit_auditentry_changelist")
    assert client.get(changelist).status_code == 200
    change = reverse("admin:audit_auditentry_change", args=[entry.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # read-only view
    count = AuditEntry.objects.count()
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    response = client.post(change, {"message": "tampered", "action": "delete"})
    assert response.status_code == 403
    delete = reverse("admin:audit_auditentry_delete", args=[entry.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    bulk = client.post(
        changelist, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )
    assert bulk.status_code in (200, 302)  # no such action: nothing happens
    assert AuditEntry.objects.get(pk=entry.pk).message == ""
    assert AuditEntry.objects.count() == count


@pytest.mark.django_db
def test_a_staff_user_without_audit_role_cannot_read_the_admin_log(entry):
    staff = User.objects.create_user("staff", password=None, is_staff=True)
    client = Client()
    client.force_login(staff)
    response = client.get(reverse("admin:audit_auditentry_changelist"))
    assert response.status_code == 403


@pytest.mark.django_db
def test_admin_edits_of_firms_go_through_the_service_and_are_audited(admin, districts):
    firm = enterprise_create(
        actor=admin, name="杭州宇树科技股份有限公司", district=districts["滨江区"]
    )
    client = Client()
    client.force_login(admin)
    url = reverse("admin:registry_enterprise_change", args=[firm.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: ("on" if value is True else value)
        for name, value in ((f.name, f.value()) for f in form)
        if value not in (None, False)
    }
    data.update(
        {
            "address": "滨江区东信大道",
            "indicators-TOTAL_FORMS": "0",
            "indicators-INITIAL_FORMS": "0",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    firm.refresh_from_db()
    assert firm.address == "滨江区东信大道"
    assert firm.version == 2
    entry = AuditEntry.objects.filter(object_id=str(firm.pk), action="update").get()
    assert entry.actor == admin
    assert entry.after["address"] == "滨江区东信大道"
    assert Enterprise.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "admin:registry_enterprise_changelist",
        "admin:registry_enterprise_add",
        "admin:registry_district_changelist",
        "admin:registry_industry_changelist",
        "admin:registry_importjob_changelist",
        "admin:accounts_user_changelist",
        "admin:accounts_rolegrant_changelist",
        "admin:accounts_apitoken_changelist",
    ],
)
def test_the_admin_pages_open_for_city_admins_only(admin, name, districts):
    enterprise_create(actor=admin, name="杭州游科互动科技有限公司", district=districts["西湖区"])
    superuser = Client()
    superuser.force_login(admin)
    assert superuser.get(reverse(name)).status_code == 200
    staff = User.objects.create_user("clerk", password=None, is_staff=True)
    clerk = Client()
    clerk.force_login(staff)
    assert clerk.get(reverse(name)).status_code == 403


@pytest.mark.django_db
def test_reference_data_is_read_only_in_the_admin(admin, districts):
    client = Client()
    client.force_login(admin)
    district = districts["滨江区"]
    assert client.get(reverse("admin:registry_district_add")).status_code == 403
    url = reverse("admin:registry_district_change", args=[district.pk])
    assert client.post(url, {"code": "330108", "name": "改名区"}).status_code == 403
    district.refresh_from_db()
    assert district.name == "滨江区"


@pytest.mark.django_db
def test_admin_registers_and_deletes_firms_through_the_services(admin, districts):
    client = Client()
    client.force_login(admin)
    data = {
        "name": "杭州云深处科技有限公司",
        "district": districts["西湖区"].pk,
        "origin": "local",
        "provenance": "public",
        "source_note": "公司官网",
        "indicators-TOTAL_FORMS": "0",
        "indicators-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:registry_enterprise_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    firm = Enterprise.objects.get(name="杭州云深处科技有限公司")
    assert firm.source_note == "公司官网"
    firm_entries = AuditEntry.objects.filter(content_type__model="enterprise", object_id=firm.pk)
    created = firm_entries.get(action="create")
    assert created.actor == admin
    delete = reverse("admin:registry_enterprise_delete", args=[firm.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not Enterprise.objects.filter(pk=firm.pk).exists()
    assert firm_entries.filter(action="delete").exists()
