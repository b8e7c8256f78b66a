"""One search box over best practices, resources, opportunities and projects.

On PostgreSQL: full-text search with the French configuration (stems: « éveil musical »
finds « éveils musicaux »), ranked by relevance, with the matched words marked in an
excerpt, and accent-insensitive with the `french_unaccent` configuration (made by the
migration 0002): « eveil » finds « éveil ».
Elsewhere (SQLite, the newcomer's setup): every word must appear in one of the fields,
whatever the case and the accents, newest first.

Each kind goes through its model's `visible_to(user)`, in one query that also counts every
match (a window function): a search costs one query per kind, whatever the number of rows.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.contrib.postgres.search import SearchHeadline
from django.db import models
from django.db.models import Count, Window
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from consortium.core.french import fold, fold_with_positions
from members.access import is_member

from .models import Opportunity, Practice, Project, Resource
from .querysets.text import (
    CONFIG,
    containing_words,
    full_text_search,
    is_postgresql,
    search_words,
    text_query,
)

MIN_LENGTH = 2
MAX_LENGTH = 200
GROUP_SIZE = 10
EXCERPT_WORDS = 35
# Marks put around matched words by PostgreSQL, turned into <mark> once the text is escaped
# (characters that escaping leaves alone and that nobody types).
START, STOP = "\u27e6", "\u27e7"


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Rechercher"),
        max_length=MAX_LENGTH,
        required=False,
        strip=True,
        help_text=_("Par exemple : éveil musical, lecture, Fondation de France."),
        error_messages={
            "max_length": _("Votre recherche est trop longue (%(limit_value)d caractères au plus).")
        },
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    def text(self) -> str:
        """The words to look for, or "" when there is nothing (long enough) to search."""
        if not self.is_valid():
            return ""
        text = self.cleaned_data["q"]
        return text if len(text) >= MIN_LENGTH else ""


# --- The kinds of things searched -------------------------------------------------------


def _practice_meta(practice) -> list[str]:
    return [practice.get_sector_display()]


def _resource_meta(resource) -> list[str]:
    return [resource.get_kind_display()]


def _opportunity_meta(opportunity) -> list[str]:
    meta = [opportunity.get_kind_display(), opportunity.funder]
    if opportunity.deadline:
        meta.append(_("date limite : %s") % date_format(opportunity.deadline, "j F Y"))
    return meta


def _project_meta(project) -> list[str]:
    meta = [project.get_status_display()]
    if project.is_experiment:
        meta.insert(0, _("Expérimentation"))
    return meta


@dataclass(frozen=True)
class SearchKind:
    key: str
    label: str | Promise
    model: type[models.Model]
    list_url: str
    describe: Callable[[models.Model], list[str]]
    public_list_url: str = ""  # the URL name of the public's full list, when not list_url
    # Query parameters that make the members' list show all that the search counted.
    list_query: tuple[tuple[str, str], ...] = ()

    @property
    def fields(self) -> tuple[tuple[str, str], ...]:
        """(field, weight) pairs, declared by the model's QuerySet (SEARCH_FIELDS)."""
        return self.model.objects.all().SEARCH_FIELDS

    def queryset(self, user) -> models.QuerySet:
        visible = self.model.objects.visible_to(user)
        if self.public_list_url and not is_member(user):
            # The public list shows what is still open: the search too.
            return visible.open()
        return visible

    def more_url(self, user, text: str) -> str:
        if self.public_list_url and not is_member(user):
            return f"{reverse(self.public_list_url)}?{urlencode({'q': text})}"
        return f"{reverse(self.list_url)}?{urlencode({'q': text, **dict(self.list_query)})}"


