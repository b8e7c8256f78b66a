"""Text search shared by the search page and the lists' "Rechercher" filters.

On PostgreSQL, French full-text search (stems: « éveils musicaux » for « éveil musical »),
accent-insensitive with the `french_unaccent` configuration of migration 0002, weighted
by field. Everywhere, a plain match: every word, partial words too, in one of the fields,
whatever the case and the accents (`folded_contains`, consortium.core.french).
A list's filter takes either, so that it finds at least what the search page counted and
what someone typing the start of a word expects.

On PostgreSQL, practices, resources, opportunities and projects (STORED_SEARCH) have both
computed by the database (migration 0005) and indexed: `search_vector`, the weighted
vector, and `search_text`, the fields folded (trigram index). Their queries read these
columns instead of computing the vector of every row, or folding every field of every row,
at each search. Dossiers (whose fields include their organisation's name, in another
table) still compute theirs: the coordination's list is short.
"""

import operator
import re
from functools import reduce

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorExact,
    SearchVectorField,
)
from django.db import connections, models
from django.db.models import Expression, Q, TextField, lookups
from django.db.models.expressions import Col

# French stemming after unaccent: made by migration 0002 on every PostgreSQL database.
CONFIG = "french_unaccent"
MAX_WORDS = 8


def search_words(text: str) -> list[str]:
    """The words of `text`; single letters are dropped unless nothing else is left."""
    words = re.findall(r"\w+", text)
    longer = [word for word in words if len(word) > 1]
    return (longer or words)[:MAX_WORDS]


def containing_words(rows, fields: list[str], text: str) -> models.QuerySet:
    """Each word (ignoring case and accents, partial words too) in one of `fields`,
    newest first."""
    condition = Q()
    for word in search_words(text):
        condition &= reduce(
            operator.or_, (Q(**{f"{name}__folded_contains": word}) for name in fields)
        )
    return rows.filter(condition).order_by("-created_at", "pk")


def text_query(text: str) -> SearchQuery:
    """What people type, as a web-search-like query (quotes, "or", minus signs)."""
    return SearchQuery(text, config=CONFIG, search_type="websearch")


# --- Columns computed by PostgreSQL (migration 0005) -----------------------------------

# The IMMUTABLE fold of migration 0005: lower(unaccent(…)), as `folded_contains` folds.
FOLD_FUNCTION = "projects_fold"


class StoredColumn(Expression):
    """A column of the query's own table that is not a model field (a generated column).

    It resolves to a real `Col` of the query's base table, so that the column follows the
    table when the query is relabelled (a subquery's "U0"), as a model field's would.
    """

    def __init__(self, column: str, output_field):
        super().__init__(output_field=output_field)
        self.column = column

    def resolve_expression(
        self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False
    ):
        target = self.output_field.clone()
        target.set_attributes_from_name(self.column)
        target.model = query.model
        return Col(query.get_initial_alias(), target)


def stored_vector() -> StoredColumn:
    """`search_vector`: the weighted vector of SEARCH_FIELDS, GIN-indexed."""
    return StoredColumn("search_vector", SearchVectorField())


def stored_text() -> StoredColumn:
    """`search_text`: the fields of SEARCH_FIELDS folded, one a line, trigram-indexed."""
    return StoredColumn("search_text", TextField())


class ContainsFolded(lookups.Contains):
    """An already folded column contains the value, folded by the same SQL function: the
    trigram index on the column answers `LIKE projects_fold('%word%')` (a constant)."""

    def process_rhs(self, compiler, connection):
        sql, params = super().process_rhs(compiler, connection)
        return f"{FOLD_FUNCTION}({sql})", params


def has_stored_search(rows) -> bool:
    return getattr(rows, "STORED_SEARCH", False) and is_postgresql(rows)


def _vector(rows, fields):
    if has_stored_search(rows):
        return stored_vector()
    return reduce(operator.add, [SearchVector(n, weight=w, config=CONFIG) for n, w in fields])


def full_text_search(rows, fields, text: str) -> models.QuerySet:
    """PostgreSQL: French full-text search over (field, weight) pairs, best first."""
    vector, query = _vector(rows, fields), text_query(text)
    return (
        rows.filter(SearchVectorExact(vector, query))
        .annotate(rank=SearchRank(vector, query))
        .order_by("-rank", "pk")
    )


def is_postgresql(rows) -> bool:
    return connections[rows.db].vendor == "postgresql"


class TextSearchMixin:
    """`.search(text)` for a QuerySet whose model lists SEARCH_FIELDS: (field, weight) pairs,
    A for titles, B for summaries, C for bodies."""

    SEARCH_FIELDS: tuple[tuple[str, str], ...] = ()
    # PostgreSQL: the table has `search_vector` and `search_text` (migration 0005).
    STORED_SEARCH = False

    def search(self, text: str):
        """Rows matching `text` by full-text search (PostgreSQL) or by containing its words."""
        if has_stored_search(self):
            return self.filter(self._stored_match(text))
        plain = self.model.objects.all()
        fields = [name for name, _weight in self.SEARCH_FIELDS]
        found = Q(pk__in=containing_words(plain, fields, text).values("pk"))
        if is_postgresql(self):
            found |= Q(pk__in=full_text_search(plain, self.SEARCH_FIELDS, text).values("pk"))
        return self.filter(found)

    def _stored_match(self, text: str) -> Q:
        """The same rows as `search` computes, from the stored columns: one condition on
        the table itself, that PostgreSQL answers from the two GIN indexes."""
        words = search_words(text)
        if not words:
            return Q()  # containing no word at all: every row, as containing_words
        containing = Q()
        for word in words:
            containing &= Q(ContainsFolded(stored_text(), word))
        return Q(SearchVectorExact(stored_vector(), text_query(text))) | containing
