"""Migrations and views: applied in as few transactions as DuckLake allows, views after what they read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newslake.warehouse.lake import LakeLocation, connect
from newslake.warehouse.migrate import _dependency_order, _transactions, list_migrations, migrate, view_names
from tests.lakes import RecordingConnection


def test_migrations_share_a_transaction_unless_one_sets_a_tables_options() -> None:
    pending = [
        (1, "001_a.sql", "CREATE TABLE a (x INT);"),
        (2, "002_b.sql", "ALTER TABLE a ADD COLUMN y INT;"),
        (3, "003_c.sql", "CALL lake.set_option('data_inlining_row_limit', 10, table_name => 'a');"),
        (4, "004_d.sql", "CREATE TABLE d (x INT);"),
    ]
    assert [[m[0] for m in group] for group in _transactions(pending)] == [[1, 2], [3, 4]]
    assert _transactions([]) == []


def test_a_view_that_reads_another_is_created_after_it() -> None:
    views = {"a_top": "SELECT * FROM z_base", "z_base": "SELECT 1 AS n", "m_other": "SELECT 2 AS n"}
    assert _dependency_order(views) == ["m_other", "z_base", "a_top"]
    with pytest.raises(ValueError, match="read each other"):
        _dependency_order({"a": "SELECT * FROM b", "b": "SELECT * FROM a"})


def test_a_new_warehouse_gets_every_migration_once(tmp_path: Path) -> None:
    con = connect(LakeLocation.under(tmp_path / "lake"))
    try:
        applied = migrate(con)
        assert applied == [name for _, name, _ in list_migrations()]
        assert migrate(con) == []
        versions = [row[0] for row in con.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()]
        assert versions == [number for number, _, _ in list_migrations()]
    finally:
        con.close()


def test_a_new_warehouse_records_its_schema_in_a_data_file_per_transaction(tmp_path: Path) -> None:
    """Each write to a warehouse table is a data file: the bookkeeping of a new warehouse is written in
    one statement per transaction, not one file per migration and per view."""
    con = connect(LakeLocation.under(tmp_path / "lake"))
    try:
        migrate(con)

        def files(table: str) -> int:
            return len(con.execute(f"SELECT * FROM ducklake_list_files('lake', '{table}')").fetchall())

        groups = len(_transactions(list_migrations()))
        assert files("schema_migrations") == groups
        assert files("schema_views") == 1
        views = dict(con.execute("SELECT name, sha256 FROM schema_views").fetchall())
        assert sorted(views) == view_names()
        assert migrate(con) == [] and files("schema_views") == 1  # nothing changed: nothing written
    finally:
        con.close()


def test_a_new_warehouse_skips_the_migrations_changes_to_rows_and_an_old_one_gets_them(tmp_path: Path) -> None:
    changes_rows = re.compile(r"^\s*(UPDATE|DELETE)\b", re.IGNORECASE | re.MULTILINE)
    assert any(changes_rows.search(sql) for _, _, sql in list_migrations())  # else this test checks nothing
    con = connect(LakeLocation.under(tmp_path / "new"))
    try:
        recording = RecordingConnection(con)
        migrate(recording)  # type: ignore[arg-type]
        assert not [sql for sql in recording.executed if changes_rows.search(sql)]
        assert migrate(con) == []  # recorded as applied all the same
    finally:
        con.close()
    con = connect(LakeLocation.under(tmp_path / "old"))
    try:
        con.execute("CREATE TABLE schema_migrations (version INTEGER, name VARCHAR, applied_at TIMESTAMPTZ)")
        con.execute("INSERT INTO schema_migrations VALUES (0, '000_older.sql', now())")  # not new any more
        recording = RecordingConnection(con)
        migrate(recording)  # type: ignore[arg-type]
        assert [sql for sql in recording.executed if changes_rows.search(sql)]
    finally:
        con.close()
