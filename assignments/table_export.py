"""A table as a CSV or XLSX download.

CSV follows what Dutch Excel opens without an import wizard: `;` between fields, a decimal
comma, UTF-8 with a byte order mark. XLSX keeps numbers and dates as such.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.http import HttpResponse
from openpyxl import Workbook

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell that starts with one of these is a formula to a spreadsheet (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

type Value = str | int | float | date | None


@dataclass(frozen=True)
class Table:
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Value]]


def _safe(value: Value) -> Value:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _csv_field(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    if isinstance(value, date):
        return value.isoformat()
    return str(_safe(value))


def table_response(table: Table, *, fmt: str, name: str, today: date) -> HttpResponse:
    """The table as an attachment `<name>-<date>.<fmt>`; fmt is one of FORMATS."""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow([str(header) for header in table.headers])
        writer.writerows([_csv_field(value) for value in row] for row in table.rows)
        content: bytes = ("\ufeff" + buffer.getvalue()).encode("utf-8")
        content_type = "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=str(table.title)[:31])
        sheet.append([str(header) for header in table.headers])
        for row in table.rows:
            sheet.append([_safe(value) for value in row])
        output = io.BytesIO()
        workbook.save(output)
        content, content_type = output.getvalue(), XLSX_TYPE
    else:
        raise ValueError(fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}-{today.isoformat()}.{fmt}"'
    return response
