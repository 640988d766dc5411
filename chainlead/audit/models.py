"""The audit log: append-only, readable by admins and auditors, editable by no one."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("updated")
    DELETE = "delete", _("deleted")
    EVENT = "event", _("event")


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    # MLPS 2.0 8.1.4.3 c): audit records are protected from deletion and modification.
    def update(self, **kwargs: object) -> int:
        raise PermissionDenied("The audit log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionDenied("The audit log is append-only.")

    def bulk_create(  # type: ignore[override]
        self, objs: Iterable["AuditEntry"], batch_size: int | None = None, **kwargs: Any
    ) -> list["AuditEntry"]:
        """Every insert is linked into the hash chain, bulk ones too (`audit.chain.append`)."""
        from chainlead.audit.chain import append

        return append(list(objs), batch_size=batch_size or 2000)

    def _insert_sealed(self, objs: list["AuditEntry"]) -> list["AuditEntry"]:
        # Only `audit.chain.append_many` calls this, with the entries sealed for linking.
        return super().bulk_create(objs)


class AuditEntry(models.Model):
    """One change to one object (or one business event), with the state before and after."""

    # Set before the insert (not auto_now_add) because the entry's hash covers it.
    timestamp = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    source = models.CharField(max_length=16, default="system")
    remote_addr = models.CharField(max_length=64, blank=True)
    # Not indexed: no query looks an entry up by it (the admin's search is a substring match).
    request_id = models.CharField(max_length=32, blank=True)
    action = models.CharField(max_length=8, choices=AuditAction.choices)
    event = models.CharField(max_length=64, blank=True)
    # Both looked up through the (content_type, object_id, -timestamp) index and `object_id`'s
    # own plain one (Meta.indexes): no index of the content type alone, and no pattern index
    # for the record number (never matched by prefix). Fewer indexes: cheaper audited writes.
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=300)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    message = models.TextField(blank=True)
    # The hash chain (MLPS 2.0 8.1.4.3 c, tamper-evident records): `seq` orders the chain,
    # `hash` = sha256 over the entry's canonical JSON including `prev_hash` (audit.chain).
    seq = models.BigIntegerField(null=True, blank=True, unique=True)
    prev_hash = models.CharField(max_length=64, blank=True, db_default="")
    hash = models.CharField(max_length=64, blank=True, db_default="")

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-timestamp", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-timestamp"]),
            models.Index(fields=["object_id"], name="audit_entry_object_id"),
            # The entries waiting to be linked (audit.chain): few, read after every commit.
            models.Index(
                fields=["id"], condition=models.Q(seq__isnull=True), name="audit_entry_pending"
            ),
        ]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        default_permissions = ("view",)

    def __str__(self) -> str:
        when = f"{self.timestamp:%Y-%m-%d %H:%M:%S}"
        return f"{when} {self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise PermissionDenied("The audit log is append-only.")
        from chainlead.audit.chain import append

        append([self])

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionDenied("The audit log is append-only.")

    @property
    def changed_fields(self) -> list[str]:
        before = self.before or {}
        after = self.after or {}
        return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


class AuditChainHead(models.Model):
    """The one row (pk 1) naming the chain's last linked entry. Linking locks it
    (select_for_update) for a short transaction after each writer's commit, so two linkers
    never link to the same previous entry."""

    seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("audit chain head")
        default_permissions = ()

    def __str__(self) -> str:
        return f"#{self.seq} {self.last_hash[:12]}"


class AuditArchive(models.Model):
    """The anchor of an archive: entries up to `through_seq` moved to a signed file; the online
    chain continues from `tail_hash` (MLPS 2.0 8.1.4.3 d: records kept and backed up)."""

    created_at = models.DateTimeField(default=timezone.now)
    before = models.DateTimeField()
    first_seq = models.BigIntegerField()
    through_seq = models.BigIntegerField(unique=True)
    first_prev_hash = models.CharField(max_length=64, blank=True)
    tail_hash = models.CharField(max_length=64)
    entries = models.PositiveIntegerField()
    file_name = models.CharField(max_length=200)
    file_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-through_seq"]
        verbose_name = _("audit archive")
        verbose_name_plural = _("audit archives")
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.file_name} (#{self.first_seq}–#{self.through_seq})"
