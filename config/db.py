"""Several SQL statements in one round trip to PostgreSQL.

Each statement sent on its own waits for the server once: 0.3–0.5 ms on the development
machine, plus the ORM's 0.5 ms to build it. A matching recompute reads a dozen small
things, so it sends them as one string (docs/performance.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet


class Statement(NamedTuple):
    """One SQL statement with `%s` placeholders, and its parameters in order."""

    sql: str
    params: Sequence[Any] = ()

    @classmethod
    def of(cls, queryset: QuerySet) -> Statement:
        """The statement the ORM sends for `queryset`. Its rows come back as psycopg
        gives them, without the fields' own conversions: meant for values_list of plain
        columns (numbers, dates, booleans, text)."""
        try:
            return cls(*queryset.query.sql_with_params())
        except EmptyResultSet:  # a filter that Django knows matches nothing
            return cls("SELECT NULL WHERE false")


def run_together(statements: Sequence[Statement]) -> list[list[tuple]]:
    """Run the statements in order, as one string in one round trip, and return each
    one's rows ([] for a statement that returns none).

    Django's PostgreSQL backend binds parameters on the client (psycopg's ClientCursor),
    which lets one execute() carry several statements; their results come back one set
    after another. The first error stops the rest, as it would one by one.
    """
    if not statements:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            ";\n".join(statement.sql for statement in statements),
            [param for statement in statements for param in statement.params],
        )
        results = []
        for _ in statements:
            results.append(cursor.fetchall() if cursor.description is not None else [])
            cursor.nextset()
    return results
