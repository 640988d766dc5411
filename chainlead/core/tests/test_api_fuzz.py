"""Fuzz every API operation from the OpenAPI schema with schemathesis (issue 9): as a city
admin and as an enterprise user, no input may cause a 5xx or an answer outside the schema.

Examples per operation are bounded (`FUZZ_EXAMPLES`, default 5) so the whole run stays within
a few minutes; raise it locally to search harder. Run on SQLite and on PostgreSQL
(`DATABASE_URL=postgres://…`). Writes are made in the test's transaction and rolled back.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))
# 5xx found by this test in other apps, to be fixed by their owners (then remove the line):
# (Both found last: the evaluations' negative year and the awards' huge page, are fixed.)
KNOWN_SERVER_ERRORS: dict[str, str] = {}


def _schema() -> schemathesis.schemas.BaseSchema:
    # The schema page needs a log-in, so the schema comes from the API object itself; the
    # operations are called in process through the WSGI application.
    from config.api import api

    loaded = schemathesis.openapi.from_dict(dict(api.get_openapi_schema()))
    loaded.app = get_wsgi_application()
    return loaded


schema = _schema()


@pytest.fixture(autouse=True)
def _keep_the_tests_connection():
    # The WSGI handler closes the database connection after each request (CONN_MAX_AGE=0),
    # which would end the test's transaction; django.test.Client unhooks this the same way.
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(db):
    """A city admin's and an enterprise user's token (a small world: fuzzing is the cost)."""
    from chainlead.accounts.models import User
    from chainlead.accounts.services import api_token_create, role_grant, user_create
    from chainlead.registry.services import enterprise_create

    admin = User.objects.create_superuser("fuzz_admin", password=None)
    firm = enterprise_create(actor=admin, name="杭州模糊测试科技有限公司")
    firm_user = user_create(actor=admin, username="fuzz_firm", password=None)
    role_grant(actor=admin, user=firm_user, role="enterprise", enterprise=firm)
    return {
        "city_admin": api_token_create(actor=admin, name="fuzz")[1],
        "enterprise": api_token_create(actor=firm_user, name="fuzz")[1],
    }


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.parametrize("role", ["city_admin", "enterprise"])
def test_no_input_breaks_the_api(case, role, tokens, request):
    known = KNOWN_SERVER_ERRORS.get(f"{case.method.upper()} {case.operation.path}")
    if known:
        request.applymarker(pytest.mark.xfail(reason=known, strict=False))
    case.call_and_validate(
        headers={"Authorization": f"Bearer {tokens[role]}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
