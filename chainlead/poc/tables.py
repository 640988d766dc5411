import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from chainlead.core.tables import PlatformTable
from chainlead.poc.models import Project


class ProjectTable(PlatformTable):
    title = tables.Column(linkify=True, verbose_name=_("title"))
    institution = tables.Column(verbose_name=_("institution"))
    centre = tables.Column(verbose_name=_("centre"), default="—")
    stage = tables.Column(verbose_name=_("stage"))
    trl = tables.Column(verbose_name=_("TRL"), attrs={"td": {"class": "num"}})
    status = tables.Column(verbose_name=_("status"))
    started_on = tables.DateColumn(verbose_name=_("started on"), format="Y-m-d")
    provenance = tables.TemplateColumn(
        verbose_name=_("provenance"),
        template_name="poc/partials/_provenance.html",
        orderable=False,
    )

    class Meta:
        model = Project
        fields = [
            "title",
            "institution",
            "centre",
            "stage",
            "trl",
            "status",
            "started_on",
            "provenance",
        ]
        default_columns = fields
        attrs = {"class": "data"}
        empty_text = _("No project matches these filters.")
        order_by = ["-started_on"]
