"""A placement's evidence reads in the reader's language (issue 15, item 9)."""

from django.utils import translation

from chainlead.chains.evidence import evidence_label

STORED = "keywords: 数据中心 (main_business), IDC (business_scope); division 65 agrees"


def test_english_evidence_reads_as_stored():
    with translation.override("en"):
        assert evidence_label(STORED) == (
            "keywords: 数据中心 (main business), IDC (business scope); division 65 agrees"
        )


def test_chinese_readers_read_it_in_chinese():
    with translation.override("zh-hans"):
        text = evidence_label(STORED)
    assert text == "关键词：数据中心（主营业务）、IDC（经营范围）；行业大类 65 相符"
    with translation.override("zh-hans"):
        assert evidence_label("industry 3913 under segment code 3913") == (
            "行业 3913 属于环节代码 3913"
        )


def test_a_clause_no_rule_writes_is_shown_as_stored():
    with translation.override("zh-hans"):
        assert evidence_label("经营范围: 网络设备") == "经营范围: 网络设备"
        assert evidence_label("") == ""
