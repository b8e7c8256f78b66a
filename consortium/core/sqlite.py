"""SQLite (the embedded default) binds an integer beyond 64 bits as a REAL, not a crash.

sqlite3 raises OverflowError for such an int, and Django checks the range of plain
integer lookups only: an id of 2**63 in a foreign-key lookup (`dossier_id=pk`) or in a
multiple choice (`pk__in`) answered 500. Bound as a REAL, it matches no row, as on
PostgreSQL: the page answers 404 or the form says the choice is not valid.
"""

import sqlite3

INT64 = range(-(2**63), 2**63)


def _bind_int(value: int) -> int | float:
    return value if value in INT64 else float(value)


def install() -> None:
    sqlite3.register_adapter(int, _bind_int)
