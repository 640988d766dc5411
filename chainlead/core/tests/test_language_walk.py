"""Each language complete (issue 15, item 9): every page each role is shown, walked in Chinese
and in English, says nothing in the other language.

The walk follows the same links as `test_link_walk`. On each page the visible text (and the
titles, placeholders and labels of its elements) is read with the data removed: every text
value stored in the world's rows is data, shown as entered. What is left is the platform's own
words. A Chinese page may hold no English word outside `ENGLISH_ALLOWED` (codes, units and
names such as API, GPU or Excel); an English page may hold no Chinese character at all, except
in data without an English name.
"""

from __future__ import annotations

import re
from collections import deque
from html import unescape

import pytest
from django.apps import apps
from django.db import models
from django.test import Client

from chainlead.core.testing import ANONYMOUS, ROLES, World, clients
from chainlead.core.tests.test_link_walk import links_of

MAX_PAGES_PER_ROLE = 120
PAGES_PER_SHAPE = 3
# Words that are the same in both languages: product and format names, units, codes, names of
# methods ("Kaplan-Meier") and a language's own name in a language list ("English").
_ALLOWED_WORDS = """chainlead api openapi json csv excel xlsx pdf html url gpu cpu
idc ai aigc saas soc ssd plc mems rfid iot cro cdmo
cmo poct bms trl hhi eci pci rca cog coi totp gb
csrc id ip ok echarts htmx wps email mb kb nb lora
https http www sha utf rest gbk kaplan meier english"""
ENGLISH_ALLOWED = set(_ALLOWED_WORDS.split())
ENGLISH_WORD = re.compile(r"(?<![\w.@/-])[A-Za-z]{2,}(?![\w.@/-])")
HAN = re.compile(r"[\u3400-\u9fff]+")
# Code, and what a form field holds (values are data).
DROPPED_BLOCKS = re.compile(r"<(script|style|template|code|pre|textarea)\b.*?</\1>", re.S | re.I)
# An element marked with its own language (the switch to the other language says "中文" or
# "English" in that language, on purpose).
OWN_LANGUAGE = re.compile(r"<(?!html\b)(\w+)\b[^>]*\blang=\"[^\"]*\"[^>]*>.*?</\1>", re.S)
SHOWN_ATTRIBUTES = re.compile(r"""\b(?:title|placeholder|aria-label|alt)="([^"]*)\"""")
TAG = re.compile(r"<[^>]+>")
# Code written in running text: a JSON object, a quoted key ("reference"), JSON Logic by name.
CODE_IN_TEXT = re.compile(r'\{[^{}]*\}|"[A-Za-z_]+"|JSON Logic')


def stored_texts() -> list[str]:
    """Every text value stored in the platform's tables, longest first: data, not words.

    A value that has an English form beside it (`name` and `name_en`) is not data to an English
    reader: the English form must be shown, so the Chinese one is left in to be found, even where
    another row stores the same text (a centre's district as its source states it, 滨江区).
    """
    values: set[str] = set()
    named: set[str] = set()  # Chinese names with an English form: never data, wherever stored
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField, models.JSONField))
            and not f.choices
        ]
        if not fields:
            continue
        translated = {f for f in fields if f"{f}_en" in fields}
        for row in model._default_manager.values(*fields):
            for name, value in row.items():
                if name in translated and row[f"{name}_en"]:
                    named.add(value)
                    continue
                values.update(v for v in _strings(value) if v.strip())
    return sorted(values - named, key=len, reverse=True)


def _strings(value: object) -> list[str]:
    """The strings of a stored value, inside JSON too (rule labels, rubric names)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def shown_text(html: str, data: list[str]) -> str:
    body = OWN_LANGUAGE.sub(" ", DROPPED_BLOCKS.sub(" ", html))
    attributes = " ".join(SHOWN_ATTRIBUTES.findall(body))
    text = CODE_IN_TEXT.sub(" ", unescape(TAG.sub(" ", body) + " " + attributes))
    for value in data:
        if value in text:  # most values are not on the page: one fast test first
            text = re.sub(rf"(?<![A-Za-z]){re.escape(value)}(?![A-Za-z])", " ", text)
    return text


def foreign_words(text: str, language: str) -> set[str]:
    if language == "en":
        return set(HAN.findall(text))
    return {w for w in ENGLISH_WORD.findall(text) if w.casefold() not in ENGLISH_ALLOWED}


def walk_language(client: Client, language: str, data: list[str]) -> dict[str, set[str]]:
    """Follow every link from the home page; map each page to the foreign words it shows."""
    client.cookies["django_language"] = language
    seen = {"/"}
    queue = deque(["/"])
    found: dict[str, set[str]] = {}
    shapes: dict[str, int] = {}
    opened = 0
    while queue and opened < MAX_PAGES_PER_ROLE:
        url = queue.popleft()
        response = client.get(url, follow=True, HTTP_ACCEPT_LANGUAGE=language)
        opened += 1
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        html = response.content.decode()
        words = foreign_words(shown_text(html, data), language)
        if words:
            found[url] = words
        for link in sorted(links_of(html)):
            if link in seen or "export" in link or "/media/" in link:
                continue
            seen.add(link)
            # A few pages of each shape (/audit/<id>/) say what all of them say.
            shape = re.sub(r"\d+", "N", link.split("?")[0])
            shapes[shape] = shapes.get(shape, 0) + 1
            if shapes[shape] <= PAGES_PER_SHAPE:
                queue.append(link)
    return found


@pytest.fixture
def full_world(world: World) -> World:
    from chainlead.core.testing import matrices

    for matrix in matrices():
        if matrix.setup is not None:
            matrix.setup(world)
    return world


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("role", [r for r in ROLES if r != ANONYMOUS])
def test_every_page_speaks_one_language(
    role: str, language: str, full_world: World, settings
) -> None:
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    client = clients(full_world)[role]
    found = walk_language(client, language, stored_texts())
    report = "\n".join(f"{url}: {', '.join(sorted(words))}" for url, words in sorted(found.items()))
    assert not found, f"{role} reads words of the other language on {language} pages:\n{report}"


def test_foreign_words_are_found_in_each_language() -> None:
    data = ["Walk firm own"]
    zh = shown_text(
        '<p title="Edit">状态：Walk firm own</p><code>print</code> API'
        '<button lang="en">English</button>',
        data,
    )
    assert foreign_words(zh, "zh-hans") == {"Edit"}
    en = shown_text("<p>Status: 待处理 GPU</p>", data)
    assert foreign_words(en, "en") == {"待处理"}
