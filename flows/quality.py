"""The data-quality gate: which suites run on what, their parameters, and what a failure does."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb

from newslake.expectations import load_suite
from newslake.flows.errors import ExpectedError
from newslake.flows.output import write_page
from newslake.flows.settings import Settings
from newslake.tasks.entities import ENTITY_LABELS
from newslake.tasks.identify import entity_id_for
from newslake.tasks.records import Article, Mention, ProcessedDocument, RawDocument, Rejection
from newslake.tasks.validate import ExpectationOutcome, SuiteRunner, failures_by_row, prepare_suites, suite_problem
from newslake.tasks.validation_page import render_validation_page
from newslake.warehouse.runs import validation_page_rows


@dataclass
class BatchVerdict:
    """What the gate decided for one batch."""

    refused: dict[str, Rejection] = field(default_factory=dict)  # article_id -> rejection
    dropped_mentions: set[str] = field(default_factory=set)  # "article_id|entity name|label"
    dropped_links: set[str] = field(default_factory=set)  # "article_id|url"
    outcomes: list[ExpectationOutcome] = field(default_factory=list)


# The column that names each suite's rows in its failures, by suite.
ROW_IDS = {"documents": "doc_id", "articles": "article_id", "entities": "key", "links": "key", "runs": "run_id"}


def prepare_validation() -> None:
    """Build a GX context with the checkpoints of every suite and leave it for the process's next run
    (the warm process does this once, before it forks its runs)."""
    prepare_suites([(load_suite(name), column) for name, column in ROW_IDS.items()])


@lru_cache(maxsize=1)
def language_codes() -> tuple[str, ...]:
    """Give back every ISO 639-1 code."""
    import pycountry

    return tuple(sorted(lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2")))


def suite_parameters(settings: Settings, now: datetime) -> dict[str, Any]:
    """Give back the values the suites' {"$PARAMETER": ...} thresholds take, from configuration."""
    import re

    phrases = [re.escape(p.strip()) for p in settings.quality.boilerplate_phrases if p.strip()]
    return {
        "min_words": settings.quality.min_words,
        "title_min_length": settings.quality.title_min_length,
        "title_max_length": settings.quality.title_max_length,
        "earliest_published_at": datetime.combine(settings.quality.earliest_published_at, time(), UTC),
        "latest_published_at": now + timedelta(days=1),
        "language_codes": list(language_codes()),
        "boilerplate_regex": "(?i)\\b(?:" + "|".join(phrases) + ")\\b" if phrases else "(?!x)x",
        "max_document_bytes": settings.run.max_document_bytes,
        "entity_labels": sorted(ENTITY_LABELS),
        "max_quarantine_share": settings.quality.max_quarantine_share,
    }


def mention_key(article_id: str, mention: Mention) -> str:
    """Give back the key a mention's rows carry through the entities suite."""
    return f"{article_id}|{mention.name}|{mention.label}"


def link_key(article_id: str, url: str) -> str:
    """Give back the key a link's rows carry through the links suite."""
    return f"{article_id}|{url}"


def validate_batch(
    runner: SuiteRunner,
    settings: Settings,
    now: datetime,
    docs: Sequence[RawDocument],
    processed: Sequence[ProcessedDocument],
    articles: dict[str, Article],
) -> BatchVerdict:
    """Run the documents, articles, entities and links suites on one batch and decide per row."""
    verdict = BatchVerdict()
    kinds = {p.doc_id: p.kind for p in processed}
    params = suite_parameters(settings, now)
    frame = [
        {
            "doc_id": d.doc_id,
            "source_uri": d.source_uri,
            "kind": kinds.get(d.doc_id, "unsupported"),
            "byte_size": d.byte_size,
        }
        for d in docs
    ]
    verdict.outcomes += _run_suites(runner, settings, "documents", frame, params)
    verdict.outcomes += (outcomes := _run_suites(runner, settings, "articles", _article_frame(articles), params))
    for article_id, failed in failures_by_row(outcomes).items():
        a = articles[article_id]
        names = ",".join(o.expectation for o in failed)
        detail = "; ".join(f"{o.expectation}: observed {o.observed}" for o in failed)
        verdict.refused[article_id] = Rejection(
            a.doc_id, a.source_uri, "validate", f"expectation_failed:{names}", detail
        )
    by_doc = {p.doc_id: p for p in processed}
    mentions = [(aid, m) for aid, a in articles.items() for m in by_doc[a.doc_id].mentions]
    frame = [
        {
            "key": mention_key(aid, m),
            "article_id": aid,
            "entity_id": entity_id_for(m.name, m.label),
            "name": m.name,
            "label": m.label,
            "mention_count": m.count,
        }
        for aid, m in mentions
    ]
    verdict.outcomes += (outcomes := _run_suites(runner, settings, "entities", frame, params))
    verdict.dropped_mentions = set(failures_by_row(outcomes))
    frame = [
        {"key": link_key(aid, link.url), "article_id": aid, "url": link.url, "anchor_text": link.anchor_text}
        for aid, a in articles.items()
        for link in a.links
    ]
    verdict.outcomes += (outcomes := _run_suites(runner, settings, "links", frame, params))
    verdict.dropped_links = set(failures_by_row(outcomes))
    return verdict


