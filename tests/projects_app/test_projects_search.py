"""The search page (/recherche/): French full-text search on PostgreSQL, a simple fallback
elsewhere, results by type and scoped by visibility, a constant number of queries.

On PostgreSQL, the search reads the columns of migration 0005 (search_vector, search_text):
same results and ranks as the vector computed at query time, up to date after an edit,
answered from the GIN indexes, and a migration that reverses."""

import importlib
import operator
from datetime import timedelta
from functools import reduce

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from factories import CoordinatorFactory
from member_factories import member_of
from project_factories import (
    OpportunityFactory,
    PracticeFactory,
    ProjectFactory,
    ResourceFactory,
)
from service_checks import require

from projects import search as search_module
from projects.enums import PracticeStatus, PublicationStatus
from projects.models import Opportunity, Practice, Project, Resource
from projects.querysets.text import (
    CONFIG,
    containing_words,
    search_words,
    stored_vector,
)
from projects.search import mark_words, search

pytestmark = pytest.mark.django_db

URL = "/recherche/"
STORED = [Practice, Resource, Opportunity, Project]
MIGRATION = importlib.import_module("projects.migrations.0005_stored_search_columns")


@pytest.fixture
def postgresql():
    require("PostgreSQL", connection.vendor == "postgresql", "set DATABASE_URL=postgres://…")


def titles(groups, key):
    group = next((g for g in groups if g.kind.key == key), None)
    return None if group is None else [hit.object.title for hit in group.hits]


def keys(groups):
    return [group.kind.key for group in groups]


# --- Matching -----------------------------------------------------------------------------


def test_french_stems_find_plurals(postgresql, member):
    PracticeFactory(title="Des éveils musicaux à la crèche", summary="Trois mois de résidence.")
    PracticeFactory(
        title="Lectures au jardin",
        summary="Des albums pour les bébés.",
        what_was_done="<p>Une lecture par semaine.</p>",
    )
    groups = search(user=member.user, text="éveil musical")
    assert titles(groups, "bonnes-pratiques") == ["Des éveils musicaux à la crèche"]


def test_every_word_must_match_and_every_field_counts(postgresql, member):
    PracticeFactory(
        title="Danse en multi-accueil",
        summary="Une chorégraphe avec les tout-petits.",
        lessons="<p>Associer les parents dès le début.</p>",
    )
    OpportunityFactory(title="Aide aux projets", funder="Fondation SNCF", summary="Lecture.")
    ProjectFactory(title="Malle partagée", description="<p>Des marionnettes qui circulent.</p>")
    assert titles(search(user=member.user, text="danse parents"), "bonnes-pratiques") == [
        "Danse en multi-accueil"
    ]
    assert titles(search(user=member.user, text="danse cirque"), "bonnes-pratiques") == []
    assert titles(search(user=member.user, text="SNCF"), "financements") == ["Aide aux projets"]
    assert titles(search(user=member.user, text="marionnette"), "projets") == ["Malle partagée"]


def test_a_title_match_ranks_before_a_body_match(postgresql, member):
    PracticeFactory(title="Ateliers au musée", what_was_done="<p>Un conte autour du théâtre.</p>")
    PracticeFactory(title="Le théâtre des bébés", what_was_done="<p>Des jeux d'ombres.</p>")
    found = titles(search(user=member.user, text="théâtre"), "bonnes-pratiques")
    assert found == ["Le théâtre des bébés", "Ateliers au musée"]


def test_accents_are_ignored_thanks_to_the_migrated_configuration(postgresql, member):
    PracticeFactory(title="Éveil sonore en crèche")
    found = titles(search(user=member.user, text="eveil"), "bonnes-pratiques")
    assert found == ["Éveil sonore en crèche"]


def test_containing_words_ands_the_words_over_the_fields():
    PracticeFactory(title="Musique en crèche", summary="Un violoncelliste chez les bébés.")
    PracticeFactory(title="Musique au musée", summary="Une visite contée.")
    PracticeFactory(title="Lecture en crèche", summary="Des albums.")
    rows = containing_words(Practice.objects.all(), ["title", "summary"], "MUSIQUE crèche !")
    assert [p.title for p in rows] == ["Musique en crèche"]
    assert [p.title for p in containing_words(Practice.objects.all(), ["summary"], "bébés")] == [
        "Musique en crèche"
    ]


def test_fallback_is_used_off_postgresql(monkeypatch, member):
    PracticeFactory(title="Musique en crèche", summary="Un violoncelliste chez les bébés.")
    monkeypatch.setattr(search_module, "full_text_search", pytest.fail)
    monkeypatch.setattr(connection, "vendor", "sqlite")
    groups = search(user=member.user, text="violoncelliste")
    assert titles(groups, "bonnes-pratiques") == ["Musique en crèche"]
    assert "<mark>violoncelliste</mark>" in groups[0].hits[0].excerpt


