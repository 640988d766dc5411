"""The form renderer writes a select byte for byte as Django's templates do: plain, grouped,
multiple, escaped, with every kind of attribute and label; every other widget, and a select
whose options use another template, is left to Django's templates."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from chainlead.core.renderers import FormRenderer
from chainlead.registry.filtersets import EnterpriseFilterSet
from chainlead.registry.models import Enterprise


def _both(widget: forms.Widget, value: Any, attrs: dict[str, Any] | None = None) -> tuple[str, str]:
    ours = widget.render("field", value, attrs, renderer=FormRenderer())
    django = widget.render("field", value, attrs, renderer=DjangoTemplates())
    return ours, django


class _CustomOption(forms.Select):
    option_template_name = "django/forms/widgets/input.html"


WIDGETS: list[tuple[str, forms.Widget, Any, dict[str, Any] | None]] = [
    ("plain", forms.Select(choices=[("a", "A"), ("b", "B")]), "b", None),
    ("nothing chosen", forms.Select(choices=[("", "---"), ("1", "one")]), None, None),
    (
        "escaped values and labels",
        forms.Select(choices=[('<x>&"', "<b>bold</b> & 'quoted'"), ("y", mark_safe("<i>ok</i>"))]),
        '<x>&"',
        {"data-x": '"<>', "class": "a b"},
    ),
    (
        "groups",
        forms.Select(
            choices=[("Fruit <1>", [("apple", "Apple"), ("pear", "Pear")]), ("x", "Loose")]
        ),
        "pear",
        None,
    ),
    (
        "multiple",
        forms.SelectMultiple(choices=[(1, "one"), (2, "two"), (3, "three")]),
        [1, 3],
        {"required": True, "disabled": False, "size": 3},
    ),
    ("yes/no", forms.NullBooleanSelect(), True, None),
    (
        "numbers and lazy labels",
        forms.Select(choices=[(2026, 2026), (12345, _("District")), (1.5, 1.5)]),
        12345,
        {"autofocus": True},
    ),
    ("empty choices", forms.Select(choices=[]), None, {"id": "id_field"}),
]


@pytest.mark.parametrize(
    ("widget", "value", "attrs"),
    [case[1:] for case in WIDGETS],
    ids=[case[0] for case in WIDGETS],
)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_select_is_written_as_djangos_templates_write_it(
    widget: forms.Widget, value: Any, attrs: dict[str, Any] | None, language: str
) -> None:
    with translation.override(language):
        ours, django = _both(widget, value, attrs)
    assert ours == django
    assert "<option" in ours or "empty" in str(widget.choices or "empty")  # type: ignore[attr-defined]


def test_a_select_with_another_option_template_is_left_to_django() -> None:
    widget = _CustomOption(choices=[("a", "A")])
    ours, django = _both(widget, "a")
    assert ours == django
    assert "<input" in ours  # the custom template did run


INPUTS: list[tuple[str, forms.Widget, Any, dict[str, Any] | None]] = [
    ("text", forms.TextInput(), "plain", None),
    ("text, nothing", forms.TextInput(), None, {"placeholder": "名称 <或> 代码"}),
    ("text, empty", forms.TextInput(), "", {"required": True, "disabled": False}),
    ("text, escaped", forms.TextInput(), '"><script>x</script>', {"data-x": "&"}),
    ("text, safe", forms.TextInput(), mark_safe("<b>"), None),
    ("number", forms.NumberInput(), 1234567, {"step": "0.01", "min": 0}),
    ("hidden", forms.HiddenInput(), "v", None),
    ("checkbox, on", forms.CheckboxInput(), True, {"class": "x"}),
    ("checkbox, off", forms.CheckboxInput(), False, None),
    ("date", forms.DateInput(attrs={"type": "date"}), "2026-03-02", None),
    ("password", forms.PasswordInput(render_value=True), "secret", None),
    ("email, lazy attribute", forms.EmailInput(), "a@b.cn", {"title": _("District")}),
]


@pytest.mark.parametrize(
    ("widget", "value", "attrs"),
    [case[1:] for case in INPUTS],
    ids=[case[0] for case in INPUTS],
)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_input_is_written_as_djangos_templates_write_it(
    widget: forms.Widget, value: Any, attrs: dict[str, Any] | None, language: str
) -> None:
    with translation.override(language):
        ours, django = _both(widget, value, attrs)
    assert ours == django
    assert ours.startswith("<input")


def test_other_widgets_are_left_to_django() -> None:
    for widget in (
        forms.Textarea(),
        forms.CheckboxSelectMultiple(choices=[("a", "A")]),
        forms.RadioSelect(choices=[("a", "A")]),
    ):
        ours, django = _both(widget, "a")
        assert ours == django


def test_the_platform_uses_the_renderer() -> None:
    assert isinstance(get_default_renderer(), FormRenderer)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_enterprise_filter_form_renders_the_same(language: str) -> None:
    data = {"district": "", "size_class": "small", "origin": "local", "listed": "true"}
    form = EnterpriseFilterSet(data, queryset=Enterprise.objects.all()).form
    with translation.override(language):
        ours = form.render(renderer=FormRenderer())
        django = form.render(renderer=DjangoTemplates())
    assert ours == django
    assert ours.count("<select") == 5
    assert 'value="small" selected' in ours


# --- The filter bar: its labels written in Python, its model selects without iterator() -----

# core/partials/_filter_form.html as it was when Django's templates drew the labels.
OLD_FILTER_FORM = """{% load i18n %}{% comment %}A django-filter form laid out with chainlead.css's .filters; include with
filter=... and optionally target="#id" to reload only that element through htmx (the view then
answers a fragment).{% endcomment %}
<form method="get" class="filters card" role="search"{% if target %} hx-get="{{ request.path }}" hx-target="{{ target }}" hx-swap="outerHTML" hx-push-url="true" hx-trigger="submit, change"{% endif %}>
  {% for field in filter.form %}
    <label for="{{ field.id_for_label }}">{{ field.label }}{{ field }}{% if field.errors %}<span class="errorlist">{{ field.errors|join:" " }}</span>{% endif %}</label>
  {% endfor %}
  <span class="actions">
    <button class="btn" type="submit">{% translate "Filter" %}</button>
    <a class="btn btn-secondary" href="{{ request.path }}">{% translate "Reset" %}</a>
  </span>
