"""Story clusters in the warehouse: place a batch's articles in the stories they belong to, inside the
batch's load transaction. Candidates come from a lookup of the batch's LSH band keys, so the cost of a
batch does not depend on comparing with every article stored (tasks/clusters.py; docs/clusters.md)."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pyarrow as pa

from newslake.tasks.clusters import StorySignature, place_articles
from newslake.warehouse.lake import execute_staged, read_sql, staged, write

_BANDS = pa.schema([("band_key", pa.int64()), ("article_id", pa.string())])
_SIGNATURES = pa.schema([("article_id", pa.string()), ("minhash", pa.binary())])
_CLUSTERS = pa.schema(
    [
        ("article_id", pa.string()),
        ("cluster_id", pa.string()),
        ("similarity", pa.float64()),
        ("clustered_at", pa.timestamp("us", tz="UTC")),
        ("run_id", pa.string()),
    ]
)

_ARTICLE_IDS = pa.schema([("article_id", pa.string())])
# The tables cluster_store.sql reads, by name.
STAGED_SCHEMAS = {
    "staged_cluster_bands": _BANDS,
    "staged_cluster_articles": _ARTICLE_IDS,
    "staged_clusters": _CLUSTERS,
    "staged_signatures": _SIGNATURES,
}


def cluster_articles(
    con: duckdb.DuckDBPyConnection, run_id: str, at: datetime, signatures: list[tuple[str, StorySignature | None]]
) -> int:
    """Give each article of the batch its story and store its signature; give back how many joined an
    existing story. Must run inside the batch's transaction. An article already clustered (an update,
    or a replayed batch) keeps its story; only its signature is replaced."""
    if not signatures:
        return 0
    ids = [article_id for article_id, _ in signatures]
    bands = pa.table(
        {
            "band_key": [band for _, sig in signatures if sig for band in sig.bands],
            "article_id": [aid for aid, sig in signatures if sig for _ in sig.bands],
        },
        schema=_BANDS,
    )
    batch_ids = pa.table({"article_id": ids}, schema=_ARTICLE_IDS)
    first = {"staged_cluster_bands": bands, "staged_cluster_articles": batch_ids}
    with staged(con, first):
        clustered = {row[0] for row in con.execute(read_sql("cluster_known")).fetchall()}
        rows = con.execute(read_sql("cluster_candidates")).fetchall()
        candidates = {
            aid: (cluster, StorySignature(bytes(minhash), tuple(keys))) for aid, cluster, minhash, keys in rows
        }
        placements = place_articles([(aid, sig) for aid, sig in signatures if aid not in clustered], candidates)
        placed = pa.table(
            {
                "article_id": [p.article_id for p in placements],
                "cluster_id": [p.cluster_id for p in placements],
                "similarity": [p.similarity for p in placements],
                "clustered_at": [at] * len(placements),
                "run_id": [run_id] * len(placements),
            },
            schema=_CLUSTERS,
        )
        kept = pa.table(
            {
                "article_id": [aid for aid, sig in signatures if sig],
                "minhash": [sig.hashvalues for _, sig in signatures if sig],
            },
            schema=_SIGNATURES,
        )
        second = {"staged_clusters": placed, "staged_signatures": kept}
        with staged(con, second):
            execute_staged(con, read_sql("cluster_store"), first | second)
    return sum(1 for p in placements if p.similarity is not None)


def unclustered_articles(con: duckdb.DuckDBPyConnection, limit: int) -> list[tuple[str, str]]:
    """Give back up to limit (article_id, text) of articles without a story (loaded before clustering
    existed), oldest first, so the first teller founds each story."""
    return [(str(a), str(t or "")) for a, t in con.execute(read_sql("cluster_backlog"), [limit]).fetchall()]


def store_clusters(
    con: duckdb.DuckDBPyConnection, run_id: str, at: datetime, signatures: list[tuple[str, StorySignature | None]]
) -> int:
    """Place articles in their stories in a transaction of their own; give back how many joined one."""
    return write(con, lambda: cluster_articles(con, run_id, at, signatures))
