"""Accent-insensitive French full-text search on PostgreSQL ("eveil" finds "éveil").

A text search configuration `french_unaccent` (french stemming after unaccent); the
search code uses it when it exists. Nothing happens on SQLite. unaccent is a trusted
extension (PostgreSQL 13+), so the database owner may create it.
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent",
    "CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french)",
    "ALTER TEXT SEARCH CONFIGURATION french_unaccent "
    "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent")


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
