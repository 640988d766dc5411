"""Who may open the notice pages and API (walked by chainlead/core/tests/test_permission_walk.py).

Every logged-in user has their own notices and settings; nobody sees another's (the selectors
take only the reader's). Marking read and choosing e-mail are the reader's own account, so the
auditor makes them too (OWN_ACCOUNT_WRITES).
"""

from chainlead.core.testing import Case, expect

MATRIX = [
    Case("notifications:list", expect=expect(200)),
    Case("notifications:read", method="POST", data={}, expect=expect(302)),
    Case("notifications:read", expect=expect(405)),
    Case("notifications:bell", htmx=True, expect=expect(200)),
    Case("notifications:preferences", expect=expect(200)),
    Case("notifications:preferences", method="POST", data={}, expect=expect(302)),
    Case("GET /api/v1/notifications/", expect=expect(200)),
    Case("GET /api/v1/notifications/unread", expect=expect(200)),
    Case("POST /api/v1/notifications/read", data={}, expect=expect(200)),
]
