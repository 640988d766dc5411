"""The main menu: the apps' links, grouped, each shown only to readers its view lets in."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from chainlead.accounts.access import access_for
from chainlead.core.plugins import NAV_GROUPS, NavItem, nav_entries


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


def test_an_admin_sees_groups_of_links(world: Any) -> None:
    entries = nav_entries(access_for(world.admin), "/")
    groups = {str(e.label): [str(link.label) for link in e.links] for e in entries if e.links}
    assert "Industrial chains" in groups[str(NAV_GROUPS["chains"])]
    assert "Review queue" in groups[str(NAV_GROUPS["chains"])]
    assert {"Enterprises", "Import"} <= set(groups[str(NAV_GROUPS["firms"])])
    # No link is both grouped and top level, and every entry leads somewhere.
    assert all(e.url or e.links for e in entries)


def test_a_group_with_one_visible_link_is_that_link(world: Any) -> None:
    entries = nav_entries(access_for(world.users["enterprise"]), "/")
    labels = [str(e.label) for e in entries]
    # The firm's user may open the enterprise list but not the import: no "Enterprises ▾" group.
    assert "Enterprises" in labels
    firms = next(e for e in entries if str(e.label) == "Enterprises")
    assert firms.url and not firms.links
    assert "Import" not in str([link.label for e in entries for link in e.links])


def test_anonymous_readers_get_no_menu(client: Any) -> None:
    from chainlead.accounts.access import ANONYMOUS

    assert nav_entries(ANONYMOUS, "/") == []


def test_an_unknown_group_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown menu group"):
        NavItem("x", "home", group="nowhere")


def test_each_page_shows_the_menu_of_its_reader_and_language(world: Any, client: Any) -> None:
    # The menu's HTML is drawn once per language and set of visible links (context_processors).
    from django.urls import reverse

    def menu(user: Any, language: str) -> str:
        client.force_login(user)
        client.cookies["django_language"] = language
        page = client.get(reverse("home"), follow=True).content.decode()
        return page.split('<nav class="mainnav">', 1)[1].split("</nav>", 1)[0]

    admin_en, firm_en = menu(world.admin, "en"), menu(world.users["enterprise"], "en")
    admin_zh = menu(world.admin, "zh-hans")
    assert admin_en == menu(world.admin, "en")  # drawn again from the kept HTML: the same
    assert "Import" in admin_en and "Import" not in firm_en
    assert 'class="nav-group"' in admin_en and admin_en != admin_zh
    assert "Enterprises" not in admin_zh
