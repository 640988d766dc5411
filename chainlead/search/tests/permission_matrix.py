"""Who may search (walked by core's permission walk): every logged-in role opens the page and
the API; what each finds is checked in test_search.py (scope), not here."""

from chainlead.core.testing import Case, expect

MATRIX = [
    Case("search:results", expect=expect(200)),
    Case("search:results", query={"q": "Walk"}, expect=expect(200)),
    Case("search:results", query={"q": "walk"}, htmx=True, expect=expect(200)),
    Case("GET /api/v1/search/", query={"q": "Walk"}, expect=expect(200)),
]
