"""The synthetic registry: deterministic, valid codes, plausible shapes, matching memberships."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from chainlead.chains.generator import generate_into_db
from chainlead.chains.models import Chain, Membership, Segment
from chainlead.registry.choices import DataProvenance
from chainlead.registry.generator import write_csv
from chainlead.registry.importers import import_enterprises
from chainlead.registry.models import Enterprise, EnterpriseIndicator
from chainlead.registry.validators import credit_code_error


def generated(n: int, seed: int, **kwargs: Any) -> str:
    out = io.StringIO()
    assert write_csv(out, n, seed=seed, **kwargs) == n
    return out.getvalue()


def test_same_seed_same_file_other_seed_other_file(db: Any) -> None:
    assert generated(300, seed=5) == generated(300, seed=5)
    assert generated(300, seed=5) != generated(300, seed=6)


def test_generated_rows_are_valid_and_plausible(db: Any) -> None:
    rows = list(csv.DictReader(io.StringIO(generated(3000, seed=1))))
    codes = [r["credit_code"] for r in rows]
    assert len(set(codes)) == 3000
    assert all(credit_code_error(c) is None for c in codes)
    sizes = [r["size_class"] for r in rows]
    assert sizes.count("micro") > sizes.count("small") > sizes.count("medium")
    assert sizes.count("large") > 0
    revenue = sorted(float(r["revenue"]) for r in rows)
    # Skewed: the top 3% of firms hold far more revenue than the bottom half.
    top = sum(revenue[-90:])
    assert top > 5 * sum(revenue[:1500])
    assert all(len(r["industry_code"]) == 4 for r in rows)
    attracted = [r for r in rows if r["origin"] == "attracted"]
    assert 0 < len(attracted) < 600
    assert all(r["origin_place"] and r["landed_on"] >= r["founded"] for r in attracted)


def test_generated_file_imports_cleanly(db: Any, districts: Any, tmp_path: Path) -> None:
    path = tmp_path / "synthetic.csv"
    path.write_text(generated(500, seed=2, chinese_headers=True), encoding="utf-8")
    result = import_enterprises(path)
    assert result.ok, result.errors[:5]
    assert result.created == 500


@pytest.fixture
def chain(db: Any) -> Chain:
    chain = Chain.objects.create(slug="ai", name="人工智能")
    Segment.objects.create(chain=chain, slug="chips", name="芯片", order=1, industry_codes=["3973"])
    Segment.objects.create(chain=chain, slug="cloud", name="云服务", order=2, industry_codes=["65"])
    Segment.objects.create(chain=chain, slug="empty", name="空", order=3, industry_codes=[])
    return chain


def test_generate_into_the_database(chain: Chain) -> None:
    counts = generate_into_db(400, seed=3)
    assert counts["enterprises"] == Enterprise.objects.count() == 400
    assert Enterprise.objects.filter(provenance=DataProvenance.SYNTHETIC).count() == 400
    assert all(
        credit_code_error(c) is None
        for c in Enterprise.objects.values_list("credit_code", flat=True)
    )
    assert EnterpriseIndicator.objects.count() == counts["indicators"] > 400
    memberships = Membership.objects.select_related("enterprise", "segment")
    assert memberships.count() == counts["memberships"] > 50
    for m in memberships:
        assert any(m.enterprise.industry_id.startswith(p) for p in m.segment.industry_codes)
    # Every firm whose industry matches a segment is in it, and no firm is in the empty segment.
    assert (
        memberships.filter(segment__slug="chips").count()
        == Enterprise.objects.filter(industry_id="3973").count()
        > 0
    )
    assert (
        memberships.filter(segment__slug="cloud").count()
        == Enterprise.objects.filter(industry__code__startswith="65").count()
    )
    assert not memberships.filter(segment__slug="empty").exists()
    firm = Enterprise.objects.first()
    assert firm.search_text
    # A second run adds new firms with new codes.
    generate_into_db(50, seed=3)
    assert Enterprise.objects.count() == 450


def test_generate_command_is_deterministic(db: Any, tmp_path: Path) -> None:
    for name in ("a.csv", "b.csv"):
        call_command(
            "generate",
            "--enterprises",
            "200",
            "--seed",
            "9",
            "--csv",
            str(tmp_path / name),
            "--no-progress",
            stdout=io.StringIO(),
        )
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert Enterprise.objects.count() == 0
