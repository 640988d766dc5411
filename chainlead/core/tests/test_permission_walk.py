"""Walk every page and API operation as every role; fail on any undeclared route."""

import pytest

from chainlead.core.testing import (
    ROLES,
    Case,
    auditor_write_expectations,
    clients,
    matrices,
    undeclared,
    walk,
)

MATRICES = matrices()


def test_every_route_has_a_matrix_entry():
    problems = undeclared(MATRICES)
    assert not problems, "Declare these in chainlead/<app>/tests/permission_matrix.py:\n" + (
        "\n".join(problems)
    )


def test_the_auditor_is_refused_every_write():
    # DOMAIN.md §1: the auditor changes nothing. Every unsafe case (but the auditor's own
    # account: OWN_ACCOUNT_WRITES) must expect 403, 404 or 405; the walk checks the answers.
    problems = auditor_write_expectations(MATRICES)
    assert not problems, "\n".join(problems)


def test_the_walk_reports_an_auditor_write(world, role_clients, monkeypatch):
    from chainlead.core import testing
    from chainlead.core.testing import Matrix, expect

    # Marking notifications read is the auditor's own business; pretend it is not, and the
    # walk must report the auditor's success even though the case expects it.
    monkeypatch.setattr(testing, "OWN_ACCOUNT_WRITES", frozenset())
    lax = Case("notifications:read", method="POST", data={}, expect=expect(302))
    assert auditor_write_expectations([Matrix("x", [lax], [], None)]) != []
    failures = walk(Matrix("x", [lax], [], None), world, role_clients)
    assert failures == ["POST notifications:read as auditor: the auditor was not refused"]


def test_every_case_names_every_role():
    missing = [
        f"{case.key}: {role}"
        for m in MATRICES
        for case in m.cases
        for role in ROLES
        if role not in case.expect and role != "anonymous"
    ]
    assert not missing


@pytest.mark.parametrize("matrix", MATRICES, ids=[m.app for m in MATRICES])
def test_permission_walk(matrix, world, settings):
    # Sessions in signed cookies: no session row read and written per request. The session
    # engine is no part of what the walk checks (the idle timeout is tested in accounts).
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    assert not matrix.error, f"{matrix.app}/tests/permission_matrix.py: {matrix.error}"
    if matrix.setup is not None:
        matrix.setup(world)
    failures = walk(matrix, world, clients(world))
    assert not failures, f"{len(failures)} permission mismatches:\n" + "\n".join(failures)


def test_the_kit_reports_a_wrong_expectation(world, role_clients):
    from chainlead.core.testing import Matrix, expect

    wrong = Case("accounts:token_list", expect=expect(403))
    failures = walk(Matrix("x", [wrong], [], None), world, role_clients)
    assert len(failures) == len(ROLES) - 1
    assert "accounts:token_list as city_admin: got 200, expected 403" in failures[0]


def test_the_guard_reports_undeclared_and_stale_routes():
    from chainlead.core.testing import Matrix, expect

    stale = Case("GET /api/v1/registry/nowhere", expect=expect(200))
    problems = undeclared([Matrix("x", [stale], [], None)])
    assert "no matrix entry: accounts:token_list" in problems
    assert "no matrix entry: GET /api/v1/registry/enterprises" in problems
    assert "entry names no route: GET /api/v1/registry/nowhere" in problems
    assert not any("admin:" in p or "static" in p for p in problems)


def test_sided_cases_are_requested_with_each_sides_objects(world, role_clients):
    from chainlead.core.testing import Matrix, expect

    # Claim the task force sees the other firm and not its own: both sides must be reported.
    wrong = Case(
        "registry:enterprise_detail",
        kwargs=lambda s: {"pk": s.firm.pk},
        expect=expect((200, 200), task_force=(404, 200)),
    )
    failures = walk(Matrix("x", [wrong], [], None), world, role_clients)
    task_force = [f for f in failures if " as task_force " in f]
    assert task_force == [
        "GET registry:enterprise_detail as task_force (own): got 200, expected 404",
        "GET registry:enterprise_detail as task_force (other): got 404, expected 200",
    ]


def test_unsafe_requests_are_rolled_back(world, role_clients):
    from chainlead.core.testing import Matrix, only
    from chainlead.registry.models import Enterprise

    delete = Case(
        "DELETE /api/v1/registry/enterprises/{enterprise_id}",
        kwargs=lambda s: {"enterprise_id": s.firm.pk},
        expect=only(["city_admin"], yes=204, no=frozenset({403, 404})),
    )
    assert walk(Matrix("x", [delete], [], None), world, role_clients) == []
    assert Enterprise.objects.filter(pk=world.own.firm.pk).exists()
