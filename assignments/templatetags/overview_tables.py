"""The pool overview's large tables, written in Python.

The template engine takes some 0.2 ms for a table row of eight cells and `floatformat`
0.05 ms a figure, so the shortage table's 700 rows or the heatmap's 600 cells cost more
than a page may (docs/performance.md). These tags write the same HTML the templates did.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from assignments.overview_selectors import CapacityRow, Shortage

register = template.Library()

TENTH = Decimal("0.1")


def figure_text(value: float) -> str:
    """What `value|floatformat:"-1"` writes ("34", "34,3", "34,0"), without its cost.

    Precondition: no thousand separator (settings.USE_THOUSAND_SEPARATOR is off).
    """
    number = Decimal(str(value))
    if number == int(number):
        return str(int(number))
    rounded = number.quantize(TENTH, ROUND_HALF_UP)
    text = f"{'-' if rounded < 0 else ''}{abs(rounded):f}"
    return text.replace(".", get_format("DECIMAL_SEPARATOR"))


def _shortage_row(row: Shortage) -> str:
    short_hours = f"<strong>{figure_text(row.short_hours)}</strong>" if row.short_hours else "0"
    short_people = f"<strong>{row.short_people}</strong>" if row.short_people else "0"
    return (
        '<tr class="utrecht-table__row">'
        f'<th scope="row" class="utrecht-table__header-cell">{escape(row.label)}</th>'
        f'<td class="utrecht-table__cell">{row.requests}</td>'
        f'<td class="utrecht-table__cell">{figure_text(row.demand_hours)}</td>'
        f'<td class="utrecht-table__cell">{row.demand_people}</td>'
        f'<td class="utrecht-table__cell">{figure_text(row.supply_hours)}</td>'
        f'<td class="utrecht-table__cell">{row.supply_people}</td>'
        f'<td class="utrecht-table__cell">{short_hours}</td>'
        f'<td class="utrecht-table__cell">{short_people}</td>'
        "</tr>"
    )


@register.simple_tag
def shortage_rows(rows: list[Shortage]) -> SafeString:
    """The body rows of a shortage table: demand against supply, the gap in bold."""
    # The label is escaped; everything else is a figure.
    return mark_safe("".join(_shortage_row(row) for row in rows))  # noqa: S308


@register.simple_tag
def capacity_cells(row: CapacityRow, as_table: bool) -> SafeString:
    """A member's weeks: as heatmap cells (colour, mark and figures, the words for screen
    readers), or as words only for the plain table."""
    if as_table:
        cells = (
            f'<td class="utrecht-table__cell">{escape(week.text)} '
            f"({escape(week.utilisation.label)})</td>"
            for week in row.weeks
        )
    else:
        cells = (
            f'<td class="utrecht-table__cell rp-heat rp-heat--{week.utilisation.value}">'
            f'<span aria-hidden="true">{week.utilisation.mark} '
            f"{week.booked_text}/{week.capacity_text}"
            + (f'<span class="rp-small">(+{week.proposed_text})</span>' if week.proposed else "")
            + "</span>"
            f'<span class="rp-visually-hidden">{escape(week.text)}, '
            f"{escape(week.utilisation.label)}</span></td>"
            for week in row.weeks
        )
    return mark_safe("".join(cells))  # noqa: S308 - text is escaped, the rest are figures
