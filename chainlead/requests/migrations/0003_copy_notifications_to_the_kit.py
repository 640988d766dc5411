"""Copy the requests app's notices into the kit's (chainlead.notifications), before the old
table goes (0004). The kind gains the app's prefix; the title becomes the subject; the link is
the request's page."""

from django.db import migrations


def copy(apps, schema_editor):  # type: ignore[no-untyped-def]
    Old = apps.get_model("requests", "Notification")
    New = apps.get_model("notifications", "Notification")
    ContentType = apps.get_model("contenttypes", "ContentType")
    request_type, _ = ContentType.objects.get_or_create(
        app_label="requests", model="enterpriserequest"
    )
    batch = []
    for old in Old.objects.order_by("pk").iterator(chunk_size=2000):
        batch.append(
            New(
                user_id=old.user_id,
                kind=f"requests.{old.kind}",
                subject=old.message,
                target_type_id=request_type.pk if old.request_id else None,
                target_id=str(old.request_id or ""),
                url=f"/requests/{old.request_id}/" if old.request_id else "",
                created_at=old.created_at,
                read_at=old.read_at,
            )
        )
        if len(batch) >= 2000:
            New.objects.bulk_create(batch)
            batch = []
    New.objects.bulk_create(batch)


def copy_back(apps, schema_editor):  # type: ignore[no-untyped-def]
    Old = apps.get_model("requests", "Notification")
    New = apps.get_model("notifications", "Notification")
    kinds = {"escalated", "routed", "resolved", "reopened"}
    rows = New.objects.filter(kind__startswith="requests.", target_id__regex=r"^[0-9]+$")
    Old.objects.bulk_create(
        Old(
            user_id=n.user_id,
            request_id=int(n.target_id),
            kind=n.kind.removeprefix("requests."),
            message=n.subject[:300],
            created_at=n.created_at,
            read_at=n.read_at,
        )
        for n in rows.iterator()
        if n.kind.removeprefix("requests.") in kinds
    )


class Migration(migrations.Migration):
    dependencies = [
        ("requests", "0002_index_requests_by_raised"),
        ("notifications", "0001_notices"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(copy, copy_back)]
