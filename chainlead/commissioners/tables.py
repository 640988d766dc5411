import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from chainlead.commissioners.models import Assignment, Commissioner
from chainlead.core.tables import PlatformTable


class CommissionerTable(PlatformTable):
    name = tables.TemplateColumn(
        verbose_name=_("name"),
        template_name="commissioners/partials/_commissioner_name.html",
        order_by=("name",),
    )
    kind = tables.Column(verbose_name=_("kind"))
    home_institution = tables.Column(verbose_name=_("home institution"))
    district = tables.Column(verbose_name=_("district"), default="—")
    capacity = tables.Column(verbose_name=_("capacity"), attrs={"td": {"class": "num"}})
    status = tables.Column(verbose_name=_("status"))

    class Meta:
        model = Commissioner
        fields = ["name", "kind", "home_institution", "district", "capacity", "status"]
        default_columns = fields
        attrs = {"class": "data"}
        empty_text = _("No commissioner matches these filters.")


class AssignmentTable(PlatformTable):
    id = tables.Column(linkify=True, verbose_name=_("station"))
    commissioner = tables.Column(verbose_name=_("commissioner"))
    enterprise = tables.Column(verbose_name=_("firm"))
    starts_on = tables.DateColumn(verbose_name=_("from"), format="Y-m-d")
    ends_on = tables.DateColumn(verbose_name=_("until"), format="Y-m-d", default="—")
    ended_early_on = tables.DateColumn(verbose_name=_("ended early"), format="Y-m-d", default="")

    class Meta:
        model = Assignment
        fields = ["id", "commissioner", "enterprise", "starts_on", "ends_on", "ended_early_on"]
        default_columns = fields
        attrs = {"class": "data"}
        empty_text = _("No station to show.")