</form>
"""  # noqa: E501


def _filter_data(form: forms.Form, kind: str) -> dict[str, str] | None:
    """Data for every field of a filter form: none (unbound), empty, valid or invalid."""
    if kind == "unbound":
        return None
    data: dict[str, str] = {}
    if kind == "empty":
        return data
    for name, field in form.fields.items():
        if isinstance(field, forms.NullBooleanField):
            data[name] = "true" if kind == "valid" else "maybe"
        elif isinstance(field, forms.ChoiceField):
            values = [str(value) for value, _label in field.choices if str(value)]
            if kind == "valid":
                data[name] = values[-1] if values else ""
            else:
                data[name] = '<bogus> & "x"'
        elif isinstance(field, forms.DateField):
            data[name] = "2026-03-02" if kind == "valid" else "2026-13-45"
        else:
            data[name] = '<b>"名称"</b> & x'
    return data


@pytest.fixture
def filter_world(world: Any) -> Any:
    """The walk's world (chains, districts, firms) and rows for the other model selects."""
    from chainlead.poc.models import Centre
    from chainlead.requests.models import Department, Tag

    Department.objects.create(name='<b>"经信局"</b> & co')
    Department.objects.create(name="商务局")
    Tag.objects.create(name="tag <1>")
    Centre.objects.create(name="中心 & <centre>")
    return world


def _reference_form(filterset_class: type[Any], data: Any, request: Any) -> forms.Form:
    """django-filter's own form of the FilterSet, drawn by Django's templates alone."""
    from django_filters.filterset import BaseFilterSet

    filterset = filterset_class(
        data, queryset=filterset_class._meta.model.objects.all(), request=request
    )
    form_class = BaseFilterSet.get_form_class(filterset)
    if filterset.is_bound:
        return form_class(filterset.data, renderer=DjangoTemplates())  # type: ignore[no-any-return]
    return form_class(renderer=DjangoTemplates())  # type: ignore[no-any-return]


