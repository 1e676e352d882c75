"""Progress shown while a run works: documents done, rate and time remaining, on standard error."""

from __future__ import annotations

import sys
import time
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


class RunProgress:
    """A progress bar (enabled True), one plain line per batch (None: for logs and pipes), or nothing
    (False). The bar moves as the workers finish each chunk of documents."""

    def __init__(self, enabled: bool | None) -> None:
        self._progress: Progress | None = None
        self._lines = enabled is None
        self._total: int | None = None
        self._done = 0
        self._started = time.monotonic()
        if enabled:
            self._progress = Progress(
                TextColumn("[bold]ingest[/]"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("docs"),
                TextColumn("{task.fields[rate]}"),
                TimeElapsedColumn(),
                TextColumn("eta"),
                TimeRemainingColumn(),
                TextColumn("{task.fields[note]}"),
                console=Console(stderr=True),
                transient=False,
            )
        self._task: TaskID | None = None

    def __enter__(self) -> RunProgress:
        if self._progress:
            self._progress.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._progress:
            self._progress.stop()

    def start(self, total: int | None, note: str = "") -> None:
        """Show the bar for total items (None: a count and rate without an end, until it is known); a
        bar already shown starts over."""
        self._total, self._done, self._started = total, 0, time.monotonic()
        if self._progress and self._task is not None:
            self._progress.reset(self._task, total=total, rate="", note=note)
        elif self._progress:
            self._task = self._progress.add_task("ingest", total=total, rate="", note=note)

    def advance(self, done: int, note: str, batch_end: bool = True) -> None:
        """Count done items; a batch's end also refreshes the note (and prints a plain line)."""
        self._done += done
        if self._progress and self._task is not None:
            if batch_end:
                self._progress.update(self._task, advance=done, note=note)
            else:
                self._progress.update(self._task, advance=done)
            speed = self._progress.tasks[0].speed
            self._progress.update(self._task, rate=f"{speed:.1f}/s" if speed else "")
        elif self._lines and batch_end:
            print(self.line(note), file=sys.stderr, flush=True)

    def line(self, note: str) -> str:
        """Give back the plain progress line: done (of total), rate, time left when known, and the note."""
        elapsed = max(time.monotonic() - self._started, 1e-6)
        rate = self._done / elapsed
        of = f"/{self._total}" if self._total is not None else ""
        left = ""
        if self._total is not None and rate > 0 and self._done < self._total:
            left = f", about {round((self._total - self._done) / rate)} s left"
        return f"newslake: {self._done}{of} docs, {rate:.1f} docs/s{left}; {note}"


# The bar a command shows as it starts, before the orchestrator is imported, until its run takes it.
_SHOWN: RunProgress | None = None


def show_starting(enabled: bool | None) -> None:
    """Show the bar now, reading "starting" (only a bar: plain lines wait for the first batch), so a
    terminal shows the run at once rather than after the orchestrator's start-up."""
    global _SHOWN
    if enabled and _SHOWN is None:
        _SHOWN = RunProgress(enabled).__enter__()
        _SHOWN.start(None, note="starting")


def run_progress(enabled: bool | None) -> RunProgress:
    """Give back the bar shown at start (once), or a new one."""
    global _SHOWN
    shown, _SHOWN = _SHOWN, None
    return shown if shown is not None and enabled else RunProgress(enabled)


def hide_starting() -> None:
    """Take down a bar shown at start that no run took (the command stopped before its run began)."""
    global _SHOWN
    shown, _SHOWN = _SHOWN, None
    if shown is not None:
        shown.__exit__(None, None, None)
