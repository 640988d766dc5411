"""Classification jobs from the pages and the API (chains.classify_jobs), run through the
immediate task backend: upload → progress → result rows; bad files; permission refusals."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from chainlead.accounts.services import role_grant, user_create
from chainlead.analytics.classify import ClassLexicon, train_classifier
from chainlead.analytics.tests.test_text_classifier import sample_rows
from chainlead.audit.models import AuditEntry
from chainlead.chains.choices import ClassifyJobKind, ClassifyJobStatus, ReviewStatus
from chainlead.chains.classify_jobs import (
    OUTPUT_COLUMNS,
    classify_jobs_fail_stale,
    classify_replace_job_create,
)
from chainlead.chains.models import ClassifyJob, Membership
from chainlead.chains.tests.factories import ChainFactory, SegmentFactory
from chainlead.registry.services import enterprise_create

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
FIRMS_CSV = (
    "股票代码,公司名称,简称,主营业务,经营范围,公司简介\n"
    "A1,某集成电路芯片设计公司,,芯片,,\nA2,,,,化学药品制剂,\nA3,,,,,\n"
)


@pytest.fixture(scope="module")
def model_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny model trained on the classifier tests' fixed sample (seconds)."""
    gbt = tmp_path_factory.mktemp("gbt") / "industries.csv"
    gbt.write_text(
        "code,name_zh,level,parent,note_zh\n3973,集成电路制造,class,397,\n", encoding="utf-8"
    )
    model = train_classifier(sample_rows(), lexicon=ClassLexicon.from_industries(gbt), seed=1)
    path = tmp_path_factory.mktemp("models") / "classifier.joblib"
    model.save(path)
    return path


@pytest.fixture
def var_dir(tmp_path: Path, settings: Any, model_file: Path) -> Path:
    """VAR_DIR and MEDIA_ROOT under tmp, with the tiny model where the jobs look for it."""
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "classifier.joblib").symlink_to(model_file)
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = IMMEDIATE_TASKS
    return tmp_path


@pytest.fixture
def people(db: Any) -> dict[str, Any]:
    from chainlead.accounts.models import User

    admin = User.objects.create_superuser("cls_admin", password=None)
    chain = ChainFactory(slug="ai")
    other = ChainFactory(slug="bio")
    users = {"admin": admin}
    for role, scope in (("task_force", chain), ("chain_leader", chain), ("auditor", None)):
        user = user_create(actor=admin, username=f"cls_{role}", password=None)
        role_grant(actor=admin, user=user, role=role, **({"chain": scope} if scope else {}))
        users[role] = user
    return {"users": users, "chain": chain, "other": other}


