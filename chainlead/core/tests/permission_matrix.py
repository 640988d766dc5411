"""The home page, the API's schema and documentation pages, and the public pages."""

from chainlead.core.testing import Case, Public, expect

MATRIX = [
    Case("api:openapi-json", expect=expect(200)),
    Case("api:openapi-view", expect=expect(200)),
    # Each role starts where its work is: every role is redirected to its own page
    # (core/tests/test_home.py states which; a user without a role gets a welcome page).
    Case("home", expect=expect(302)),
    # Anyone may open these, logged in or not (the walk checks they answer without an error).
    Public("accounts:login"),
    Public("accounts:logout", note="GET is 405: log-out is a POST"),
    Public("set_language", note="a POST from the language switch; GET redirects"),
]
