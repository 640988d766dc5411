"""The generic views: scope (404), permission (403), service errors shown one way, transitions."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import path, reverse

from chainlead.core.exceptions import ConcurrentEditError
from chainlead.core.generic import DetailView, FormView, TransitionView, get_or_404
from chainlead.registry import selectors, services
from chainlead.registry.models import Enterprise
from chainlead.registry.permissions import manages_registry
from config.urls import urlpatterns as site_patterns


def _anyone(access: Any) -> bool:
    return access.authenticated


class FirmDetail(DetailView[Enterprise]):
    permission = _anyone
    selector = staticmethod(selectors.enterprise_list)
    template_name = "core/form.html"

    def context(self, obj: Enterprise) -> dict[str, Any]:
        return {"title": f"firm {obj.name}", "form": forms.Form()}


class NameForm(forms.Form):
    name = forms.CharField()
    employees = forms.IntegerField(required=False)


class FirmRename(FormView[Enterprise]):
    permission = manages_registry
    selector = staticmethod(selectors.enterprise_list)
    form_class = NameForm
    title = "Rename"

    def initial(self, obj: Enterprise | None) -> dict[str, Any]:
        return {"name": obj.name} if obj else {}

    def perform(self, obj: Enterprise | None, data: dict[str, Any]) -> Enterprise:
        assert obj is not None
        if data["name"] == "conflict":
            raise ConcurrentEditError()
        if data["name"] == "bad-size":
            raise ValidationError({"employees": "too many", "credit_code": "not ours"})
        return services.enterprise_update(
            actor=self.request.user, enterprise=obj, name=data["name"]
        )

    def success_url(self, saved: Enterprise) -> str:
        return reverse("generic-firm", args=[saved.pk])


class FirmTouch(TransitionView[Enterprise]):
    permission = _anyone
    selector = staticmethod(selectors.enterprise_list)

    def perform(self, obj: Enterprise, data: dict[str, Any]) -> str:
        if obj.name.startswith("Walk firm other"):
            raise ValidationError("refused by the service")
        return f"touched {obj.name}"

    def back_url(self, obj: Enterprise) -> str:
        return reverse("generic-firm", args=[obj.pk])


class FirmByGetter(DetailView[Enterprise]):
    """Another lookup: the selector's own getter, and an object-level rule."""

    permission = _anyone
    template_name = "core/form.html"

    def get_object(self) -> Enterprise:
        return get_or_404(selectors.enterprise_get, user=self.request.user, pk=self.kwargs["pk"])

    def allows(self, obj: Enterprise) -> bool:
        return not obj.name.startswith("Walk firm other")

    def context(self, obj: Enterprise) -> dict[str, Any]:
        return {"title": f"got {obj.name}", "form": forms.Form()}


class NoteForm(forms.Form):
    note = forms.CharField()

    def __init__(self, *args: Any, firm: Enterprise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].label = f"Note on {firm.name}"


class FirmNote(FormView[Enterprise]):
    """A create under a parent: the form needs the firm; the page shows it."""

    permission = _anyone
    form_class = NoteForm

    def get_object(self) -> Enterprise:
        return get_or_404(selectors.enterprise_get, user=self.request.user, pk=self.kwargs["pk"])

    def allows(self, obj: Enterprise | None) -> bool:
        return obj is not None and not obj.name.endswith("refused")

    def form_kwargs(self, obj: Enterprise | None) -> dict[str, Any]:
        return {"firm": obj}

    def context(self, obj: Enterprise | None) -> dict[str, Any]:
        return {"title": f"Notes of {obj}"}

    def perform(self, obj: Enterprise | None, data: dict[str, Any]) -> Enterprise:
        assert obj is not None
        return obj

    def success_url(self, saved: Enterprise) -> str:
        return reverse("generic-firm", args=[saved.pk])


class FirmMark(TransitionView[Enterprise]):
    permission = _anyone
    selector = staticmethod(selectors.enterprise_list)
    form_class = NameForm
    invalid_message = "Give a name."

    def perform(self, obj: Enterprise, data: dict[str, Any]) -> str:
        return ""  # nothing to say

    def back_url(self, obj: Enterprise) -> str:
        return reverse("generic-firm", args=[obj.pk])


