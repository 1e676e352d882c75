"""Tell the team how a run ended, when it ended in a state they asked to hear about (`[notify]`)."""

from __future__ import annotations

from prefect import get_run_logger
from prefect.runtime import flow_run

from newslake.flows.settings import Settings
from newslake.flows.summary import RunSummary
from newslake.tasks.notify import post_notification


def notify_run(settings: Settings, summary: RunSummary, error: str | None = None) -> bool:
    """Post the run's end to the configured webhook when its status is one of `notify.on`, or, with
    `source_error`, when a source's listing failed after it last worked or works again after it failed
    (once per outage, not every run of a failing source); give back whether a message went. A webhook
    that fails is a warning: the run's outcome stays as it was."""
    url = settings.notify.webhook_url
    source_news = "source_error" in settings.notify.on and bool(
        summary.newly_failing_sources() or summary.recovered_sources()
    )
    if not url or not (summary.status in settings.notify.on or source_news):
        return False
    payload = summary.notification(error, str(flow_run.get_id() or "") or None)
    problem = post_notification(url, payload, settings.fetch.user_agent)
    if problem:
        get_run_logger().warning("could not tell how run %s ended: %s", summary.run_id, problem)
        return False
    return True
