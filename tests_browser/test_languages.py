"""Each language complete, read in chromium (issue 15, item 9): every role opens its home page
and the pages its menu offers, in Chinese and in English, and reads no word of the other
language (the words and the data rules of `core.tests.test_language_walk`)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from chainlead.core.testing import ANONYMOUS, ROLES, build_world, matrices
from chainlead.core.tests.test_language_walk import foreign_words, shown_text, stored_texts

MENU_LINKS = "header a[href^='/']"
PAGES_PER_ROLE = 8


@pytest.mark.browser
def test_each_role_reads_one_language_in_the_browser(browser: Any, live_server: Any) -> None:
    world = build_world()
    for matrix in matrices():
        if matrix.setup is not None:
            matrix.setup(world)
    data = stored_texts()
    found: list[str] = []
    for role in [r for r in ROLES if r != ANONYMOUS]:
        client = Client()
        client.force_login(world.users[role])
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        for language in ("zh-hans", "en"):
            context = browser.new_context(viewport={"width": 1366, "height": 900})
            context.set_default_timeout(30_000)
            context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": session,
                        "url": live_server.url,
                    },
                    {
                        "name": settings.LANGUAGE_COOKIE_NAME,
                        "value": language,
                        "url": live_server.url,
                    },
                ]
            )
            page = context.new_page()
            page.goto(f"{live_server.url}/")
            page.wait_for_load_state("networkidle")  # the bell, swapped in by htmx
            links = page.eval_on_selector_all(
                MENU_LINKS, "els => els.map(e => e.getAttribute('href'))"
            )
            urls = ["/", *dict.fromkeys(u for u in links if not u.startswith(("/admin/", "/api/")))]
            for url in urls[:PAGES_PER_ROLE]:
                page.goto(f"{live_server.url}{url}")
                page.wait_for_load_state("networkidle")
                assert page.get_attribute("html", "lang") == language.split("-")[0] or (
                    page.get_attribute("html", "lang") == language
                )
                words = foreign_words(shown_text(page.content(), data), language)
                if words:
                    found.append(f"{role} {language} {url}: {', '.join(sorted(words))}")
            context.close()
    assert not found, "Words of the other language:\n" + "\n".join(found)
