"""The API's schema and documentation pages (any logged-in user) and the public pages."""

from chainlead.core.testing import Case, Public, expect

MATRIX = [
    Case("api:openapi-json", expect=expect(200)),
    Case("api:openapi-view", expect=expect(200)),
    # Anyone may open these, logged in or not (the walk checks they answer without an error).
    Public("accounts:login"),
    Public("accounts:logout", note="GET is 405: log-out is a POST"),
    Public("set_language", note="a POST from the language switch; GET redirects"),
    Public("home", note="sends each role to where its work is; anonymous users to log in"),
]
