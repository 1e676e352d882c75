"""Progress shown while a run works: documents done, rate and time remaining, on standard error."""

from __future__ import annotations

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
    """A progress bar when enabled, nothing otherwise."""

    def __init__(self, enabled: bool) -> None:
        self._progress: Progress | None = None
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

    def start(self, total: int | None) -> None:
        """Show the bar for total items (None: a count and rate without an end, until it is known)."""
        if self._progress:
            self._task = self._progress.add_task("ingest", total=total, rate="", note="")

    def advance(self, done: int, note: str) -> None:
        if self._progress and self._task is not None:
            self._progress.update(self._task, advance=done, note=note)
            speed = self._progress.tasks[0].speed
            self._progress.update(self._task, rate=f"{speed:.1f}/s" if speed else "")
