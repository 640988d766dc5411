"""The planner's statistics are refreshed after a bulk write (see chainlead.core.db)."""

import datetime as dt

import pytest
from django.utils import timezone

from chainlead.core.testing import forget_planner_statistics, planner_row_estimate
from chainlead.requests.models import EnterpriseRequest

pytestmark = pytest.mark.django_db


def test_generated_requests_leave_the_planner_knowing_their_number(world):
    from chainlead.requests.generator import generate_requests

    table = EnterpriseRequest._meta.db_table
    forget_planner_statistics(table)  # whatever an earlier test left
    assert not planner_row_estimate(table)
    now = timezone.make_aware(dt.datetime(2026, 6, 1, 9))
    generate_requests(250, seed=1, open_share=0.5, days=30, now=now)
    assert planner_row_estimate(table) == pytest.approx(EnterpriseRequest.objects.count(), rel=0.05)
