"""Prefect's own command line works against the project's Prefect server, with the locked packages."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import BIN

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("command", [["flow-run", "ls"], ["deployment", "ls"], ["flow", "ls"]])
def test_prefect_lists_runs_and_deployments_of_the_projects_server(
    prefect_api: str, tmp_path: Path, command: list[str]
) -> None:
    # fastapi 0.151+ validates the JSON nulls Prefect's client sends ("limit": null) and answered 422.
    env = {**os.environ, "PREFECT_API_URL": prefect_api, "PREFECT_HOME": str(tmp_path)}
    result = subprocess.run([str(BIN / "prefect"), *command], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    # Run ids are random hex and may contain "422"; the error names the status in words.
    assert "Unprocessable" not in result.stdout + result.stderr
