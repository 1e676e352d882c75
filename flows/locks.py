"""Locks in the lake's folder: one per source, so two runs of a source never write at once; one per
running run, so the next run can tell a run that is still going from one whose process is gone; and,
for the embedded warehouse, one for writing, so runs take turns on its SQLite catalog."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from newslake.flows.settings import Settings


def lock_folder(settings: Settings) -> Path:
    """Give back the folder of the lake's lock files, created when missing."""
    folder = settings.location().root / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def file_name(name: str) -> str:
    """Give back a source name as a file name: as it is when it is one, else with the characters a
    file name cannot hold replaced and a short hash of the name added, so two names never share a file."""
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}", name):
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:10]
    return f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)[:80]}-{digest}"


@contextmanager
def source_lock(settings: Settings, name: str) -> Iterator[None]:
    """Hold the source's lock for the run, so two runs of one source never write at once; a second
    run waits for the first."""
    with _held(lock_folder(settings) / f"{file_name(name)}.lock", f"source {name} is being ingested by another run"):
        yield


@contextmanager
def writer_lock(settings: Settings) -> Iterator[None]:
    """Hold the embedded warehouse's writer lock for the block: its SQLite catalog takes one writer at
    a time, so a second run (another source of `newslake serve`, a command started meanwhile) waits
    for the first instead of failing with "database is locked". A shared warehouse (PostgreSQL
    catalog) takes writers at once (warehouse.lake.write), and needs no lock."""
    if settings.location().shared:
        yield
        return
    with _held(lock_folder(settings) / "writer.lock", "another run is writing to this warehouse"):
        yield


@contextmanager
def _held(path: Path, busy: str) -> Iterator[None]:
    with path.open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            logging.getLogger("newslake").warning("%s: waiting for it to finish", busy)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def exclusive(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on a file for the block, waiting for whoever holds it."""
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def run_lock(settings: Settings, run_id: str) -> Iterator[None]:
    """Hold the run's own lock while it runs; the lock file goes when the run ends."""
    path = lock_folder(settings) / f"run-{run_id}.lock"
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            path.unlink(missing_ok=True)
            fcntl.flock(handle, fcntl.LOCK_UN)


def gone_runs(settings: Settings, run_ids: list[str]) -> list[str]:
    """Give back the runs, of those recorded as running, whose process no longer holds its lock: killed
    (even with SIGKILL, which releases the lock with the process), or from a machine that went down."""
    folder = lock_folder(settings)
    gone = []
    for run_id in run_ids:
        path = folder / f"run-{run_id}.lock"
        try:
            handle = path.open("r")
        except FileNotFoundError:
            gone.append(run_id)
            continue
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # still running
            gone.append(run_id)
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
    return gone
