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
from django.utils.translation import get_language

from assignments.overview_selectors import CapacityRow, Shortage, WeekCell

register = template.Library()

TENTH = Decimal("0.1")


def figure_text(value: float, separator: str | None = None) -> str:
    """What `value|floatformat:"-1"` writes ("34", "34,3", "34,0"), without its cost; pass
    the language's decimal separator when writing many.

    Precondition: no thousand separator (settings.USE_THOUSAND_SEPARATOR is off).
    """
    if float(value).is_integer():
        return str(int(value))
    rounded = Decimal(str(value)).quantize(TENTH, ROUND_HALF_UP)
    text = f"{'-' if rounded < 0 else ''}{abs(rounded):f}"
    return text.replace(".", separator or get_format("DECIMAL_SEPARATOR"))


def _shortage_row(row: Shortage, separator: str, desired: bool) -> str:
    def figure(value: float) -> str:
        return figure_text(value, separator)

    short_hours = f"<strong>{figure(row.short_hours)}</strong>" if row.short_hours else "0"
    short_people = f"<strong>{row.short_people}</strong>" if row.short_people else "0"
    return (
        '<tr class="utrecht-table__row">'
        f'<th scope="row" class="utrecht-table__header-cell">{escape(row.label)}</th>'
        f'<td class="utrecht-table__cell">{row.requests}</td>'
        f'<td class="utrecht-table__cell">{figure(row.demand_hours)}</td>'
        f'<td class="utrecht-table__cell">{row.demand_people}</td>'
        f'<td class="utrecht-table__cell">{figure(row.supply_hours)}</td>'
        f'<td class="utrecht-table__cell">{row.supply_people}</td>'
        f'<td class="utrecht-table__cell">{short_hours}</td>'
        f'<td class="utrecht-table__cell">{short_people}</td>'
        + (
            f'<td class="utrecht-table__cell">{figure(row.desired_hours)}</td>'
            f'<td class="utrecht-table__cell">{row.desired_people}</td>'
            if desired
            else ""
        )
        + "</tr>"
    )


@register.simple_tag
def shortage_rows(rows: list[Shortage], desired: bool = False) -> SafeString:
    """The body rows of a shortage table: demand against supply, the gap in bold, and
    with `desired` what requests that only wish for the competency still want."""
    # The label is escaped; everything else is a figure.
    separator = get_format("DECIMAL_SEPARATOR")
    return mark_safe(  # noqa: S308
        "".join(_shortage_row(row, separator, desired) for row in rows)
    )


def _capacity_cell(week: WeekCell, as_table: bool) -> str:
    if as_table:
        return (
            f'<td class="utrecht-table__cell">{escape(week.text)} '
            f"({escape(week.utilisation.label)})</td>"
        )
    proposed = f'<span class="rp-small">(+{week.proposed_text})</span>' if week.proposed else ""
    return (
        f'<td class="utrecht-table__cell rp-heat rp-heat--{week.utilisation.value}">'
        f'<span aria-hidden="true">{week.utilisation.mark} '
        f"{week.booked_text}/{week.capacity_text}{proposed}</span>"
        f'<span class="rp-visually-hidden">{escape(week.text)}, '
        f"{escape(week.utilisation.label)}</span></td>"
    )


# A cell is its hours, whatever the week: most cells of a page repeat a few dozen.
_CELLS_KEPT = 4096
_cells: dict[tuple, str] = {}


@register.simple_tag
def capacity_cells(row: CapacityRow, as_table: bool) -> SafeString:
    """A member's weeks: as heatmap cells (colour, mark and figures, the words for screen
    readers), or as words only for the plain table."""
    language = get_language()
    html = []
    for week in row.weeks:
        key = (week.capacity, week.booked, week.proposed, as_table, language)
        if (cell := _cells.get(key)) is None:
            if len(_cells) >= _CELLS_KEPT:
                _cells.clear()
            cell = _cells[key] = _capacity_cell(week, as_table)
        html.append(cell)
    return mark_safe("".join(html))  # noqa: S308 - text is escaped, the rest are figures
