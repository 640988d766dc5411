"""The landing page after log-in: each role starts where its work is.

Apps declare their landing pages (`PlatformAppConfig.home_pages`); a reader none of them takes
gets a welcome page with the links of the menu they may open."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from chainlead.accounts.access import access_for
from chainlead.core.plugins import home_url


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    url = home_url(access_for(request.user))
    if url:
        return redirect(url)
    return render(request, "core/home.html")
