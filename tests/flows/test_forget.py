"""`newslake forget`: a takedown end to end, on a real warehouse fed by a loopback site and a folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from tests.conftest import SEED_000, CliRunner
from tests.lakes import query
from tests.site import FETCH, PEOPLE, article_html, serve_site

# Names and words that only the two forgotten documents hold.
PAGE_MARKS = ("Zephyrine Quillfeather", "Moonwick")
FILE_MARKS = ("Orvalette Brisk", "Thistledown")


def _holding(lake: Path, marks: tuple[str, ...]) -> list[str]:
    """Give back the warehouse tables whose rows hold any of the marks now."""
    tables = [t for (t,) in query(lake, "SELECT table_name FROM duckdb_tables() WHERE database_name = 'lake'")]
    return [t for t in tables if any(m in repr(query(lake, f"SELECT * FROM {t}")) for m in marks)]


def _files_holding(lake: Path, marks: tuple[str, ...]) -> list[Path]:
    """Give back the files under the warehouse folder that hold any of the marks: Parquet files read
    (their pages are compressed), every other file as bytes."""
    found = []
    for path in sorted(p for p in lake.rglob("*") if p.is_file()):
        if path.suffix == ".parquet":
            text = repr(duckdb.sql(f"SELECT * FROM read_parquet('{path}')").fetchall())
            held = any(m in text for m in marks)
        else:
            held = any(m.encode() in path.read_bytes() for m in marks)
        if held:
            found.append(path)
    return found


def test_a_forgotten_page_and_file_leave_every_table_never_come_back_and_purge_leaves_no_file(
    newslake: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "newslake.toml").write_text(FETCH)
    folder = tmp_path / "inbox"
    folder.mkdir()
    shutil.copy(SEED_000, folder)
    private = folder / "private.html"
    private.write_text(
        article_html(4, title="Thistledown farm changes hands").replace(PEOPLE[4], "Orvalette Brisk"), encoding="utf-8"
    )
    lake = tmp_path / "lake"
    with serve_site() as site:
        site.set("/articles/1", article_html(1, title="Moonwick ledger goes public").replace(PEOPLE[1], PAGE_MARKS[0]))
        page = site.url("/articles/1")
        command = ("run", str(folder), "--feed", site.url("/feed.xml"), "--no-progress")
        newslake(*command)
        articles = query(lake, "SELECT count(*) FROM articles")[0][0]
        assert _holding(lake, PAGE_MARKS) and _holding(lake, FILE_MARKS)  # both loaded, entities and all
        names = {n for (n,) in query(lake, "SELECT name FROM entities")}
        assert {PAGE_MARKS[0], FILE_MARKS[0]} <= names, names

        assert "Moonwick" in newslake("search", "Moonwick ledger").stdout
        dry = newslake("forget", page, "--dry-run")
        assert "nothing was removed" in dry.stderr and _holding(lake, PAGE_MARKS)
        told = newslake("forget", page, "--reason", "takedown 118")
        assert "older snapshots still hold the rows" in told.stderr
        assert "Moonwick" not in newslake("search", "Moonwick ledger").stdout  # the index is brought up to date
        assert _holding(lake, PAGE_MARKS) == [] and _holding(lake, FILE_MARKS)
        assert query(lake, "SELECT count(*) FROM articles") == [(articles - 1,)]
        assert query(lake, "SELECT status FROM seen_urls WHERE url = ?".replace("?", f"'{page}'")) == [("forgotten",)]
        assert ("source_uri", "takedown 118") in query(lake, "SELECT key_kind, reason FROM forgotten")
        # Time travel still reaches the page until the snapshots expire.
        assert _files_holding(lake, PAGE_MARKS)

        purged = newslake("forget", str(private), "--purge")
        assert "older snapshots expired" in purged.stderr and not list((lake / "data_docs").glob("validations/*/*/*"))
        assert _holding(lake, FILE_MARKS) == [] and query(lake, "SELECT count(*) FROM articles") == [(articles - 2,)]
        fetched = site.hits["/articles/1"]
        again = newslake(*command)  # the feed lists the page again; the file is still in the folder
    assert site.hits["/articles/1"] == fetched  # never fetched again
    assert "forgotten, not stored again" in again.stdout + again.stderr
    assert query(lake, "SELECT count(*) FROM articles") == [(articles - 2,)]
    assert _holding(lake, PAGE_MARKS + FILE_MARKS) == []
    # The purge took both out of every file: data, search index, catalog; one snapshot before the rerun.
    assert _files_holding(lake, PAGE_MARKS + FILE_MARKS) == []
    names = {n for (n,) in query(lake, "SELECT name FROM entities")}
    assert not {PAGE_MARKS[0], FILE_MARKS[0]} & names and PEOPLE[2] in names  # only their own entities went


def test_a_forgotten_host_loses_its_pages_and_no_later_run_fetches_one(newslake: CliRunner, tmp_path: Path) -> None:
    from datetime import UTC, datetime

    (tmp_path / "newslake.toml").write_text(FETCH)
    folder = tmp_path / "inbox"
    folder.mkdir()
    shutil.copy(SEED_000, folder)
    lake = tmp_path / "lake"
    with serve_site() as site:
        command = ("run", str(folder), "--feed", site.url("/feed.xml"), "--no-progress")
        newslake(*command)
        assert query(lake, "SELECT count(*) FROM articles") == [(5,)]  # the feed's four and the file
        told = newslake("forget", "--host", site.url("/"), "--reason", "licence withdrawn")
        assert "articles" in told.stdout
        assert query(lake, "SELECT count(*) FROM articles WHERE source_uri LIKE 'http%'") == [(0,)]
        assert query(lake, "SELECT count(*) FROM articles") == [(1,)]
        assert query(lake, "SELECT key, key_kind FROM forgotten WHERE key_kind = 'host'") == [("127.0.0.1", "host")]
        site.set("/articles/9", article_html(9))
        site.feed([("/articles/9", datetime(2026, 11, 21, tzinfo=UTC))], etag='"feed-2"')
        newslake(*command)
    assert site.hits["/articles/9"] == 0  # listed, never fetched
    assert query(lake, "SELECT status, reason FROM seen_urls WHERE url LIKE '%/articles/9'") == [
        ("skipped", "host_forgotten")
    ]
    assert query(lake, "SELECT count(*) FROM articles") == [(1,)]
