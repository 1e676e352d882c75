"""Quarantine as users see it: the refused documents, and the stored ones to process again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from newslake.tasks.records import RawDocument
from newslake.warehouse.lake import read_sql


def list_quarantine(
    con: duckdb.DuckDBPyConnection, run_id: str | None, reason: str | None, source: str | None
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Give back the refused documents matching the optional filters, newest first."""
    result = con.execute(read_sql("quarantine_list"), {"run_id": run_id, "reason": reason, "source": source})
    return [d[0] for d in result.description or []], result.fetchall()


@dataclass(frozen=True)
class Candidates:
    """The stored documents a reprocess chose: those it can run again, and how many it cannot because
    their raw bytes were dropped (`lake.keep_raw_days`)."""

    documents: list[RawDocument]
    raw_dropped: int


def reprocess_candidates(
    con: duckdb.DuckDBPyConnection,
    run_id: str | None,
    reason: str | None,
    source: str | None,
    everything: bool,
    language: str | None = None,
) -> Candidates:
    """Give back the stored raw documents to process again: the quarantined ones, or every current one;
    only those of sources containing `source`, or whose article is in `language`, when given."""
    params = {"run_id": run_id, "reason": reason, "source": source, "everything": everything, "language": language}
    rows = con.execute(read_sql("reprocess_candidates"), params).fetchall()
    documents = [
        RawDocument(doc_id, source_uri, bytes(content), at, size)
        for doc_id, source_uri, content, at, size in rows
        if content is not None
    ]
    return Candidates(documents, len(rows) - len(documents))