def client_of(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(name: str = "firms.csv", text: str = FIRMS_CSV, encoding: str = "utf-8") -> Any:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def test_upload_runs_the_job_and_the_result_has_the_cli_columns(
    var_dir: Path, people: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    admin = client_of(people["users"]["admin"])
    start = reverse("chains:classify_start")
    assert admin.get(start).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(start, {"file": upload(encoding="gb18030")})
    job = ClassifyJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("chains:classify_detail", kwargs={"pk": job.pk})
    # The immediate backend ran it on commit: progress at its end, the counts recorded.
    assert job.kind == ClassifyJobKind.TEXTS
    assert job.status == ClassifyJobStatus.SUCCEEDED, job.message
    assert (job.processed, job.total, job.progress_percent) == (3, 3, 100)
    assert len(job.sha256) == 64 and len(job.training_sha256) == 64
    progress = admin.get(
        reverse("chains:classify_progress", kwargs={"pk": job.pk}), HTTP_HX_REQUEST="true"
    )
    assert 'aria-valuenow="100"' in progress.content.decode()
    assert progress["HX-Refresh"] == "true"
    page = admin.get(response["Location"]).content.decode()
    assert job.sha256 in page and reverse("chains:classify_result", args=[job.pk]) in page
    result = admin.get(reverse("chains:classify_result", kwargs={"pk": job.pk}))
    assert result["Content-Disposition"].startswith("attachment")
    table = pd.read_csv(
        io.BytesIO(b"".join(result.streaming_content)), dtype=str, keep_default_na=False
    )
    assert list(table.columns) == OUTPUT_COLUMNS
    assert list(table["id"]) == ["A1", "A2", "A3"]
    assert list(table["division"][:2]) == ["39", "27"]
    assert table["class"][0] == "3973"
    assert all(len(t.split("|")) == 3 for t in table["top3"])
    # Audited: who, the file's sha256 and the count.
    events = AuditEntry.objects.filter(object_id=str(job.pk), event__startswith="classify_job")
    assert {e.event for e in events} == {"classify_job_started", "classify_job_finished"}
    finished = events.get(event="classify_job_finished")
    assert finished.actor_label == "cls_admin"
    assert finished.after["sha256"] == job.sha256 and finished.after["firms"] == 3


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("firms.pdf", b"%PDF-1.4", "请上传 .csv 或 .xlsx 文件"),
        ("empty.csv", b"\n", "empty.csv：文件为空"),
        ("zero.csv", b"", "所提交的是空文件"),  # Django's own check, before ours
        ("header.csv", "股票代码,主营业务\n".encode(), "header.csv：文件只有表头，没有企业"),
        ("noid.csv", "公司名称,主营业务\n某公司,芯片\n".encode(), "缺少列：stock_code（或 id）"),
        ("notext.csv", b"stock_code,city\nA1,x\n", "一列也没有"),
        ("latin.csv", b"stock_code,main_business\nA1,\xff\xfe\xfa\n", "也不是 GB18030 文本"),
    ],
)
def test_bad_files_are_refused_naming_the_problem(
    var_dir: Path, people: dict[str, Any], name: str, content: bytes, reason: str
) -> None:
    admin = client_of(people["users"]["admin"])
    response = admin.post(
        reverse("chains:classify_start"), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 200
    assert reason in response.content.decode()
    assert not ClassifyJob.objects.exists()
    assert not list((var_dir / "media").rglob("*.*")) if (var_dir / "media").exists() else True


def test_no_model_is_refused(tmp_path: Path, settings: Any, people: dict[str, Any]) -> None:
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    admin = client_of(people["users"]["admin"])
    response = admin.post(reverse("chains:classify_start"), {"file": upload()})
    assert "chainlead train-classifier" in response.content.decode()
    assert not ClassifyJob.objects.exists()


def test_replace_job_places_the_firms_on_the_task_forces_chains(
    var_dir: Path, people: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    admin = people["users"]["admin"]
    SegmentFactory(chain=people["chain"], slug="chips", keywords=["芯片"])
    SegmentFactory(chain=people["other"], slug="drugs", keywords=["化学药品"])
    for name, business in (("甲芯片公司", "芯片设计"), ("乙药业公司", "化学药品制剂")):
        enterprise_create(actor=admin, name=name, main_business=business)
    task_force = client_of(people["users"]["task_force"])
    with django_capture_on_commit_callbacks(execute=True):
        response = task_force.post(reverse("chains:classify_replace"), {})
    job = ClassifyJob.objects.get()
    assert response.status_code == 302
    assert job.status == ClassifyJobStatus.SUCCEEDED, job.message
    assert job.chain_slugs == ["ai"] and (job.processed, job.total) == (2, 2)
    # Only the task force's own chain was touched.
    placed = Membership.objects.values_list("segment__chain__slug", flat=True)
    assert set(placed) == {"ai"} and job.created_count == len(placed) >= 1
    page = task_force.get(response["Location"]).content.decode()
    assert "ai" in page
    # A second run changes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        again = classify_replace_job_create(actor=people["users"]["task_force"])
    again.refresh_from_db()
    assert (again.created_count, again.unchanged_count) == (0, job.created_count)
    assert Membership.objects.exclude(review_status=ReviewStatus.REJECTED).count() == len(placed)


def test_a_second_replace_job_waits_for_the_first(var_dir: Path, people: dict[str, Any]) -> None:
    admin = people["users"]["admin"]
    first = classify_replace_job_create(actor=admin, start=False)
    response = client_of(admin).post(reverse("chains:classify_replace"), {})
    assert response.status_code == 200
    assert f"#{first.pk}" in response.content.decode()
    assert ClassifyJob.objects.count() == 1


def test_a_job_whose_process_died_shows_failed(var_dir: Path, people: dict[str, Any]) -> None:
    import datetime as dt

    job = classify_replace_job_create(actor=people["users"]["admin"], start=False)
    later = job.created_at + dt.timedelta(minutes=16)
    assert classify_jobs_fail_stale(now=later) == [job.pk]
    job.refresh_from_db()
    assert job.status == ClassifyJobStatus.FAILED and "no progress" in job.message


def test_who_may_run_and_see_jobs(var_dir: Path, people: dict[str, Any]) -> None:
    users = people["users"]
    job = classify_replace_job_create(actor=users["admin"], start=False)
    detail = reverse("chains:classify_detail", kwargs={"pk": job.pk})
    for role in ("chain_leader", "auditor"):
        client = client_of(users[role])
        assert client.get(reverse("chains:classify_start")).status_code == 403
        assert client.post(reverse("chains:classify_start"), {"file": upload()}).status_code == 403
        assert client.post(reverse("chains:classify_replace"), {}).status_code == 403
        assert client.get(detail).status_code == 403
    # A task force runs jobs but sees only its own; the admin's job is not theirs.
    assert client_of(users["task_force"]).get(detail).status_code == 404
    assert Client().get(detail).status_code == 302
    assert ClassifyJob.objects.count() == 1
    # The menu shows the page to those who may open it only.
    link = f'href="{reverse("chains:classify_start")}"'
    assert link in client_of(users["task_force"]).get(reverse("chains:chain_list")).content.decode()
    assert (
        link
        not in client_of(users["chain_leader"]).get(reverse("chains:chain_list")).content.decode()
    )


def test_the_api_starts_polls_and_returns_the_result(
    var_dir: Path, people: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    admin = client_of(people["users"]["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post("/api/v1/chains/classify/texts", {"file": upload()})
    assert response.status_code == 201, response.content
    body = response.json()
    status = admin.get(f"/api/v1/chains/classify/jobs/{body['id']}").json()
    assert (status["status"], status["processed"], status["total"]) == ("succeeded", 3, 3)
    assert status["created_by"] == "cls_admin" and status["progress_percent"] == 100
    result = admin.get(status["result_url"])
    assert result.status_code == 200
    rows = pd.read_csv(io.BytesIO(b"".join(result.streaming_content)), dtype=str)
    assert list(rows.columns) == OUTPUT_COLUMNS and len(rows) == 3
    bad = admin.post("/api/v1/chains/classify/texts", {"file": upload("x.csv", "a,b\n1,2\n")})
    assert bad.status_code == 422 and "缺少列：stock_code" in bad.json()["detail"][0]["msg"]
    replace = admin.post(
        "/api/v1/chains/classify/replace", json.dumps({}), content_type="application/json"
    )
    assert replace.status_code == 201 and replace.json()["result_url"] is None
    leader = client_of(people["users"]["chain_leader"])
    assert leader.post("/api/v1/chains/classify/texts", {"file": upload()}).status_code == 403
    assert leader.get(f"/api/v1/chains/classify/jobs/{body['id']}").status_code == 403
    task_force = client_of(people["users"]["task_force"])
    assert task_force.get(f"/api/v1/chains/classify/jobs/{body['id']}").status_code == 404
    assert task_force.get(status["result_url"]).status_code == 404


@override_settings(CHAINLEAD_CLASSIFY_RUNNER="task")
def test_the_job_runs_as_a_django_task(var_dir: Path, people: dict[str, Any]) -> None:
    from chainlead.chains.tasks import classify_job_task, start_classify_job

    job = classify_replace_job_create(actor=people["users"]["admin"], start=False)
    assert start_classify_job(job) == "task"
    job.refresh_from_db()
    assert job.status == ClassifyJobStatus.SUCCEEDED
    assert classify_job_task.get_backend().__class__.__name__ == "ImmediateBackend"
