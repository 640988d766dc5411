"""Choices read back from their codes or their labels in either language."""

from __future__ import annotations

import pytest
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from chainlead.core.choices import choice_from_label, choice_labels


class Origin(models.TextChoices):  # the registry's, restated so that the kit names no app
    LOCAL = "local", _("grown locally")
    ATTRACTED = "attracted", _("attracted")


@pytest.mark.parametrize(
    "value",
    ["local", "LOCAL", " local ", "grown locally", "Grown  Locally", "本地成长", " 本地成长\t"],
)
def test_codes_and_labels_in_both_languages(value: str) -> None:
    assert choice_from_label(Origin, value) == "local"


def test_the_reader_language_does_not_matter() -> None:
    for language in ("en", "zh-hans"):
        with override(language):
            assert choice_from_label(Origin, "招引") == "attracted"
            assert choice_from_label(Origin, "attracted") == "attracted"


def test_full_width_letters_and_aliases() -> None:
    assert choice_from_label(Origin, "ＬＯＣＡＬ") == "local"
    assert choice_from_label(Origin, "本地", aliases={"本地": "local"}) == "local"
    assert choice_labels(Origin.choices)["本地成长"] == "local"  # (code, label) pairs work too


def test_empty_is_none_and_unknown_names_the_accepted_labels() -> None:
    assert choice_from_label(Origin, "  ") is None
    assert choice_from_label(Origin, None) is None
    with override("en"), pytest.raises(ValueError, match="'moved' is not one of grown locally/"):
        choice_from_label(Origin, "moved")