def test_search_words_drop_single_letters_and_punctuation():
    assert search_words("« l'éveil » à 2 ans") == ["éveil", "ans"]
    assert search_words("a") == ["a"]


def test_marked_words_are_escaped():
    marked = mark_words("<script>alert(1)</script> musique & Musique", ["musique", "amp"])
    assert marked == (
        "&lt;script&gt;alert(1)&lt;/script&gt; <mark>musique</mark> &amp; <mark>Musique</mark>"
    )


# --- Visibility ---------------------------------------------------------------------------


def test_the_public_finds_public_things_only(client):
    PracticeFactory(title="Chansons pour bébés publiée")
    PracticeFactory(title="Chansons pour bébés brouillon", status=PracticeStatus.DRAFT)
    ResourceFactory(title="Chansons : guide public", is_public=True)
    ResourceFactory(title="Chansons : guide du réseau")
    OpportunityFactory(title="Chansons : appel public", is_public=True)
    OpportunityFactory(title="Chansons : appel du réseau")
    ProjectFactory(title="Chansons partagées")
    groups = search(user=client.get(URL).wsgi_request.user, text="chansons")
    assert keys(groups) == ["bonnes-pratiques", "ressources", "financements"]
    assert titles(groups, "bonnes-pratiques") == ["Chansons pour bébés publiée"]
    assert titles(groups, "ressources") == ["Chansons : guide public"]
    assert titles(groups, "financements") == ["Chansons : appel public"]


def test_members_also_find_the_networks_things(member):
    ResourceFactory(title="Chansons : guide du réseau")
    OpportunityFactory(title="Chansons : appel du réseau")
    OpportunityFactory(title="Chansons : appel en préparation", status=PublicationStatus.DRAFT)
    ProjectFactory(title="Chansons partagées")
    groups = search(user=member.user, text="chansons")
    assert keys(groups) == ["bonnes-pratiques", "ressources", "financements", "projets"]
    assert titles(groups, "ressources") == ["Chansons : guide du réseau"]
    assert titles(groups, "financements") == ["Chansons : appel du réseau"]
    assert titles(groups, "projets") == ["Chansons partagées"]


def test_a_draft_practice_is_found_by_its_organisation_only(organization, member, other_member):
    PracticeFactory(
        title="Comptines en brouillon", status=PracticeStatus.DRAFT, organization=organization
    )
    assert titles(search(user=other_member.user, text="comptines"), "bonnes-pratiques") == []
    assert titles(search(user=member.user, text="comptines"), "bonnes-pratiques") == [
        "Comptines en brouillon"
    ]
    coordinator = CoordinatorFactory()
    assert titles(search(user=coordinator, text="comptines"), "bonnes-pratiques") == [
        "Comptines en brouillon"
    ]


def test_a_pending_partner_searches_like_the_public(pending_person):
    ResourceFactory(title="Comptines : guide du réseau")
    groups = search(user=pending_person.user, text="comptines")
    assert "projets" not in keys(groups)
    assert titles(groups, "ressources") == []


def test_a_published_practice_is_counted_once_despite_the_visibility_joins(organization, member):
    # Several people of the organisation: visible_to joins their affiliations.
    member_of(organization)
    member_of(organization)
    PracticeFactory(title="Comptines du jardin", organization=organization)
    (group,) = [g for g in search(user=member.user, text="comptines") if g.total]
    assert group.total == 1
    assert titles([group], "bonnes-pratiques") == ["Comptines du jardin"]


# --- The page -----------------------------------------------------------------------------


def test_results_are_grouped_counted_and_limited(client, member):
    for index in range(12):
        PracticeFactory(title=f"Lecture aux bébés {index}")
    ResourceFactory(title="Lecture : bibliographie", is_public=True)
    client.force_login(member.user)
    response = client.get(URL, {"q": "lecture"})
    assert response.status_code == 200
    practices, resources, *_ = response.context["groups"]
    assert (practices.total, len(practices.hits), practices.has_more) == (12, 10, True)
    assert (resources.total, len(resources.hits), resources.has_more) == (1, 1, False)
    assert response.context["total"] == 13
    html = response.content.decode()
    assert "13 résultats pour « lecture »" in html
    assert 'href="/bonnes-pratiques/?q=lecture"' in html
    assert "Voir les 12 résultats" in html
    assert "/ressources/?q=lecture" not in html  # everything is shown already
    assert "Lecture : bibliographie" in html
    assert 'href="#resultats-bonnes-pratiques"' in html


def test_the_public_is_sent_to_the_public_opportunities(client):
    for index in range(11):
        OpportunityFactory(title=f"Résidence d'artiste {index}", is_public=True)
    html = client.get(URL, {"q": "résidence"}).content.decode()
    assert 'href="/financements/publiques/?q=r%C3%A9sidence"' in html


