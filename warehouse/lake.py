"""Open the DuckLake warehouse: extensions from installed packages, catalog and data path from config."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from importlib import import_module, resources
from pathlib import Path

import duckdb
import pyarrow as pa

from tasks.discover import LAKE_MARKER

LAKE_ALIAS = "lake"
_EXTENSION_PACKAGES = {
    "ducklake": "duckdb_extension_ducklake",
    "sqlite_scanner": "duckdb_extension_sqlite_scanner",
    "fts": "duckdb_extension_fts",
}


@dataclass(frozen=True)
class LakeLocation:
    """Where the catalog and the Parquet data files live."""

    root: Path
    catalog: str  # a DuckLake catalog string, e.g. "sqlite:/path/catalog.sqlite"
    data_path: str

    @classmethod
    def under(cls, root: Path) -> LakeLocation:
        """Give back the embedded default layout: a SQLite catalog and a data folder under root."""
        root = root.expanduser().resolve()
        return cls(
            root=root,
            catalog=f"sqlite:{root / 'catalog.sqlite'}",
            data_path=f"{root / 'data'}/",
        )

    def describe(self) -> str:
        return f"catalog {self.catalog}, data files in {self.data_path}"


class LakeMissingError(RuntimeError):
    """Raised when a reader opens a lake that was never created."""


def extension_path(name: str) -> str:
    """Give back the path of a DuckDB extension file shipped inside its PyPI package."""
    package = import_module(_EXTENSION_PACKAGES[name])
    folder = Path(package.__file__ or "").parent / "extensions"
    found = sorted(folder.glob(f"*/{name}.duckdb_extension"))
    if not found:
        raise RuntimeError(f"the {name} extension is not installed: reinstall with `make setup`")
    return str(found[-1])


def load_extensions(con: duckdb.DuckDBPyConnection, *names: str) -> None:
    """Load extensions from their packages: nothing is downloaded at run time."""
    for name in names:
        con.execute(f"LOAD {sql_literal(extension_path(name))}")


def connect(location: LakeLocation, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Give back an in-memory DuckDB connection with the lake attached as `lake` and in use."""
    sqlite_file = _sqlite_file(location)
    if sqlite_file is not None:
        if read_only and not sqlite_file.exists():
            raise LakeMissingError(f"no warehouse at {location.root}: run `newslake run PATH...` first")
        sqlite_file.parent.mkdir(parents=True, exist_ok=True)
        if not read_only and sqlite_file.exists():
            _record_data_path(sqlite_file, location.data_path)
        if not read_only:
            # Marks the folder as a warehouse, so `newslake run` never ingests it (tasks.discover).
            (location.root / LAKE_MARKER).touch(exist_ok=True)
    if location.data_path.startswith("/"):
        Path(location.data_path).mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(
        config={
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
        }
    )
    load_extensions(con, "ducklake", "sqlite_scanner")
    options = "READ_ONLY" if read_only else "DATA_INLINING_ROW_LIMIT 0"
    if sqlite_file is not None:
        # The embedded layout keeps its data folder beside the catalog, with file paths relative to it:
        # a lake folder moved or copied elsewhere opens where it is now.
        options += ", OVERRIDE_DATA_PATH true"
    catalog, data_path = (
        sql_literal(f"ducklake:{location.catalog}"),
        sql_literal(location.data_path),
    )
    con.execute(f"ATTACH {catalog} AS {LAKE_ALIAS} (DATA_PATH {data_path}, {options})")
    con.execute(f"USE {LAKE_ALIAS}")
    return con


def _record_data_path(sqlite_file: Path, data_path: str) -> None:
    # Other tools attach without DATA_PATH and use the one in the catalog: after a move, a writer
    # records where the data folder is now (in the catalog file itself, before DuckLake opens it).
    with closing(sqlite3.connect(sqlite_file, timeout=30)) as catalog, catalog:
        tables = catalog.execute("SELECT 1 FROM sqlite_master WHERE name = 'ducklake_metadata'").fetchall()
        stored = (
            catalog.execute("SELECT value FROM ducklake_metadata WHERE key = 'data_path'").fetchall() if tables else []
        )
        if stored and stored[0][0] != data_path:  # reads take no write lock: only a moved lake writes here
            catalog.execute("UPDATE ducklake_metadata SET value = ? WHERE key = 'data_path'", [data_path])


def read_sql(name: str) -> str:
    """Give back the text of warehouse/sql/<name>.sql."""
    return (resources.files("warehouse") / "sql" / f"{name}.sql").read_text(encoding="utf-8")


def sql_literal(value: str | Path) -> str:
    """Give back a value quoted as a SQL string literal: for statements that take no bound parameters
    (ATTACH, LOAD, COPY ... TO)."""
    return "'" + str(value).replace("'", "''") + "'"


@contextmanager
def staged(con: duckdb.DuckDBPyConnection, tables: dict[str, pa.Table]) -> Iterator[None]:
    """Make Arrow tables queryable by name for the block."""
    for name, table in tables.items():
        con.register(name, table)
    try:
        yield
    finally:
        for name in tables:
            con.unregister(name)


@contextmanager
def threads_limited(con: duckdb.DuckDBPyConnection, threads: int | None) -> Iterator[None]:
    """Run the block with DuckDB using at most `threads` threads (None: as configured), then restore
    the setting. While worker processes hold the other cores, more DuckDB threads only take CPU from
    them: with two threads on a 2-core machine held by two workers, a run's loads took 1.4 to 2 times
    the CPU."""
    if threads is None:
        yield
        return
    row = con.execute("SELECT current_setting('threads')").fetchone()
    con.execute(f"SET threads = {max(1, int(threads))}")
    try:
        yield
    finally:
        if row is not None:
            con.execute(f"SET threads = {int(row[0])}")


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Run the block in one transaction: committed when it ends, rolled back when it raises.
    On a read-only connection it pins one snapshot for every read in the block."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    try:
        con.execute("COMMIT")
    except BaseException:
        # An interrupted or failed commit leaves nothing half-written; the connection stays usable.
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise


def _sqlite_file(location: LakeLocation) -> Path | None:
    if location.catalog.startswith("sqlite:"):
        return Path(location.catalog.removeprefix("sqlite:"))
    return None
