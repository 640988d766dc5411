from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chainlead.recruitment.candidates import candidates_import, candidates_load_listed
from chainlead.recruitment.models import ExternalFirm
from chainlead.registry.importers import ImportFileError

GOOD = "企业名称,省份,城市,行业代码,从业人数,营收增长率,主营业务,股票代码\n" + (
    "苏州存储科技,江苏,苏州市,3913,900,12%,存储芯片,688001\n"
    "上海软件公司,上海,上海市,6513,700,0.05,基础软件,\n"
)


def _write(tmp_path, text, name="c.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_import_is_all_or_nothing_and_idempotent(db, tmp_path):
    path = _write(tmp_path, GOOD, encoding="gb18030")
    first = candidates_import(actor=None, path=path)
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    firm = ExternalFirm.objects.get(stock_code="688001")
    assert (firm.industry_id, firm.employees, firm.revenue_growth) == ("3913", 900, 0.12)
    again = candidates_import(actor=None, path=path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    changed = _write(tmp_path, GOOD.replace(",900,", ",950,"), encoding="gb18030")
    assert candidates_import(actor=None, path=changed).updated == 1


def test_bad_rows_are_reported_and_nothing_is_written(db, tmp_path):
    bad = GOOD + ",浙江,,9999,-3,x,,\n苏州重复,江苏,,,,,,688001\n"
    with pytest.raises(ImportFileError) as caught:
        candidates_import(actor=None, path=_write(tmp_path, bad))
    messages = [str(e) for e in caught.value.errors]
    assert "row 4, field name: required" in messages
    assert "row 4, field industry_code: 9999 is not a GB/T 4754-2017 code" in messages
    assert any(m.startswith("row 4, field employees") for m in messages)
    assert any(m.startswith("row 4, field revenue_growth") for m in messages)
    assert "row 5, field stock_code: stock code repeats row 2" in messages
    assert ExternalFirm.objects.count() == 0


def test_unknown_and_missing_headers(db, tmp_path):
    with pytest.raises(ImportFileError) as caught:
        candidates_import(actor=None, path=_write(tmp_path, "name,colour\nX,red\n"))
    assert {str(e) for e in caught.value.errors} == {
        "row 1, field colour: unknown column header",
        "row 1, field province: required column missing (省份)",
    }


def test_cli_exits_non_zero_on_errors(db, tmp_path):
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("load_candidates", str(_write(tmp_path, "name\nX\n")), stderr=err)
    assert "row 1, field province" in err.getvalue()


def test_listed_companies_outside_the_city_are_loaded(db, settings):
    result = candidates_load_listed()
    assert result.created > 4000
    assert not ExternalFirm.objects.filter(city=settings.CHAINLEAD_CITY_NAME).exists()
    # Real rows, as published: 万科 (000002) in 深圳市, CSRC K70 → division 70.
    vanke = ExternalFirm.objects.get(stock_code="000002")
    assert (vanke.city, vanke.industry_id, vanke.employees) == ("深圳市", "70", 127638)
    assert vanke.revenue is None  # not in the data: never guessed
    # 平安银行 has no CSRC code in the data: no industry, not a guess.
    assert ExternalFirm.objects.get(stock_code="000001").industry_id is None
    assert candidates_load_listed().created == 0
    # Every created firm is audited, though they were inserted in bulk.
    from chainlead.audit.models import AuditEntry

    audited = AuditEntry.objects.filter(content_type__model="externalfirm", action="create").count()
    assert audited == result.created