def test_results_show_a_marked_and_escaped_excerpt(client, postgresql):
    PracticeFactory(
        title='Chant <svg onload="alert(1)"> prénatal',
        summary='Un atelier de chant <img src=x onerror="alert(1)"> avec les parents & bébés.',
    )
    html = client.get(URL, {"q": "chant"}).content.decode()
    assert "Un atelier de <mark>chant</mark>" in html
    assert "parents &amp; bébés" in html
    assert "<img src=x" not in html
    assert "<svg" not in html
    assert "Chant &lt;svg onload=&quot;alert(1)&quot;&gt; prénatal" in html


def test_no_result_says_so_and_suggests_logging_in(client):
    html = client.get(URL, {"q": "xylophone"}).content.decode()
    assert "Aucun résultat pour « xylophone »" in html
    assert "Essayez un autre mot" in html
    assert "/accounts/login/" in html


@pytest.mark.parametrize("text", ["a", " b "])
def test_a_too_short_query_runs_no_search(client, text):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"q": text})
    assert response.status_code == 200
    assert "Saisissez au moins 2 caractères" in response.content.decode()
    assert not [q for q in queries.captured_queries if "projects_" in q["sql"]]


def test_an_empty_query_shows_the_help(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["groups"] == []
    assert "Saisissez un ou plusieurs mots" in response.content.decode()


def test_a_too_long_query_is_refused_in_french(client):
    response = client.get(URL, {"q": "musique " * 30})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Votre recherche est trop longue (200 caractères au plus)." in html
    assert response.context["groups"] == []


def _fill(count: int) -> None:
    for index in range(count):
        PracticeFactory(title=f"Théâtre d'objets {index}")
        ResourceFactory(title=f"Théâtre : guide {index}")
        OpportunityFactory(title=f"Théâtre : appel {index}")
        ProjectFactory(title=f"Théâtre partagé {index}")


def _count_queries(client, text="théâtre") -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, {"q": text}).status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["anonymous", "member", "coordinator"])
def test_the_number_of_queries_does_not_grow_with_the_results(client, member, who):
    if who == "member":
        client.force_login(member.user)
    elif who == "coordinator":
        client.force_login(CoordinatorFactory())
    _count_queries(client)  # warms the per-process caches (text search configuration)
    _fill(2)
    few = _count_queries(client)
    _fill(15)
    many = _count_queries(client)
    assert few == many
    groups = 3 if who == "anonymous" else 4
    assert few <= groups + 8  # one per group, plus the session, the user and their roles


def test_list_filters_take_stems_on_postgresql_and_word_starts_everywhere(postgresql):
    """A list's "Rechercher" finds what the search page counted, and partial words."""
    practice = PracticeFactory(
        title="Éveils musicaux en crèche", summary="Des comptines.", what_was_done="Chanter."
    )
    PracticeFactory(title="Lecture au musée", summary="Des albums.", what_was_done="Lire.")
    assert list(Practice.objects.search("éveil musical")) == [practice]
    assert list(Practice.objects.search("musical")) == [practice]  # a stem only
    assert list(Practice.objects.search("musica")) == [practice]  # a word's start only
    assert not Practice.objects.search("violoncelle").exists()


def test_list_filters_match_words_off_postgresql(monkeypatch):
    practice = PracticeFactory(title="Éveils musicaux en crèche", what_was_done="Chanter.")
    monkeypatch.setattr(connection, "vendor", "sqlite")
    monkeypatch.setattr("projects.querysets.text.full_text_search", pytest.fail)
    assert list(Practice.objects.search("MUSIC crèche")) == [practice]
    assert not Practice.objects.search("musical").exists()


def test_see_all_leads_to_a_list_with_as_many_opportunities(client, member):
    OpportunityFactory(title="Résidence ouverte", is_public=True)
    OpportunityFactory(
        title="Résidence close",
        is_public=True,
        opens_on=timezone.localdate() - timedelta(days=60),
        deadline=timezone.localdate() - timedelta(days=1),
    )
    public = search(user=AnonymousUser(), text="résidence")
    group = next(g for g in public if g.kind.key == "financements")
    assert group.total == 1  # the public list shows open ones only
    assert len(client.get(group.more_url).context["page_obj"]) == 1
    client.force_login(member.user)
    group = next(
        g for g in search(user=member.user, text="résidence") if g.kind.key == "financements"
    )
    assert group.total == 2
    assert len(client.get(group.more_url).context["page_obj"]) == 2


# --- PostgreSQL's stored columns (migration 0005) -------------------------------------


def test_the_migration_indexes_the_fields_and_weights_the_querysets_search():
    """The migration's frozen copy must follow SEARCH_FIELDS: change both together (and
    add a migration that drops and adds the columns again)."""
    assert {model._meta.db_table: model.objects.all().SEARCH_FIELDS for model in STORED} == (
        MIGRATION.SEARCHED
    )
    assert all(model.objects.all().STORED_SEARCH for model in STORED)


