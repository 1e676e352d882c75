"""Prefect's temporary server (`run.prefect_server = "temporary"`): out of reach of a terminal's Ctrl-C."""

from __future__ import annotations

import os
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect.server.api.server import SubprocessASGIServer

from newslake.flows.temporary_server import TemporaryServer, log_path, use_temporary_server


@pytest.fixture
def no_temporary_server() -> Iterator[None]:
    """Leave Prefect's registry of temporary servers as it was found."""
    before = SubprocessASGIServer._instances.pop(None, None)
    yield
    SubprocessASGIServer._instances.pop(None, None)
    if before is not None:
        SubprocessASGIServer._instances[None] = before


def test_the_server_prefect_starts_for_a_command_is_newslakes(no_temporary_server: None) -> None:
    use_temporary_server()
    server = SubprocessASGIServer()  # how Prefect's clients ask for it
    assert isinstance(server, TemporaryServer) and not server.running
    use_temporary_server()  # a second command in the same process keeps it
    assert SubprocessASGIServer() is server


@pytest.mark.slow
def test_the_temporary_server_has_a_process_group_of_its_own_and_a_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_temporary_server: None
) -> None:
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    server = TemporaryServer()
    try:
        server.start(timeout=120)
        assert server.server_process is not None
        pid = server.server_process.pid
        with urllib.request.urlopen(f"{server.api_url}/health", timeout=10) as response:
            assert response.status == 200
        # A terminal's Ctrl-C goes to the command's process group: not this one. The same session:
        # the reaper of a command killed outright still finds it.
        assert os.getpgid(pid) == pid != os.getpgrp()
        assert os.getsid(pid) == os.getsid(0)
        assert Path(f"/proc/{pid}/fd/2").readlink() == log_path() == tmp_path / "newslake-temporary-server.log"
    finally:
        server.stop()
    assert server.server_process is None
