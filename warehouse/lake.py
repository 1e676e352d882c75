"""Open the DuckLake warehouse: extensions from installed packages, catalog and data path from config."""

from __future__ import annotations

import contextlib
import os
import random
import re
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass
from importlib import import_module, resources
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import duckdb
import pyarrow as pa

from newslake.tasks.discover import LAKE_MARKER

LAKE_ALIAS = "lake"
WRITE_ATTEMPTS = 30  # tries of one write transaction that keeps meeting concurrent writers
T = TypeVar("T")
_EXTENSION_PACKAGES = {
    "ducklake": "duckdb_extension_ducklake",
    "sqlite_scanner": "duckdb_extension_sqlite_scanner",
    "fts": "duckdb_extension_fts",
    "postgres_scanner": "duckdb_extension_postgres_scanner",
    "httpfs": "duckdb_extension_httpfs",
}
# DuckDB installs and loads nothing by itself: extensions come from packages (load_extensions).
DUCKDB_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}
# Extension files whose signature DuckDB checked in this process, with their stamp (see check_signature).
_SIGNATURES_CHECKED: dict[str, tuple[int, int, int]] = {}


@dataclass(frozen=True)
class LakeLocation:
    """Where the catalog and the Parquet data files live, and the DuckDB threads that open them."""

    root: Path
    catalog: str  # a DuckLake catalog string, e.g. "sqlite:/path/catalog.sqlite"
    data_path: str
    threads: int | None = None  # DuckDB's default: one per core

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
        return f"catalog {without_password(self.catalog)}, data files in {self.data_path}"

    @property
    def shared(self) -> bool:
        """Tell whether the catalog is a database server that several machines can write through at once
        (PostgreSQL), rather than the embedded SQLite file one machine's processes take turns on."""
        return self.catalog.startswith(("postgres:", "postgresql:"))

    @property
    def missing(self) -> bool:
        """Tell whether the warehouse is known not to exist yet: an embedded one without its catalog file.
        A catalog on a server is not looked for here (False)."""
        sqlite_file = sqlite_catalog(self)
        return sqlite_file is not None and not sqlite_file.exists()

    @property
    def remote_data(self) -> bool:
        """Tell whether the data files are in object storage (s3://) rather than a local folder."""
        return self.data_path.startswith("s3://")


class LakeMissingError(RuntimeError):
    """Raised when a reader opens a lake that was never created."""


class LakeUnreachableError(LakeMissingError):
    """Raised when the warehouse cannot be opened as configured: its catalog server does not answer, or
    the data path given is not the one the catalog was created with. The message says what to do."""


def extension_path(name: str) -> str:
    """Give back the path of a DuckDB extension file shipped inside its PyPI package."""
    package = import_module(_EXTENSION_PACKAGES[name])
    folder = Path(package.__file__ or "").parent / "extensions"
    found = sorted(folder.glob(f"*/{name}.duckdb_extension"))
    if not found:
        raise RuntimeError(f"the {name} extension is not installed: reinstall with `make setup`")
    return str(found[-1])


def _file_stamp(path: str) -> tuple[int, int, int]:
    status = Path(path).stat()
    return status.st_ino, status.st_size, status.st_mtime_ns


def check_signature(path: str) -> None:
    """Have DuckDB check an extension file's signature once per process: a throwaway instance loads it
    with the check on (a file that fails raises here). The file is known as checked while it is
    unchanged: the same inode, size and modification time."""
    stamp = _file_stamp(path)
    if _SIGNATURES_CHECKED.get(path) == stamp:
        return
    with closing(duckdb.connect(config=DUCKDB_CONFIG)) as probe:
        probe.execute(f"LOAD {sql_literal(path)}")
    if _file_stamp(path) == stamp:
        _SIGNATURES_CHECKED[path] = stamp


def load_extensions(con: duckdb.DuckDBPyConnection, *names: str) -> None:
    """Load extensions from their packages: nothing is downloaded at run time. Each file's signature is
    checked by DuckDB first, once per process (see `open_duckdb`)."""
    for name in names:
        load_extension_file(con, extension_path(name))


def load_extension_file(con: duckdb.DuckDBPyConnection, path: str) -> None:
    """Load one extension file into the connection once DuckDB has checked its signature."""
    check_signature(path)
    con.execute(f"LOAD {sql_literal(path)}")


def open_duckdb(
    database: str = ":memory:", *, check_each_load: bool = False, threads: int | None = None
) -> duckdb.DuckDBPyConnection:
    """Give back a DuckDB connection that installs and loads nothing by itself.

    Checking an extension's signature reads the whole file (about 35 MB each, 50 ms): done on every
    LOAD, it was most of the cost of opening the warehouse. `load_extensions` has DuckDB check each file
    once per process, so connections here accept the files already checked without checking them
    again. A connection that runs users' SQL (check_each_load) keeps DuckDB's check on every LOAD and
    accepts no unsigned extension at all. `threads` caps DuckDB's worker threads (default: one per core)."""
    config: dict[str, str | bool | int | float | list[str]] = dict(DUCKDB_CONFIG)
    config["allow_unsigned_extensions"] = not check_each_load
    if threads is not None:
        config["threads"] = threads
    return duckdb.connect(database, config=config)


