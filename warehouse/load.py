"""Plan and load batches into the warehouse: set-based, one transaction per batch."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import accumulate
from typing import Any, Literal

import duckdb
import pyarrow as pa

from newslake.tasks.clusters import StorySignature
from newslake.tasks.identify import entity_id_for
from newslake.tasks.records import Article, EntitySpan, Mention, Quote, Rejection
from newslake.tasks.validate import ExpectationOutcome
from newslake.warehouse.clusters import cluster_articles
from newslake.warehouse.lake import execute_staged, read_sql, staged, transaction, write

# What a fetch was for: a page of an article, or a listing (feed, sitemap, URL list).
FetchPurpose = Literal["page", "feed", "sitemap", "urls", "archive"]


@dataclass(frozen=True)
class SourcePlan:
    """What a run does with one (source, content) pair: new, updated, unchanged, duplicate, or
    forgotten (`newslake forget` removed its content or its place: it is not stored again)."""

    source_uri: str
    doc_id: str
    status: Literal["new", "updated", "unchanged", "duplicate", "forgotten"]
    previous_article_id: str | None


@dataclass(frozen=True)
class StoredDocument:
    """A documents row."""

    doc_id: str
    source_uri: str
    discovered_at: datetime
    kind: str
    encoding: str | None
    byte_size: int
    content: bytes | None
    http_status: int | None = None
    final_url: str | None = None
    fetched_at: datetime | None = None
    http_headers: str | None = None  # JSON


@dataclass(frozen=True)
class FetchRow:
    """A fetches row: one HTTP fetch of a page, feed or sitemap, and how it ended."""

    source: str
    url: str
    purpose: FetchPurpose
    outcome: Literal["fetched", "not_modified", "failed"]
    fetched_at: datetime
    final_url: str | None = None
    http_status: int | None = None
    reason: str | None = None
    detail: str | None = None
    attempts: int = 1
    byte_size: int | None = None
    doc_id: str | None = None
    http_headers: str | None = None


@dataclass
class LoadBatch:
    """Everything one batch adds to the warehouse."""

    run_id: str
    extracted_at: datetime
    extractor_version: str
    model: str
    documents: list[StoredDocument] = field(default_factory=list)
    sources: list[tuple[str, str]] = field(default_factory=list)  # (source_uri, doc_id)
    articles: list[tuple[str, Article]] = field(default_factory=list)  # (article_id, article)
    mentions: list[tuple[str, Mention]] = field(default_factory=list)  # (article_id, mention)
    spans: list[tuple[str, EntitySpan]] = field(default_factory=list)  # (article_id, one mention)
    quotes: list[tuple[str, Quote]] = field(default_factory=list)  # (article_id, quote)
    batch_number: int = 0
    validation: list[ExpectationOutcome] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    fetches: list[FetchRow] = field(default_factory=list)
    # (article_id, story signature or None when the text is too short to compare) per loaded article
    signatures: list[tuple[str, StorySignature | None]] = field(default_factory=list)


@dataclass(frozen=True)
class LoadCounts:
    """Rows a batch added."""

    articles: int
    entities: int
    mentions: int
    links: int
    quotes: int = 0
    copies: int = 0  # articles that joined a story already in the warehouse or the batch


def plan_batch(con: duckdb.DuckDBPyConnection, candidates: list[tuple[str, str]]) -> list[SourcePlan]:
    """Give back the plan for each (source_uri, doc_id), in one query for the whole batch."""
    if not candidates:
        return []
    staged_table = pa.table(
        {
            "source_uri": [c[0] for c in candidates],
            "doc_id": [c[1] for c in candidates],
        },
        schema=pa.schema([("source_uri", pa.string()), ("doc_id", pa.string())]),
    )
    with transaction(con), staged(con, {"staged_candidates": staged_table}):
        rows = con.execute(read_sql("plan_batch")).fetchall()
    return [SourcePlan(*row) for row in rows]


def load_batch(con: duckdb.DuckDBPyConnection, batch: LoadBatch) -> LoadCounts:
    """Write the batch in one transaction; give back the rows it added."""
    tables = staged_tables(batch)

    def load() -> tuple[int, int]:
        with staged(con, tables):
            new_entities = con.execute(
                "SELECT count(*) FROM staged_entities WHERE entity_id NOT IN (SELECT entity_id FROM entities)"
            ).fetchone()
            present = already_loaded(con, tables)
            with staged(con, present):
                execute_staged(con, read_sql("load_batch"), {**tables, **present})
            copies = cluster_articles(con, batch.run_id, batch.extracted_at, batch.signatures)
        return (int(new_entities[0]) if new_entities else 0), copies

    entities, copies = write(con, load)
    return LoadCounts(
        articles=tables["staged_articles"].num_rows,
        entities=entities,
        mentions=tables["staged_mentions"].num_rows,
        links=tables["staged_links"].num_rows,
        quotes=tables["staged_quotes"].num_rows,
        copies=copies,
    )


_ARTICLE_SCHEMA = pa.schema(
    [
        ("article_id", pa.string()),
        ("doc_id", pa.string()),
        ("source_uri", pa.string()),
        ("url", pa.string()),
        ("canonical_url", pa.string()),
        ("title", pa.string()),
        ("site_name", pa.string()),
        ("authors", pa.list_(pa.string())),
        ("published_at", pa.timestamp("us", tz="UTC")),
        ("updated_at", pa.timestamp("us", tz="UTC")),
        ("published_at_source", pa.string()),
        ("updated_at_source", pa.string()),
        ("published_on", pa.date32()),
        ("entities_model", pa.string()),
        ("entities_skipped", pa.string()),
        ("language", pa.string()),
        ("description", pa.string()),
        ("text", pa.string()),
        ("word_count", pa.int32()),
        ("headings", pa.list_(pa.string())),
        ("categories", pa.list_(pa.string())),
        ("tags", pa.list_(pa.string())),
        ("image_url", pa.string()),
        ("extracted_at", pa.timestamp("us", tz="UTC")),
        ("extractor_version", pa.string()),
        ("run_id", pa.string()),
    ]
)
# What of a staged batch the warehouse holds already (see already_loaded): each staged table, with the
# query that finds it, the staged table that query reads, and its schema.
ALREADY_LOADED = {
    "staged_replaced": (
        "replaced_articles",
        "staged_articles",
        pa.schema([_ARTICLE_SCHEMA.field(f) for f in ("article_id", "doc_id", "extracted_at", "run_id")]),
    ),
    "staged_revalidated": (
        "revalidated_batches",
        "staged_validation_runs",
        pa.schema([("run_id", pa.string()), ("batch", pa.int32())]),
    ),
}
_DOCUMENT_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("source_uri", pa.string()),
        ("discovered_at", pa.timestamp("us", tz="UTC")),
        ("kind", pa.string()),
        ("encoding", pa.string()),
        ("byte_size", pa.int64()),
        ("content", pa.large_binary()),
        ("run_id", pa.string()),
        ("http_status", pa.int32()),
        ("final_url", pa.string()),
        ("fetched_at", pa.timestamp("us", tz="UTC")),
        ("http_headers", pa.string()),
    ]
)
FETCH_SCHEMA = pa.schema(
    [
        ("run_id", pa.string()),
        ("source", pa.string()),
        ("url", pa.string()),
        ("final_url", pa.string()),
        ("purpose", pa.string()),
        ("outcome", pa.string()),
        ("http_status", pa.int32()),
        ("reason", pa.string()),
        ("detail", pa.string()),
        ("attempts", pa.int32()),
        ("byte_size", pa.int64()),
        ("doc_id", pa.string()),
        ("http_headers", pa.string()),
        ("fetched_at", pa.timestamp("us", tz="UTC")),
    ]
)
_SOURCE_SCHEMA = pa.schema(
    [
        ("source_uri", pa.string()),
        ("doc_id", pa.string()),
        ("seen_at", pa.timestamp("us", tz="UTC")),
        ("run_id", pa.string()),
    ]
)
_ENTITY_SCHEMA = pa.schema(
    [
        ("entity_id", pa.string()),
        ("name", pa.string()),
        ("label", pa.string()),
        ("country_code", pa.string()),
        ("latitude", pa.float64()),
        ("longitude", pa.float64()),
    ]
)
_ALIAS_SCHEMA = pa.schema([("alias", pa.string()), ("entity_id", pa.string())])
_ENTITY_MENTION_SCHEMA = pa.schema(
    [
        ("article_id", pa.string()),
        ("entity_id", pa.string()),
        ("start_offset", pa.int32()),
        ("end_offset", pa.int32()),
        ("surface", pa.string()),
        ("model", pa.string()),
    ]
)
_QUOTE_SCHEMA = pa.schema(
    [
        ("article_id", pa.string()),
        ("speaker_entity_id", pa.string()),
        ("quote", pa.string()),
        ("start_offset", pa.int32()),
        ("end_offset", pa.int32()),
        ("verb", pa.string()),
        ("model", pa.string()),
    ]
)
_MENTION_SCHEMA = pa.schema(
    [
        ("article_id", pa.string()),
        ("entity_id", pa.string()),
        ("surface_forms", pa.list_(pa.string())),
        ("mention_count", pa.int32()),
        ("first_offset", pa.int32()),
        ("model", pa.string()),
    ]
)
_LINK_SCHEMA = pa.schema([("article_id", pa.string()), ("url", pa.string()), ("anchor_text", pa.string())])
_QUARANTINE_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("source_uri", pa.string()),
        ("stage", pa.string()),
        ("reason", pa.string()),
        ("detail", pa.string()),
        ("run_id", pa.string()),
        ("quarantined_at", pa.timestamp("us", tz="UTC")),
    ]
)


def already_loaded(con: duckdb.DuckDBPyConnection, tables: dict[str, pa.Table]) -> dict[str, pa.Table]:
    """Give back what of the staged batch (registered) the warehouse holds already, as the two tables
    load_batch.sql replaces rows by: staged_replaced, the articles it has (an update, or a batch loaded
    again; replaced_articles.sql), and staged_revalidated, the batches it has quality results of
    (revalidated_batches.sql). Read inside the batch's transaction. Finding them first spares a batch of
    new articles the statements that look for rows to replace, each a scan of a table that grows with
    the warehouse (8-10 ms each on a small one, seven of them)."""
    found = {}
    for name, (sql_name, staged_input, schema) in ALREADY_LOADED.items():
        if tables[staged_input].num_rows:
            found[name] = con.execute(read_sql(sql_name)).to_arrow_table().cast(schema)
        else:
            found[name] = schema.empty_table()
    return found


def staged_tables(batch: LoadBatch) -> dict[str, pa.Table]:
    """Give back the batch as the staged tables load_batch.sql reads, by name: all but staged_replaced and
    staged_revalidated, which come from the warehouse inside the batch's transaction (`already_loaded`)."""
    at = batch.extracted_at
    documents = [{**d.__dict__, "run_id": batch.run_id} for d in batch.documents]
    sources = [{"source_uri": s, "doc_id": d, "seen_at": at, "run_id": batch.run_id} for s, d in batch.sources]
    articles = [_article_row(aid, a, batch) for aid, a in batch.articles]
    entities = {
        entity_id_for(m.name, m.label): {
            "entity_id": entity_id_for(m.name, m.label),
            "name": m.name,
            "label": m.label,
            "country_code": m.country_code,
            "latitude": m.latitude,
            "longitude": m.longitude,
        }
        for _, m in batch.mentions
    }
    aliases = {
        (alias, entity_id_for(m.name, m.label)) for _, m in batch.mentions for alias in (m.name, *m.surface_forms)
    }
    # Each article's mentions carry the model that read it (one per language).
    models = {aid: a.entities_model for aid, a in batch.articles}
    entity_mentions = [
        {
            "article_id": aid,
            "entity_id": entity_id_for(span.canonical, span.label),
            "start_offset": span.start,
            "end_offset": span.end,
            "surface": span.text,
            "model": models.get(aid) or batch.model,
        }
        for aid, span in batch.spans
    ]
    quotes = [
        {
            "article_id": aid,
            "speaker_entity_id": entity_id_for(q.speaker, q.speaker_label),
            "quote": q.text,
            "start_offset": q.start,
            "end_offset": q.end,
            "verb": q.verb,
            "model": models.get(aid) or batch.model,
        }
        for aid, q in batch.quotes
    ]
    mentions = [
        {
            "article_id": aid,
            "entity_id": entity_id_for(m.name, m.label),
            "surface_forms": list(m.surface_forms),
            "mention_count": m.count,
            "first_offset": m.first_offset,
            "model": models.get(aid) or batch.model,
        }
        for aid, m in batch.mentions
    ]
    links = [
        {"article_id": aid, "url": link.url, "anchor_text": link.anchor_text}
        for aid, a in batch.articles
        for link in a.links
    ]
    # A fetch that failed has no document: its quarantine row has no doc_id.
    quarantine = [
        {**r.__dict__, "doc_id": r.doc_id or None, "run_id": batch.run_id, "quarantined_at": at}
        for r in batch.rejections
    ]
    return {
        "staged_documents": _table(
            documents, _DOCUMENT_SCHEMA, content=blob_column([d.content for d in batch.documents])
        ),
        "staged_sources": _table(sources, _SOURCE_SCHEMA),
        "staged_articles": _table(articles, _ARTICLE_SCHEMA),
        "staged_entities": _table(list(entities.values()), _ENTITY_SCHEMA),
        "staged_mentions": _table(mentions, _MENTION_SCHEMA),
        "staged_aliases": _table([{"alias": a, "entity_id": e} for a, e in sorted(aliases)], _ALIAS_SCHEMA),
        "staged_entity_mentions": _table(entity_mentions, _ENTITY_MENTION_SCHEMA),
        "staged_quotes": _table(quotes, _QUOTE_SCHEMA),
        "staged_links": _table(links, _LINK_SCHEMA),
        "staged_quarantine": _table(quarantine, _QUARANTINE_SCHEMA),
        "staged_fetches": fetch_table(batch.run_id, batch.fetches),
        **validation_tables(batch.run_id, batch.batch_number, batch.validation, at),
    }


