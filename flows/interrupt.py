"""Stopping a run on Ctrl-C or SIGTERM: promptly, with whole batches kept and the run recorded.

The signal only sets a flag; the run checks it between chunks of documents and between fetches, stops
there, records itself as interrupted and leaves at once (exit code 130 for SIGINT, 143 for SIGTERM),
without the orchestrator's own crash reporting, which would wait for a temporary Prefect server that
the same Ctrl-C has stopped. A run that does not reach a check within GRACE_SECONDS, or a second
signal, ends the process there and then; loads are transactions, so the lake keeps whole batches only.
"""

from __future__ import annotations

import contextlib
import multiprocessing.util
import os
import signal
import sys
import threading
from types import FrameType
from typing import NoReturn
from uuid import UUID

GRACE_SECONDS = 10.0
# The message of a flow run marked Crashed by a later run (crash_flow_runs).
CRASHED = "the run's process stopped before it finished (killed, or its machine went down)"
_requested: int | None = None  # the signal that asked the run to stop


class RunInterrupted(KeyboardInterrupt):
    """Raised at the run's next check after Ctrl-C or SIGTERM."""


def install_stop_handlers() -> None:
    """Make Ctrl-C and SIGTERM ask the run to stop (call from the main thread, before the run)."""
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, _on_signal)


def take_back_sigterm() -> None:
    """Make SIGTERM ask the run to stop again, inside a flow run whose engine replaced the handler with
    one that raises. An exception raised by a handler while DuckDB runs a statement may be lost in it:
    the stop then never came (seen once in the signal test under load). Only where the command
    installed the stop handlers (its SIGINT handler is ours), and only in the main thread."""
    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGINT) is _on_signal:
        signal.signal(signal.SIGTERM, _on_signal)


def _on_signal(number: int, _frame: FrameType | None) -> None:
    global _requested
    if _requested is not None:
        leave(number, "newslake: stopped at once (second signal); the next run goes on with the work")
    _requested = number
    print("newslake: stopping after the documents in hand (Ctrl-C again to stop at once)", file=sys.stderr, flush=True)
    message = "newslake: stopped (the run did not reach a safe point in time); the next run goes on with the work"
    threading.Timer(GRACE_SECONDS, leave, (number, message)).start()


def stop_requested() -> bool:
    """Tell whether Ctrl-C or SIGTERM asked the run to stop."""
    return _requested is not None


def check_stop() -> None:
    """Raise RunInterrupted when the run was asked to stop."""
    if _requested is not None:
        raise RunInterrupted(signal.Signals(_requested).name)


def stopping_signal(exc: BaseException) -> int | None:
    """Give back the signal an exception stands for: Ctrl-C (KeyboardInterrupt, RunInterrupted) or the
    orchestrator's TerminationSignal (Prefect turns SIGTERM into it while a flow runs); None otherwise."""
    from prefect.exceptions import TerminationSignal

    if isinstance(exc, TerminationSignal):
        return int(exc.signal)
    if isinstance(exc, KeyboardInterrupt):
        return _requested or int(signal.SIGINT)
    if _is_interrupted_query(exc):
        # A signal handler that raised while DuckDB ran a statement (Prefect's, for SIGTERM) reaches
        # the run as DuckDB's "Query interrupted": the statement's transaction was rolled back.
        return _requested or int(signal.SIGTERM)
    return None


def _is_interrupted_query(exc: BaseException) -> bool:
    import duckdb

    return isinstance(exc, duckdb.InterruptException) or (
        isinstance(exc, RuntimeError) and str(exc).strip() == "Query interrupted"
    )


def crash_flow_runs(flow_run_ids: list[str]) -> list[str]:
    """Mark Crashed the orchestrator's flow runs of runs whose process is gone (killed outright, or its
    machine went down), where they still stand as running or about to: a killed `newslake run` left its
    flow run Running on the Prefect server for good. Give back the ids marked. Through the server's
    rules, not forced; a flow run this server does not know (a temporary server's), or a server that
    does not answer, is left as it is: the warehouse records the run as interrupted either way."""
    if not flow_run_ids:
        return []
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.objects import StateType
    from prefect.exceptions import ObjectNotFound
    from prefect.logging import get_logger
    from prefect.states import Crashed

    from newslake.flows.errors import first_line

    unfinished = {StateType.RUNNING, StateType.PENDING, StateType.CANCELLING}
    marked = []
    try:
        with get_client(sync_client=True) as client:
            for flow_run_id in flow_run_ids:
                try:
                    found = client.read_flow_run(UUID(flow_run_id))
                except (ValueError, ObjectNotFound):
                    continue
                if found.state is not None and found.state.type in unfinished:
                    client.set_flow_run_state(flow_run_id, Crashed(message=CRASHED), force=False)
                    marked.append(flow_run_id)
    except Exception as exc:  # the run goes on: only the orchestrator's record of an old run is at stake
        get_logger("newslake").warning("could not mark the flow runs of interrupted runs crashed: %s", first_line(exc))
    return marked


def exit_code(number: int | None = None) -> int:
    """Give back the shell's exit code for a run stopped by the signal: 128 + its number."""
    return 128 + int(number or _requested or signal.SIGINT)


def leave(number: int | None, message: str) -> NoReturn:
    """Print the message, stop the temporary Prefect server this process started, and exit now."""
    print(message, file=sys.stderr, flush=True)
    stop_temporary_servers()
    with contextlib.suppress(Exception):
        # Unlink the worker pool's semaphores, as the interpreter's exit would (else multiprocessing's
        # resource tracker warns about them).
        multiprocessing.util._run_finalizers(0)  # type: ignore[attr-defined]
    os._exit(exit_code(number))


def stop_temporary_servers() -> None:
    """Stop the temporary Prefect server of this process, if it started one (SIGTERM reaches only this
    process; at a normal exit Prefect stops it itself)."""
    server_module = sys.modules.get("prefect.server.api.server")
    servers = getattr(getattr(server_module, "SubprocessASGIServer", None), "_instances", {})
    for server in list(servers.values()):
        process = getattr(server, "server_process", None)
        if process is not None and process.poll() is None:
            process.terminate()
