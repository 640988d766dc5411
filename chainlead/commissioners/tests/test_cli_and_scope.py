import datetime as dt
import io

from django.core.management import call_command
from django.test import Client

from chainlead.commissioners.models import MatchingRun
from chainlead.requests.models import EnterpriseRequest

from .conftest import TODAY


def test_cli_dry_run_prints_the_certificate_and_stores_nothing(hardware_expert, firms):
    out = io.StringIO()
    call_command("match_commissioners", "--dry-run", "--as-of", TODAY.isoformat(), stdout=out)
    text = out.getvalue()
    assert "Certificate: verified" in text
    assert "gain over greedy" in text
    assert "Hardware expert → Computer maker" in text
    assert not MatchingRun.objects.exists()


def test_cli_stores_a_run_for_a_district(hardware_expert, firms, districts):
    out = io.StringIO()
    call_command(
        "match_commissioners", "--district", "滨江区", "--as-of", TODAY.isoformat(), stdout=out
    )
    run = MatchingRun.objects.get()
    assert run.district == districts["binjiang"]
    assert {p.enterprise_id for p in run.pairs.all()} == {firms["computers"].pk}


def test_commissioner_sees_only_stationed_firms_everywhere(
    station, commissioner_user, firms, time_machine
):
    # The station runs from TODAY − 60 days; the scope reads today's date.
    time_machine.move_to(dt.datetime(2025, 6, 16, 12, tzinfo=dt.UTC), tick=False)
    client = Client()
    client.force_login(commissioner_user)
    own, other = firms["computers"], firms["parts"]
    assert client.get(f"/api/v1/registry/enterprises/{own.pk}").status_code == 200
    assert client.get(f"/api/v1/registry/enterprises/{other.pk}").status_code == 404
    assert client.get(f"/registry/{other.pk}/").status_code == 404
    listed = client.get("/api/v1/registry/enterprises").json()
    assert [f["id"] for f in listed["items"]] == [own.pk]
    # Logging against another commissioner's station (a changed id) is a 404.
    from chainlead.commissioners.services import assignment_create

    admin = station.approved_by
    from chainlead.commissioners.services import commissioner_create

    someone = commissioner_create(actor=admin, kind="individual", name="Someone", capacity=2)
    theirs = assignment_create(
        actor=admin, commissioner=someone, enterprise=other, starts_on=TODAY, reason="x"
    )
    response = client.post(
        f"/commissioners/stations/{theirs.pk}/logs/",
        {"mode": "visit", "served_on": TODAY.isoformat(), "hours": "1", "work_done": "x"},
    )
    assert response.status_code == 404
    assert client.get(f"/commissioners/stations/{theirs.pk}/").status_code == 404
    # Once the station ends, the firm leaves the commissioner's scope.
    from chainlead.commissioners.services import assignment_end

    assignment_end(
        actor=admin, assignment=station, on=TODAY - dt.timedelta(days=1), reason="moved away"
    )
    assert client.get(f"/api/v1/registry/enterprises/{own.pk}").status_code == 404
    assert not EnterpriseRequest.objects.exists()
