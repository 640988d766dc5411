"""No page offers a link its reader may not open.

Each role starts at the home page and follows every link (`href` and htmx `hx-get`) its pages
show, breadth first, within the platform; every page reached must answer without 403, 404 or
5xx. The world holds every app's objects (the permission matrices' setups), so the pages show
their real links: detail pages, exports, filters, the menu.
"""

from __future__ import annotations

import re
from collections import deque
from html import unescape
from urllib.parse import urldefrag, urlsplit

import pytest
from django.test import Client

from chainlead.core.testing import ANONYMOUS, ROLES, World, clients, matrices

LINK = re.compile(r"""(?:href|hx-get)="([^"]+)\"""")
# Links that leave the platform's pages or are not pages: the admin has its own permissions
# (tested in audit), static assets, the API's JSON and media downloads of attachments.
SKIPPED = ("/admin/", "/static/", "/api/v1/", "/i18n/")
MAX_PAGES_PER_ROLE = 250


def links_of(html: str) -> set[str]:
    found = set()
    for raw in LINK.findall(html):
        url = urldefrag(unescape(raw))[0]
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue  # other sites, mailto:, javascript:, relative fragments
        if url.startswith(SKIPPED):
            continue
        found.add(url)
    return found


def walk_links(client: Client, start: str = "/") -> tuple[list[str], int]:
    """Follow every link from `start`; return the failures and how many pages were opened."""
    seen = {start}
    queue = deque([(start, "(start)")])
    failures = []
    opened = 0
    while queue and opened < MAX_PAGES_PER_ROLE:
        url, source = queue.popleft()
        response = client.get(url, follow=True)
        opened += 1
        if response.status_code in (403, 404) or response.status_code >= 500:
            failures.append(f"{url} (linked from {source}): {response.status_code}")
            continue
        content_type = response.get("Content-Type", "")
        if not content_type.startswith("text/html"):
            continue
        for link in sorted(links_of(response.content.decode())):
            # Open each route shape a few times, not every firm of a long list.
            if link not in seen:
                seen.add(link)
                queue.append((link, url))
    return failures, opened


@pytest.fixture
def full_world(world: World) -> World:
    for matrix in matrices():
        if matrix.setup is not None:
            matrix.setup(world)
    return world


@pytest.mark.parametrize("role", [r for r in ROLES if r != ANONYMOUS])
def test_every_link_a_role_is_shown_opens(role: str, full_world: World, settings) -> None:
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    client = clients(full_world)[role]
    failures, opened = walk_links(client)
    assert opened > 1, f"{role} saw no link at all"
    assert not failures, f"{role} is shown links it may not open:\n" + "\n".join(failures)


def test_links_of_keeps_only_platform_pages() -> None:
    html = (
        '<a href="/chains/ai/?district=1&amp;size=large">x</a>'
        '<a href="https://example.org/">y</a><a href="/static/a.css">z</a>'
        '<span hx-get="/requests/bell/"></span><a href="#top">t</a>'
    )
    assert links_of(html) == {"/chains/ai/?district=1&size=large", "/requests/bell/"}
