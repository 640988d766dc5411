"""Notices to users: a kind and its parameters, rendered in the reader's language."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One notice to one user. The text is not stored: `kind` and `params` are, and the reader's
    language renders them (`kinds.render`). `subject` is user content (a request's title…),
    shown as written. A non-empty `key` makes a notice idempotent: one per user and key (the
    deadline reminders use it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=60)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    params = models.JSONField(_("parameters"), null=True, blank=True)
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    target_id = models.CharField(max_length=64, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notice_unread"),
            models.Index(fields=["target_type", "target_id"], name="notice_target"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~Q(key=""), name="notice_once_per_key"
            )
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} {self.subject}"

    @property
    def text(self) -> str:
        from chainlead.notifications.kinds import render

        return render(self.kind, self.subject, self.params or {})


class NotificationPreference(models.Model):
    """How a user wants their notices: e-mail too (opt-in), and in which language."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.BooleanField(_("also send by e-mail"), default=False)
    language = models.CharField(
        _("language of e-mails"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    # Only notices from the moment e-mail was switched on are mailed, never the backlog.
    email_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["user_id"]
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user}: {'e-mail' if self.email else 'in-app'}"
