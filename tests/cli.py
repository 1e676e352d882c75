"""The `newslake` command run inside the test process with click's CliRunner: the libraries and the
model load once per test session instead of once per command. Tests where the process boundary is
the point (a kill mid-run, a concurrent reader, `serve`) start the real command instead."""

from __future__ import annotations

import contextlib
import io
import logging
import signal
import traceback
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

# Variables a test environment must not pass on to the command unless the test sets them.
CLEARED = ("NEWSLAKE_LAKE", "NEWSLAKE_CONFIG")


@dataclass(frozen=True)
class Outcome:
    """What a command gave back, shaped like subprocess.CompletedProcess."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str


@contextlib.contextmanager
def _log_records() -> Iterator[io.StringIO]:
    """Collect the warnings and errors libraries log while the command runs, as a console shows them:
    their handlers hold the test process's stderr, not the runner's."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    loggers = [logging.getLogger(), logging.getLogger("prefect")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield buffer
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


@contextlib.contextmanager
def _signal_handlers_kept() -> Iterator[None]:
    """Put back the test process's Ctrl-C and SIGTERM handlers, which a run replaces with its own."""
    kept = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in kept.items():
            signal.signal(number, handler)


def invoke(
    args: Sequence[str], *, cwd: Path, prefect_api: str | None = None, env: Mapping[str, str | None] | None = None
) -> Outcome:
    """Run `newslake ARGS` in this process from `cwd`, against the Prefect server at `prefect_api`."""
    from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from newslake.flows.cli import main

    overrides: dict[str, str | None] = dict.fromkeys(CLEARED)
    if prefect_api:
        overrides["PREFECT_API_URL"] = prefect_api
    overrides.update(env or {})
    # Prefect's flow-run heartbeat is a thread that sleeps in one-second steps and that the engine joins
    # at the end of every flow run: about 0.5 s of idle wait per command, with nothing to test in this
    # process. The commands run as processes (the kill tests) keep it, as users' runs do.
    updates: dict[Any, Any] = {PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}
    if prefect_api:
        updates[PREFECT_API_URL] = prefect_api
    runner = CliRunner()
    with (
        contextlib.chdir(cwd),
        temporary_settings(updates=updates),
        _signal_handlers_kept(),
        _log_records() as logged,
    ):
        result = runner.invoke(main, list(args), env=overrides, catch_exceptions=True)
    stderr = result.stderr + logged.getvalue()
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        # What the command would have died with: a traceback, which every test refuses.
        stderr += "".join(traceback.format_exception(result.exception))
    return Outcome(list(args), result.exit_code, result.stdout, stderr)
