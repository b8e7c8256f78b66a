"""PostgreSQL: search columns computed by the database, and their indexes.

On practices, resources, opportunities and projects, two generated columns (not model
fields: Django never reads nor writes them, PostgreSQL keeps them up to date on every
INSERT and UPDATE):

- `search_vector`: the weighted French vector that the search used to compute on every
  query, `setweight(to_tsvector('french_unaccent', field), weight) || …` over the fields and
  weights of the QuerySet's SEARCH_FIELDS (the same SQL as Django's SearchVector), with a
  GIN index: `search_vector @@ query` no longer reads every row, and ranks read it as is.
- `search_text`: the fields folded as the `folded_contains` lookup folds them (lower case,
  no accents), one per line, with a trigram GIN index (pg_trgm): the lists' « Rechercher »
  keeps its partial words (« musica » finds « musicaux ») without reading every row.
  The fold is `projects_fold`, an IMMUTABLE SQL function (unaccent() itself is only
  STABLE, which PostgreSQL refuses in a generated column or an index).

Nothing happens on SQLite. pg_trgm is a trusted extension (PostgreSQL 13+), like unaccent.
A later migration that changes one of these fields (type, name) must drop the two columns
first and add them again with `add_columns` (PostgreSQL refuses to change a column that a
generated column reads).
"""

from django.db import migrations

# Frozen copies of the QuerySets' SEARCH_FIELDS (tests/projects_app check they still agree).
SEARCHED = {
    "projects_practice": (
        ("title", "A"),
        ("summary", "B"),
        ("context", "C"),
        ("what_was_done", "C"),
        ("partners", "C"),
        ("lessons", "C"),
    ),
    "projects_resource": (("title", "A"), ("summary", "B")),
    "projects_opportunity": (
        ("title", "A"),
        ("funder", "B"),
        ("summary", "B"),
        ("description", "C"),
    ),
    "projects_project": (("title", "A"), ("summary", "B"), ("description", "C")),
}
CONFIG = "french_unaccent"
FOLD = "projects_fold"


def _schema_of(schema_editor, extension: str) -> str:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
            " WHERE e.extname = %s",
            [extension],
        )
        return cursor.fetchone()[0]


def add_columns(schema_editor, table: str, fields) -> None:
    quote = schema_editor.quote_name
    vector = " || ".join(
        f"setweight(to_tsvector('{CONFIG}'::regconfig, COALESCE({quote(name)}::text, '')),"
        f" '{weight}')"
        for name, weight in fields
    )
    text = " || E'\\n' || ".join(f"COALESCE({quote(name)}::text, '')" for name, _ in fields)
    schema_editor.execute(
        f"ALTER TABLE {quote(table)}"
        f" ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({vector}) STORED,"
        f" ADD COLUMN search_text text GENERATED ALWAYS AS ({FOLD}({text})) STORED"
    )
    schema_editor.execute(
        f"CREATE INDEX {quote(table + '_search_vector')} ON {quote(table)}"
        " USING gin (search_vector)"
    )
    schema_editor.execute(
        f"CREATE INDEX {quote(table + '_search_text')} ON {quote(table)}"
        " USING gin (search_text gin_trgm_ops)"
    )


def drop_columns(schema_editor, table: str) -> None:
    # The indexes go with their columns.
    schema_editor.execute(
        f"ALTER TABLE {schema_editor.quote_name(table)}"
        " DROP COLUMN IF EXISTS search_vector, DROP COLUMN IF EXISTS search_text"
    )


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    # Schema-qualified, so that the function does not depend on the caller's search_path
    # (pg_dump restores with an empty one). The same dictionary as unaccent(text).
    unaccent = schema_editor.quote_name(_schema_of(schema_editor, "unaccent"))
    schema_editor.execute(
        f"CREATE OR REPLACE FUNCTION {FOLD}(text) RETURNS text"
        " LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT"
        f" AS $$ SELECT lower({unaccent}.unaccent('{unaccent}.unaccent'::regdictionary, $1)) $$"
    )
    for table, fields in SEARCHED.items():
        add_columns(schema_editor, table, fields)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in SEARCHED:
        drop_columns(schema_editor, table)
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FOLD}(text)")
    # pg_trgm stays, as unaccent does: other databases objects may use it by then.


class Migration(migrations.Migration):
    dependencies = [("projects", "0004_wording_financement")]

    operations = [migrations.RunPython(create, drop)]
