"""Views benchmark: what resolving people costs the entity views, as the warehouse grows.

Builds the two tables the resolved_entities view reads (entities, mentions) in memory with DuckDB, at
two sizes: a third of the entities are people, some of them a surname alone, each entity mentioned in
ten articles. Times the view's own SQL (warehouse/views/resolved_entities.sql) against the baseline
the same run measures on the same tables: counting articles per entity with no resolution, which is
what the entity views would cost without it. A view whose cost grows faster than the warehouse shows
it in `growth` (the view's time at the larger size over its time at the smaller, against the
baseline's). The last line is:
views entities=N view_s=A baseline_s=B ratio=A/B growth=G baseline_growth=H
Usage: python -m tests.bench.bench_views [--entities 200000]
"""

from __future__ import annotations

import argparse
import statistics
import time

import duckdb

from newslake.warehouse.migrate import list_views

BASELINE = "SELECT count(*), sum(articles) FROM (SELECT entity_id, count(*) AS articles FROM mentions GROUP BY ALL)"
RESOLVED = "SELECT count(*), count(DISTINCT resolved_id), count(DISTINCT resolved_name) FROM resolved_entities"


def warehouse(entities: int) -> duckdb.DuckDBPyConnection:
    """Give back an in-memory database with `entities` entities and their mentions, and the view."""
    con = duckdb.connect()
    con.execute(
        """
        CREATE TABLE entities AS
        SELECT
            substr(sha256(i::VARCHAR), 1, 20) AS entity_id,
            CASE
                WHEN i % 3 <> 0 THEN 'Place ' || i
                WHEN i % 9 = 0 THEN 'Surname' || (i % 50000)  -- a surname alone
                ELSE 'Firstname' || (i % 997) || ' Surname' || (i % 50000)
            END AS name,
            CASE WHEN i % 3 = 0 THEN 'PERSON' ELSE 'GPE' END AS label
        FROM range(?) AS t(i)
        """,
        [entities],
    )
    con.execute(
        """
        CREATE TABLE mentions AS
        SELECT e.entity_id, 2::BIGINT AS mention_count, [e.name, upper(e.name)] AS surface_forms
        FROM entities AS e, range(10) AS r(article)
        """
    )
    con.execute(f"CREATE VIEW resolved_entities AS {dict(list_views())['resolved_entities']}")
    return con


def seconds(con: duckdb.DuckDBPyConnection, sql: str, rounds: int) -> float:
    """Give back the median wall time of a query over `rounds` runs."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        con.execute(sql).fetchall()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entities", type=int, default=200_000, help="the larger size; the smaller is a quarter")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    figures = {}
    for size in (args.entities // 4, args.entities):
        with warehouse(size) as con:
            view, baseline = seconds(con, RESOLVED, args.rounds), seconds(con, BASELINE, args.rounds)
        figures[size] = (view, baseline)
        print(f"entities={size} view_s={view:.3f} baseline_s={baseline:.3f} ratio={view / baseline:.1f}")
    (small_view, small_base), (view, baseline) = figures[args.entities // 4], figures[args.entities]
    print(
        f"views entities={args.entities} view_s={view:.3f} baseline_s={baseline:.3f} ratio={view / baseline:.1f} "
        f"growth={view / small_view:.1f} baseline_growth={baseline / small_base:.1f}"
    )


if __name__ == "__main__":
    main()
