"""The 12345 hotline import: all or nothing, row/field errors, idempotent on the ticket."""

import pytest
from django.utils import timezone

from chainlead.core.exceptions import PermissionDenied
from chainlead.requests.choices import Channel
from chainlead.requests.hotline import hotline_import
from chainlead.requests.models import EnterpriseRequest

GOOD = (
    "工单编号,受理时间,统一社会信用代码,诉求类别,标题,诉求内容,标签\n"
    "HZ12345-0001,2026-03-02 09:15,91330100MA2AAAAA0X,行政审批,执照变更慢,"
    "变更营业执照等待过久,审批;执照\n"
    "HZ12345-0002,2026/3/3,91330100MA2AAAAA0X,finance,贷款难,首贷难,融资\n"
)


@pytest.fixture
def firm(world):
    world.firm.credit_code = "91330100MA2AAAAA0X"
    world.firm.save(update_fields=["credit_code"])
    return world.firm


def test_good_file_imports_and_reimport_changes_nothing(world, firm):
    result = hotline_import(actor=world.admin, data=GOOD.encode("utf-8-sig"))
    assert (result.ok, result.created, result.skipped) == (True, 2, 0)
    first = EnterpriseRequest.objects.get(hotline_ticket="HZ12345-0001")
    assert first.channel == Channel.HOTLINE_12345
    assert first.enterprise == firm
    assert first.department == world.permits
    assert sorted(first.tags.values_list("name", flat=True)) == sorted(["执照", "审批"])
    assert timezone.localtime(first.raised_at).hour == 9  # Beijing time
    again = hotline_import(actor=world.admin, data=GOOD)
    assert (again.ok, again.created, again.skipped) == (True, 0, 2)
    assert EnterpriseRequest.objects.count() == 2


def test_bad_file_imports_nothing_and_says_where(world, firm):
    bad = GOOD + (
        "HZ12345-0003,yesterday,91330100MA2AAAAA0X,其他,标题,内容,\n"
        "HZ12345-0004,2026-03-04,91330100MA2BBBBB0X,天气,标题,内容,\n"
        "HZ12345-0001,2026-03-04,91330100MA2AAAAA0X,其他,,内容,\n"
    )
    result = hotline_import(actor=world.admin, data=bad)
    assert result.errors == [
        # Spreadsheet row numbers: header row 1, the two good records rows 2-3.
        "row 4, field received_at: not a date or date-time",
        "row 5, field category: unknown category “天气”",
        "row 5, field credit_code: no firm with this credit code",
        "row 6, field title: required",
        "row 6, field ticket: duplicate ticket number in the file",
    ]
    assert EnterpriseRequest.objects.count() == 0


def test_missing_column(world):
    result = hotline_import(actor=world.admin, data="工单编号,标题\nA,B\n")
    assert "row 1, field received_at: missing column" in result.errors
    assert EnterpriseRequest.objects.count() == 0


def test_only_admins_import(world, firm):
    with pytest.raises(PermissionDenied):
        hotline_import(actor=world.task_force, data=GOOD)


def test_import_command(world, firm, tmp_path):
    from io import StringIO

    from django.core.management import CommandError, call_command

    path = tmp_path / "12345.csv"
    path.write_text(GOOD, encoding="utf-8-sig")
    out = StringIO()
    call_command("import_hotline", str(path), "--as", "admin", stdout=out)
    assert out.getvalue().strip() == "imported: 2; already in the pool: 0"
    path.write_text(GOOD.replace("2026/3/3", "someday"), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_hotline", str(path), "--as", "admin", stderr=StringIO())


def test_too_many_rows_names_the_first_row_over_the_limit(world, firm, monkeypatch):
    from chainlead.requests import hotline

    monkeypatch.setattr(hotline, "HOTLINE_MAX_ROWS", 1)
    result = hotline_import(actor=world.admin, data=GOOD)
    assert result.errors == ["row 3, field ticket: too many rows"]  # header 1, records 2-3
    assert EnterpriseRequest.objects.count() == 0


@pytest.mark.parametrize(
    ("written", "category"),
    [
        ("人才与住房", "talent_housing"),  # the request form's label in Chinese
        ("Talent & housing", "talent_housing"),  # ... and in English, in another case
        (" market access ", "market_access"),
        ("市场拓展", "market_access"),  # the hotline system's own word
        ("DAILY_OPERATIONS", "daily_operations"),  # the code
    ],
)
def test_categories_are_read_as_the_request_form_shows_them(world, firm, written, category):
    data = (
        "工单编号,受理时间,统一社会信用代码,诉求类别,标题,诉求内容\n"
        f"HZ12345-0100,2026-03-02 09:15,91330100MA2AAAAA0X,{written},标题,内容\n"
    )
    result = hotline_import(actor=world.admin, data=data)
    assert result.ok, result.errors
    assert EnterpriseRequest.objects.get(hotline_ticket="HZ12345-0100").category == category
