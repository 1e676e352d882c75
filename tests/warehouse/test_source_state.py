"""Per-source state on a real DuckLake: one row per source, the last success kept through a failed run."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from newslake.warehouse.lake import LakeLocation, connect
from newslake.warehouse.migrate import migrate
from newslake.warehouse.sources import list_sources, record_source_run


def _run(run_id: str, status: str, error: str | None = None) -> dict[str, object]:
    return {
        "source": "world",
        "kind": "feed",
        "location": "https://news.example/feed.xml",
        "run_id": run_id,
        "polled_at": datetime.now(UTC),
        "status": status,
        "items_found": 3,
        "items_new": 2,
        "items_failed": 1,
        "error": error,
    }


def test_a_failed_run_keeps_the_last_success(tmp_path: Path) -> None:
    con = connect(LakeLocation.under(tmp_path / "lake"))
    try:
        migrate(con)
        record_source_run(con, _run("r1", "completed"))
        succeeded = list_sources(con)["world"]["last_success_at"]
        record_source_run(con, _run("r2", "failed", "timeout: the feed did not answer"))
        state = list_sources(con)
        rows = con.execute("SELECT count(*) FROM source_state").fetchone()
    finally:
        con.close()
    assert rows == (1,)
    assert state["world"]["last_status"] == "failed" and state["world"]["last_error"].startswith("timeout")
    assert succeeded is not None and state["world"]["last_success_at"] == succeeded


def test_one_off_sources_saved_under_their_old_names_keep_their_state(tmp_path: Path, monkeypatch) -> None:
    import hashlib

    import newslake.warehouse.migrate as migrations
    from newslake.flows.sources import adhoc_source

    everything = migrations.list_migrations()
    con = connect(LakeLocation.under(tmp_path / "lake"))
    monkeypatch.setattr(migrations, "list_migrations", lambda: [m for m in everything if m[0] < 15])
    migrate(con)
    feed = "https://news.example/feed.xml"
    old = "adhoc-feed-" + hashlib.sha256(f"feed|{feed}".encode()).hexdigest()[:10]  # as runs named it before
    con.execute(
        "INSERT INTO source_state (source, kind, location) VALUES (?, 'feed', ?), ('world', 'feed', ?)",
        [old, feed, feed],
    )
    con.execute("INSERT INTO seen_urls (url, source, status) VALUES ('https://news.example/a', ?, 'done')", [old])
    con.execute("INSERT INTO listing_validators (source, url, etag) VALUES (?, ?, '\"v1\"')", [old, feed])
    monkeypatch.setattr(migrations, "list_migrations", lambda: everything)
    migrate(con)
    new = adhoc_source("feed", feed).name
    assert new == "feed:news.example/feed.xml"
    assert sorted(r[0] for r in con.execute("SELECT source FROM source_state").fetchall()) == [new, "world"]
    assert con.execute("SELECT source FROM seen_urls").fetchall() == [(new,)]
    assert con.execute("SELECT source, etag FROM listing_validators").fetchall() == [(new, '"v1"')]
    con.close()
