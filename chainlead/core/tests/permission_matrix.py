"""The API's schema and documentation pages: any logged-in user."""

from chainlead.core.testing import Case, expect

MATRIX = [
    Case("api:openapi-json", expect=expect(200)),
    Case("api:openapi-view", expect=expect(200)),
]
