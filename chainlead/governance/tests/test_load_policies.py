from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from chainlead.governance.models import PackageItem, PolicyItem

POLICIES = Path(settings.SHARED_DATA_DIR) / "hangzhou" / "policies.csv"


def test_load_the_forty_real_policies_idempotently(chain, other_chain):
    call_command("load_policies", "--attach")
    assert PolicyItem.objects.count() == 40
    assert PolicyItem.objects.filter(provenance="public").count() == 40
    guide = PolicyItem.objects.get(title="杭州市概念验证中心建设工作指引(试行)")
    assert guide.doc_number == "杭科高〔2022〕142号"
    assert guide.date_text == "2022-11-28"
    assert guide.date_basis == "doc"
    assert guide.topic == "poc"
    assert guide.source_urls[0].startswith("https://hbphgs.com/")
    # No date or number is invented: a month stays a month, a blank stays blank.
    bio = PolicyItem.objects.get(
        title="杭州市人民政府办公厅关于加快生物医药产业高质量发展的若干措施"
    )
    assert (bio.date_text, bio.date_basis, bio.doc_number) == ("2023-09", "page", "")
    undated = PolicyItem.objects.get(title="钱塘区促进生物医药产业高质量发展三年行动计划")
    assert (undated.date_text, undated.date_basis) == ("", "")
    # Attached by topic: biomedicine documents to the biomedicine chain only, AI ones to AI.
    assert set(bio.chains.all()) == {other_chain}
    ai_doc = PolicyItem.objects.get(title="支持人工智能全产业链高质量发展的若干措施")
    assert set(ai_doc.chains.all()) == {chain}
    assert set(guide.chains.all()) == {chain, other_chain}  # PoC serves every chain
    items = PackageItem.objects.count()
    call_command("load_policies", "--attach")
    assert PolicyItem.objects.count() == 40
    assert PackageItem.objects.count() == items
