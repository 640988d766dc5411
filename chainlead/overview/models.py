"""The overview's own data: the qualification tags of a firm's file (一企一档).

The registry has no field for a firm's qualifications (high-tech enterprise, 专精特新 …), so the
firm file keeps them here, each with where it comes from."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from chainlead.overview.choices import Qualification, TagProvenance


class FirmTag(models.Model):
    """A qualification of a firm, with its source and provenance."""

    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="qualification_tags",
    )
    qualification = models.CharField(
        _("qualification"), max_length=20, choices=Qualification.choices
    )
    provenance = models.CharField(
        _("provenance"), max_length=10, choices=TagProvenance.choices, default=TagProvenance.ENTERED
    )
    source = models.CharField(_("source"), max_length=300)
    evidence = models.TextField(_("evidence"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["enterprise", "qualification"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "qualification"], name="firm_tag_once_per_firm"
            )
        ]
        verbose_name = _("qualification tag")
        verbose_name_plural = _("qualification tags")

    def __str__(self) -> str:
        return f"{self.enterprise_id}: {self.get_qualification_display()}"