def _filtersets() -> list[type[Any]]:
    from chainlead.core.tests.test_filters import FILTERSETS

    return FILTERSETS


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["unbound", "empty", "valid", "invalid"])
@pytest.mark.parametrize("filterset_class", _filtersets(), ids=lambda c: c.__name__)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_filter_bar_of_the_platform_is_drawn_as_before(
    filter_world: Any, filterset_class: type[Any], kind: str, language: str
) -> None:
    from django.template import Context, Template
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    with translation.override(language):
        unbound = filterset_class(None, queryset=filterset_class._meta.model.objects.all())
        data = _filter_data(unbound.form, kind)
        request = RequestFactory().get("/some/list/", data or {})
        for target in ("#list-results", None):
            filterset = filterset_class(
                data, queryset=filterset_class._meta.model.objects.all(), request=request
            )
            context = {"filter": filterset, "request": request, "target": target}
            ours = render_to_string("core/partials/_filter_form.html", context)
            reference = _reference_form(filterset_class, data, request)
            old = Template(OLD_FILTER_FORM).render(
                Context({"filter": SimpleNamespace(form=reference), **context})
            )
            assert ours == old
    assert ours.count("<label") == len(reference.fields) > 0
    if kind == "invalid" and any(
        isinstance(f, forms.ChoiceField) for f in reference.fields.values()
    ):
        assert 'class="errorlist"' in ours
    if kind == "valid":
        assert 'class="errorlist"' not in ours
    if filterset_class.__name__ == "EnterpriseFilterSet":
        assert ours.count("<option") > 13  # the districts


def _filter_form(renderer: Any, data: Any = None, **kwargs: Any) -> Any:
    from chainlead.core.filters import FilterForm

    form = FilterForm(data, renderer=renderer, **kwargs)
    form.fields = {
        "name": forms.CharField(label=_("District"), required=False),
        "html": forms.CharField(label='<b>"x"</b> & y', required=True),
        "safe": forms.IntegerField(label=mark_safe("<i>safe</i>"), required=False),
        "own_id": forms.CharField(widget=forms.TextInput(attrs={"id": "custom"}), required=False),
        "kind": forms.ChoiceField(choices=[("", "all"), ("a", "A <1>")], required=False),
        "hidden": forms.CharField(widget=forms.HiddenInput(), required=False),
    }
    return form


@pytest.mark.parametrize(
    ("data", "kwargs"),
    [
        (None, {}),
        ({"name": "a", "html": "b", "safe": "3", "kind": "a"}, {}),
        ({"safe": "x<y", "kind": "<zz>"}, {}),
        ({"name": "v"}, {"prefix": "p", "auto_id": False}),
        ({"html": "v"}, {"auto_id": "f_%s"}),
    ],
    ids=["unbound", "valid", "invalid", "prefix, no ids", "own auto id"],
)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_filter_forms_labels_are_written_as_the_template_writes_them(
    data: Any, kwargs: dict[str, Any], language: str
) -> None:
    with translation.override(language):
        ours_form = _filter_form(FormRenderer(), data, **kwargs)
        django_form = _filter_form(DjangoTemplates(), data, **kwargs)
        if data is not None and "safe" in data:
            for form in (ours_form, django_form):
                form.add_error("html", "<b>first</b> & more")
                form.add_error("html", "second")
        ours = str(ours_form)
        django = str(django_form)
    assert ours == django
    assert ours.count("<label") == 6
    assert ours.startswith("<label") and ours.endswith("</label>")
    if data is not None and "safe" in data:
        assert "&lt;b&gt;first&lt;/b&gt; &amp; more second</span>" in ours


def test_a_filter_form_without_fields_is_empty() -> None:
    from chainlead.core.filters import FilterForm

    ours = FilterForm(renderer=FormRenderer())
    django = FilterForm(renderer=DjangoTemplates())
    assert str(ours) == str(django) == ""


