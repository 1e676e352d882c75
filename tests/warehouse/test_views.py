"""Every analyst view runs on the seed warehouse and has rows; views are created by the migrations."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newslake.warehouse.lake import LakeLocation, connect
from newslake.warehouse.migrate import apply_views, list_views, migrate, view_names


def test_every_view_runs_on_the_seed_warehouse(seed_lake: Path) -> None:
    con = connect(LakeLocation.under(seed_lake), read_only=True)
    try:
        counts = {name: con.execute(f"SELECT count(*) FROM {name}").fetchone()[0] for name in view_names()}
        cooccurring = con.execute(
            "SELECT count(*) FROM entity_cooccurrence WHERE name_a = 'Donald Trump' OR name_b = 'Donald Trump'"
        ).fetchone()[0]
        speakers = {r[0] for r in con.execute("SELECT speaker FROM quotes_leaderboard").fetchall()}
        shares = con.execute("SELECT site_name, round(sum(share), 3) FROM share_of_voice GROUP BY 1").fetchall()
        files = con.execute("SELECT source, documents_seen FROM source_health").fetchall()
    finally:
        con.close()
    assert all(n > 0 for n in counts.values()), counts
    assert cooccurring > 0
    assert "John Herbst" in speakers
    assert all(total == pytest.approx(1.0, abs=0.005) for _, total in shares)  # shares add up per site
    assert files == [("(files)", 2)]


def test_each_view_file_states_grain_keys_and_chart() -> None:
    for name, sql in list_views():
        header = "\n".join(line for line in sql.splitlines() if line.startswith("--"))
        for word in ("Grain:", "Chart:"):
            assert word in header, f"{name}.sql has no {word}"
        assert re.search(r"Keys?:", header), f"{name}.sql names no keys"


def test_views_are_created_once_and_again_when_their_sql_changes(tmp_path: Path) -> None:
    con = connect(LakeLocation.under(tmp_path / "lake"))
    try:
        migrate(con)
        assert sorted(r[0] for r in con.execute("SELECT name FROM schema_views").fetchall()) == view_names()
        assert apply_views(con) == []  # nothing changed
        con.execute("UPDATE schema_views SET sha256 = 'stale' WHERE name = 'daily_articles'")
        assert apply_views(con) == ["daily_articles"]
    finally:
        con.close()


def test_view_counts_are_bigint_which_every_bi_driver_reads(tmp_path: Path) -> None:
    # sum() of integers is HUGEINT in DuckDB, which several BI drivers refuse.
    con = connect(LakeLocation.under(tmp_path / "lake"))
    migrate(con)
    wide = [
        (name, column, kind)
        for name in view_names()
        for column, kind, *_ in con.execute(f"DESCRIBE {name}").fetchall()
        if kind == "HUGEINT" or kind.startswith("DECIMAL(38")
    ]
    assert wide == []
