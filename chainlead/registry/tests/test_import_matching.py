"""Issue 15 item 5: the enterprise import accepts what the UI shows, matches firms without a
credit code by name and stock code, reports possible duplicates, offers a template, and has
the new firms placed on the chains."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import override

from chainlead.accounts.models import User
from chainlead.accounts.services import role_grant
from chainlead.audit.context import acting_as
from chainlead.registry.importers import (
    CHINESE_HEADERS,
    ENGLISH_HEADERS,
    ImportResult,
    import_enterprises,
)
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


def row(**values: str) -> dict[str, str]:
    return {"district": "滨江区", "industry_code": "6432"} | values


def test_a_firm_without_credit_code_is_matched_by_its_name(admin: User, tmp_path: Path) -> None:
    assert import_as(admin, write_csv(tmp_path / "a.csv", GOOD)).created == 3
    # Simplified for the registered Traditional name, with stray spaces; no credit code.
    again = [dict(GOOD[0], credit_code="", name=" 阿里巴巴（中国） 有限公司", employees="30000")]
    result = import_as(admin, write_csv(tmp_path / "b.csv", again))
    assert result.ok, result.errors
    assert (result.created, result.updated) == (0, 1)
    assert Enterprise.objects.count() == 3
    assert Enterprise.objects.get(credit_code=GOOD[0]["credit_code"]).employees == 30000


def test_a_firm_without_credit_code_is_matched_by_its_stock_code(
    admin: User, tmp_path: Path
) -> None:
    listed = [row(credit_code="91330100799655058B", name="甲公司", stock_code="600001")]
    assert import_as(admin, write_csv(tmp_path / "a.csv", listed)).created == 1
    renamed = [row(name="甲科技股份有限公司", stock_code="600001")]
    result = import_as(admin, write_csv(tmp_path / "b.csv", renamed))
    assert (result.created, result.updated) == (0, 1), result.errors
    assert Enterprise.objects.get(stock_code="600001").name == "甲科技股份有限公司"


def test_a_new_firm_without_credit_code_is_created_once_and_audited(
    admin: User, tmp_path: Path
) -> None:
    from chainlead.audit.models import AuditEntry

    path = write_csv(tmp_path / "a.csv", [row(name="乙工作室")])
    first = import_as(admin, path)
    assert first.created == 1 and len(first.created_ids) == 1
    firm = Enterprise.objects.get(pk=first.created_ids[0])
    assert firm.credit_code is None and firm.name == "乙工作室"
    created = AuditEntry.objects.filter(object_id=str(firm.pk), action="create")
    assert created.filter(content_type__model="enterprise").count() == 1
    second = import_as(admin, path)  # found by name: nothing new
    assert (second.created, second.unchanged) == (0, 1)
    assert Enterprise.objects.count() == 1


def test_possible_duplicates_are_reported_and_ambiguous_names_refused(
    admin: User, tmp_path: Path
) -> None:
    first = [row(credit_code="91330100799655058B", name="丙有限公司")]
    assert import_as(admin, write_csv(tmp_path / "a.csv", first)).created == 1
    # The same name under another credit code: written, but never silently.
    other = [row(credit_code="91330108000000000W", name="丙有限公司")]
    result = import_as(admin, write_csv(tmp_path / "b.csv", other))
    assert result.ok and result.created == 1
    assert [(w.row, w.field) for w in result.warnings] == [(2, "name")]
    assert "possible duplicate" in result.warnings[0].reason
    assert "91330100799655058B" in result.warnings[0].reason
    # Now two firms have the name: a row without a credit code cannot tell which it means.
    result = import_as(admin, write_csv(tmp_path / "c.csv", [row(name="丙有限公司")]))
    assert [(e.row, e.field) for e in result.errors] == [(2, "name")]
    assert "give the firm's credit code" in result.errors[0].reason
    assert Enterprise.objects.count() == 2


def test_rows_without_credit_code_that_repeat_a_name_are_refused(
    admin: User, tmp_path: Path
) -> None:
    rows = [row(name="丁公司"), row(name="丁 公司")]
    result = import_as(admin, write_csv(tmp_path / "a.csv", rows))
    assert [(e.row, e.field) for e in result.errors] == [(3, "name")]
    assert not Enterprise.objects.exists()


# --- The template -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "headers"), [("zh-hans", CHINESE_HEADERS), ("en", ENGLISH_HEADERS)]
)
def test_the_template_has_the_headers_of_the_reader_language_and_valid_examples(
    admin: User, tmp_path: Path, language: str, headers: list[str]
) -> None:
    client = Client()
    client.force_login(admin)
    with override(language):
        response = client.get(reverse("registry:import_template"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    first, examples = workbook.worksheets
    assert [c.value for c in first[1]] == headers
    assert first.max_row == 1  # nothing to import until the reader fills it in
    rows = [list(r) for r in examples.iter_rows(min_row=2, values_only=True)]
    assert rows[0] == headers and len(rows) == 4
    assert all("示例" in r[1] or "example" in r[1] for r in rows[1:])  # marked as invented
    # The examples are valid input: copied to the first sheet, they import.
    copy = openpyxl.Workbook()
    for row in rows:
        copy.active.append(row)
    copy.save(tmp_path / "filled.xlsx")
    result = import_as(admin, tmp_path / "filled.xlsx")
    assert result.ok, result.errors
    assert result.created == 3


def test_only_those_who_import_may_download_the_template(admin: User) -> None:
    auditor = User.objects.create_user("auditor", password=None)
    role_grant(actor=admin, user=auditor, role="auditor")
    client = Client()
    client.force_login(auditor)
    assert client.get(reverse("registry:import_template")).status_code == 403
    assert Client().get(reverse("registry:import_template")).status_code == 302


def test_an_import_job_makes_its_firms_searchable(admin: User, tmp_path: Path) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from chainlead.registry.importers import import_job_create, run_job
    from chainlead.registry.models import EnterpriseSearch

    upload = SimpleUploadedFile("firms.csv", write_csv(tmp_path / "f.csv", GOOD).read_bytes())
    job = import_job_create(actor=admin, upload=upload, dry_run=False)
    with acting_as(admin, source="task"):
        assert run_job(job).created == 3
    documents = EnterpriseSearch.objects.select_related("enterprise")
    assert {d.enterprise.credit_code for d in documents} == {r["credit_code"] for r in GOOD}
    assert all(d.version == d.enterprise.version for d in documents)