urlpatterns = [
    *site_patterns,
    path("generic/<int:pk>/", FirmDetail.as_view(), name="generic-firm"),
    path("generic/<int:pk>/rename/", FirmRename.as_view(), name="generic-rename"),
    path("generic/<int:pk>/touch/", FirmTouch.as_view(), name="generic-touch"),
    path("generic/<int:pk>/got/", FirmByGetter.as_view(), name="generic-got"),
    path("generic/<int:pk>/note/", FirmNote.as_view(), name="generic-note"),
    path("generic/<int:pk>/mark/", FirmMark.as_view(), name="generic-mark"),
]


@pytest.fixture(autouse=True)
def _urls(settings: Any) -> None:
    settings.ROOT_URLCONF = __name__


def test_detail_is_404_outside_the_readers_scope(world: Any, role_clients: dict[str, Client]):
    enterprise = role_clients["enterprise"]
    assert enterprise.get(reverse("generic-firm", args=[world.own.firm.pk])).status_code == 200
    assert enterprise.get(reverse("generic-firm", args=[world.other.firm.pk])).status_code == 404
    assert enterprise.get(reverse("generic-firm", args=[999_999])).status_code == 404
    assert role_clients["anonymous"].get(reverse("generic-firm", args=[1])).status_code == 302


def test_form_view_declares_its_permission(world: Any, role_clients: dict[str, Client]):
    url = reverse("generic-rename", args=[world.own.firm.pk])
    assert role_clients["enterprise"].get(url).status_code == 403
    page = role_clients["city_admin"].get(url)
    assert page.status_code == 200 and "Walk firm own" in page.content.decode()


def test_form_view_saves_through_the_service(world: Any, role_clients: dict[str, Client]):
    url = reverse("generic-rename", args=[world.own.firm.pk])
    response = role_clients["city_admin"].post(url, {"name": "Renamed"})
    assert response.status_code == 302
    world.own.firm.refresh_from_db()
    assert world.own.firm.name == "Renamed"


def test_service_errors_are_shown_on_their_fields_or_on_top(world, role_clients):
    url = reverse("generic-rename", args=[world.own.firm.pk])
    response = role_clients["city_admin"].post(url, {"name": "bad-size"})
    form = response.context["form"]
    assert form.errors["employees"] == ["too many"]
    assert form.non_field_errors() == ["not ours"]  # a field the form does not have
    response = role_clients["city_admin"].post(url, {"name": "conflict"})
    assert "changed by someone else" in response.content.decode()
    world.own.firm.refresh_from_db()
    assert world.own.firm.name == "Walk firm own"


def test_transition_posts_only_and_shows_the_outcome(world, role_clients):
    admin = role_clients["city_admin"]
    url = reverse("generic-touch", args=[world.own.firm.pk])
    assert admin.get(url).status_code == 405
    page = admin.post(url, follow=True).content.decode()
    assert "touched Walk firm own" in page
    other = reverse("generic-touch", args=[world.other.firm.pk])
    assert "refused by the service" in admin.post(other, follow=True).content.decode()
    assert role_clients["enterprise"].post(other).status_code == 404


def test_get_object_and_allows_hooks(world: Any, role_clients: dict[str, Client]):
    admin = role_clients["city_admin"]
    page = admin.get(reverse("generic-got", args=[world.own.firm.pk]))
    assert page.status_code == 200 and "got Walk firm own" in page.content.decode()
    assert admin.get(reverse("generic-got", args=[world.other.firm.pk])).status_code == 403
    assert admin.get(reverse("generic-got", args=[999_999])).status_code == 404
    enterprise = role_clients["enterprise"]
    assert enterprise.get(reverse("generic-got", args=[world.other.firm.pk])).status_code == 404


def test_form_view_under_a_parent_with_form_kwargs_and_context(world, role_clients):
    admin = role_clients["city_admin"]
    url = reverse("generic-note", args=[world.own.firm.pk])
    page = admin.get(url).content.decode()
    assert "Notes of Walk firm own" in page and "Note on Walk firm own" in page
    assert admin.post(url, {"note": "x"})["Location"] == reverse(
        "generic-firm", args=[world.own.firm.pk]
    )
    world.own.firm.name = "Walk firm refused"
    world.own.firm.save()
    assert admin.get(url).status_code == 403
    assert admin.post(url, {"note": "x"}).status_code == 403


def test_transition_invalid_message_and_silent_success(world, role_clients):
    admin = role_clients["city_admin"]
    url = reverse("generic-mark", args=[world.own.firm.pk])
    refused = admin.post(url, {"name": ""}, follow=True)
    assert [str(m) for m in refused.context["messages"]] == ["Give a name."]
    done = admin.post(url, {"name": "ok"}, follow=True)
    assert [str(m) for m in done.context["messages"]] == []