def connect(
    location: LakeLocation, read_only: bool = False, *, check_each_load: bool = False
) -> duckdb.DuckDBPyConnection:
    """Give back an in-memory DuckDB connection with the lake attached as `lake` and in use.

    The catalog is the embedded SQLite file, or a PostgreSQL database (`postgres:dbname=... host=...`,
    libpq's usual PG* variables apply); the data files are in a folder or under `s3://bucket/prefix/`,
    with credentials from the standard AWS_* variables (see `s3_secret_sql`). A connection for users'
    SQL passes check_each_load (see `open_duckdb`)."""
    sqlite_file = sqlite_catalog(location)
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
    con = open_duckdb(check_each_load=check_each_load, threads=location.threads)
    load_extensions(con, "ducklake", "postgres_scanner" if location.shared else "sqlite_scanner")
    if location.remote_data:
        load_extensions(con, "httpfs")
        con.execute(s3_secret_sql(os.environ))
    options = "READ_ONLY" if read_only else "DATA_INLINING_ROW_LIMIT 0"
    if sqlite_file is not None:
        # The embedded layout keeps its data folder beside the catalog, with file paths relative to it:
        # a lake folder moved or copied elsewhere opens where it is now.
        options += ", OVERRIDE_DATA_PATH true"
    catalog, data_path = (
        sql_literal(f"ducklake:{location.catalog}"),
        sql_literal(location.data_path),
    )
    try:
        con.execute(f"ATTACH {catalog} AS {LAKE_ALIAS} (DATA_PATH {data_path}, {options})")
    except duckdb.Error as exc:
        con.close()
        raise _attach_failure(exc, location, read_only) from exc
    con.execute(f"USE {LAKE_ALIAS}")
    con.execute(read_sql("macros"))
    if location.shared:
        # Many writers: let DuckLake settle plain appends among them for longer before giving up.
        con.execute("SET ducklake_max_retry_count = 50")
    return con


def s3_secret_sql(environ: Mapping[str, str]) -> str:
    """Give back the CREATE SECRET statement for s3:// data paths, from the standard AWS variables:
    AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION (or AWS_DEFAULT_REGION)
    and AWS_ENDPOINT_URL (or AWS_ENDPOINT_URL_S3). An endpoint means an S3-compatible server: it is
    addressed path-style, over plain HTTP when the URL says http://."""
    options = {"TYPE": "s3"}
    for key, names in {
        "KEY_ID": ("AWS_ACCESS_KEY_ID",),
        "SECRET": ("AWS_SECRET_ACCESS_KEY",),
        "SESSION_TOKEN": ("AWS_SESSION_TOKEN",),
        "REGION": ("AWS_REGION", "AWS_DEFAULT_REGION"),
    }.items():
        value = next((environ[n] for n in names if environ.get(n)), None)
        if value:
            options[key] = value
    endpoint = environ.get("AWS_ENDPOINT_URL_S3") or environ.get("AWS_ENDPOINT_URL")
    if endpoint:
        parts = urlsplit(endpoint if "://" in endpoint else f"https://{endpoint}")
        options["ENDPOINT"] = parts.netloc + parts.path.rstrip("/")
        options["URL_STYLE"] = "path"
        options["USE_SSL"] = "true" if parts.scheme == "https" else "false"
    body = ", ".join(
        f"{key} {value if key in ('TYPE', 'USE_SSL') else sql_literal(value)}" for key, value in options.items()
    )
    return f"CREATE OR REPLACE SECRET newslake_s3 ({body})"


def _attach_failure(exc: duckdb.Error, location: LakeLocation, read_only: bool) -> Exception:
    """Give back the error to raise for a failed ATTACH: one that says what to do when the cause is known."""
    text = str(exc)
    if "Unable to connect to Postgres" in text:
        server = without_password(re.sub(r"^.*Unable to connect to Postgres at ", "", text.splitlines()[0]))
        return LakeUnreachableError(
            f"the warehouse's PostgreSQL catalog does not answer ({server[:160]}): check the catalog string "
            "(host, port, dbname, user) and that the server is running"
        )
    found = re.search(r'existing data path in the catalog "([^"]+)"', text)
    if found:
        return LakeUnreachableError(
            f"this warehouse's data files are in {found.group(1)}, not {location.data_path}: "
            f"give --data-path {found.group(1)} (or NEWSLAKE_DATA_PATH)"
        )
    if read_only and location.shared and ("ducklake_metadata" in text or "does not exist" in text):
        return LakeMissingError(f"no warehouse in {location.describe()}: run `newslake run PATH...` against it first")
    return exc


# A catalog string's password, in either of libpq's forms: a keyword value (password=s3cret, or quoted,
# password='a b\'c'), or the user information of a URI (postgresql://user:s3cret@host/db).
_PASSWORD_VALUE = re.compile(r"(password\s*=\s*)(?:'(?:[^'\\]|\\.)*'|[^\s'\"]+)", re.IGNORECASE)
_URI_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/@\s\"]*:)[^@\s\"]*@", re.IGNORECASE)


