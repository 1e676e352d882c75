"""Tell a team's chat or incident tool how a run ended: one JSON POST to the webhook they configured.

The body carries a `text` line, which Slack, Mattermost and Rocket.Chat incoming webhooks show as the
message, and the run's figures as fields of their own for programs (an incident tool, a Zapier hook).
A webhook's address is its secret (Slack's and Mattermost's are), so it is never printed whole."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_fixed


class _RetryableAnswerError(Exception):
    """A webhook that may take the notification on a second try (it answered 5xx or 429)."""


def masked_webhook(url: str) -> str:
    """Give back a webhook's address with everything after its host written as ***."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}/***"


def webhook_problem(url: str) -> str | None:
    """Say why url cannot be a webhook's address, or give back None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "a webhook's address is an http(s) URL, e.g. https://hooks.slack.com/services/..."
    return None


def post_notification(
    url: str, payload: Mapping[str, Any], user_agent: str, timeout: float = 5.0, attempts: int = 2
) -> str | None:
    """POST payload as JSON to the webhook; give back None when it took it (2xx), else what went wrong,
    in a line that does not show the address's secret part. Never raises. A connection that fails, a
    timeout, a 5xx or a 429 is tried once more after a second; redirects are not followed."""
    retrying = Retrying(
        stop=stop_after_attempt(attempts),
        wait=wait_fixed(1.0),
        retry=retry_if_exception_type((httpx.TransportError, _RetryableAnswerError)),
        reraise=True,
    )
    try:
        for attempt in retrying:
            with attempt:
                response = httpx.post(
                    url, json=payload, timeout=timeout, follow_redirects=False, headers={"User-Agent": user_agent}
                )
                if response.status_code >= 500 or response.status_code == 429:
                    raise _RetryableAnswerError(f"answered HTTP {response.status_code}")
    except _RetryableAnswerError as exc:
        return f"the webhook {masked_webhook(url)} {exc}"
    except httpx.HTTPError as exc:
        return f"the webhook {masked_webhook(url)} could not be reached ({type(exc).__name__})"
    if not response.is_success:
        return f"the webhook {masked_webhook(url)} answered HTTP {response.status_code}"
    return None
