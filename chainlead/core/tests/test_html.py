"""chainlead.core.html.format_html writes what Django's does."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.utils import html as django_html
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from chainlead.core.html import escaped, format_html


class _Widget:
    def __html__(self) -> str:
        return "<input>"


ARGUMENTS: list[Any] = [
    "测试<b>&\"'",
    mark_safe("<em>safe</em>"),
    gettext_lazy("Search"),  # lazy, translated when written
    12345,
    Decimal("1.50"),
    None,
    _Widget(),
    "",
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("argument", ARGUMENTS)
def test_each_kind_of_argument_is_escaped_as_django_escapes_it(argument: Any, language: str):
    with translation.override(language):
        ours = format_html('<span title="{}">{}</span>', argument, argument)
        theirs = django_html.format_html('<span title="{}">{}</span>', argument, argument)
        assert ours == theirs
        assert escaped(argument) == django_html.conditional_escape(argument)
    assert isinstance(ours, SafeString)


def test_keyword_arguments_and_no_arguments_as_django():
    assert format_html("<a href='{url}'>{}</a>", "<x>", url="/a?b=1&c=2") == (
        django_html.format_html("<a href='{url}'>{}</a>", "<x>", url="/a?b=1&c=2")
    )
    with pytest.raises(TypeError):
        format_html("<br>")
