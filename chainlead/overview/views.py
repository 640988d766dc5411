"""The city overview page: thin, the selectors hold the figures."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from chainlead.core.views import permission_required
from chainlead.overview.permissions import reads_overview
from chainlead.overview.selectors import city_overview


@permission_required(reads_overview)
@require_http_methods(["GET"])
def city(request: HttpRequest) -> HttpResponse:
    overview = city_overview(user=request.user, today=timezone.localdate())
    return render(request, "overview/city.html", {"overview": overview})
