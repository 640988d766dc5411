"""Firms an enterprise import creates are placed on the chains by the import job itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import override

from chainlead.accounts.models import User
from chainlead.audit.context import acting_as
from chainlead.chains.choices import MembershipSource
from chainlead.chains.models import Membership
from chainlead.chains.tests.factories import ChainFactory, SegmentFactory
from chainlead.registry.choices import ImportStatus
from chainlead.registry.importers import import_job_create, run_job
from chainlead.registry.models import Enterprise
from chainlead.registry.tests.test_importers import GOOD, write_csv


@pytest.fixture
def admin(db: Any, districts: dict[str, Any]) -> User:
    return User.objects.create_superuser("admin", password=None)


def test_an_import_job_places_its_new_firms_on_the_chains(admin: User, tmp_path: Path) -> None:
    chain = ChainFactory()
    platforms = SegmentFactory(chain=chain, slug="platforms", industry_codes=["6432"])
    robots = SegmentFactory(chain=chain, slug="robots", industry_codes=["3491"])
    path = write_csv(tmp_path / "firms.csv", GOOD)
    upload = SimpleUploadedFile("firms.csv", path.read_bytes())
    job = import_job_create(actor=admin, upload=upload, dry_run=False)
    with acting_as(admin, source="task"), override("en"):
        result = run_job(job)
    assert result.ok and result.created == 3
    placed = {
        (m.enterprise.credit_code, m.segment.slug, m.source)
        for m in Membership.objects.select_related("enterprise", "segment")
    }
    assert placed == {
        ("91330100799655058B", platforms.slug, MembershipSource.INDUSTRY_RULE),
        ("91330108000000000W", robots.slug, MembershipSource.INDUSTRY_RULE),
    }
    job.refresh_from_db()
    assert job.status == ImportStatus.SUCCEEDED
    assert job.message.endswith("3 new firms placed on the chains: 2 memberships.")


def test_a_dry_run_places_nothing(admin: User, tmp_path: Path) -> None:
    SegmentFactory(chain=ChainFactory(), slug="platforms", industry_codes=["6432"])
    upload = SimpleUploadedFile("firms.csv", write_csv(tmp_path / "f.csv", GOOD).read_bytes())
    job = import_job_create(actor=admin, upload=upload, dry_run=True)
    with acting_as(admin, source="task"):
        assert run_job(job).ok
    assert not Enterprise.objects.exists()
    assert not Membership.objects.exists()


def test_a_bulk_load_is_left_to_the_classify_command(
    admin: User, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chainlead.registry.importers import jobs, run

    monkeypatch.setattr(run, "FOLLOW_UP_MAX", 2)  # "bulk": three firms here
    monkeypatch.setattr(jobs, "FOLLOW_UP_MAX", 2)
    SegmentFactory(chain=ChainFactory(), slug="platforms", industry_codes=["6432"])
    upload = SimpleUploadedFile("firms.csv", write_csv(tmp_path / "f.csv", GOOD).read_bytes())
    job = import_job_create(actor=admin, upload=upload, dry_run=False)
    with acting_as(admin, source="task"):
        assert run_job(job).created == 3
    assert not Membership.objects.exists()
    job.refresh_from_db()
    assert job.message.endswith("place them on the chains with `chainlead classify`.")
    assert "`chainlead search-reindex`" in job.message
