"""French text in the database: matching that ignores case and accents, French sorting.

The same behaviour on both databases:

- `field__folded_contains=text`: `field` contains `text`, whatever the case and the accents
  (« MÉDIATHÈ » finds « Médiathèque », « creche » finds « Crèche »). Both sides go through
  the same fold in SQL, so that the value typed and the stored one are folded alike.
- `french_order("name")`: an ordering expression that sorts the French way (« Écouen »
  between « Eaubonne » and « Ézanville », not after « Wy-dit-Joli-Village »).

PostgreSQL: the fold is `lower(unaccent(…))` (the unaccent extension) and the collation is
`fr_natural` (ICU French when the server has ICU), both made by core migration 0004.
SQLite folds ASCII only and sorts by code point: the fold and the collation are Python
functions registered on every new connection (`register_sqlite_functions`).
"""

import unicodedata
from functools import lru_cache

from django.db import connections
from django.db.backends.signals import connection_created
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteDatabaseWrapper
from django.db.models import CharField, F, TextField, lookups
from django.db.models.functions import Collate

# Collation name, the same on both databases (PostgreSQL: made by migration 0004).
COLLATION = "fr_natural"
# SQLite function name of the fold.
SQLITE_FOLD = "consortium_fold"

# Letters that are not a base letter plus an accent in Unicode, folded as PostgreSQL's
# unaccent rules do.
_LETTERS = str.maketrans(
    {
        "œ": "oe",
        "Œ": "OE",
        "æ": "ae",
        "Æ": "AE",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ß": "ss",
    }
)


def fold(text: str | None) -> str | None:
    """`text` without accents and case: « Crèche Œuvre » → « creche oeuvre »."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", str(text).translate(_LETTERS))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def fold_with_positions(text: str) -> tuple[str, list[int]]:
    """`fold(text)`, and for each of its characters the index of the one it comes from in
    `text` (to find a folded word in the folded text, then mark it in the original)."""
    folded, positions = [], []
    for index, char in enumerate(text):
        for folded_char in fold(char):
            folded.append(folded_char)
            positions.append(index)
    return "".join(folded), positions


@lru_cache(maxsize=4096)  # a sort compares each name about log2(n) times
def french_key(text: str) -> tuple[str, str]:
    """Sort key: letters first (no accent, no case), then lower case and unaccented
    letters before the others, as ICU's French collation does on PostgreSQL."""
    return (fold(text), text.swapcase())


def _compare_french(left: str, right: str) -> int:
    left_key, right_key = french_key(left), french_key(right)
    return (left_key > right_key) - (left_key < right_key)


def french_order(field: str, *, descending: bool = False):
    """An ordering expression on `field` (a name, a title) that sorts the French way."""
    collated = Collate(F(field), COLLATION)
    return collated.desc() if descending else collated.asc()


def _is_sqlite(connection) -> bool:
    # The wrapper's class, not `vendor`: tests fake the vendor to take another code path
    # while the SQL still goes to the real database.
    return isinstance(connection, SQLiteDatabaseWrapper)


def _fold_sql(connection, sql: str) -> str:
    if _is_sqlite(connection):
        return f"{SQLITE_FOLD}({sql})"
    return f"lower(unaccent({sql}))"


class FoldedContains(lookups.Contains):
    """`field__folded_contains="crèche"`: contains, ignoring case and accents.

    The value is a string (what someone typed), not an expression.
    """

    lookup_name = "folded_contains"

    def process_lhs(self, compiler, connection, lhs=None):
        sql, params = super().process_lhs(compiler, connection, lhs)
        return _fold_sql(connection, sql), params

    def process_rhs(self, compiler, connection):
        # The LIKE pattern ("%text%", wildcards escaped) goes through the fold too: the fold
        # keeps "%", "_" and "\" as they are (a fullwidth "％" becomes "%", a wildcard that
        # only widens the match).
        sql, params = super().process_rhs(compiler, connection)
        return _fold_sql(connection, sql), params

    def get_rhs_op(self, connection, rhs):
        return connection.operators["contains"] % rhs


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """Give a new SQLite connection the fold and the French collation."""
    if not _is_sqlite(connection):
        return
    database = connection.connection
    database.create_function(SQLITE_FOLD, 1, fold, deterministic=True)
    database.create_collation(COLLATION, _compare_french)


def install() -> None:
    """Register the lookup and the SQLite functions (called once, by the core app)."""
    CharField.register_lookup(FoldedContains)
    TextField.register_lookup(FoldedContains)
    connection_created.connect(register_sqlite_functions, dispatch_uid="consortium-french-text")
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None:  # opened before the apps were ready
            register_sqlite_functions(None, connection)
