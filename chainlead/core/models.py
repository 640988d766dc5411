"""Shared bases: the data version that invalidates cached figures."""

from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _


class DataVersion(models.Model):
    """A counter bumped on every write to a data area; cached figures are keyed on it."""

    key = models.CharField(max_length=50, primary_key=True)
    version = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["key"]
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self) -> str:
        return f"{self.key}@{self.version}"

    @classmethod
    def bump(cls, key: str) -> None:
        updated = cls.objects.filter(key=key).update(version=F("version") + 1)
        if not updated:
            cls.objects.get_or_create(key=key, defaults={"version": 1})

    @classmethod
    def current(cls, key: str) -> int:
        row = cls.objects.filter(key=key).values_list("version", flat=True).first()
        return int(row or 0)