_VALIDATION_RUN_SCHEMA = pa.schema(
    [
        ("run_id", pa.string()),
        ("batch", pa.int32()),
        ("suite", pa.string()),
        ("success", pa.bool_()),
        ("evaluated", pa.int32()),
        ("failed", pa.int32()),
        ("rows_checked", pa.int32()),
        ("validated_at", pa.timestamp("us", tz="UTC")),
    ]
)
_VALIDATION_RESULT_SCHEMA = pa.schema(
    [
        ("run_id", pa.string()),
        ("batch", pa.int32()),
        ("suite", pa.string()),
        ("expectation", pa.string()),
        ("severity", pa.string()),
        ("success", pa.bool_()),
        ("unexpected_count", pa.int32()),
        ("unexpected_percent", pa.float64()),
        ("observed", pa.string()),
        ("failing_ids", pa.list_(pa.string())),
        ("validated_at", pa.timestamp("us", tz="UTC")),
    ]
)


def validation_tables(
    run_id: str, batch_number: int, outcomes: list[ExpectationOutcome], at: datetime
) -> dict[str, pa.Table]:
    """Give back the validation_runs and validation_results rows of a batch's outcomes."""
    results = [
        {
            "run_id": run_id,
            "batch": batch_number,
            "suite": o.suite,
            "expectation": o.expectation,
            "severity": o.severity,
            "success": o.success,
            "unexpected_count": o.unexpected_count,
            "unexpected_percent": o.unexpected_percent,
            "observed": o.observed,
            "failing_ids": list(o.failing_ids),
            "validated_at": at,
        }
        for o in outcomes
    ]
    suites: dict[str, list[ExpectationOutcome]] = {}
    for o in outcomes:
        suites.setdefault(o.suite, []).append(o)
    runs = [
        {
            "run_id": run_id,
            "batch": batch_number,
            "suite": suite,
            "success": all(o.success for o in items),
            "evaluated": len(items),
            "failed": sum(not o.success for o in items),
            "rows_checked": max((o.rows_checked for o in items), default=0),
            "validated_at": at,
        }
        for suite, items in suites.items()
    ]
    return {
        "staged_validation_runs": _table(runs, _VALIDATION_RUN_SCHEMA),
        "staged_validation_results": _table(results, _VALIDATION_RESULT_SCHEMA),
    }


