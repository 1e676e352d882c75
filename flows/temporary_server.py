"""Prefect's temporary server, started so that a terminal's Ctrl-C stops the command, not the server.

With `run.prefect_server = "temporary"`, Prefect starts a server process for the command. Prefect
starts it in the command's own process group with the command's output: Ctrl-C at a terminal then
reached the server too, which stopped while it was still serving the run's requests and printed their
tracebacks on the user's terminal. This server is the same program (Prefect's uvicorn app, the same
settings), started in a process group of its own, with its output in a log file beside Prefect's
database. The command stops it when it ends or is interrupted (`flows.interrupt`), and the run's
reaper still finds it (the same session) if the command is killed outright.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import prefect
from prefect.server.api.server import SubprocessASGIServer
from prefect.settings import get_current_settings

from newslake.flows.prefect_server import prefect_home

LOG_NAME = "newslake-temporary-server.log"


class TemporaryServer(SubprocessASGIServer):
    """Prefect's temporary server in a process group of its own, its output in `log_path()`."""

    def _run_uvicorn_command(self) -> subprocess.Popen[Any]:
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "--app-dir",
            str(prefect.__module_path__.parent),
            "--factory",
            "prefect.server.api.server:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--log-level",
            "error",
            "--lifespan",
            "on",
        ]
        env = {
            **os.environ,
            "PREFECT_UI_ENABLED": "0",  # as Prefect's own: no UI for a server that ends with the command
            "PREFECT__SERVER_EPHEMERAL": "1",
            "PREFECT__SERVER_FINAL": "1",
            **get_current_settings().to_environment_variables(exclude_unset=True),
        }
        log = log_path()
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("ab") as output:
            return subprocess.Popen(
                command, env=env, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT, process_group=0
            )


def log_path() -> Path:
    """Give back where the temporary servers' output goes (in Prefect's home folder)."""
    return prefect_home() / LOG_NAME


def use_temporary_server() -> None:
    """Make the temporary server Prefect starts for this process (on first use) a `TemporaryServer`.

    Prefect asks `SubprocessASGIServer()` for it: the instance registered without a port."""
    registered = SubprocessASGIServer._instances.get(None)
    if registered is None or (not isinstance(registered, TemporaryServer) and not registered.running):
        SubprocessASGIServer._instances.pop(None, None)
        TemporaryServer()
