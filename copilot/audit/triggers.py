"""Database triggers that make the ledger table append-only (SQLite and PostgreSQL).

Installed by migration 0004_audit_ledger. Any UPDATE or DELETE on copilot_ledgerentry,
through the ORM or raw SQL, fails with "audit ledger is append-only". Only someone
who can drop triggers can change a row, and `manage.py audit_verify` names it then.
"""

from __future__ import annotations

TABLE = "copilot_ledgerentry"
MESSAGE = "audit ledger is append-only"

SQLITE = [
    f"CREATE TRIGGER IF NOT EXISTS ledger_no_{op.lower()} BEFORE {op} ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    for op in ("UPDATE", "DELETE")
]
POSTGRESQL = [
    "CREATE OR REPLACE FUNCTION ledger_append_only() RETURNS trigger AS $$ "
    f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql",
    *(
        f"CREATE OR REPLACE TRIGGER ledger_no_{op.lower()} BEFORE {op} ON {TABLE} "
        "FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only()"
        for op in ("UPDATE", "DELETE", "TRUNCATE")
    ),
]
DROP = {
    "sqlite": [f"DROP TRIGGER IF EXISTS ledger_no_{op}" for op in ("update", "delete")],
    "postgresql": [
        f"DROP TRIGGER IF EXISTS ledger_no_{op} ON {TABLE}"
        for op in ("update", "delete", "truncate")
    ],
}


def statements(vendor: str) -> list[str]:
    """The CREATE statements for a database vendor; ValueError for others."""
    if vendor == "sqlite":
        return SQLITE
    if vendor == "postgresql":
        return POSTGRESQL
    raise ValueError(f"The audit ledger supports SQLite and PostgreSQL, not {vendor}.")


def create(connection) -> None:
    with connection.cursor() as cursor:
        for sql in statements(connection.vendor):
            cursor.execute(sql)


def drop(connection) -> None:
    with connection.cursor() as cursor:
        for sql in DROP[connection.vendor]:
            cursor.execute(sql)


def install(apps, schema_editor) -> None:
    create(schema_editor.connection)


def uninstall(apps, schema_editor) -> None:
    drop(schema_editor.connection)