def without_password(catalog: str) -> str:
    """Give back a catalog string, or a message quoting one, with its password written as ***."""
    return _URI_PASSWORD.sub(r"\1***@", _PASSWORD_VALUE.sub(r"\1***", catalog))


def write(con: duckdb.DuckDBPyConnection, work: Callable[[], T], token: bool = True) -> T:
    """Run `work` in one write transaction and commit it; give back what it gave back.

    Each write transaction first bumps the single row of `write_token`. Two transactions that run at
    once (two runs, machines or workers on a shared warehouse) then conflict at commit, and the later
    one is rolled back and run again from the start on the new snapshot. Writers thus behave as if they
    wrote one at a time: checks such as "insert only the entities not there yet" never add a key twice.
    Without the token DuckLake would merge two plain appends, and both copies would stay. `work` must be
    safe to run again; `token=False` is for the migrations, which run before the table exists."""
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        con.execute("BEGIN TRANSACTION")
        try:
            if token:
                con.execute("UPDATE write_token SET writes = writes + 1")
            result = work()
            con.execute("COMMIT")
            return result
        except BaseException as exc:
            with contextlib.suppress(duckdb.Error):
                con.execute("ROLLBACK")
            if attempt == WRITE_ATTEMPTS or not is_write_conflict(exc):
                raise
        # Spread the retries of writers that met, so they do not meet again.
        time.sleep(random.uniform(0, min(2.0, 0.05 * 2**attempt)))
    raise AssertionError("unreachable")


def is_write_conflict(exc: BaseException) -> bool:
    """Tell whether a commit failed only because another writer committed first."""
    return isinstance(exc, duckdb.Error) and "conflict" in str(exc).lower()


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
    return (resources.files("newslake.warehouse") / "sql" / f"{name}.sql").read_text(encoding="utf-8")


def records(result: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Give back the rows of an executed query as dicts by column name."""
    columns = [d[0] for d in result.description or []]
    return [dict(zip(columns, row, strict=True)) for row in result.fetchall()]


def sql_literal(value: str | Path) -> str:
    """Give back a value quoted as a SQL string literal: for statements that take no bound parameters
    (ATTACH, LOAD, COPY ... TO)."""
    return "'" + str(value).replace("'", "''") + "'"


def sql_identifier(name: str) -> str:
    """Give back a name quoted as a SQL identifier (a column read from a query's description)."""
    return '"' + name.replace('"', '""') + '"'


def execute_staged(con: duckdb.DuckDBPyConnection, sql: str, tables: Mapping[str, pa.Table]) -> None:
    """Run the statements of sql in order, each one only when a staged table it reads has rows.

    Every statement of a SQL file run this way must change nothing when the staged tables it reads are
    empty: it inserts their rows, or deletes or updates the rows they name (tests/warehouse/test_load.py
    checks the files). Skipping them matters: planning a statement reads the warehouse catalog of each
    table it names, 5 to 30 ms, and a batch with no fetch, refusal or quote ran up to ten for nothing."""
    for statement, inputs in _statement_inputs(con, sql):
        if not inputs or any(name not in tables or tables[name].num_rows for name in inputs):
            con.execute(statement)


_STATEMENTS: dict[str, list[tuple[str, frozenset[str]]]] = {}


def _statement_inputs(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[str, frozenset[str]]]:
    """Give back each statement of sql with the staged tables it names (parsed once per text)."""
    if sql not in _STATEMENTS:
        statements = [s.query for s in con.extract_statements(sql)]
        _STATEMENTS[sql] = [
            (query, frozenset(re.findall(r"\bstaged_\w+", re.sub(r"--[^\n]*", "", query)))) for query in statements
        ]
    return _STATEMENTS[sql]


@contextmanager
def staged(con: duckdb.DuckDBPyConnection, tables: dict[str, pa.Table]) -> Iterator[None]:
    """Make Arrow tables queryable by name for the block. Use it inside a transaction (`write` or
    `transaction`): outside one, registering or dropping each table is a transaction of its own,
    which reads the catalog of the attached warehouse (about 5 ms each; a batch stages 13 tables)."""
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
    the CPU. A connection given fewer threads (lake.duckdb_threads) keeps its own number."""
    if threads is None:
        yield
        return
    row = con.execute("SELECT current_setting('threads')").fetchone()
    configured = int(row[0]) if row is not None else threads
    con.execute(f"SET threads = {max(1, min(int(threads), configured))}")
    try:
        yield
    finally:
        if row is not None:
            con.execute(f"SET threads = {int(row[0])}")


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Run the block in one transaction: committed when it ends, rolled back when it raises. For reads
    that must all see one snapshot, or that run several statements: with the warehouse attached, each
    statement outside a transaction is one of its own and reads the catalog first. Writes go through
    `write`, which also settles concurrent writers."""
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


def sqlite_catalog(location: LakeLocation) -> Path | None:
    """Give back the SQLite file of an embedded warehouse's catalog, or None for a shared one."""
    if location.catalog.startswith("sqlite:"):
        return Path(location.catalog.removeprefix("sqlite:"))
    return None
