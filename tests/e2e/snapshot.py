"""Copies of every table, to put a loaded demo back in a fraction of a second.

Loading the demo takes about 25 s (Wagtail pages in three languages, pictures,
products), and each browser test that needs it starts from a flushed database:
loaded once per session, the demo is copied table by table into plain tables
the flush does not know, and copied back for each test. Plain SQL, the same on
SQLite and PostgreSQL: foreign keys are checked at commit on both, and the ids
go on from the highest copied.
"""

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction

PREFIX = "e2e_snapshot_"


def _tables() -> list[str]:
    return sorted(
        connection.introspection.django_table_names(
            only_existing=True, include_views=False
        )
    )


def _copy_name(index: int) -> str:
    # By position, not by name: a prefixed name could pass PostgreSQL's 63.
    return connection.ops.quote_name(f"{PREFIX}{index}")


def snapshot_take() -> list[str]:
    """Copy every table of the models; return the tables copied, in order."""
    tables = _tables()
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for index, table in enumerate(tables):
            cursor.execute(f"DROP TABLE IF EXISTS {_copy_name(index)}")
            cursor.execute(
                # Names of the models' tables, quoted: no outside text.
                f"CREATE TABLE {_copy_name(index)} AS SELECT * FROM {quote(table)}"  # noqa: S608
            )
    return tables


def snapshot_restore(tables: list[str]) -> None:
    """Empty every table and put the copied rows back."""
    quote = connection.ops.quote_name
    style = no_style()
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in connection.ops.sql_flush(
            style, _tables(), reset_sequences=True, allow_cascade=True
        ):
            cursor.execute(statement)
        for index, table in enumerate(tables):
            cursor.execute(
                f"INSERT INTO {quote(table)} SELECT * FROM {_copy_name(index)}"  # noqa: S608
            )
        for statement in connection.ops.sequence_reset_sql(
            style, apps.get_models(include_auto_created=True)
        ):
            cursor.execute(statement)


def snapshot_drop(tables: list[str]) -> None:
    with connection.cursor() as cursor:
        for index in range(len(tables)):
            cursor.execute(f"DROP TABLE IF EXISTS {_copy_name(index)}")
