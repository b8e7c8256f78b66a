"""PostgreSQL: what consortium.core.french needs (nothing happens on SQLite).

- the unaccent extension (trusted since PostgreSQL 13: the database owner may create it),
  for matching that ignores accents;
- the `fr_natural` collation, for sorting names the French way: ICU French when the server
  has ICU, else the system's French locale, else the database's own collation (so that
  the name always exists and the queries stay the same).
"""

from django.db import migrations

ICU = "CREATE COLLATION IF NOT EXISTS fr_natural (provider = icu, locale = 'fr')"


def _libc_locale(cursor) -> str:
    cursor.execute(
        "SELECT collcollate FROM pg_collation WHERE collprovider = 'c' "
        "AND collcollate ILIKE 'fr\\_FR.utf%' LIMIT 1"
    )
    row = cursor.fetchone()
    if row:
        return row[0]
    cursor.execute("SELECT datcollate FROM pg_database WHERE datname = current_database()")
    return cursor.fetchone()[0]


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_collation WHERE collprovider = 'i' LIMIT 1")
        if cursor.fetchone():
            schema_editor.execute(ICU)
            return
        locale = _libc_locale(cursor)
    quoted = locale.replace("'", "''")
    schema_editor.execute(
        f"CREATE COLLATION IF NOT EXISTS fr_natural (provider = libc, locale = '{quoted}')"
    )


def drop(apps, schema_editor):
    # unaccent stays: the full-text search configuration of projects uses it too.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP COLLATION IF EXISTS fr_natural")


class Migration(migrations.Migration):
    dependencies = [("core", "0003_outbox")]

    operations = [migrations.RunPython(create, drop)]
