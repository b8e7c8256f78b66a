"""Count tables for the synthesis pages: a cross-tabulation, and a one-column ranking.

Both take counts already aggregated by the database (one GROUP BY query) and lay them
out for `components/crosstab_table.html` and `components/bar_chart.html`: every row of
the vocabulary appears, with zero where nothing was counted, so that a gap shows.
"""

from collections.abc import Callable, Hashable, Iterable, Sequence
from operator import attrgetter

by_pk = attrgetter("pk")


def _percent(total: int, largest: int) -> int:
    """The length of a bar, in % of the longest one; at least 1 % for any count, so
    that a small number never looks like none."""
    return max(1, round(100 * total / largest)) if total else 0


def _with_bars(rows: list[dict]) -> list[dict]:
    largest = max((row["total"] for row in rows), default=0)
    for row in rows:
        row["percent"] = _percent(row["total"], largest)
    return rows


def crosstab(
    *,
    counts: dict[tuple, int],
    rows: Iterable,
    columns: Sequence,
    row_key: Callable[[object], Hashable] = by_pk,
) -> dict:
    """Lay out `counts` keyed by (row key, column) as rows × columns, with totals.

    `rows` are objects (an EPCI, a theme…), keyed in `counts` by `row_key(row)` (their
    pk by default); `columns` are choices (a `Sector`…), keyed by their `value` and
    shown by their `label`. Each row gets its `object`, `key`, `cells`, `total` and `percent`
    (the bar length, 100 for the largest total).
    """
    table_rows = []
    for row in rows:
        key = row_key(row)
        cells = [counts.get((key, getattr(column, "value", column)), 0) for column in columns]
        table_rows.append({"object": row, "key": key, "cells": cells, "total": sum(cells)})
    totals = [sum(row["cells"][index] for row in table_rows) for index in range(len(columns))]
    return {
        "columns": list(columns),
        "rows": _with_bars(table_rows),
        "totals": totals,
        "grand_total": sum(totals),
    }


def ranking(
    *, counts: dict[Hashable, int], rows: Iterable, row_key: Callable[[object], Hashable] = by_pk
) -> list[dict]:
    """Rows with their count (`object`, `key`, `total`, `percent`), the largest first.

    Ties keep the order of `rows`, so an alphabetical vocabulary stays alphabetical.
    """
    ranked = [
        {"object": row, "key": row_key(row), "total": counts.get(row_key(row), 0)} for row in rows
    ]
    return sorted(_with_bars(ranked), key=lambda row: -row["total"])
