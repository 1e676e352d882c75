"""Extensions load from their packages, each file's signature checked by DuckDB before it is used."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from newslake.warehouse.lake import (
    LakeLocation,
    check_signature,
    connect,
    extension_path,
    load_extension_file,
    open_duckdb,
)
from newslake.warehouse.query import open_query_connection
from tests.lakes import new_lake

LOADED = "SELECT extension_name FROM duckdb_extensions() WHERE loaded"


def _allows_unsigned(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute("SELECT current_setting('allow_unsigned_extensions')").fetchone()
    return bool(row and row[0])


def _damage(path: Path) -> None:
    """Change one byte in the middle of the file, keeping its size (its modification time changes)."""
    with path.open("r+b") as handle:
        handle.seek(path.stat().st_size // 2)
        byte = handle.read(1)
        handle.seek(-1, 1)
        handle.write(bytes([byte[0] ^ 0xFF]))


def test_a_damaged_extension_file_is_refused_even_after_it_was_checked_once(tmp_path: Path) -> None:
    copy = tmp_path / "sqlite_scanner.duckdb_extension"
    shutil.copyfile(extension_path("sqlite_scanner"), copy)
    check_signature(str(copy))  # a good file passes, and is known as checked while it is unchanged
    _damage(copy)
    with pytest.raises(duckdb.Error, match="signature"):
        check_signature(str(copy))


def test_a_damaged_file_never_loads_into_a_connection_that_skips_the_second_check(tmp_path: Path) -> None:
    copy = tmp_path / "sqlite_scanner.duckdb_extension"
    shutil.copyfile(extension_path("sqlite_scanner"), copy)
    _damage(copy)
    con = open_duckdb()
    assert _allows_unsigned(con)  # it relies on the check made once per process
    with pytest.raises(duckdb.Error, match="signature"):
        load_extension_file(con, str(copy))
    assert "sqlite_scanner" not in {row[0] for row in con.execute(LOADED).fetchall()}
    con.close()


def test_users_sql_runs_on_a_connection_that_checks_every_extension(tmp_path: Path) -> None:
    location: LakeLocation = new_lake(tmp_path / "lake")
    for allow_files in (False, True):
        con = open_query_connection(location, allow_files=allow_files)
        assert not _allows_unsigned(con)
        con.close()
    writer = connect(location)
    assert writer.execute("SELECT count(*) FROM articles").fetchone() == (0,)
    writer.close()
