"""The create_api_token management command."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from chainlead.accounts.models import ApiToken
from chainlead.core.api_auth import token_user


def test_the_command_prints_a_working_key(world):
    out, err = StringIO(), StringIO()
    call_command(
        "create_api_token", "walk_auditor", "--name", "etl", "--days", "7", stdout=out, stderr=err
    )
    key = out.getvalue().strip()
    assert token_user(key) == world.users["auditor"]
    token = ApiToken.objects.get(user=world.users["auditor"])
    assert token.name == "etl"
    assert "etl" in err.getvalue()


def test_the_command_refuses_unknown_users(db):
    with pytest.raises(CommandError):
        call_command("create_api_token", "nobody", "--name", "x")
