"""The local Prefect server newslake commands share.

Without PREFECT_API_URL, Prefect starts a temporary server for every command, which costs several
seconds each time and keeps no history a user can look at. Instead, the first command starts
`prefect server start` on 127.0.0.1 in the background (in a session of its own, so it outlives the
command and the run's reaper leaves it alone), notes it in PREFECT_HOME, and later commands reuse it.
The user gets the Prefect UI with every run; `newslake ui --stop` stops it. A server named by
PREFECT_API_URL (or the Prefect profile) always wins, and `run.prefect_server = "temporary"` keeps
Prefect's own behaviour.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from newslake.flows.locks import exclusive

_STATE = "newslake-server.json"
_LOG = "newslake-server.log"
_PREFERRED_PORT = 4200  # Prefect's own default, so its docs and habits apply
START_SECONDS = 120.0
# How long a later command waits for a noted server whose process is alive and whose port is open but
# which is slow to answer (a busy machine): replacing it would start a second server beside it.
BUSY_SECONDS = 30.0


class ServerStartError(RuntimeError):
    """Raised when the local Prefect server does not come up; the message says where its log is."""


@dataclass(frozen=True)
class LocalServer:
    """A running local Prefect server: its API URL, its UI and its process."""

    api_url: str
    pid: int

    @property
    def ui_url(self) -> str:
        return self.api_url.removesuffix("/api")


def prefect_home() -> Path:
    """Give back Prefect's home folder (PREFECT_HOME, else ~/.prefect), where the server is noted."""
    return Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()


def configured_server_problem(url: str) -> str | None:
    """Say, in a line, why the configured Prefect server at url (PREFECT_API_URL or the Prefect
    profile's) does not answer its health check through Prefect's own client, or give back None."""
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        failure = client.api_healthcheck()
    if failure is None:
        return None
    return (
        f"the Prefect server at {url} does not answer ({type(failure).__name__}): start it with "
        "`prefect server start`, or point PREFECT_API_URL at a running one"
    )


def answers(api_url: str, timeout: float = 1.0) -> bool:
    """Tell whether a Prefect server answers its health check at api_url."""
    return _health(api_url, timeout) == "up"


def running_server(home: Path | None = None, patience: float = BUSY_SECONDS) -> LocalServer | None:
    """Give back the shared server noted in PREFECT_HOME when it still answers, else None.
    A noted server that is alive but slow to answer (its port open, its health check timing out, as on
    a machine busy with other work) is waited for up to `patience` seconds; one whose process is gone or
    whose port refuses connections is taken for gone at once."""
    server = _noted(home or prefect_home())
    if server is None:
        return None
    deadline = time.monotonic() + patience
    while _alive(server.pid):
        health = _health(server.api_url, timeout=max(1.0, min(5.0, deadline - time.monotonic())))
        if health == "up":
            return server
        if health == "down" or time.monotonic() >= deadline:
            return None
        time.sleep(0.25)
    return None


def shared_server(home: Path | None = None) -> tuple[LocalServer, bool]:
    """Give back the shared local server, starting it when none answers; and whether it was started now.
    Two commands starting at once start one server: the second waits for the first and reuses it."""
    folder = home or prefect_home()
    if (server := running_server(folder)) is not None:
        return server, False
    folder.mkdir(parents=True, exist_ok=True)
    with exclusive(folder / "newslake-server.lock"):
        if (server := running_server(folder)) is not None:
            return server, False
        server = _start(folder)
        (folder / _STATE).write_text(json.dumps({"api_url": server.api_url, "pid": server.pid}), encoding="utf-8")
        return server, True


def stop_shared_server(home: Path | None = None) -> LocalServer | None:
    """Stop the shared local server; give back the one stopped, or None when none was running.
    The noted process is stopped when it is still a `prefect server`, whether or not it answers: a
    server that hangs is stopped too. A process that merely took the noted pid is left alone."""
    folder = home or prefect_home()
    server = _noted(folder)
    (folder / _STATE).unlink(missing_ok=True)
    if server is None or not _alive(server.pid) or not _is_prefect_server(server.pid):
        return None
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)  # the server and its workers: a session of their own
    deadline = time.monotonic() + 15
    while _alive(server.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)
    return server


def _noted(folder: Path) -> LocalServer | None:
    """Give back the server noted in the folder, alive or not; None when none is noted."""
    try:
        noted = json.loads((folder / _STATE).read_text(encoding="utf-8"))
        return LocalServer(str(noted["api_url"]), int(noted["pid"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _is_prefect_server(pid: int) -> bool:
    """Tell whether the process is a `prefect server start` (read from /proc; where there is no
    /proc, a process that answers to the noted pid is taken for it)."""
    try:
        arguments = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except FileNotFoundError:
        return not Path("/proc/self").exists()
    except OSError:
        return False
    names = [Path(os.fsdecode(argument)).name for argument in arguments]
    return "prefect" in names and "server" in names and "start" in names


def _start(folder: Path) -> LocalServer:
    port = _PREFERRED_PORT if _free(_PREFERRED_PORT) else _any_free_port()
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update({"PREFECT_HOME": str(folder), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"})
    log = folder / _LOG
    with log.open("ab") as out:
        process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "prefect"),
                "server",
                "start",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=out,
            env=env,
            start_new_session=True,  # outlives the command; Ctrl-C in the terminal does not reach it
            close_fds=True,
        )
    server = LocalServer(f"http://127.0.0.1:{port}/api", process.pid)
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerStartError(f"the local Prefect server exited at start (code {process.returncode}); see {log}")
        if answers(server.api_url, timeout=0.5):
            return server
        time.sleep(0.25)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    raise ServerStartError(f"the local Prefect server did not answer within {START_SECONDS:.0f} s; see {log}")


_Health = Literal["up", "slow", "down"]


def _health(api_url: str, timeout: float) -> _Health:
    """Ask a Prefect server's health check: "up" when it answers 200, "slow" when it is there but does
    not answer in time (or fails with a server error), "down" when nothing listens there or what
    listens has no such page (another program on the port)."""
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=timeout) as response:
            return "up" if response.status == 200 else "slow"
    except urllib.error.HTTPError as error:
        return "slow" if error.code >= 500 else "down"  # an overloaded server, or not a Prefect server
    except urllib.error.URLError as error:
        return "slow" if isinstance(error.reason, TimeoutError) else "down"
    except TimeoutError:
        return "slow"
    except (OSError, ValueError):
        return "down"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _any_free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
