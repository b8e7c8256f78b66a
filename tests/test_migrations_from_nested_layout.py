"""The apps moved from consortium/<app>/ to the top level with their labels unchanged: a
database built by the nested layout's migrations takes today's migrations as they are."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from transactional import restore_reference_data

# The last migration of each project app when the apps stood in consortium/ (commit d660a13).
NESTED_LAYOUT_LEAVES = [
    ("core", "0003_outbox"),
    ("members", "0002_territory_and_vocabularies"),
    ("events", "0001_initial"),
    ("projects", "0002_french_unaccent_search"),
]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)  # a fresh loader reads what is applied now


def _latest(executor: MigrationExecutor) -> list[tuple[str, str]]:
    labels = {label for label, _ in NESTED_LAYOUT_LEAVES}
    return [node for node in executor.loader.graph.leaf_nodes() if node[0] in labels]


@pytest.mark.django_db(transaction=True)
def test_a_database_of_the_nested_layout_takes_todays_migrations():
    restore_reference_data()
    executor = MigrationExecutor(connection)
    for node in NESTED_LAYOUT_LEAVES:
        assert node in executor.loader.graph.nodes, f"{node} left the graph: old databases break"
    latest = _latest(executor)
    try:
        executor = _migrate(NESTED_LAYOUT_LEAVES)
        old = executor.loader.project_state(NESTED_LAYOUT_LEAVES).apps
        kind = old.get_model("members", "OrganizationType").objects.first()
        commune = old.get_model("members", "Commune").objects.get(name="Cergy")
        old.get_model("members", "Organization").objects.create(
            name="Médiathèque de l'Hautil",
            slug="mediatheque-hautil",
            sector=kind.sector,
            type_id=kind.pk,
            commune_id=commune.pk,
        )
        executor = _migrate(latest)
    finally:
        _migrate(latest)  # whatever happened, the next tests find today's schema
    assert executor.loader.applied_migrations.keys() >= set(latest)
    from members.models import Organization

    kept = Organization.objects.get(slug="mediatheque-hautil")
    assert (kept.name, kept.commune.name) == ("Médiathèque de l'Hautil", "Cergy")
    assert Organization._meta.app_label == "members"
