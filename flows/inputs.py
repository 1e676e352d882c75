"""What an ingest run reads, as batches: files and web archives under the paths and folder sources, and
the pages and archives of live sources (feeds, sitemaps, URL lists, archive URLs)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain
from pathlib import Path

import duckdb

from newslake.flows.batches import InputBatch, archive_batches, download_batches, page_batch, read_files
from newslake.flows.interrupt import check_stop
from newslake.flows.settings import Settings, SourceConfig
from newslake.flows.sources import (
    ArchiveDownload,
    PageTask,
    SourcePoll,
    download_archive,
    fetch_pages,
    is_local,
    poll_source,
)
from newslake.flows.summary import RunSummary, SourceCounts
from newslake.flows.workers import batched
from newslake.tasks.discover import SkippedPath, discover_files
from newslake.tasks.fetch import Fetcher
from newslake.tasks.warc import is_archive
from newslake.warehouse.quarantine import Candidates
from newslake.warehouse.sources import failing_sources, listing_validators, record_poll, record_source_run


@dataclass
class RunInputs:
    """What one run reads. Files and local archives are found up front; archive URLs are downloaded as
    the run reaches them (`downloads`)."""

    sources: list[SourceConfig]
    skipped: list[SkippedPath]
    folder_files: dict[str, list[Path]]  # a folder source's files, by source name
    files: list[Path]
    archives: list[Path]
    downloads: list[ArchiveDownload] = field(default_factory=list)

    @property
    def live(self) -> list[SourceConfig]:
        """The sources read over the network."""
        return [s for s in self.sources if not is_local(s)]

    @property
    def polled(self) -> list[SourceConfig]:
        """The live sources that list pages: feeds, sitemaps and URL lists."""
        return [s for s in self.live if s.kind != "warc"]

    @property
    def remote_archives(self) -> list[SourceConfig]:
        """The web archives to download."""
        return [s for s in self.live if s.kind == "warc"]


def plan_inputs(paths: list[str], sources: list[SourceConfig]) -> RunInputs:
    """Find the files and archives under the paths and folder sources (each once, the paths' first)."""
    skipped: list[SkippedPath] = []
    folder_files = {s.name: list(discover_files([s.location], skipped)) for s in sources if is_local(s)}
    found = dict.fromkeys([*discover_files(paths, skipped), *(f for files in folder_files.values() for f in files)])
    return RunInputs(
        sources=sources,
        skipped=skipped,
        folder_files=folder_files,
        files=[f for f in found if not is_archive(f)],
        archives=[f for f in found if is_archive(f)],
    )


def input_batches(
    inputs: RunInputs, fetcher: Fetcher | None, settings: Settings, con: duckdb.DuckDBPyConnection, summary: RunSummary
) -> tuple[Iterator[InputBatch], int | None]:
    """Give back the run's batches, in the order they are read, and how many documents they hold when
    that is known up front (not with archives). Live sources are polled here, once per run."""
    summary.skipped = inputs.skipped
    for name, found in inputs.folder_files.items():
        summary.sources[name] = SourceCounts("folder", found=len(found))
    if fetcher is None:
        return file_batches(inputs, settings, summary), None if inputs.archives else len(inputs.files)
    polls = poll_sources(con, fetcher, inputs.polled, summary, settings.fetch.max_urls)
    pages = [page for poll in polls for page in poll.pages]
    listing = InputBatch(refused=[r for poll in polls for r in poll.rejections])
    batches = chain(
        file_batches(inputs, settings, summary),
        [listing] if listing.size else [],
        page_batches(inputs, fetcher, pages, settings, summary),
        downloaded_batches(inputs, con, fetcher, settings, summary),
    )
    unknown = inputs.archives or inputs.remote_archives
    return batches, None if unknown else len(inputs.files) + len(pages) + listing.size


def stored_batches(
    chosen: Candidates, settings: Settings, _con: duckdb.DuckDBPyConnection, summary: RunSummary
) -> tuple[Iterator[InputBatch], int]:
    """Give back stored documents (reprocessed) in batches, and how many there are; count in the summary
    those chosen whose raw bytes were dropped."""
    summary.raw_dropped = chosen.raw_dropped
    docs = chosen.documents
    return (InputBatch(docs=list(chunk)) for chunk in batched(docs, settings.run.batch_size)), len(docs)


def file_batches(inputs: RunInputs, settings: Settings, summary: RunSummary) -> Iterator[InputBatch]:
    """Read the files a batch at a time, then the local archives record by record."""
    for chunk in batched(inputs.files, settings.run.batch_size):
        yield read_files(chunk, settings.run.max_document_bytes)
    for archive in inputs.archives:  # read as they go: their records are not counted up front
        yield from archive_batches(
            archive, settings.run.batch_size, settings.run.max_document_bytes, summary.passed_over
        )


def page_batches(
    inputs: RunInputs, fetcher: Fetcher, pages: list[PageTask], settings: Settings, summary: RunSummary
) -> Iterator[InputBatch]:
    """Fetch the listed pages and give them back in batches as they fill."""
    languages = {s.name: s.language for s in inputs.live if s.language}
    for fetched in fetch_pages(fetcher, pages, settings.run.batch_size, settings.fetch.concurrency):
        yield page_batch(fetched, summary, languages)


def downloaded_batches(
    inputs: RunInputs, con: duckdb.DuckDBPyConnection, fetcher: Fetcher, settings: Settings, summary: RunSummary
) -> Iterator[InputBatch]:
    """Download each archive URL (unless it answers 304) and read it record by record."""
    for source in inputs.remote_archives:
        check_stop()
        download = download_archive(
            fetcher,
            source,
            listing_validators(con, source.name),
            settings.location().root / "downloads",
            settings.fetch.max_archive_bytes,
            settings.fetch.archive_timeout,
        )
        inputs.downloads.append(download)
        yield from download_batches(download, settings.run.batch_size, settings.run.max_document_bytes, summary)


def record_sources(inputs: RunInputs, con: duckdb.DuckDBPyConnection, summary: RunSummary, polled_at: datetime) -> None:
    """Record each source's outcome for `newslake sources`, and the validators of archives read to the end;
    note in the summary which sources' listings had failed in their run before (for `source_error`)."""
    if summary.status in ("completed", "warning"):
        # Only an archive read to its end is skipped next time it answers 304.
        record_poll(con, summary.run_id, [], [d.validators for d in inputs.downloads if d.validators], [])
    failing = failing_sources(con, [source.name for source in inputs.sources])
    for source in inputs.sources:
        counts = summary.sources.get(source.name, SourceCounts(source.kind))
        counts.failing_before = source.name in failing  # read before this run's state replaces it
        record_source_run(
            con,
            {
                "source": source.name,
                "kind": source.kind,
                "location": source.location,
                "run_id": summary.run_id,
                "polled_at": polled_at,
                "status": "failed" if counts.error and not counts.fetched else summary.status,
                "items_found": counts.found,
                "items_new": counts.fetched,
                "items_failed": counts.failed,
                "error": counts.error,
            },
        )


def poll_sources(
    con: duckdb.DuckDBPyConnection,
    fetcher: Fetcher,
    sources: list[SourceConfig],
    summary: RunSummary,
    max_urls: int | None = None,
) -> list[SourcePoll]:
    """Poll each live source once; a URL two sources list is fetched once, for the first."""
    from prefect import get_run_logger  # here only: the no-op check (flows.unchanged) reads files without Prefect

    claimed: set[str] = set()
    polls = []
    logger = get_run_logger()
    for source in sources:
        poll = poll_source(con, fetcher, source, summary.run_id, claimed, max_urls)
        summary.sources[source.name] = SourceCounts(
            source.kind,
            found=poll.found,
            pending=poll.pending,
            not_modified=poll.not_modified,
            error=poll.error,
            too_old=poll.too_old,
            old_sitemaps=poll.old_sitemaps,
        )
        logger.info(
            "source %s: %s items listed, %s to fetch%s",
            source.name,
            poll.found,
            len(poll.pages),
            f" ({poll.error})" if poll.error else "",
        )
        polls.append(poll)
    return polls
