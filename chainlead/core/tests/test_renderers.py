"""The form renderer writes a select byte for byte as Django's templates do: plain, grouped,
multiple, escaped, with every kind of attribute and label; every other widget, and a select
whose options use another template, is left to Django's templates."""

from __future__ import annotations

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
