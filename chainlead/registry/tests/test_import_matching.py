"""Issue 15 item 5: the enterprise import accepts what the UI shows, matches firms without a
credit code by name and stock code, reports possible duplicates, offers a template, and has
the new firms placed on the chains."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from chainlead.accounts.models import User
from chainlead.audit.context import acting_as
from chainlead.registry.importers import ImportResult, import_enterprises
from chainlead.registry.models import Enterprise
from chainlead.registry.tests.test_importers import GOOD, write_csv


@pytest.fixture
def admin(db: Any, districts: dict[str, Any]) -> User:
    return User.objects.create_superuser("admin", password=None)


def import_as(user: User, path: Path, **kwargs: Any) -> ImportResult:
    with acting_as(user, source="cli"):
        return import_enterprises(path, **kwargs)


@pytest.mark.parametrize(
    ("size", "origin", "expected"),
    [
        ("中型", "本地成长", ("medium", "local")),  # the Chinese UI's labels
        ("Medium", "Grown locally", ("medium", "local")),  # the English UI's labels
        (" micro ", " 招引 ", ("micro", "attracted")),
        ("LARGE", "attracted", ("large", "attracted")),  # codes, in any case
        ("小型", "本地", ("small", "local")),  # the word older files use
    ],
)
def test_choice_columns_accept_labels_in_either_language(
    admin: User, tmp_path: Path, size: str, origin: str, expected: tuple[str, str]
) -> None:
    row = dict(GOOD[0], size_class=size, origin=origin)
    result = import_as(admin, write_csv(tmp_path / "firms.csv", [row], chinese=True))
    assert result.ok, result.errors
    firm = Enterprise.objects.get(credit_code=row["credit_code"])
    assert (firm.size_class, firm.origin) == expected


def test_an_unknown_choice_is_still_refused(admin: User, tmp_path: Path) -> None:
    row = dict(GOOD[0], origin="moved in")
    result = import_as(admin, write_csv(tmp_path / "firms.csv", [row]))
    assert [(e.row, e.field) for e in result.errors] == [(2, "origin")]
    assert "'moved in' is not one of" in result.errors[0].reason
    assert not Enterprise.objects.exists()
