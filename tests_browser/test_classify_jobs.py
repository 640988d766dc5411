"""An official uploads a small file of firms' texts; the job page's progress bar (htmx polling,
no inline script) reaches done and offers the results; the same page in English."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from chainlead.analytics.classify import ClassLexicon, train_classifier
from chainlead.analytics.tests.test_text_classifier import sample_rows
from chainlead.chains.choices import ClassifyJobStatus
from chainlead.chains.models import ClassifyJob
from tests_browser.conftest import RecordedPage

PASSWORD = "Fenlei-2026-ok"
FIRMS = (
    "股票代码,公司名称,简称,主营业务,经营范围,公司简介\n"
    "A1,某集成电路芯片设计公司,,芯片,,\nA2,,,,化学药品制剂,\nA3,某软件公司,,应用软件开发,,\n"
)


@pytest.fixture
def classify_setup(transactional_db: Any, tmp_path: Path, settings: Any) -> Path:
    from chainlead.accounts.models import User

    User.objects.create_superuser("fenlei_admin", password=PASSWORD)
    gbt = tmp_path / "industries.csv"
    gbt.write_text(
        "code,name_zh,level,parent,note_zh\n3973,集成电路制造,class,397,\n", encoding="utf-8"
    )
    model = train_classifier(sample_rows(), lexicon=ClassLexicon.from_industries(gbt), seed=1)
    model.save(tmp_path / "models" / "classifier.joblib")
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    upload = tmp_path / "firms.csv"
    upload.write_text(FIRMS, encoding="utf-8")
    return upload


@pytest.mark.browser
def test_upload_and_watch_the_progress_bar_reach_done(
    recorded_page: RecordedPage, live_server: Any, classify_setup: Path
) -> None:
    page = recorded_page.page
    base = live_server.url
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "fenlei_admin")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].btn")
    page.wait_for_load_state("networkidle")

    # The menu offers the page; the upload starts a job and lands on its page.
    page.goto(f"{base}/")
    assert page.locator('a[href="/chains/classify/"]').count() >= 1
    page.goto(f"{base}/chains/classify/")
    page.set_input_files("#classify-texts input[type=file]", str(classify_setup))
    page.click("#classify-texts button[type=submit]")
    page.wait_for_url("**/chains/classify/*/")
    # htmx polls the bar until the job is done, then reloads the page with the outcome.
    page.wait_for_selector('#classify-progress .badge[data-status="succeeded"]', timeout=60_000)
    page.wait_for_selector('[data-testid="classify-result"]', timeout=30_000)
    assert page.get_attribute("#classify-progress .progress", "aria-valuenow") == "100"
    assert "已分类 3 家企业" in page.inner_text('[data-testid="classify-outcome"]')
    recorded_page.screenshot("classify-job-zh", full_page=True)
    job = ClassifyJob.objects.get()
    assert job.status == ClassifyJobStatus.SUCCEEDED and job.processed == 3

    # The results download as the CLI's CSV.
    with page.expect_download() as info:
        page.click('[data-testid="classify-result"]')
    lines = Path(info.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0] == "id,division,confidence,top3,class,model_version,training_sha256"
    assert [line.split(",")[0] for line in lines[1:]] == ["A1", "A2", "A3"]

    # The same page in English.
    page.click("button[name=language][value=en]")
    page.wait_for_load_state("networkidle")
    assert "3 firms classified." in page.inner_text('[data-testid="classify-outcome"]')
    recorded_page.screenshot("classify-job-en", full_page=True)
    assert not recorded_page.outside_requests()
    assert not errors, errors