def _run_suites(
    runner: SuiteRunner, settings: Settings, table: str, frame: list[dict[str, Any]], params: dict[str, Any]
) -> list[ExpectationOutcome]:
    """Run the shipped suite of a table on its rows, then the team's own suites of that table."""
    suites = [load_suite(table), *local_suites(settings, table)]
    return [outcome for suite in suites for outcome in runner.run(suite, frame, ROW_IDS[table], params)]


def local_suites(settings: Settings, table: str) -> list[dict[str, Any]]:
    """Give back the team's own suites (quality.suites_dir) of one table."""
    return [suite for suite in settings.quality.local_suites if suite["meta"]["table"] == table]


def check_local_suites(settings: Settings) -> None:
    """Raise ExpectedError, before a run processes anything, when Great Expectations cannot use one of the
    team's suites as written (an expectation type it does not know, arguments it does not take)."""
    for suite in settings.quality.local_suites:
        problem = suite_problem(suite)
        if problem:
            raise ExpectedError(
                f"the suite {suite['meta']['file']} cannot be used: {problem}. Fix it, or take it out "
                "of quality.suites_dir"
            )


def _joined(values: Sequence[str]) -> str | None:
    return "; ".join(values) if values else None


def _article_frame(articles: dict[str, Article]) -> list[dict[str, Any]]:
    return [
        {
            "article_id": article_id,
            "doc_id": a.doc_id,
            "source_uri": a.source_uri,
            "title": a.title,
            "text": a.text,
            "word_count": a.word_count,
            "published_at": a.published_at,
            "language": a.language,
            "url": a.url,
            "site_name": a.site_name,
            "authors": _joined(a.authors),
            "author_count": len(a.authors),
            "description": a.description,
            "published_on": a.published_on,
            "published_at_source": a.published_at_source,
            "updated_at": a.updated_at,
            "canonical_url": a.canonical_url,
            "image_url": a.image_url,
            "categories": _joined(a.categories),
            "tags": _joined(a.tags),
        }
        for article_id, a in articles.items()
    ]


def validate_run(
    runner: SuiteRunner, settings: Settings, run_id: str, processed: int, articles: int, quarantined: int
) -> list[ExpectationOutcome]:
    """Run the run-level suite: articles when documents were processed, and the quarantine share."""
    frame = [
        {
            "run_id": run_id,
            "documents_processed": processed,
            "articles_loaded": articles,
            "quarantine_share": quarantined / processed if processed else 0.0,
        }
    ]
    return _run_suites(runner, settings, "runs", frame, suite_parameters(settings, datetime.now(UTC)))


VALIDATION_PAGE = "validation.html"


def write_validation_page(con: duckdb.DuckDBPyConnection, folder: Path, run_id: str, status: str) -> Path:
    """Write the offline validation page of the latest runs into folder (replacing it whole); give back its
    path. The run still going is shown with the status it is about to be recorded with."""
    rows = [{**r, "status": status} if r["run_id"] == run_id else r for r in validation_page_rows(con)]
    return write_page(folder / VALIDATION_PAGE, render_validation_page(rows, datetime.now(UTC)))
