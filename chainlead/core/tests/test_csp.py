"""Every page works under `script-src 'self'` (issue 9 item 11): no inline script, no on…=
attribute, no htmx expression that htmx would evaluate.

The policy forbids what these tests look for, so a page that carried it would silently lose its
chart or its button in the browser; here it fails by name. Two nets: every page and fragment of
the permission walk rendered as the city admin (who sees every button), and every template
file, which also covers the branches the walk's world does not reach.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from chainlead.core.testing import OTHER, OWN, World, case_url, clients, matrices

# `type` values of a <script> without src that the browser does not run.
DATA_SCRIPT_TYPES = frozenset({"application/json", "application/ld+json"})
# htmx evaluates these as JavaScript (`eval`/`Function`), which the policy refuses.
EVALUATED_HTMX_ATTRIBUTES = ("hx-on", "hx-vars", "data-hx-on", "data-hx-vars")
TRIGGER_FILTER = re.compile(r"\[[^\]]*\]")
JS_PREFIXES = ("js:", "javascript:")


@dataclass
class InlineCodeFinder(HTMLParser):
    """Collect everything in a page that needs 'unsafe-inline' or 'unsafe-eval' to run."""

    problems: list[str] = field(default_factory=list)
    _in_inline_script: bool = False

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        where = f"line {self.getpos()[0]}: <{tag}>"
        script_type = values.get("type", "").strip().lower()
        if tag == "script" and "src" not in values and script_type not in DATA_SCRIPT_TYPES:
            self.problems.append(f"{where} inline script")
        for name, value in values.items():
            if name.startswith("on"):
                self.problems.append(f"{where} event handler attribute {name}=")
            elif name.startswith(EVALUATED_HTMX_ATTRIBUTES):
                self.problems.append(f"{where} {name}= is evaluated by htmx")
            elif name in ("hx-trigger", "data-hx-trigger") and TRIGGER_FILTER.search(value):
                self.problems.append(f"{where} hx-trigger filter {value!r} is evaluated by htmx")
            elif name in ("hx-vals", "hx-headers") and value.lstrip().startswith(JS_PREFIXES):
                self.problems.append(f"{where} {name}= is evaluated by htmx")
            elif name in ("href", "action", "src") and value.strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"{where} javascript: URL")


def inline_code(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    finder.close()
    return finder.problems


# ---------------------------------------------------------------------------------------------
# The checker itself
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        '<script type="text/javascript">x()</script>',
        '<button onclick="go()">',
        '<select onchange="this.form.submit()">',
        '<form onsubmit="return confirm(1)">',
        '<tr hx-get="/x" hx-trigger="click[!event.target.closest(\'a\')]">',
        '<div hx-on:click="go()">',
        '<div hx-vals="js:{a: 1}">',
        '<a href="javascript:go()">',
    ],
)
def test_the_checker_finds_inline_code(html: str) -> None:
    assert inline_code(html), html


@pytest.mark.parametrize(
    "html",
    [
        '<script src="/static/core/chainlead.js" defer></script>',
        '<script type="application/json" id="data">{"a": "<b>"}</script>',
        '<select data-autosubmit name="region">',
        '<tr hx-get="/x" hx-trigger="row-click" data-row-click>',
        '<div hx-trigger="load" hx-headers=\'{"X-CSRFToken": "t"}\'>',
        "<p>onclick= in text is only text</p>",
    ],
)
def test_the_checker_lets_static_code_pass(html: str) -> None:
    assert inline_code(html) == []


# ---------------------------------------------------------------------------------------------
# The policy
# ---------------------------------------------------------------------------------------------


def _directives(policy: str) -> dict[str, list[str]]:
    parts = (d.split() for d in policy.split(";") if d.strip())
    return {p[0]: p[1:] for p in parts}


def test_the_policy_allows_no_inline_script_and_no_eval(db) -> None:
    from django.urls import reverse

    response = Client().get(reverse("accounts:login"))
    script_src = _directives(response["Content-Security-Policy"])["script-src"]
    assert script_src == ["'self'"]
    assert (
        "'unsafe-inline'"
        not in _directives(settings.CHAINLEAD_CONTENT_SECURITY_POLICY)["script-src"]
    )


# ---------------------------------------------------------------------------------------------
# Every template file
# ---------------------------------------------------------------------------------------------

CHAINLEAD = Path(settings.BASE_DIR) / "chainlead"
TEMPLATES = sorted(CHAINLEAD.glob("**/templates/**/*.html"))
TEMPLATE_TAG = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.DOTALL)


def test_templates_were_found() -> None:
    assert len(TEMPLATES) > 50
    assert CHAINLEAD / "templates" / "base.html" in TEMPLATES


@pytest.mark.parametrize("path", TEMPLATES, ids=[str(p.relative_to(CHAINLEAD)) for p in TEMPLATES])
def test_no_template_carries_inline_code(path: Path) -> None:
    # Template tags become a neutral word, so `{% if x %} selected{% endif %}` parses as HTML.
    html = TEMPLATE_TAG.sub("t", path.read_text(encoding="utf-8"))
    problems = inline_code(html)
    assert not problems, f"{path.relative_to(CHAINLEAD)}:\n" + "\n".join(problems)


# ---------------------------------------------------------------------------------------------
# Every page of the permission walk, as the city admin
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def full_world(world: World) -> World:
    for matrix in matrices():
        if matrix.setup is not None:
            matrix.setup(world)
    return world


def test_no_page_of_the_walk_carries_inline_code(full_world: World, settings) -> None:
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    admin = clients(full_world)["city_admin"]
    checked: set[str] = set()
    problems: list[str] = []
    for matrix in matrices():
        for case in matrix.cases:
            if case.is_api or case.method != "GET":
                continue
            for side in (OWN, OTHER) if case.sided else (OWN,):
                url = case_url(case, full_world.side(side))
                if url in checked:
                    continue
                checked.add(url)
                extra = {"HTTP_HX_REQUEST": "true"} if case.htmx else {}
                response = admin.get(url, **extra)
                if not response.get("Content-Type", "").startswith("text/html"):
                    continue
                assert "'unsafe-inline'" not in _directives(
                    response.get("Content-Security-Policy", "script-src 'self'")
                ).get("script-src", [])
                found = inline_code(response.content.decode())
                problems += [f"{url}: {p}" for p in found]
    assert len(checked) > 100, "the walk reached too few pages to say anything"
    assert not problems, "\n".join(problems)