class _NamedDistrict(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"<{obj.pk}> {obj.name}"


def _model_form(renderer: Any, data: Any = None) -> forms.Form:
    import django_filters

    from chainlead.registry.models import District

    class ModelSelects(forms.Form):
        plain = forms.ModelChoiceField(District.objects.all(), required=False)
        by_name = forms.ModelChoiceField(District.objects.all(), to_field_name="name")
        required = forms.ModelChoiceField(District.objects.all(), empty_label=None)
        labelled = _NamedDistrict(District.objects.order_by("-name"), required=False)
        several = forms.ModelMultipleChoiceField(District.objects.all(), required=False)
        boxes = forms.ModelMultipleChoiceField(
            District.objects.all(), widget=forms.CheckboxSelectMultiple, required=False
        )
        radios = forms.ModelChoiceField(
            District.objects.all(), widget=forms.RadioSelect, required=False
        )
        prefetched = forms.ModelChoiceField(
            District.objects.prefetch_related("enterprises"), required=False
        )
        filtered = django_filters.ModelChoiceFilter(
            queryset=District.objects.all(), null_label="none", empty_label="all"
        ).field
        filtered_many = django_filters.ModelMultipleChoiceFilter(
            queryset=District.objects.all(), null_label="none"
        ).field

    return ModelSelects(data, renderer=renderer)


MODEL_DATA = [None, {"plain": "2", "by_name": "上城区", "several": ["1", "3"], "boxes": ["2"]}]


@pytest.mark.django_db
@pytest.mark.parametrize("data", MODEL_DATA, ids=["unbound", "bound"])
def test_model_selects_are_drawn_as_django_draws_them(districts: Any, data: Any) -> None:
    from django.forms.models import ModelChoiceIterator

    ours_form = _model_form(FormRenderer(), data)
    django_form = _model_form(DjangoTemplates(), data)
    ours = {name: str(ours_form[name]) for name in ours_form.fields}
    django = {name: str(django_form[name]) for name in django_form.fields}
    assert ours == django
    # `{% for option in form.boxes %}`: the bound field's subwidgets.
    assert [str(w) for w in ours_form["boxes"]] == [str(w) for w in django_form["boxes"]]
    assert [str(w) for w in ours_form["radios"]] == [str(w) for w in django_form["radios"]]
    assert len(list(ours_form["radios"])) == len(districts)  # a radio list has no empty choice
    assert ours["plain"].count("<option") == len(districts) + 1
    assert ours["filtered"].count("<option") == len(districts) + 2  # all, none
    assert f"&lt;{districts['上城区'].pk}&gt; 上城区</option>" in ours["labelled"]
    for name, field in ours_form.fields.items():
        # The widget has its own choices back; the field's queryset holds no rows.
        assert type(field.widget.choices) is type(django_form.fields[name].widget.choices)
        assert isinstance(field.widget.choices, ModelChoiceIterator)
        if name != "prefetched":
            assert field.queryset._result_cache is None


class _Cursors:
    """The kind of database cursor each statement runs on: a server-side one is psycopg's
    ServerCursor (DECLARE, FETCH, CLOSE)."""

    def __init__(self) -> None:
        self.kinds: list[str] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        kinds = type(context["cursor"].cursor).__mro__
        self.kinds.append("server" if any(k.__name__ == "ServerCursor" for k in kinds) else "plain")
        return execute(sql, params, many, context)


@pytest.mark.django_db
def test_model_selects_read_their_rows_without_a_server_side_cursor(districts: Any) -> None:
    from django.db import connection

    ours, django = _Cursors(), _Cursors()
    with connection.execute_wrapper(ours):
        str(_model_form(FormRenderer())["plain"])
        str(EnterpriseFilterSet(None, queryset=Enterprise.objects.all()).form["district"])
    with connection.execute_wrapper(django):
        str(_model_form(DjangoTemplates())["plain"])
    assert ours.kinds == ["plain", "plain"]
    if connection.vendor == "postgresql":  # what Django's iterator() does there
        assert django.kinds == ["server"]
