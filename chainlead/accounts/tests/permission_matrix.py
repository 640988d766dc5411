"""Who may open the account pages (walked by chainlead/core/tests/test_permission_walk.py)."""

from chainlead.core.testing import Case, World, expect, only


def setup(world: World) -> None:
    from chainlead.accounts.services import api_token_create

    owner = world.users["enterprise"]
    token, _key = api_token_create(actor=owner, name="walk")
    world.add("enterprise_token", own=token)


MATRIX = [
    Case("accounts:password_change", expect=expect(200)),
    Case("accounts:password_change", method="POST", data={}, expect=expect(200)),
    Case("accounts:password_change_done", expect=expect(200)),
    Case("accounts:token_list", expect=expect(200)),
    Case("accounts:token_list", method="POST", data={"name": "x", "days": 30}, expect=expect(200)),
    # Tokens are private: even a city admin cannot revoke someone else's token from this page.
    Case(
        "accounts:token_revoke",
        method="POST",
        kwargs=lambda s: {"pk": s.enterprise_token.pk},
        expect=expect(404, enterprise=302),
    ),
    Case(
        "accounts:token_revoke", kwargs=lambda s: {"pk": s.enterprise_token.pk}, expect=expect(405)
    ),
]

# Unlocking accounts is the security administrator's alone (三员分立), a role no walk user holds.
MATRIX += [
    Case("accounts:lockout_list", expect=expect(403)),
    Case("accounts:lockout_release", method="POST", data={"username": "x"}, expect=expect(403)),
]

# Two-factor pages: every user's own. The walk's sessions have given no second factor, so the
# recovery codes send them to the second step first.
MATRIX += [
    Case("accounts:otp_setup", expect=expect(200)),
    Case("accounts:otp_verify", expect=expect(200)),
    Case("accounts:otp_recovery", expect=expect(302)),
]

MATRIX += [Case("GET /api/v1/accounts/me", expect=expect(200))]

# Users' accounts: the system administrator's (三员分立; no walk user holds it) and city admins'.
MATRIX += [
    Case("accounts:administration", expect=only(["city_admin"])),
    Case("accounts:user_list", expect=only(["city_admin"])),
    Case("accounts:user_list", method="POST", data={}, expect=only(["city_admin"])),
    Case(
        "accounts:user_active",
        method="POST",
        kwargs=lambda s: {"pk": s.world.users["enterprise"].pk},
        data={"active": "0"},
        expect=only(["city_admin"], yes=302),
    ),
    Case(
        "accounts:user_active",
        kwargs=lambda s: {"pk": s.world.users["enterprise"].pk},
        expect=only(["city_admin"], yes=405),
    ),
    Case(
        "accounts:user_password",
        method="POST",
        kwargs=lambda s: {"pk": s.world.users["enterprise"].pk},
        data={"password": "Temp-Pass-2026!"},
        expect=only(["city_admin"], yes=302),
    ),
    Case(
        "accounts:user_password",
        kwargs=lambda s: {"pk": s.world.users["enterprise"].pk},
        expect=only(["city_admin"], yes=405),
    ),
    Case("GET /api/v1/accounts/users", expect=only(["city_admin"])),
    Case(
        "POST /api/v1/accounts/users",
        data={"username": "walk-new", "password": "Temp-Pass-2026!"},
        expect=only(["city_admin"], yes=201),
    ),
    Case(
        "POST /api/v1/accounts/users/{user_id}/active",
        kwargs=lambda s: {"user_id": s.world.users["enterprise"].pk},
        data={"active": False},
        expect=only(["city_admin"]),
    ),
    Case(
        "POST /api/v1/accounts/users/{user_id}/password",
        kwargs=lambda s: {"user_id": s.world.users["enterprise"].pk},
        data={"password": "Temp-Pass-2026!"},
        expect=only(["city_admin"]),
    ),
]
