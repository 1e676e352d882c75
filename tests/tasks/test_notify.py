"""Posting a run's end to a webhook: JSON, retried once, never raising, never showing the secret."""

from __future__ import annotations

import socket

from newslake.tasks.notify import masked_webhook, post_notification, webhook_problem
from tests.webhook import webhook_server


def test_the_message_is_posted_as_json_with_the_user_agent() -> None:
    with webhook_server() as hook:
        assert post_notification(hook.url, {"text": "run r1 failed", "n": 2}, "acme/1.0") is None
    [request] = hook.received
    assert request["path"] == "/services/T000/B000/s3cret-token"
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["headers"]["User-Agent"] == "acme/1.0"
    assert hook.bodies() == [{"text": "run r1 failed", "n": 2}]


def test_a_webhook_that_fails_once_is_tried_again_and_one_that_refuses_is_told_without_its_secret() -> None:
    with webhook_server() as hook:
        hook.answers = [503]
        assert post_notification(hook.url, {"text": "x"}, "ua") is None
        assert len(hook.received) == 2
        hook.answers = [500, 502]
        problem = post_notification(hook.url, {"text": "x"}, "ua")
        assert problem == f"the webhook {masked_webhook(hook.url)} answered HTTP 502"
        hook.answers = [404]
        problem = post_notification(hook.url, {"text": "x"}, "ua")
        assert problem == f"the webhook {masked_webhook(hook.url)} answered HTTP 404"
        assert len(hook.received) == 5  # a 404 is not tried again
    assert "s3cret" not in str(problem)


def test_a_webhook_nobody_answers_is_told_in_a_line_not_raised() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    problem = post_notification(f"http://127.0.0.1:{port}/hooks/s3cret", {"text": "x"}, "ua", timeout=1)
    assert problem == f"the webhook http://127.0.0.1:{port}/*** could not be reached (ConnectError)"


def test_only_the_scheme_and_host_of_a_webhook_are_shown() -> None:
    assert masked_webhook("https://hooks.slack.com/services/T0/B0/xyz?token=1") == "https://hooks.slack.com/***"
    assert masked_webhook("http://chat.internal:8065/hooks/abc") == "http://chat.internal:8065/***"
    assert webhook_problem("https://hooks.slack.com/services/x") is None
    assert webhook_problem("hooks.slack.com/services/x") is not None
    assert webhook_problem("ftp://example.org/x") is not None
