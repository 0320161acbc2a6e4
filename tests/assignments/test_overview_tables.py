"""The overview's large tables written in Python: the same figures and markup as the
template filters wrote, escaped where text comes from people."""

from __future__ import annotations

import random

import pytest
from django.template.defaultfilters import floatformat
from django.utils import translation

from assignments.overview_selectors import Dimension, Shortage
from assignments.templatetags.overview_tables import figure_text, shortage_rows


@pytest.mark.parametrize("language", ["nl", "en"])
def test_figures_as_floatformat_writes_them(language):
    rng = random.Random(7)
    values = [0.0, -0.0, 0.04, -0.04, 0.05, 0.25, 0.35, 2.5, 34.04, 34.26, -7.45, 12.0, 1e6 / 3]
    values += [rng.uniform(-500, 500) for _ in range(2000)]
    values += [rng.randint(0, 400) / rng.choice([1, 2, 4, 8, 13, 20]) for _ in range(2000)]
    with translation.override(language):
        assert [figure_text(value) for value in values] == [
            floatformat(value, -1) for value in values
        ]


def test_shortage_rows_escape_labels_and_bold_the_gaps():
    row = Shortage(Dimension.COMPETENCY, "<Samen> & verder", demand_hours=12.25, requests=2)
    row.demand_people, row.supply_hours, row.supply_people = 2, 4.0, 1
    html = shortage_rows([row])
    assert "&lt;Samen&gt; &amp; verder" in html and "<Samen>" not in html
    cells = html.split('<td class="utrecht-table__cell">')[1:]
    assert [cell.removesuffix("</td>").removesuffix("</td></tr>") for cell in cells] == [
        "2",
        "12,3",
        "2",
        "4",
        "1",
        "<strong>8,2</strong>",
        "<strong>1</strong>",
    ]
    covered = Shortage(Dimension.ROLE, "Regie", demand_hours=4, demand_people=1, requests=1)
    covered.supply_hours, covered.supply_people = 10.0, 3
    assert shortage_rows([covered]).count('<td class="utrecht-table__cell">0</td>') == 2
