import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from chainlead.accounts.choices import Role
from chainlead.audit.models import AuditEntry
from chainlead.commissioners import services
from chainlead.commissioners.choices import Decision, LogStatus, RunStatus
from chainlead.commissioners.constants import MATCH_TERMS
from chainlead.commissioners.evaluation import evaluation_rows, evaluation_workbook
from chainlead.commissioners.models import Assignment
from chainlead.core.exceptions import PermissionDenied

from .conftest import TODAY, make_user


@pytest.fixture(autouse=True)
def english():
    """The assertions read the services' English messages (the UI's default is Chinese)."""
    with translation.override("en"):
        yield


def _log(station, user, served_on, **kw):
    return services.log_create(
        actor=user,
        assignment=station,
        mode="visit",
        served_on=served_on,
        hours=kw.pop("hours", Decimal("3.5")),
        work_done="Reviewed the server cooling design",
        today=TODAY,
        **kw,
    )


def test_only_admins_station_and_capacity_holds(admin, hardware_expert, firms, station):
    other_user = make_user("tf", Role.AUDITOR)
    with pytest.raises(PermissionDenied):
        services.assignment_create(
            actor=other_user,
            commissioner=hardware_expert,
            enterprise=firms["parts"],
            starts_on=TODAY,
            reason="x",
        )
    services.assignment_create(
        actor=admin,
        commissioner=hardware_expert,
        enterprise=firms["parts"],
        starts_on=TODAY,
        reason="parts",
    )
    with pytest.raises(ValidationError, match="capacity"):
        services.assignment_create(
            actor=admin,
            commissioner=hardware_expert,
            enterprise=firms["software"],
            starts_on=TODAY,
            reason="third",
        )


def test_ending_early_needs_a_reason(admin, station):
    with pytest.raises(ValidationError):
        services.assignment_end(actor=admin, assignment=station, on=TODAY, reason=" ")
    ended = services.assignment_end(actor=admin, assignment=station, on=TODAY, reason="moved")
    assert ended.ended_early_on == TODAY
    assert not ended.is_active(TODAY + dt.timedelta(days=1))


def test_log_within_window_goes_to_the_firm(station, commissioner_user):
    log = _log(station, commissioner_user, TODAY - dt.timedelta(days=7))
    assert log.status == LogStatus.SUBMITTED
    assert not log.backdated


def test_backdated_log_waits_for_an_official(admin, station, commissioner_user, settings):
    log = _log(station, commissioner_user, TODAY - dt.timedelta(days=8))
    assert log.status == LogStatus.AWAITING_APPROVAL and log.backdated
    settings.CHAINLEAD_LOG_BACKDATE_DAYS = 30  # read at call time
    later = _log(station, commissioner_user, TODAY - dt.timedelta(days=8))
    assert later.status == LogStatus.SUBMITTED
    approved = services.log_approve(actor=admin, log=log, approve=True)
    assert approved.status == LogStatus.SUBMITTED and approved.approved_by == admin


def test_only_the_stationed_commissioner_logs(station, firms):
    someone = make_user("other_cm", Role.COMMISSIONER)
    with pytest.raises(PermissionDenied):
        _log(station, someone, TODAY)
    with pytest.raises(ValidationError):
        _log(station, station.commissioner.user, TODAY + dt.timedelta(days=1))


def test_firm_confirms_or_disputes(station, commissioner_user, firms):
    firm_user = make_user("firm", Role.ENTERPRISE, enterprise=firms["computers"])
    other_firm = make_user("firm2", Role.ENTERPRISE, enterprise=firms["parts"])
    log = _log(station, commissioner_user, TODAY)
    with pytest.raises(PermissionDenied):
        services.log_answer(actor=other_firm, log=log, confirm=True, rating=5)
    with pytest.raises(ValidationError):
        services.log_answer(actor=firm_user, log=log, confirm=False)
    confirmed = services.log_answer(actor=firm_user, log=log, confirm=True, rating=4)
    assert confirmed.status == LogStatus.CONFIRMED and confirmed.firm_rating == 4
    disputed = services.log_answer(
        actor=firm_user,
        log=_log(station, commissioner_user, TODAY),
        confirm=False,
        comment="Nobody came",
    )
    assert disputed.status == LogStatus.DISPUTED


def test_evaluation_terms_sum_to_the_score(admin, station, commissioner_user, firms):
    firm_user = make_user("firm", Role.ENTERPRISE, enterprise=firms["computers"])
    log = _log(station, commissioner_user, TODAY, hours=Decimal("10"))
    services.log_answer(actor=firm_user, log=log, confirm=True, rating=5)
    bad = _log(station, commissioner_user, TODAY)
    services.log_answer(actor=firm_user, log=bad, confirm=False, comment="wrong")
    rows = evaluation_rows(user=admin, year=TODAY.year)
    row = next(r for r in rows if r.commissioner == station.commissioner)
    assert row.firms_served == 1
    assert row.hours == Decimal("10")
    assert row.disputed_logs == 1
    # 5×1 + 0.5×10 + 0 + 10×(5−3) − 5×1 = 25
    assert row.terms == {
        "firms": Decimal("5.00"),
        "hours": Decimal("5.00"),
        "requests": Decimal("0.00"),
        "rating": Decimal("20.00"),
        "disputes": Decimal("-5.00"),
    }
    assert row.score == Decimal("25.00")
    assert row.district_rank == 1
    content = evaluation_workbook(rows, year=TODAY.year)
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(content)).active
    assert "A1:Q1" in {str(r) for r in sheet.merged_cells.ranges}
    assert any("Prepared by" in str(c.value or "") for c in sheet["A"])


def test_proposal_accepted_becomes_stations(
    admin, hardware_expert, software_expert, firms, django_capture_on_commit_callbacks, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        run = services.matching_run_create(actor=admin, as_of=TODAY)
    run.refresh_from_db()
    assert run.status == RunStatus.READY and run.certificate_ok
    pairs = list(run.pairs.all())
    assert pairs
    # Stored by the bulk writer: the terms as a JSON object, one audit event for the whole set.
    assert set(pairs[0].terms) == set(MATCH_TERMS) and pairs[0].decision == Decision.PENDING
    event = AuditEntry.objects.get(event="proposed", object_id=str(run.pk))
    assert event.after["pairs"] == len(pairs)
    rejected = pairs[0]
    with pytest.raises(ValidationError):
        services.pair_decide(actor=admin, pair=rejected, accept=False)
    services.pair_decide(actor=admin, pair=rejected, accept=False, note="Conflict of interest")
    created = services.run_accept_pending(actor=admin, run=run)
    assert created == len(pairs) - 1
    stations = Assignment.objects.filter(matching_run=run)
    assert stations.count() == created
    station = stations.first()
    assert "score" in station.score_terms and "matching run" in station.reason
    rejected.refresh_from_db()
    assert rejected.decision == Decision.REJECTED