def record_validation(
    con: duckdb.DuckDBPyConnection, run_id: str, outcomes: list[ExpectationOutcome], at: datetime
) -> None:
    """Store run-level validation outcomes (batch 0)."""

    def record() -> None:
        with staged(con, validation_tables(run_id, 0, outcomes, at)):
            con.execute(read_sql("record_validation"))

    write(con, record)


def _article_row(article_id: str, a: Article, batch: LoadBatch) -> dict[str, Any]:
    return {
        "article_id": article_id,
        "doc_id": a.doc_id,
        "source_uri": a.source_uri,
        "url": a.url,
        "canonical_url": a.canonical_url,
        "title": a.title,
        "site_name": a.site_name,
        "authors": list(a.authors),
        "published_at": a.published_at,
        "updated_at": a.updated_at,
        "published_at_source": a.published_at_source,
        "updated_at_source": a.updated_at_source,
        "published_on": a.published_on,
        "entities_model": a.entities_model,
        "entities_skipped": a.entities_skipped,
        "language": a.language,
        "description": a.description,
        "text": a.text,
        "word_count": a.word_count,
        "headings": list(a.headings),
        "categories": list(a.categories),
        "tags": list(a.tags),
        "image_url": a.image_url,
        "extracted_at": batch.extracted_at,
        "extractor_version": batch.extractor_version,
        "run_id": batch.run_id,
    }


