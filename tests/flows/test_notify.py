"""Which run ends are told to the team's webhook (the posting itself: tests/tasks/test_notify.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newslake.flows.notify import notify_run
from newslake.flows.settings import resolve_settings
from newslake.flows.summary import RunSummary, SourceCounts
from tests.conftest import SEEDS, CliRunner
from tests.services import free_port
from tests.webhook import webhook_server


def _summary(status: str, source_error: str | None = None) -> RunSummary:
    summary = RunSummary(run_id="r1", lake="lake", seen=3, new=2, quarantined=1, articles=2)
    summary.status = status  # type: ignore[assignment]
    summary.sources = {"wire": SourceCounts("feed", found=3, error=source_error)}
    return summary


@pytest.mark.parametrize(
    ("on", "status", "source_error", "told"),
    [
        ("warning,failed", "failed", None, True),
        ("warning,failed", "warning", None, True),
        ("warning,failed", "completed", "listing: http_404", False),
        ("warning,failed", "interrupted", None, False),
        ("source_error", "completed", "listing: http_404", True),
        ("source_error", "completed", None, False),
        ("completed", "completed", None, True),
    ],
)
def test_a_run_is_told_when_its_end_is_one_the_team_asked_for(
    on: str, status: str, source_error: str | None, told: bool
) -> None:
    with webhook_server() as hook:
        settings = resolve_settings(environ={"NEWSLAKE_WEBHOOK_URL": hook.url, "NEWSLAKE_NOTIFY_ON": on})
        assert notify_run(settings, _summary(status, source_error)) is told
    assert len(hook.received) == int(told)
    if told and source_error:
        [message] = hook.bodies()
        assert message["sources_with_errors"] == {"wire": source_error}
        assert message["text"].endswith("; sources with errors: wire. Warehouse: lake")


def test_without_a_webhook_nothing_is_told() -> None:
    assert notify_run(resolve_settings(environ={}), _summary("failed")) is False


def test_a_run_whose_warehouse_does_not_answer_is_told(newslake: CliRunner, tmp_path: Path) -> None:
    catalog = f"postgres:host=127.0.0.1 port={free_port()} dbname=news user=newslake"
    with webhook_server() as hook:
        env = {"NEWSLAKE_WEBHOOK_URL": hook.url, "NEWSLAKE_CATALOG": catalog, "NEWSLAKE_DATA_PATH": str(tmp_path)}
        outcome = newslake("run", str(SEEDS), check=False, env=env)
    assert outcome.returncode != 0 and "PostgreSQL catalog does not answer" in outcome.stderr
    [message] = hook.bodies()
    assert message["status"] == "failed"
    assert message["error"].startswith("the warehouse's PostgreSQL catalog does not answer")
    assert message["text"].startswith(f"newslake run {message['run_id']} failed: the warehouse's PostgreSQL")
