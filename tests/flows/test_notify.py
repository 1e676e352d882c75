"""Which run ends are told to the team's webhook (the posting itself: tests/tasks/test_notify.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newslake.flows.notify import notify_run
from newslake.flows.settings import resolve_settings
from newslake.flows.summary import RunSummary, SourceCounts
from tests.conftest import SEEDS, CliRunner
from tests.flows.test_sources import source, write_config
from tests.services import free_port
from tests.site import serve_site
from tests.webhook import webhook_server


def _summary(status: str, source_error: str | None = None, failing_before: bool = False) -> RunSummary:
    summary = RunSummary(run_id="r1", lake="lake", seen=3, new=2, quarantined=1, articles=2)
    summary.status = status  # type: ignore[assignment]
    summary.sources = {"wire": SourceCounts("feed", found=3, error=source_error, failing_before=failing_before)}
    return summary


@pytest.mark.parametrize(
    ("on", "status", "source_error", "failing_before", "told"),
    [
        ("warning,failed", "failed", None, False, True),
        ("warning,failed", "warning", None, False, True),
        ("warning,failed", "completed", "listing: http_404", False, False),
        ("warning,failed", "interrupted", None, False, False),
        ("source_error", "completed", "listing: http_404", False, True),
        ("source_error", "completed", "listing: http_404", True, False),  # told when it began
        ("source_error", "completed", None, True, True),  # working again
        ("source_error", "completed", None, False, False),
        ("completed", "completed", None, False, True),
    ],
)
def test_a_run_is_told_when_its_end_is_one_the_team_asked_for(
    on: str, status: str, source_error: str | None, failing_before: bool, told: bool
) -> None:
    with webhook_server() as hook:
        settings = resolve_settings(environ={"NEWSLAKE_WEBHOOK_URL": hook.url, "NEWSLAKE_NOTIFY_ON": on})
        assert notify_run(settings, _summary(status, source_error, failing_before)) is told
    assert len(hook.received) == int(told)
    if told and source_error:
        [message] = hook.bodies()
        assert message["sources_with_errors"] == {"wire": source_error}
        assert message["text"].endswith("; sources with errors: wire. Warehouse: lake")
    if told and failing_before and not source_error:
        [message] = hook.bodies()
        assert message["sources_working_again"] == ["wire"]
        assert message["text"].endswith("; sources working again: wire. Warehouse: lake")


def test_a_failing_feed_is_told_when_it_fails_and_when_it_works_again_not_in_between(
    newslake: CliRunner, tmp_path: Path
) -> None:
    with serve_site(fill=None) as site, webhook_server() as hook:
        feed = site.url("/feed.xml")  # answers 404 until it is published
        write_config(tmp_path, source("wire", "feed", feed))
        env = {"NEWSLAKE_WEBHOOK_URL": hook.url, "NEWSLAKE_NOTIFY_ON": "source_error"}

        def run_and_messages() -> list[dict[str, object]]:
            newslake("run", "--no-progress", env=env)
            told, hook.received[:] = hook.bodies(), []
            return told

        [failed] = run_and_messages()
        assert list(failed["sources_with_errors"]) == ["wire"]  # type: ignore[call-overload]
        assert "http_404" in str(failed["sources_with_errors"]) and failed["sources_working_again"] == []
        assert run_and_messages() == []  # still failing: told once already
        site.feed([], etag="e1")
        [working] = run_and_messages()
        assert working["sources_with_errors"] == {} and working["sources_working_again"] == ["wire"]
        assert run_and_messages() == []  # working as before


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
