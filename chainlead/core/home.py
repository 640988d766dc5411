"""The landing page after log-in: each role starts where its work is."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from chainlead.accounts.access import access_for


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    access = access_for(request.user)
    if access.reads_chain_maps:
        return redirect("chains:chain_list")
    if access.enterprise_ids:
        return redirect("registry:enterprise_detail", pk=min(access.enterprise_ids))
    try:
        links = [(reverse("requests:request_list"), "requests")]
    except NoReverseMatch:
        links = []
    return render(request, "core/home.html", {"links": links})
