"""CSV and Excel export of any list."""

import csv
import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.test import RequestFactory
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from chainlead.core.export import export_filename, export_response, resolve, wants_export

SHANGHAI = ZoneInfo("Asia/Shanghai")

ROWS = [
    SimpleNamespace(
        name="杭州深度求索人工智能基础技术研究有限公司",
        district=SimpleNamespace(name="拱墅区"),
        revenue=Decimal("1234.50"),
        listed=False,
        founded=dt.date(2023, 7, 17),
        seen=dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
        note='=HYPERLINK("http://evil")',
    ),
    SimpleNamespace(
        name="Unitree",
        district=None,
        revenue=None,
        listed=True,
        founded=None,
        seen=None,
        note="-5 is text here",
    ),
]
COLUMNS = [
    (_("name"), "name"),
    (_("district"), "district.name"),
    (_("revenue"), "revenue"),
    (_("listed"), "listed"),
    (_("founding date"), "founded"),
    ("seen", "seen"),
    ("note", lambda r: r.note),
]


def read_csv(response):
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def read_xlsx(response):
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(book.active.iter_rows(values_only=True))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_headers_are_translated_at_export_time(fmt):
    reader = read_csv if fmt == "csv" else read_xlsx
    with translation.override("en"):
        english = reader(export_response(ROWS, COLUMNS, "firms", fmt))
    with translation.override("zh-hans"):
        chinese = reader(export_response(ROWS, COLUMNS, "firms", fmt))
    assert list(english[0][:2]) == ["name", "district"]
    assert chinese[0][0] != "name"  # the catalogue translates it
    assert len(english) == len(chinese) == 3


def test_csv_cells_are_text_with_honest_blanks_and_no_formulas():
    with translation.override("en"):
        rows = read_csv(export_response(ROWS, COLUMNS, "firms", "csv"))
    first, second = rows[1], rows[2]
    assert first[0] == "杭州深度求索人工智能基础技术研究有限公司"
    assert first[1:5] == ["拱墅区", "1234.50", "no", "2023-07-17"]
    assert first[5] == "2025-01-02 11:04:05"  # shown in Asia/Shanghai
    assert first[6] == '\'=HYPERLINK("http://evil")'
    assert second[1:5] == ["", "", "yes", ""]
    assert second[6] == "'-5 is text here"


def test_excel_cells_keep_their_types():
    with translation.override("en"):
        response = export_response(ROWS, COLUMNS, "firms", "xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = read_xlsx(response)
    first = rows[1]
    assert first[2] == 1234.5
    assert first[4] == dt.datetime(2023, 7, 17)  # Excel has no pure dates
    assert first[5] == dt.datetime(2025, 1, 2, 11, 4, 5)
    assert rows[2][1] is None  # empty cell


def test_rows_are_consumed_lazily_for_csv():
    consumed = []

    def rows():
        for i in range(3):
            consumed.append(i)
            yield {"n": i}

    response = export_response(rows(), [("n", "n")], "numbers", "csv")
    assert consumed == []  # nothing read before the response is streamed
    assert [r[0] for r in read_csv(response)] == ["n", "0", "1", "2"]


def test_resolve_follows_paths_keys_methods_and_functions():
    row = SimpleNamespace(a=SimpleNamespace(b=lambda: "called"), c=None)
    assert resolve(row, "a.b") == "called"
    assert resolve(row, "c.d") is None
    assert resolve({"k": 1}, "k") == 1
    assert resolve(row, lambda r: "fn") == "fn"


def test_filename_and_format_choice():
    assert export_filename("firms", "csv", today=dt.date(2026, 1, 5)) == "firms-20260105.csv"
    response = export_response([], [("n", "n")], "firms", "csv")
    assert 'attachment; filename="firms-' in response["Content-Disposition"]
    factory = RequestFactory()
    assert wants_export(factory.get("/x?export=XLSX")) == "xlsx"
    assert wants_export(factory.get("/x?export=pdf")) is None
    assert wants_export(factory.get("/x")) is None
    with pytest.raises(ValueError, match="Unknown export format"):
        export_response([], [], "x", "pdf")


def test_choice_labels_follow_the_active_language():
    from chainlead.core.export import choice_label
    from chainlead.registry.choices import SizeClass

    accessor = choice_label(SizeClass, "size_class")
    rows = [SimpleNamespace(size_class="large"), SimpleNamespace(size_class=""), {"x": 1}]
    with translation.override("en"):
        assert accessor(rows[0]) == "large"
        assert accessor(rows[1]) == ""
    with translation.override("zh-hans"):
        assert accessor(rows[0]) == "大型"
    assert choice_label(SizeClass)(rows[0]) in ("large", "大型")  # field name from the class
