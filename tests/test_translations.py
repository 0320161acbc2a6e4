"""Dutch first, English complete: the message catalogues leave nothing untranslated.

`make messages` regenerates both catalogues from the source; these tests fail until every
new string has its English translation, so a page never shows a stray Dutch sentence to
an English reader.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parent.parent / "locale"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w*)\}")


def catalogue(language: str) -> Catalog:
    with (LOCALE / language / "LC_MESSAGES" / "django.po").open("rb") as po:
        return read_po(po, locale=language)


def texts(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value,)


def placeholders(value: str | tuple[str, ...]) -> set[str]:
    """The named placeholders in all forms of a message (singular and plural together)."""
    return {"".join(groups) for text in texts(value) for groups in PLACEHOLDER.findall(text)}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_message_is_translated_and_none_is_fuzzy(language):
    messages = [m for m in catalogue(language) if m.id]
    assert len(messages) > 400
    untranslated = [m.id for m in messages if not all(texts(m.string))]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert untranslated == []
    assert fuzzy == []


def test_dutch_catalogue_is_the_source_text():
    different = [m.id for m in catalogue("nl") if m.id and texts(m.string) != texts(m.id)]
    assert different == []


def test_english_keeps_every_placeholder():
    broken = [
        m.id
        for m in catalogue("en")
        if m.id and all(texts(m.string)) and placeholders(m.string) != placeholders(m.id)
    ]
    assert broken == []
