import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from chainlead.core.tables import PlatformTable
from chainlead.programs.models import Application


class ApplicationTable(PlatformTable):
    title = tables.Column(linkify=True, verbose_name=_("project title"))
    enterprise = tables.Column(verbose_name=_("firm"))
    round = tables.Column(verbose_name=_("round"))
    status = tables.Column(verbose_name=_("status"))
    rank = tables.Column(verbose_name=_("rank"), attrs={"td": {"class": "num"}}, default="—")
    submitted_at = tables.DateTimeColumn(verbose_name=_("submitted"), format="Y-m-d", default="—")
    provenance = tables.TemplateColumn(
        verbose_name=_("provenance"),
        template_name="programs/partials/_provenance.html",
        orderable=False,
    )

    class Meta:
        model = Application
        fields = ["title", "enterprise", "round", "status", "rank", "submitted_at", "provenance"]
        default_columns = fields
        attrs = {"class": "data"}
        empty_text = _("No application matches these filters.")
        order_by = ["round", "rank"]
