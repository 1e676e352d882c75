"""`newslake forget`: take documents out of the warehouse for good, under the writer lock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from newslake.flows.ingest import remove_old_docs
from newslake.flows.locks import writer_lock
from newslake.flows.settings import Settings
from newslake.warehouse.forget import Forgetting, Purge, compact_catalog, find_forgettable, forget, purge
from newslake.warehouse.lake import connect
from newslake.warehouse.migrate import migrate
from newslake.warehouse.search import index_path, refresh_search_index


@dataclass(frozen=True)
class ForgetOutcome:
    """What a forget did: what it found, the rows each table lost, and what a purge did (None without)."""

    found: Forgetting
    removed: dict[str, int]
    purged: Purge | None = None
    pages_removed: int = 0


def preview(settings: Settings, uris: list[str], hosts: list[str]) -> Forgetting:
    """Give back what forgetting the URIs and hosts would remove, removing nothing."""
    with writer_lock(settings):
        con = connect(settings.location())
        try:
            migrate(con)
            return find_forgettable(con, uris, hosts)
        finally:
            con.close()


def forget_for_good(
    settings: Settings, uris: list[str], hosts: list[str], reason: str, with_purge: bool
) -> ForgetOutcome:
    """Remove what the URIs and hosts name and remember it; then bring the search index up to date.
    With with_purge, also take the removed rows out of every file (warehouse.forget.purge), build the
    search index anew, compact the embedded catalog and remove the validations' Data Docs pages."""
    location = settings.location()
    with writer_lock(settings):
        con = connect(location)
        try:
            migrate(con)
            found, removed = forget(con, uris, reason, hosts)
            done = None
            if with_purge:
                # On a connection of its own: DuckLake 1.5.5's compactor fails on one that has just written.
                con.close()
                con = connect(location)
                done = purge(con)
                index_path(location).unlink(missing_ok=True)  # built anew: no page of it keeps them
            refresh_search_index(con, location)
        finally:
            con.close()
        if done is None:
            return ForgetOutcome(found, removed)
        compact_catalog(location)
        # A value of a forgotten document that failed an expectation is shown on its validation's page.
        return ForgetOutcome(found, removed, done, remove_old_docs(settings, timedelta(0)))