@pytest.mark.parametrize("model", STORED, ids=lambda model: model.__name__)
def test_the_stored_vector_is_the_one_django_computes(postgresql, model):
    factory = {
        Practice: PracticeFactory,
        Resource: ResourceFactory,
        Opportunity: OpportunityFactory,
        Project: ProjectFactory,
    }[model]
    factory(title="Éveil musical", summary="Des comptines à la crèche.")
    fields = model.objects.all().SEARCH_FIELDS
    computed = reduce(
        operator.add, [SearchVector(name, weight=w, config=CONFIG) for name, w in fields]
    )
    rows = model.objects.annotate(stored=stored_vector(), computed=computed)
    ((stored, expected),) = rows.values_list("stored", "computed")
    assert stored == expected
    assert "'eveil':1A" in stored


def test_the_stored_columns_follow_an_edit(postgresql, member):
    practice = PracticeFactory(title="Sculpture sur bois", summary="Des copeaux.")
    assert titles(search(user=member.user, text="sculpture"), "bonnes-pratiques") == [
        "Sculpture sur bois"
    ]
    practice.title = "Gravure sur bois"
    practice.save()
    assert titles(search(user=member.user, text="gravure"), "bonnes-pratiques") == [
        "Gravure sur bois"
    ]
    assert titles(search(user=member.user, text="sculpture"), "bonnes-pratiques") == []
    # The lists' filter too, partial words included.
    assert list(Practice.objects.search("gravu")) == [practice]
    assert not Practice.objects.search("sculpt").exists()


def test_the_search_reads_the_stored_vector(postgresql, member):
    PracticeFactory(title="Le théâtre des bébés")
    with CaptureQueriesContext(connection) as queries:
        groups = search(user=member.user, text="théâtre")
    assert titles(groups, "bonnes-pratiques") == ["Le théâtre des bébés"]
    searched = [q["sql"] for q in queries.captured_queries if "@@" in q["sql"]]
    assert len(searched) == 4  # practices, resources, opportunities, projects
    for sql in searched:
        assert '"search_vector" @@' in sql
        assert 'ts_rank("projects_' in sql
        assert "to_tsvector" not in sql


def test_the_lists_filter_reads_the_stored_columns(postgresql):
    practice = PracticeFactory(title="Visite de la médiathèque", summary="Des albums.")
    with CaptureQueriesContext(connection) as queries:
        assert list(Practice.objects.search("THÈQUE album")) == [practice]
    (sql,) = [q["sql"] for q in queries.captured_queries]
    assert '"search_vector" @@' in sql
    assert sql.count('"search_text"::text LIKE projects_fold(') == 2
    assert "to_tsvector" not in sql
    assert "unaccent(" not in sql  # no field of any row is folded at query time


def test_a_word_is_never_matched_across_two_fields(postgresql):
    PracticeFactory(title="Atelier bois", summary="Peinture.")
    assert Practice.objects.search("boispeinture").count() == 0
    assert Practice.objects.search("bois peinture").count() == 1


@pytest.mark.parametrize("model", STORED, ids=lambda model: model.__name__)
def test_postgresql_can_answer_from_the_gin_indexes(postgresql, model):
    """With sequential scans off (the test tables are too small for the planner to prefer
    an index), both conditions of the lists' filter are index scans: the SQL matches the
    indexed columns and the trigram operator class."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")  # not the ordering's index
    plan = model.objects.search("musique").order_by().explain()
    assert f"Bitmap Index Scan on {table}_search_vector" in plan
    assert f"Bitmap Index Scan on {table}_search_text" in plan
    assert "Seq Scan" not in plan


def test_the_migration_reverses(postgresql):
    """Back to 0004 the columns and the fold function are gone, and they come back (DDL is
    transactional on PostgreSQL: the test's transaction undoes it all the same)."""

    def columns():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT table_name, column_name FROM information_schema.columns"
                " WHERE column_name IN ('search_vector', 'search_text')"
                " AND table_schema = current_schema()"
            )
            return sorted(cursor.fetchall())

    def fold_function_exists():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_proc WHERE proname = 'projects_fold'")
            return cursor.fetchone()[0] == 1

    everything = sorted(
        (table, column)
        for table in MIGRATION.SEARCHED
        for column in ("search_text", "search_vector")
    )
    assert columns() == everything
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate([("projects", "0004_wording_financement")])
    assert columns() == []
    assert not fold_function_exists()
    MigrationExecutor(connection).migrate(latest)
    assert columns() == everything
    assert fold_function_exists()
    PracticeFactory(title="Comptines retrouvées")
    assert Practice.objects.search("comptines").count() == 1
