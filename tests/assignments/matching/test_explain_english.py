"""A match explanation reads in the active language: English from the catalogue, Dutch as source.

Each assertion names a whole English sentence, so a translation that goes missing from
locale/en (or turns fuzzy, which gettext ignores) shows up here as Dutch text.
"""

from __future__ import annotations

import pytest
from django.utils import translation

from assignments.matching.explain import names_for, read
from assignments.models import Match
from tests.assignments.matching import test_explain

pytestmark = pytest.mark.django_db

# The same candidate as in the Dutch explanation tests: one competency met, one short,
# one missing, a learning goal, and substantial role experience in a role they like.
match = test_explain.match

DUTCH_WORDS = ("onder het minimum", "ontbreekt", "beschikbaar", "uur", "ervaring", "voorkeur")


def reading_in(language: str, match: Match):
    with translation.override(language):
        competencies, roles = names_for([match.explanation])
        reading = read(match.explanation, competencies, roles)
        return reading, reading.summary


def test_explanation_reads_in_english(match):
    reading, summary = reading_in("en", match)
    assert reading.met == ["Social domain: 3/3"]
    assert reading.short == ["Connecting: 2/3 (below the minimum)"]
    assert reading.missing == ["Finance: missing"]
    assert reading.hours == "available: 12 of 16 hours"
    assert reading.role.endswith(": substantial experience, preference: keen")
    assert summary.endswith("; learning goal: Connecting")
    labels = {label for label, _percentage, _weight in reading.parts}
    assert {"competencies", "role experience", "availability"} <= labels
    assert "preference for the role" in labels
    for word in DUTCH_WORDS:
        assert word not in summary, word
    assert not labels & {"competenties", "rolervaring", "beschikbaarheid", "voorkeur voor de rol"}


def test_the_same_explanation_stays_dutch_in_dutch(match):
    reading, summary = reading_in("nl", match)
    assert reading.short == ["Verbindend: 2/3 (onder het minimum)"]
    assert reading.missing == ["Financiën: ontbreekt"]
    assert reading.hours == "beschikbaar: 12 van 16 uur"
    assert reading.role.endswith(": ruime ervaring, voorkeur: graag")
    assert summary.endswith("; leerdoel: Verbindend")
    labels = {label for label, _percentage, _weight in reading.parts}
    assert {"competenties", "rolervaring", "beschikbaarheid", "voorkeur voor de rol"} <= labels


@pytest.mark.parametrize(
    "level, words", [(0, "no experience"), (1, "some experience"), (3, "extensive experience")]
)
def test_every_experience_level_has_english_words(match, level, words):
    explanation = {**match.explanation, "role": {**match.explanation["role"], "experience": level}}
    with translation.override("en"):
        assert f": {words}, preference: keen" in read(explanation, {}, {}).role


def test_one_requested_hour_is_singular_in_english(match):
    explanation = {**match.explanation, "hours": {"free": 1, "requested": 1}}
    with translation.override("en"):
        assert read(explanation, {}, {}).hours == "available: 1 of 1 hour"
