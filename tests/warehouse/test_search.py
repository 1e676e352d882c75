"""The full-text index on real DuckLake and DuckDB files: updated in place for the articles that
changed, it ranks exactly as an index built anew over the same articles."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from newslake.warehouse.lake import LakeLocation, connect, load_extensions
from newslake.warehouse.migrate import migrate
from newslake.warehouse.search import (
    index_path,
    mark_search_stale,
    refresh_search_index,
    search_articles,
    search_needs_refresh,
)
from tests.lakes import new_lake

WORDS = ("harbour", "council", "bridge", "election", "budget", "storm", "river", "school", "hospital")
WORDS += ("minister", "strike", "court", "festival", "museum", "railway", "airport", "vaccine", "drought")
WORDS += ("flood", "market", "energy", "prices", "tunnel", "ferry")
QUERIES = ("harbour bridge", "election budget minister", "storm flood river", "ferry", "prices energy market")


@pytest.fixture
def lake(tmp_path: Path) -> tuple[duckdb.DuckDBPyConnection, LakeLocation]:
    location = new_lake(tmp_path / "lake")
    return connect(location), location


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)) + "."


def _write(con: duckdb.DuckDBPyConnection, article_id: str, run_id: str, rng: random.Random) -> None:
    con.execute("DELETE FROM articles WHERE article_id = ?", [article_id])
    con.execute(
        "INSERT INTO articles (article_id, title, text, run_id, extracted_at) VALUES (?, ?, ?, ?, ?)",
        [article_id, _text(rng, 4), _text(rng, rng.randint(5, 60)), run_id, datetime.now(UTC)],
    )


def _write_all(con: duckdb.DuckDBPyConnection, ids: range, run_id: str, rng: random.Random) -> None:
    for i in ids:
        _write(con, f"a{i:02d}", run_id, rng)


def _scores(location: LakeLocation) -> dict[str, dict[str, float]]:
    index = duckdb.connect(str(index_path(location)), read_only=True)
    try:
        load_extensions(index, "fts")
        return {
            query: {
                article_id: score
                for article_id, score in index.execute(
                    "SELECT article_id, fts_main_docs.match_bm25(article_id, ?) AS s FROM docs WHERE s IS NOT NULL",
                    [query],
                ).fetchall()
            }
            for query in QUERIES
        }
    finally:
        index.close()


def test_an_index_updated_in_place_ranks_as_one_built_anew(
    lake: tuple[duckdb.DuckDBPyConnection, LakeLocation],
) -> None:
    con, location = lake
    rng = random.Random(7)
    _write_all(con, range(40), "r1", rng)
    first = refresh_search_index(con, location)
    assert (first.articles, first.rebuilt) == (40, True)

    _write_all(con, range(8), "r2", rng)  # replaced
    con.execute("DELETE FROM articles WHERE article_id IN ('a30', 'a31', 'a32')")  # taken out
    _write_all(con, range(40, 46), "r2", rng)  # new
    second = refresh_search_index(con, location)
    assert (second.articles, second.changed, second.rebuilt) == (43, 8 + 3 + 6, False)
    updated = _scores(location)

    index_path(location).unlink()
    assert refresh_search_index(con, location).rebuilt
    anew = _scores(location)
    assert all(updated[q] for q in QUERIES)
    for query in QUERIES:
        assert updated[query].keys() == anew[query].keys(), query
        for article_id, score in anew[query].items():
            assert updated[query][article_id] == pytest.approx(score, rel=1e-9), (query, article_id)


def test_nothing_changed_leaves_the_ranking_as_it_was(lake: tuple[duckdb.DuckDBPyConnection, LakeLocation]) -> None:
    con, location = lake
    rng = random.Random(3)
    _write_all(con, range(10), "r1", rng)
    refresh_search_index(con, location)
    before = _scores(location)
    again = refresh_search_index(con, location)
    assert (again.changed, again.rebuilt) == (0, False)
    after = _scores(location)
    # Sums of floats: DuckDB may add a document's term scores in another order, so compare closely.
    assert {q: after[q].keys() for q in QUERIES} == {q: before[q].keys() for q in QUERIES}
    assert all(after[q] == pytest.approx(before[q], rel=1e-9) for q in QUERIES)


def test_more_than_half_changed_is_built_anew(lake: tuple[duckdb.DuckDBPyConnection, LakeLocation]) -> None:
    con, location = lake
    rng = random.Random(5)
    _write_all(con, range(4), "r1", rng)
    refresh_search_index(con, location)
    _write_all(con, range(4, 10), "r2", rng)
    done = refresh_search_index(con, location)
    assert (done.articles, done.rebuilt) == (10, True)


def test_an_index_of_the_older_layout_is_built_anew(lake: tuple[duckdb.DuckDBPyConnection, LakeLocation]) -> None:
    con, location = lake
    rng = random.Random(11)
    _write_all(con, range(6), "r1", rng)
    # The layout before in-place updates: no run_id beside the articles.
    con.execute(f"ATTACH '{index_path(location)}' AS old")
    con.execute(
        "CREATE TABLE old.docs AS SELECT article_id, title, site_name, language, published_at, "
        "extracted_at, url, text FROM lake.articles"
    )
    con.execute("DETACH old")
    done = refresh_search_index(con, location)
    assert (done.articles, done.rebuilt) == (6, True)
    columns, rows = search_articles(location, "harbour", None, None, 10)
    assert "score" in columns and rows


def test_a_run_killed_before_its_refresh_is_caught_up_by_the_next_run(
    lake: tuple[duckdb.DuckDBPyConnection, LakeLocation],
) -> None:
    con, location = lake
    rng = random.Random(7)
    _write_all(con, range(5), "r1", rng)
    refresh_search_index(con, location)
    assert not search_needs_refresh(location, 0)  # nothing loaded since: a quiet run skips the index
    # A run marks the index stale, loads an article and is killed during its refresh: the copy being
    # built stays behind and the index lacks the article.
    mark_search_stale(location)
    con.execute(
        "INSERT INTO articles (article_id, title, text, run_id, extracted_at) VALUES (?, ?, ?, ?, ?)",
        [
            "late",
            "Lighthouse keeper retires",
            "The lighthouse keeper retires after forty years.",
            "r2",
            datetime.now(UTC),
        ],
    )
    leftover = location.root / ".search-0123abcd.duckdb"
    leftover.write_bytes(b"half an index")
    assert search_needs_refresh(location, 0)  # the next run loads nothing itself, and still refreshes
    refresh_search_index(con, location)
    assert not leftover.exists()
    assert not search_needs_refresh(location, 0)
    columns, rows = search_articles(location, "lighthouse", None, None, 5)
    assert [dict(zip(columns, row, strict=True))["article_id"] for row in rows] == ["late"]


def test_an_index_knows_whether_it_holds_the_lakes_articles_as_they_are(tmp_path: Path) -> None:
    from newslake.warehouse.load import load_batch
    from newslake.warehouse.search import index_is_current
    from tests.lakes import sample_batch

    location = LakeLocation.under(tmp_path / "lake")
    con = connect(location)
    migrate(con)
    load_batch(con, sample_batch())
    assert not index_is_current(con, location)  # none yet
    refresh_search_index(con, location)
    assert index_is_current(con, location)
    load_batch(con, sample_batch(doc_id="d2", text="Changed words " * 30, run_id="r2"))  # an update
    assert not index_is_current(con, location)
    refresh_search_index(con, location)
    assert index_is_current(con, location)
