"""The hotline import's template download (the import page itself is in views.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from chainlead.core.views import permission_required
from chainlead.requests.hotline import hotline_template
from chainlead.requests.permissions import imports_hotline

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@permission_required(imports_hotline)
def hotline_import_template(request: HttpRequest) -> HttpResponse:
    """The hotline import template (.xlsx) in the reader's language, with example rows;
    for those who may import, like the import page."""
    response = HttpResponse(hotline_template(), content_type=XLSX)
    name = _("hotline-import-template")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{name}.xlsx"
    )
    return response
