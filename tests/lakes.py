"""Reading a test's or a bench's warehouse (rows of a query over a lake folder, read-only), a small
batch to load into one, and new migrated warehouses copied from one built once per test process."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections import OrderedDict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from newslake.tasks.records import Article, EntitySpan, Link, Mention, Quote, Rejection
from newslake.warehouse.lake import LakeLocation, LakeMissingError, connect
from newslake.warehouse.load import LoadBatch, StoredDocument, load_batch
from newslake.warehouse.migrate import migrate

_TEMPLATES: dict[bool, Path] = {}


class RecordingConnection:
    """A connection that remembers the SQL it was given (for tests of which statements run)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        self.executed: list[str] = []

    def execute(self, sql: str, *args: object) -> duckdb.DuckDBPyConnection:
        self.executed.append(sql)
        return self._con.execute(sql, *args)

    def __getattr__(self, name: str) -> object:
        return getattr(self._con, name)


def query(lake: Path, sql: str) -> list[tuple[Any, ...]]:
    """Give back the rows of a query over the lake under a folder, opened read-only."""
    return _read(lake, sql)[1]


def rows(lake: Path, sql: str) -> list[dict[str, Any]]:
    """Give back the rows of a query over the lake under a folder as dicts by column, opened read-only."""
    columns, found = _read(lake, sql)
    return [dict(zip(columns, row, strict=True)) for row in found]


def _read(lake: Path, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    result = _reader(lake).execute(sql)
    return [d[0] for d in result.description or []], result.fetchall()


_READERS: OrderedDict[tuple[str, int, int], duckdb.DuckDBPyConnection] = OrderedDict()
_MOST_READERS = 4


def _reader(lake: Path) -> duckdb.DuckDBPyConnection:
    """Give back a read-only connection to the lake under a folder, kept for the next query of the same
    lake in the same test (conftest closes them after each test): attaching costs about 50 ms, a query
    a few. Each query is a transaction of its own and reads the catalog file, by its path, at the
    warehouse's latest snapshot. A catalog file made anew at that place mostly has another inode, and
    so a connection of its own."""
    location = LakeLocation.under(lake)
    catalog = location.root / "catalog.sqlite"  # the embedded layout's (LakeLocation.under)
    if not catalog.exists():
        return connect(location, read_only=True)  # raises LakeMissingError, as a fresh reader would
    status = catalog.stat()
    key = (str(catalog), status.st_dev, status.st_ino)
    con = _READERS.pop(key, None) or connect(location, read_only=True)
    _READERS[key] = con
    while len(_READERS) > _MOST_READERS:
        _READERS.popitem(last=False)[1].close()
    return con


def close_readers() -> None:
    """Close the connections kept by query() and rows()."""
    while _READERS:
        _READERS.popitem()[1].close()


def count_articles(location: LakeLocation) -> int:
    """Give back how many articles a warehouse holds; 0 while it is not created or migrated yet."""
    try:
        con = connect(location, read_only=True)
    except LakeMissingError:
        return 0
    try:
        return int(con.execute("SELECT count(*) FROM articles").fetchone()[0])  # type: ignore[index]
    except duckdb.CatalogException:
        return 0
    finally:
        con.close()


def sample_batch(doc_id: str = "d1", text: str = "Some words " * 30, run_id: str = "r1") -> LoadBatch:
    """Give back a small batch: one article with entities, mentions, a quote and a link, one refusal."""
    now = datetime(2026, 1, 2, tzinfo=UTC)
    article = Article(
        doc_id=doc_id,
        source_uri="file:///a.html",
        title="A title",
        text=text,
        authors=("Jane Doe",),
        links=(Link("https://example.org/x", "x"),),
    )
    batch = LoadBatch(run_id=run_id, extracted_at=now, extractor_version="test", model="m-1")
    batch.documents.append(StoredDocument(doc_id, "file:///a.html", now, "html", "utf-8", 3, b"abc"))
    batch.sources.append(("file:///a.html", doc_id))
    batch.articles.append(("art1", article))
    batch.mentions.append(("art1", Mention("Jane Doe", "PERSON", ("Jane Doe", "Doe"), 2, 0)))
    batch.mentions.append(("art1", Mention("Kyiv", "GPE", ("Kyiv",), 1, 30, "UA", 50.45, 30.52)))
    batch.spans += [
        ("art1", EntitySpan(0, 8, "Jane Doe", "PERSON", "Jane Doe")),
        ("art1", EntitySpan(20, 23, "Doe", "PERSON", "Jane Doe")),
    ]
    batch.quotes.append(("art1", Quote(40, 60, "We will win", "Jane Doe", "PERSON", "said")))
    batch.rejections.append(Rejection("bad", "file:///bad.png", "normalize", "binary_content", "PNG image"))
    return batch


def new_lake(root: Path, *, sample: bool = False) -> LakeLocation:
    """Give back a migrated warehouse under root, holding sample_batch() when sample is true. It is a copy
    of one built once per test process: migrating takes most of a second, copying a few milliseconds.
    Tests of migrating itself build theirs with migrate()."""
    if sample not in _TEMPLATES:
        template = Path(tempfile.mkdtemp(prefix="newslake-test-lake-")) / "lake"
        atexit.register(shutil.rmtree, template.parent, True)
        con = connect(LakeLocation.under(template))
        try:
            migrate(con)
            if sample:
                load_batch(con, sample_batch())
        finally:
            con.close()
        _TEMPLATES[sample] = template
    shutil.copytree(_TEMPLATES[sample], root)
    return LakeLocation.under(root)
