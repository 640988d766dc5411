"""Who starts the city's complexity analysis (issue 9 item 4): it steers every chain's
opportunities, so only a city admin (who edits every chain) starts one; DOMAIN.md §1."""

import pytest
from django.urls import reverse

from chainlead.recruitment.models import AnalysisRun

NEVER = ["auditor", "finance", "district_official", "chain_leader", "task_force", "commissioner"]


@pytest.mark.parametrize("role", NEVER)
def test_a_role_that_edits_no_chain_cannot_start_a_complexity_run(role, role_clients):
    client = role_clients[role]
    page = client.post(reverse("recruitment:complexity_compute"), {"level": "city"})
    api = client.post(
        "/api/v1/recruitment/complexity", {"level": "city"}, content_type="application/json"
    )
    assert (page.status_code, api.status_code) == (403, 403)
    assert not AnalysisRun.objects.exists()


def test_a_city_admin_starts_one(role_clients):
    response = role_clients["city_admin"].post(
        reverse("recruitment:complexity_compute"), {"level": "city"}
    )
    assert response.status_code == 302


def test_the_service_refuses_too(role_users):
    from chainlead.core.exceptions import PermissionDenied
    from chainlead.recruitment.analysis import complexity_run_create

    with pytest.raises(PermissionDenied):
        complexity_run_create(actor=role_users["auditor"], level="city")