KINDS: tuple[SearchKind, ...] = (
    SearchKind(
        "bonnes-pratiques",
        _("Bonnes pratiques"),
        Practice,
        "projects:practices",
        _practice_meta,
    ),
    SearchKind(
        "ressources",
        _("Ressources"),
        Resource,
        "projects:resources",
        _resource_meta,
    ),
    SearchKind(
        "financements",
        _("Financements"),
        Opportunity,
        "projects:opportunities",
        _opportunity_meta,
        public_list_url="projects:opportunities_public",
        list_query=(("periode", "toutes"),),
    ),
    SearchKind(
        "projets",
        _("Projets"),
        Project,
        "projects:projects",
        _project_meta,
    ),
)


# --- Results ------------------------------------------------------------------------------


@dataclass
class SearchHit:
    object: models.Model
    meta: list[str]
    excerpt: SafeString


@dataclass
class SearchGroup:
    kind: SearchKind
    total: int
    hits: list[SearchHit] = field(default_factory=list)
    more_url: str = ""

    @property
    def has_more(self) -> bool:
        return self.total > len(self.hits)


def search(*, user, text: str, limit: int = GROUP_SIZE) -> list[SearchGroup]:
    """The matches of `text` that `user` may see, grouped by kind, best first.

    A kind the user may not see at all (projects, for the public) is left out without a
    query. Each group holds at most `limit` hits and the total number of matches.
    """
    groups = []
    for kind in KINDS:
        visible = kind.queryset(user)
        if visible.query.is_empty():
            continue
        rows = list(matching(kind, visible, text).annotate(total=Window(Count("pk")))[:limit])
        group = SearchGroup(kind, total=rows[0].total if rows else 0)
        group.hits = [_hit(kind, row, text) for row in rows]
        group.more_url = kind.more_url(user, text)
        groups.append(group)
    return groups


def matching(kind: SearchKind, visible: models.QuerySet, text: str) -> models.QuerySet:
    """The rows of `visible` that match `text`, best first (PostgreSQL) or newest first."""
    # visible_to may join (and DISTINCT) to say who sees what: match on the plain table,
    # so that the window counts each row once.
    rows = kind.model.objects.filter(pk__in=visible.values("pk"))
    if is_postgresql(rows):
        return full_text_search(rows, kind.fields, text).annotate(headline=_headline(text))
    return containing_words(rows, [name for name, _weight in kind.fields], text)


def _headline(text: str) -> SearchHeadline:
    """The summary with the matched words between START and STOP (PostgreSQL)."""
    return SearchHeadline(
        "summary",
        text_query(text),
        config=CONFIG,
        start_sel=START,
        stop_sel=STOP,
        max_words=EXCERPT_WORDS,
        min_words=15,
    )


def _hit(kind: SearchKind, row, text: str) -> SearchHit:
    return SearchHit(row, [str(item) for item in kind.describe(row) if item], _excerpt(row, text))


def _excerpt(row, text: str) -> SafeString:
    """The summary with the matched words in <mark>, escaped (the summary is plain text)."""
    headline = getattr(row, "headline", None)
    if headline is not None:
        marked = escape(headline).replace(START, "<mark>").replace(STOP, "</mark>")
        return mark_safe(marked)  # noqa: S308  (escaped just above)
    return mark_words(Truncator(row.summary).words(EXCERPT_WORDS), search_words(text))


def mark_words(plain: str, words: list[str]) -> SafeString:
    """Escape `plain` and put each occurrence of `words` in <mark>, whatever the case and
    the accents (« eveil » marks « Éveil »), as the search matched them."""
    folded_words = sorted({fold(word) for word in words} - {""}, key=len, reverse=True)
    if not folded_words:
        return escape(plain)
    folded, positions = fold_with_positions(plain)
    pattern = re.compile("|".join(map(re.escape, folded_words)))
    parts, done = [], 0
    for match in pattern.finditer(folded):
        start, end = positions[match.start()], positions[match.end() - 1] + 1
        if start < done:  # inside a letter already marked (« œ » is « oe »)
            continue
        parts += [escape(plain[done:start]), f"<mark>{escape(plain[start:end])}</mark>"]
        done = end
    parts.append(escape(plain[done:]))
    return mark_safe("".join(map(str, parts)))  # noqa: S308  (escaped parts and our own tags only)
