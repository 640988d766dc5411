import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from chainlead.core.tables import PlatformTable
from chainlead.recruitment.models import Target


class TargetTable(PlatformTable):
    name = tables.Column(linkify=True, verbose_name=_("name"))
    chain = tables.Column(verbose_name=_("chain"))
    segment = tables.Column(verbose_name=_("segment"), accessor="segment__name", default="—")
    location = tables.Column(verbose_name=_("where it is"))
    stage = tables.Column(verbose_name=_("stage"))
    owner = tables.Column(verbose_name=_("owner"), default="—")
    employees = tables.Column(verbose_name=_("employees"), attrs={"td": {"class": "num"}})
    updated_at = tables.DateTimeColumn(verbose_name=_("updated"), format="Y-m-d")

    class Meta:
        model = Target
        fields = [
            "name",
            "chain",
            "segment",
            "location",
            "stage",
            "owner",
            "employees",
            "updated_at",
        ]
        default_columns = fields
        attrs = {"class": "data"}
        empty_text = _("No recruitment target matches these filters.")
        order_by = ["-updated_at"]
