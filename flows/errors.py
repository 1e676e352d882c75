"""Failures a user can expect (another writer holding the warehouse, a full disk, no permission), told
in one line that says what happened and what to do, instead of a traceback."""

from __future__ import annotations

import errno
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

from newslake.warehouse.lake import LakeUnreachableError, without_password


class ExpectedError(RuntimeError):
    """A run or command stopped by a failure explain_failure recognises; its text is the whole message."""


class ClusterUnavailableError(RuntimeError):
    """Raised when the Dask scheduler does not answer or has no workers; the message says what to do."""


_UNREACHABLE = (
    "Could not establish connection",
    "Could not connect to server",
    "Connection refused",
    "resolve hostname",
)


# A PostgreSQL catalog that went away during a run (down, restarted, or the network between).
_CATALOG_GONE = (
    "Unable to connect to Postgres",
    "server closed the connection unexpectedly",
    "terminating connection due to administrator command",
    "no connection to the server",
)
# A statement the catalog's connection could not run, and no reason given: libpq's message is empty
# when the server went away in the middle of a transaction ('Failed to execute query "ROLLBACK": ').
_CATALOG_SILENT = re.compile(r'Failed to execute query ".*":\s*$', re.DOTALL)


def _postgres_reason(text: str) -> str:
    found = re.search(
        r"(connection to server at [^\n]*|server closed the connection unexpectedly|terminating [^\n]*)", text
    )
    return found.group(1).strip()[:160] if found else "connection lost"


def prefect_server_gone(exc: BaseException) -> bool:
    """Tell whether the failure is the Prefect server going away while a command talks to it: Prefect's
    client gives up with httpx's TransportError (told by its name: only tasks/fetch.py imports an HTTP
    client, and a failed fetch never reaches a command)."""
    return any(kind.__name__ == "TransportError" for kind in type(exc).__mro__)


def explain_failure(exc: BaseException, where: object) -> str | None:
    """Give back the one-line explanation of an expected failure while using the warehouse at `where`,
    or None for anything else (a bug, which keeps its traceback)."""
    if isinstance(exc, ExpectedError | LakeUnreachableError | ClusterUnavailableError):
        return str(exc)
    if prefect_server_gone(exc):
        from prefect.settings import get_current_settings

        return (
            f"the Prefect server at {get_current_settings().api.url} stopped answering ({type(exc).__name__}): "
            "start it again, or point PREFECT_API_URL at a running one, and run the command again (batches "
            "loaded before it are kept)"
        )
    text = str(exc)
    code = getattr(exc, "errno", None)
    if any(s in text for s in _CATALOG_GONE) or _CATALOG_SILENT.search(text):
        return (
            f"the warehouse's PostgreSQL catalog stopped answering ({_postgres_reason(text)}): batches "
            "committed before it are kept; run the same command again once the server is back"
        )
    if "NoSuchBucket" in text or ("s3://" in text and "(HTTP code 404)" in text and "Unable to connect" in text):
        return f"the bucket of the data path is not there ({first_line(exc)[:160]}): create it, or fix the data path"
    if "s3://" in text and ("HTTP code 403" in text or "InvalidAccessKeyId" in text or "SignatureDoesNotMatch" in text):
        return "the object store refused the credentials: check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_REGION"
    remote = "s3://" in text or "HTTP PUT to" in text or "HTTP GET to" in text or "HTTP HEAD to" in text
    if remote and any(s in text for s in _UNREACHABLE):
        return (
            "the object store does not answer (here or on a Dask worker): check AWS_ENDPOINT_URL where the "
            "run's processes run, or that the S3 server is running"
        )
    if "Timed out while attempting to connect to ephemeral Prefect API server" in text:
        from newslake.flows.temporary_server import log_path

        return (
            f"the temporary Prefect server did not answer in time (its output: {log_path()}): run again, or use"
            ' the shared one (run.prefect_server = "shared") or a server of your own (PREFECT_API_URL)'
        )
    if "database is locked" in text:
        return (
            f"another process was writing to the warehouse at {where} for too long (database is locked): "
            "run again when it is done; `newslake serve` runs its sources one at a time"
        )
    if code == errno.ENOSPC or "No space left on device" in text or "database or disk is full" in text:
        return f"the disk holding {where} is full: free some space and run again (loaded batches are kept)"
    if code == errno.EROFS or "Read-only file system" in text or "readonly database" in text:
        return f"the warehouse at {where} is on a read-only file system: give a writable --lake"
    if code in (errno.EACCES, errno.EPERM) or "Permission denied" in text:
        return f"no permission to write to the warehouse at {where}: fix its permissions or give another --lake"
    return None


def first_line(exc: BaseException) -> str:
    """Give back the first line of an exception's message: enough for a warning on the console (and in
    Prefect's logs). A catalog password the message quotes (DuckDB quotes the connection string of a
    catalog it cannot reach) is written as ***."""
    text = str(exc).strip()
    return without_password(text.splitlines()[0]) if text else type(exc).__name__


@contextmanager
def expected_failures(where: object) -> Iterator[None]:
    """Turn an expected failure of the block (see explain_failure) into an ExpectedError with its
    one-line message, where it happens: a task that raises it logs no traceback."""
    try:
        yield
    except ExpectedError:
        raise
    except Exception as exc:
        message = explain_failure(exc, where)
        if message is None:
            raise
        raise ExpectedError(message) from exc


class _HideExpectedErrors(logging.Filter):
    """Drops the orchestrator's log records about an ExpectedError: its traceback, and the final state
    that repeats it. The command prints the one-line message itself."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], ExpectedError):
            return False
        return ExpectedError.__name__ not in record.getMessage()


def hide_expected_failures_in_logs() -> None:
    """Keep Prefect's console from printing tracebacks of expected failures, and Great Expectations'
    Data Docs builder from printing its own (a failed Data Docs page never fails a run)."""
    for name in ("prefect.flow_runs", "prefect.task_runs", "prefect.engine"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _HideExpectedErrors) for f in logger.filters):
            logger.addFilter(_HideExpectedErrors())
    logging.getLogger("great_expectations").setLevel(logging.CRITICAL)
