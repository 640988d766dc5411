"""Reading the audit log."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from chainlead.audit.models import AuditEntry


def audit_entries_for(*, instance: models.Model) -> QuerySet[AuditEntry]:
    ct = ContentType.objects.get_for_model(type(instance))
    return AuditEntry.objects.filter(content_type=ct, object_id=str(instance.pk)).select_related(
        "actor"
    )
