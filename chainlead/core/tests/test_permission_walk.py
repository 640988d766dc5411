"""Walk every page and API operation as every role; fail on any undeclared route."""

import pytest

from chainlead.core.testing import ROLES, Case, clients, matrices, undeclared, walk

MATRICES = matrices()


def test_every_route_has_a_matrix_entry():
    problems = undeclared(MATRICES)
    assert not problems, "Declare these in chainlead/<app>/tests/permission_matrix.py:\n" + (
        "\n".join(problems)
    )


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
