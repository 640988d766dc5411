"""Pages of notices: the list (with read marks), the bell fragment, the preferences."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chainlead.core.views import is_fragment, permission_required
from chainlead.notifications import selectors, services
from chainlead.notifications.forms import PreferenceForm
from chainlead.notifications.permissions import reads_own_notifications

# How often the bell asks again (an htmx poll; the page need not be reloaded).
BELL_REFRESH_SECONDS = 60
PER_PAGE = 50


@permission_required(reads_own_notifications)
@require_http_methods(["GET"])
def notification_list(request: HttpRequest) -> HttpResponse:
    notices = selectors.notification_list(user=request.user)
    page = Paginator(notices, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notifications/notification_list.html", {"page": page})


@permission_required(reads_own_notifications)
@require_http_methods(["POST"])
def notification_read(request: HttpRequest) -> HttpResponse:
    """Mark all read, or the ones ticked (`id`), or the one followed (`id` and `next`)."""
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()]
    services.notifications_mark_read(actor=request.user, ids=ids or None)
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("notifications:list")


@permission_required(reads_own_notifications)
@require_http_methods(["GET"])
def notification_bell(request: HttpRequest) -> HttpResponse:
    """The bell of the top bar: an htmx fragment that refreshes itself."""
    count = selectors.unread_count(user=request.user)
    response = render(
        request,
        "notifications/partials/_bell.html",
        {"unread": count, "refresh": BELL_REFRESH_SECONDS},
    )
    if not is_fragment(request):
        response["Cache-Control"] = "no-store"
    return response


@permission_required(reads_own_notifications)
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    pref = selectors.preference_get(user=request.user)
    initial = {"email": pref.email, "language": pref.language} if pref else {}
    form = PreferenceForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.preference_set(
                actor=request.user,
                email=form.cleaned_data["email"],
                language=form.cleaned_data["language"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("Notification settings saved."))
            return redirect("notifications:preferences")
    context = {"form": form, "title": _("Notification settings"), "submit_label": _("Save")}
    return render(request, "core/form.html", context)