def fetch_table(run_id: str, rows: list[FetchRow]) -> pa.Table:
    """Give back fetches rows as an Arrow table."""
    return _table([{**r.__dict__, "run_id": run_id} for r in rows], FETCH_SCHEMA)


def _table(rows: list[dict[str, Any]], schema: pa.Schema, **built: pa.Array) -> pa.Table:
    # Column by column: five times faster than Table.from_pylist on the mention tables of a batch.
    columns = {name: built[name] if name in built else [row.get(name) for row in rows] for name in schema.names}
    return pa.Table.from_pydict(columns, schema=schema)


def blob_column(values: list[bytes | None]) -> pa.Array:
    """Give back the values as one Arrow array laid over a single joined buffer. Built value by value,
    Arrow regrows its buffer as it goes: half a second for the raw pages of a batch, against a tenth."""
    offsets = pa.array([0, *accumulate(len(v or b"") for v in values)], type=pa.int64())
    nulls = sum(v is None for v in values)
    validity = pa.array([v is not None for v in values]).buffers()[1] if nulls else None
    data = pa.py_buffer(b"".join(v or b"" for v in values))
    return pa.LargeBinaryArray.from_buffers(
        pa.large_binary(), len(values), [validity, offsets.buffers()[1], data], null_count=nulls
    )
