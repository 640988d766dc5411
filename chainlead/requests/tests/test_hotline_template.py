"""The hotline import's template: headers in the reader's language, examples that import."""

import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import override

from chainlead.requests.hotline import hotline_import
from chainlead.requests.models import EnterpriseRequest


@pytest.mark.parametrize(("language", "first"), [("zh-hans", "工单编号"), ("en", "ticket")])
def test_the_template_reads_in_the_reader_language_and_its_examples_import(world, language, first):
    world.firm.credit_code = "91330100MA0000000C"
    world.firm.name = "示例智能科技有限公司（示例）"
    world.firm.save(update_fields=["credit_code", "name"])
    client = Client()
    client.force_login(world.admin)
    with override(language):
        response = client.get(
            reverse("requests:hotline_import_template"), HTTP_ACCEPT_LANGUAGE=language
        )
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet, examples = workbook.worksheets
    headers = [c.value for c in sheet[1]]
    assert headers[0] == first and sheet.max_row == 1
    rows = [list(r) for r in examples.iter_rows(min_row=2, values_only=True)]
    assert rows[0] == headers and all(str(r[0]).startswith("示例") for r in rows[1:])
    # Filled in with the examples, the template imports as a workbook.
    filled = openpyxl.Workbook()
    for row in rows:
        filled.active.append(row)
    buffer = io.BytesIO()
    filled.save(buffer)
    result = hotline_import(actor=world.admin, data=buffer.getvalue())
    assert result.ok, result.errors
    assert EnterpriseRequest.objects.filter(enterprise=world.firm).count() == 2


def test_only_admins_download_the_template(world):
    client = Client()
    client.force_login(world.auditor)
    assert client.get(reverse("requests:hotline_import_template")).status_code == 403
