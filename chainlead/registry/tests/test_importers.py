"""Enterprise import: encodings, Excel, all-or-nothing validation, idempotence, audit, the UI."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from chainlead.accounts.models import User
from chainlead.accounts.services import role_grant
from chainlead.audit import chain
from chainlead.audit.context import acting_as
from chainlead.audit.models import AuditEntry
from chainlead.core.models import DataVersion
from chainlead.registry.choices import DataProvenance, ImportStatus
from chainlead.registry.importers import (
    CHINESE_HEADERS,
    ENGLISH_HEADERS,
    import_enterprises,
    parse_date,
)
from chainlead.registry.models import Enterprise, ImportJob

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Three firms; codes computed with credit_code_check_char.
GOOD = [
    {
        "credit_code": "91330100799655058B",
        "name": "阿里巴巴（中國）有限公司",
        "district": "余杭区",
        "industry_code": "6432",
        "founded": "1999-09-09",
        "size_class": "large",
        "above_designated_size": "yes",
        "employees": "20000",
        "revenue": "1,234,567.891",
        "rd_spend": "5000",
        "business_scope": "互联网信息服务",
        "listed": "是",
        "origin": "本地",
        "origin_place": "",
        "landed_on": "",
    },
    {
        "credit_code": "91330108000000000W",
        "name": "杭州宇树科技有限公司",
        "district": "Binjiang",
        "industry_code": "3491",
        "founded": "2016/8/26",
        "size_class": "中型",
        "above_designated_size": "否",
        "employees": "800",
        "revenue": "",
        "rd_spend": "",
        "business_scope": "",
        "listed": "no",
        "origin": "local",
        "origin_place": "",
        "landed_on": "",
    },
    {
        "credit_code": "913301080000000010",
        "name": "强脑科技（杭州）有限公司",
        "district": "330110",
        "industry_code": "39",
        "founded": "2015-03-01",
        "size_class": "small",
        "above_designated_size": "",
        "employees": "",
        "revenue": "3000.5",
        "rd_spend": "900",
        "business_scope": "脑机接口",
        "listed": "",
        "origin": "attracted",
        "origin_place": "美国波士顿",
        "landed_on": "2018-06-01",
    },
]


def write_csv(
    path: Path,
    rows: list[dict[str, str]],
    *,
    encoding: str = "utf-8",
    chinese: bool = False,
    columns: list[str] | None = None,
) -> Path:
    columns = columns or ENGLISH_HEADERS
    headers = [CHINESE_HEADERS[ENGLISH_HEADERS.index(c)] if chinese else c for c in columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


@pytest.fixture
def admin(db: Any, districts: dict[str, Any]) -> User:
    return User.objects.create_superuser("admin", password=None)


def import_as(user: User | None, path: Path, **kwargs: Any) -> Any:
    with acting_as(user, source="cli"):
        return import_enterprises(path, **kwargs)


def firm(code: str) -> Enterprise:
    return Enterprise.objects.select_related("district", "industry").get(credit_code=code)


def assert_good_firms() -> None:
    ali = firm("91330100799655058B")
    assert ali.district.name == "余杭区"
    assert ali.industry_id == "6432"
    assert ali.founded == dt.date(1999, 9, 9)
    assert ali.size_class == "large"
    assert ali.above_designated_size is True
    assert ali.employees == 20000
    assert ali.revenue == Decimal("1234567.89")
    assert ali.listed is True
    assert ali.origin == "local"
    assert ali.provenance == DataProvenance.ENTERED
    assert ali.search_text == "阿里巴巴（中国）有限公司"  # Traditional 國 searched as 国
    unitree = firm("91330108000000000W")
    assert unitree.district.name == "滨江区"
    assert unitree.founded == dt.date(2016, 8, 26)
    assert unitree.size_class == "medium"
    assert unitree.above_designated_size is False
    assert unitree.revenue is None
    brainco = firm("913301080000000010")
    assert brainco.district.code == "330110"
    assert brainco.industry_id == "39"
    assert brainco.origin == "attracted"
    assert brainco.origin_place == "美国波士顿"
    assert brainco.landed_on == dt.date(2018, 6, 1)
    assert brainco.listed is False


@pytest.mark.parametrize(
    ("encoding", "chinese"),
    [("utf-8", False), ("utf-8-sig", True), ("gbk", True), ("gb18030", False)],
)
def test_csv_in_each_encoding(admin: User, tmp_path: Path, encoding: str, chinese: bool) -> None:
    path = write_csv(tmp_path / "firms.csv", GOOD, encoding=encoding, chinese=chinese)
    result = import_as(admin, path)
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    assert_good_firms()


def test_gb18030_characters_outside_gbk(admin: User, tmp_path: Path) -> None:
    rows = [dict(GOOD[1], name="杭州𠮷祥科技有限公司")]
    path = write_csv(tmp_path / "firms.csv", rows, encoding="gb18030", chinese=True)
    assert import_as(admin, path).ok
    assert firm("91330108000000000W").name == "杭州𠮷祥科技有限公司"


@pytest.mark.parametrize("chinese", [False, True])
def test_excel_with_dates_and_numbers(admin: User, tmp_path: Path, chinese: bool) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    # Columns in another order than the format lists them.
    columns = list(reversed(ENGLISH_HEADERS))
    sheet.append([CHINESE_HEADERS[ENGLISH_HEADERS.index(c)] if chinese else c for c in columns])
    for row in GOOD:
        values: dict[str, Any] = dict(row)
        values["founded"] = dt.datetime.fromisoformat(
            row["founded"].replace("/", "-").replace("-8-", "-08-")
        )
        values["employees"] = int(row["employees"]) if row["employees"] else None
        values["revenue"] = float(row["revenue"].replace(",", "")) if row["revenue"] else None
        sheet.append([values.get(c) or None for c in columns])
    path = tmp_path / "firms.xlsx"
    workbook.save(path)
    result = import_as(admin, path)
    assert result.ok, result.errors
    assert result.created == 3
    assert_good_firms()


def test_date_formats() -> None:
    assert parse_date("2020-01-31") == dt.date(2020, 1, 31)
    assert parse_date("2020/1/5") == dt.date(2020, 1, 5)
    assert parse_date("2020年1月5日") == dt.date(2020, 1, 5)
    assert parse_date("43831") == dt.date(2020, 1, 1)  # an Excel serial number
    assert parse_date(dt.datetime(2020, 1, 1, 12, 0)) == dt.date(2020, 1, 1)
    assert parse_date("") is None
    with pytest.raises(ValueError, match="not a real date"):
        parse_date("2020-02-30")
    with pytest.raises(ValueError, match="not a date"):
        parse_date("31.01.20")


def test_bad_rows_are_all_reported_and_nothing_is_written(admin: User, tmp_path: Path) -> None:
    bad = [
        GOOD[0],
        dict(GOOD[1], credit_code="91330108000000000X"),  # row 3: wrong check character
        dict(GOOD[2], district="朝阳区", industry_code="9999"),  # row 4: two errors
        dict(GOOD[1], credit_code="913301080000000023", founded="2020-13-01", employees="-3"),
        dict(GOOD[1], credit_code="913301080000000036", size_class="huge", listed="maybe"),
        dict(GOOD[0], name=""),  # row 7: a second 91330100799655058B, and no name
    ]
    from chainlead.registry.validators import credit_code_check_char

    assert credit_code_check_char("91330108000000002") == "3"
    assert credit_code_check_char("91330108000000003") == "6"
    path = write_csv(tmp_path / "bad.csv", bad)
    audit_before = AuditEntry.objects.count()
    version_before = DataVersion.current("registry")
    result = import_as(admin, path)
    assert not result.ok
    assert [str(e) for e in result.errors] == [
        "row 3, field credit_code: check character is X, expected W",
        "row 4, field district: '朝阳区' is not a district of the city",
        "row 4, field industry_code: '9999' is not a GB/T 4754-2017 industry code",
        "row 5, field employees: must not be negative",
        "row 5, field founded: '2020-13-01' is not a real date",
        "row 6, field listed: 'maybe' is not yes/no (是/否)",
        "row 6, field size_class: 'huge' is not one of large/medium/small/micro"
        " (大型/中型/小型/微型)",
        "row 7, field credit_code: 91330100799655058B appears twice in the file (first in row 2)",
        "row 7, field name: is required",
    ]
    assert Enterprise.objects.count() == 0
    assert AuditEntry.objects.count() == audit_before
    assert DataVersion.current("registry") == version_before


def test_duplicates_alone_block_the_import(admin: User, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "dup.csv", [GOOD[0], GOOD[1], GOOD[0]])
    result = import_as(admin, path)
    assert [str(e) for e in result.errors] == [
        "row 4, field credit_code: 91330100799655058B appears twice in the file (first in row 2)"
    ]
    assert Enterprise.objects.count() == 0


def test_unknown_and_missing_headers(admin: User, tmp_path: Path) -> None:
    path = tmp_path / "headers.csv"
    path.write_text("credit_code,企业名称,region,industry_code\n91330108000000000W,x,滨江区,39\n")
    result = import_as(admin, path)
    assert [str(e) for e in result.errors] == [
        "row 1, field region: unknown column header",
        "row 1, field district: required column missing (所属区县)",
    ]
    assert Enterprise.objects.count() == 0


def test_reimport_changes_nothing(admin: User, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "firms.csv", GOOD)
    first = import_as(admin, path)
    assert first.created == 3
    creates = AuditEntry.objects.filter(action="create", content_type__model="enterprise")
    assert creates.count() == 3
    assert creates.filter(actor=admin).count() == 3
    entry = creates.get(object_id=str(firm("91330108000000000W").pk))
    assert entry.after["credit_code"] == "91330108000000000W"
    assert entry.after["size_class"] == "medium"
    stamps = dict(Enterprise.objects.values_list("credit_code", "updated_at"))
    audit_count = AuditEntry.objects.count()
    version = DataVersion.current("registry")

    second = import_as(admin, path)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 3)
    assert AuditEntry.objects.count() == audit_count
    assert dict(Enterprise.objects.values_list("credit_code", "updated_at")) == stamps
    assert DataVersion.current("registry") == version


def test_the_created_firms_audit_entries_verify_as_an_intact_chain(
    admin: User, tmp_path: Path
) -> None:
    """Written already linked (`audit.chain.insert_linked`), the create entries are what
    `verify` recomputes from the stored rows (JSON numbers, decimals, dates, the timestamp as
    stored); a forged one is named."""
    import_as(admin, write_csv(tmp_path / "firms.csv", GOOD))
    creates = AuditEntry.objects.filter(action="create", content_type__model="enterprise")
    assert creates.filter(seq__isnull=True).count() == 0
    verdict = chain.verify()
    assert verdict.ok, verdict
    assert verdict.checked >= creates.count() == 3
    victim = creates.order_by("seq")[1]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditEntry._meta.db_table} SET object_repr = %s WHERE id = %s",  # noqa: S608
            ["forged", victim.pk],
        )
    assert chain.verify().bad_entry_id == victim.pk


def test_a_large_import_refreshes_the_planner_statistics(
    admin: User,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from chainlead.core.testing import forget_planner_statistics, planner_row_estimate
    from chainlead.registry.importers import run

    monkeypatch.setattr(run, "ANALYZE_AFTER_ROWS", 3)  # "large": three rows here
    table = Enterprise._meta.db_table
    forget_planner_statistics(table)
    with django_capture_on_commit_callbacks(execute=True):
        assert import_as(admin, write_csv(tmp_path / "firms.csv", GOOD)).created == 3
    assert planner_row_estimate(table) == pytest.approx(Enterprise.objects.count(), rel=0.05)


def test_changed_row_updates_the_firm_with_audit(admin: User, tmp_path: Path) -> None:
    import_as(admin, write_csv(tmp_path / "v1.csv", GOOD))
    version = DataVersion.current("registry")
    unitree = firm("91330108000000000W")
    changed = [GOOD[0], dict(GOOD[1], employees="950", name="杭州宇樹科技股份有限公司"), GOOD[2]]
    result = import_as(admin, write_csv(tmp_path / "v2.csv", changed))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    after = firm("91330108000000000W")
    assert after.employees == 950
    assert after.name == "杭州宇樹科技股份有限公司"
    assert after.search_text == "杭州宇树科技股份有限公司"
    assert after.version == unitree.version + 1
    entry = AuditEntry.objects.get(action="update", object_id=str(unitree.pk))
    assert entry.before == {"name": "杭州宇树科技有限公司", "employees": 800}
    assert entry.after == {"name": "杭州宇樹科技股份有限公司", "employees": 950}
    assert entry.actor == admin
    assert DataVersion.current("registry") == version + 1


def test_columns_missing_from_the_file_are_left_alone(admin: User, tmp_path: Path) -> None:
    import_as(admin, write_csv(tmp_path / "v1.csv", GOOD))
    partial = [dict(GOOD[0], employees="21000")]
    columns = ["credit_code", "name", "district", "industry_code", "employees"]
    result = import_as(admin, write_csv(tmp_path / "v2.csv", partial, columns=columns))
    assert result.updated == 1
    ali = firm("91330100799655058B")
    assert ali.employees == 21000
    assert ali.revenue == Decimal("1234567.89")  # not in the file: kept


def test_dry_run_writes_nothing(admin: User, tmp_path: Path) -> None:
    result = import_as(admin, write_csv(tmp_path / "firms.csv", GOOD), dry_run=True)
    assert result.ok
    assert result.created == 3
    assert Enterprise.objects.count() == 0
    assert AuditEntry.objects.filter(content_type__model="enterprise").count() == 0


def test_cli_imports_and_fails_loudly(admin: User, tmp_path: Path) -> None:
    good = write_csv(tmp_path / "firms.csv", GOOD)
    out, err = io.StringIO(), io.StringIO()
    call_command("import_enterprises", str(good), "--dry-run", "--no-progress", stdout=out)
    assert "Would import 3 rows: 3 created" in out.getvalue()
    assert Enterprise.objects.count() == 0
    call_command("import_enterprises", str(good), "--user", "admin", "--no-progress", stdout=out)
    assert Enterprise.objects.count() == 3
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.SUCCEEDED
    assert job.created_count == 3
    bad = write_csv(tmp_path / "bad.csv", [dict(GOOD[0], district="朝阳区")])
    with pytest.raises(CommandError, match=r"1 errors in bad\.csv; nothing was written"):
        call_command("import_enterprises", str(bad), "--no-progress", stdout=out, stderr=err)
    assert "row 2, field district: '朝阳区' is not a district of the city" in err.getvalue()


def test_cli_exit_status_is_non_zero(admin: User, tmp_path: Path) -> None:
    from django.core.management import ManagementUtility

    bad = write_csv(tmp_path / "bad.csv", [dict(GOOD[0], industry_code="x")])
    utility = ManagementUtility(["chainlead", "import_enterprises", str(bad), "--no-progress"])
    with pytest.raises(SystemExit) as exit_info:
        utility.execute()
    assert exit_info.value.code != 0


# --- The web import ---------------------------------------------------------------------------


@pytest.fixture
def clients(admin: User) -> dict[str, Client]:
    auditor = User.objects.create_user("auditor", password=None)
    role_grant(actor=admin, user=auditor, role="auditor")
    finance = User.objects.create_user("finance", password=None)
    role_grant(actor=admin, user=finance, role="finance")
    result = {}
    for user in (admin, auditor, finance):
        client = Client()
        client.force_login(user)
        result[user.username] = client
    return result


@override_settings(TASKS=IMMEDIATE_TASKS)
def test_admin_imports_through_the_page(
    clients: dict[str, Client], tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    data = write_csv(tmp_path / "firms.csv", GOOD, encoding="gbk", chinese=True).read_bytes()
    start = reverse("registry:import_start")
    assert clients["admin"].get(start).status_code == 200
    response = clients["admin"].post(
        start, {"file": SimpleUploadedFile("firms.csv", data, content_type="text/csv")}
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:import_detail", kwargs={"pk": job.pk})
    assert job.status == ImportStatus.SUCCEEDED
    assert (job.created_count, job.processed_rows, job.total_rows) == (3, 3, 3)
    assert Enterprise.objects.count() == 3
    assert AuditEntry.objects.filter(event="enterprises_imported", object_id=str(job.pk)).exists()
    page = clients["admin"].get(response["Location"])
    assert page.status_code == 200
    assert "firms.csv" in page.content.decode()
    progress = clients["admin"].get(
        reverse("registry:import_progress", kwargs={"pk": job.pk}), HTTP_HX_REQUEST="true"
    )
    assert progress.status_code == 200
    assert 'aria-valuenow="100"' in progress.content.decode()
    assert progress["HX-Refresh"] == "true"
    # Auditors read the job, read-only; others may not.
    assert clients["auditor"].get(response["Location"]).status_code == 200
    assert clients["auditor"].get(start).status_code == 403
    assert clients["finance"].get(response["Location"]).status_code == 403


@override_settings(TASKS=IMMEDIATE_TASKS)
def test_bad_upload_lists_errors(clients: dict[str, Client], tmp_path: Path, settings: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    data = write_csv(tmp_path / "bad.csv", [dict(GOOD[0], district="朝阳区")]).read_bytes()
    response = clients["admin"].post(
        reverse("registry:import_start"), {"file": SimpleUploadedFile("bad.csv", data)}
    )
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED
    assert job.errors == [
        {
            "row": 2,
            "field": "district",
            "reason": "'朝阳区' is not a district of the city",
            "msgid": "%(value)s is not a district of the city",
            "params": {"value": "'朝阳区'"},
        }
    ]
    assert job.message == "1 errors; nothing was written."
    # Stored once, read in each reader's language (issue 15 item 9).
    chinese = clients["admin"].get(response["Location"], HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "&#x27;朝阳区&#x27; 不是本市的区县" in chinese.content.decode()
    assert "共 1 处错误；未写入任何数据。" in chinese.content.decode()
    english = clients["admin"].get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert "&#x27;朝阳区&#x27; is not a district of the city" in english.content.decode()
    assert "1 errors; nothing was written." in english.content.decode()
    assert Enterprise.objects.count() == 0


def test_non_admin_may_not_import(clients: dict[str, Client], tmp_path: Path) -> None:
    start = reverse("registry:import_start")
    assert clients["finance"].get(start).status_code == 403
    response = clients["finance"].post(
        start, {"file": SimpleUploadedFile("firms.csv", b"credit_code\n")}
    )
    assert response.status_code == 403
    assert ImportJob.objects.count() == 0
    anonymous = Client().get(start)
    assert anonymous.status_code == 302


def test_wrong_file_type_is_refused(
    clients: dict[str, Client], tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    response = clients["admin"].post(
        reverse("registry:import_start"), {"file": SimpleUploadedFile("firms.pdf", b"%PDF")}
    )
    assert response.status_code == 200
    assert ImportJob.objects.count() == 0
