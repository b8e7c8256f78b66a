"""Text search shared by the search page and the lists' "Rechercher" filters.

On PostgreSQL, French full-text search (stems: « éveils musicaux » for « éveil musical »),
accent-insensitive with the `french_unaccent` configuration of migration 0002, weighted
by field. Everywhere, a plain match: every word, partial words too, in one of the fields,
whatever the case and the accents (`folded_contains`, consortium.core.french).
A list's filter takes either, so that it finds at least what the search page counted and
what someone typing the start of a word expects.
"""

import operator
import re
from functools import reduce

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections, models
from django.db.models import Q

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


def full_text_search(rows, fields, text: str) -> models.QuerySet:
    """PostgreSQL: French full-text search over (field, weight) pairs, best first."""
    vector = reduce(operator.add, [SearchVector(n, weight=w, config=CONFIG) for n, w in fields])
    query = text_query(text)
    return (
        rows.annotate(document=vector)
        .filter(document=query)
        .annotate(rank=SearchRank(vector, query))
        .order_by("-rank", "pk")
    )


def is_postgresql(rows) -> bool:
    return connections[rows.db].vendor == "postgresql"


class TextSearchMixin:
    """`.search(text)` for a QuerySet whose model lists SEARCH_FIELDS: (field, weight) pairs,
    A for titles, B for summaries, C for bodies."""

    SEARCH_FIELDS: tuple[tuple[str, str], ...] = ()

    def search(self, text: str):
        """Rows matching `text` by full-text search (PostgreSQL) or by containing its words."""
        plain = self.model.objects.all()
        fields = [name for name, _weight in self.SEARCH_FIELDS]
        found = Q(pk__in=containing_words(plain, fields, text).values("pk"))
        if is_postgresql(self):
            found |= Q(pk__in=full_text_search(plain, self.SEARCH_FIELDS, text).values("pk"))
        return self.filter(found)
