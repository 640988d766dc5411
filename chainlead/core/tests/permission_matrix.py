"""The home page, the API's schema and documentation pages, and the public pages."""

from chainlead.core.testing import Case, Public, expect

MATRIX = [
    Case("api:openapi-json", expect=expect(200)),
    Case("api:openapi-view", expect=expect(200)),
    # Each role starts where its work is: government staff at the chains, a firm at its page;
    # roles with no such page get a short landing page.
    Case("home", expect=expect(302, commissioner=200, researcher=200, reviewer=200)),
    # Anyone may open these, logged in or not (the walk checks they answer without an error).
    Public("accounts:login"),
    Public("accounts:logout", note="GET is 405: log-out is a POST"),
    Public("set_language", note="a POST from the language switch; GET redirects"),
]
