"""The `newslake` command line."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from newslake.flows.output import print_summary, write_rows

F = TypeVar("F", bound=Callable[..., Any])

SAMPLE_QUERY = (
    "SELECT title, site_name, published_at, word_count FROM articles ORDER BY extracted_at DESC, title LIMIT 5"
)


def _quiet_libraries() -> None:
    """Keep library chatter off the console; a user can still set these variables to see more."""
    defaults = {
        # Prefect: run logs still reach the API; the console shows warnings and errors only.
        "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING",
        "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
        # No telemetry: this machine may have no internet, and a failed send looks like an error.
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "GX_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "TQDM_DISABLE": "1",
    }
    for key, value in defaults.items():
        os.environ.setdefault(key, value)


row_format = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "jsonl"]),
    default="table",
    show_default=True,
    help="table, csv, json (one array) or jsonl (one object per line).",
)

dask_option = click.option(
    "--dask",
    default=None,
    metavar="ADDRESS",
    help="Run the batches on this Dask scheduler, e.g. tcp://10.0.0.5:8786 (needs a shared --catalog).",
)


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    # --catalog and --data-path reach load_settings through the context, not each command's arguments.
    if value is not None and param.name:
        ctx.meta.setdefault("newslake.overrides", {})[f"lake.{param.name}"] = value
    return value


def common_options(func: F) -> F:
    """Add --lake, --catalog, --data-path and --config, shared by every command."""
    func = click.option(
        "--data-path",
        "data_path",
        default=None,
        expose_value=False,
        callback=_remember,
        help="Where the data files are: a folder or s3://bucket/prefix/ (default <lake>/data/, or NEWSLAKE_DATA_PATH).",
    )(func)
    func = click.option(
        "--catalog",
        default=None,
        expose_value=False,
        callback=_remember,
        help=(
            "DuckLake catalog of a shared warehouse, e.g. 'postgres:dbname=lake host=db user=newslake' "
            "(default: SQLite in the lake folder, or NEWSLAKE_CATALOG)."
        ),
    )(func)
    func = click.option(
        "--lake",
        type=click.Path(path_type=Path, file_okay=False),
        default=None,
        help="Warehouse folder (default ./lake, or NEWSLAKE_LAKE).",
    )(func)
    func = click.option(
        "--config",
        "config_file",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help="Config file (default ./newslake.toml if present, or NEWSLAKE_CONFIG).",
    )(func)
    return func


def load_settings(config_file: Path | None, lake: Path | None, flags: dict[str, Any] | None = None) -> Any:
    """Give back the resolved settings, or exit with a one-line message when they are invalid. Flags are
    keyed by config key (`run.workers`); those not given are None."""
    from newslake.flows.settings import SettingsError, resolve_settings

    try:
        return resolve_settings(config_file=config_file, overrides=given_flags(lake, flags))
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc


def given_flags(lake: Path | None, flags: dict[str, Any] | None = None) -> dict[str, Any]:
    """Give back the settings a command's flags give, by config key (None where a flag is not given)."""
    given = {"lake.path": lake, **(flags or {})}
    context = click.get_current_context(silent=True)
    if context is not None:
        given = {**context.meta.get("newslake.overrides", {}), **given}
    return given


@contextmanager
def stoppable_run() -> Iterator[None]:
    """Let Ctrl-C and SIGTERM stop the run in the block promptly (see flows.interrupt); one that comes
    before the run has started ends the command with one line."""
    from prefect.exceptions import TerminationSignal

    from newslake.flows.interrupt import install_stop_handlers, leave, stopping_signal
    from newslake.flows.reaper import start_reaper

    install_stop_handlers()
    start_reaper()  # ends what the run starts (Prefect's temporary server) should the run be killed
    try:
        yield
    except (KeyboardInterrupt, TerminationSignal) as exc:
        leave(stopping_signal(exc), "newslake: interrupted before the run began; run the same command again to go on")


@contextmanager
def prefect_api(settings: Any) -> Iterator[None]:
    """Run the block against the shared local Prefect server (flows.prefect_server) when none is
    configured and `run.prefect_server` is `shared`; say where its UI is."""
    if os.environ.get("PREFECT_API_URL"):
        yield
        return
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS,
        get_current_settings,
        temporary_settings,
    )

    from newslake.flows.prefect_server import START_SECONDS

    if settings.run.prefect_server == "temporary":
        from newslake.flows.temporary_server import use_temporary_server

        use_temporary_server()  # out of reach of the terminal's Ctrl-C, its output in a log
        # Prefect gives its temporary server 20 s to answer, which a busy machine can exceed: the
        # run then failed before it started. The same wait as the shared server's, unless set.
        wait = (
            {}
            if "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS" in os.environ
            else {PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS: int(START_SECONDS)}
        )
        with temporary_settings(updates=wait):
            yield
        return

    if get_current_settings().api.url:  # set in the active Prefect profile
        yield
        return
    from newslake.flows.prefect_server import ServerStartError, shared_server

    try:
        server, started = shared_server()
    except ServerStartError as exc:
        raise click.ClickException(f'{exc}; or set run.prefect_server = "temporary"') from exc
    kept = " (started now and kept for later commands; `newslake ui --stop` stops it)" if started else ""
    click.echo(f"newslake: runs are recorded by the Prefect server at {server.ui_url}{kept}", err=True)
    with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
        yield


def start_workers(settings: Any) -> None:
    """Start the run's document workers before the flow's imports and start-up, so their models load
    meanwhile instead of after."""
    from newslake.flows.workers import start_workers_early

    if settings.run.dask_address:
        return  # the documents are processed on the Dask cluster
    start_workers_early(
        settings.run.workers, settings.entities.model, settings.run.max_document_bytes, settings.run.document_timeout
    )


def check_prefect_server(url: str) -> None:
    """Exit with one line when the Prefect server at url does not answer."""
    from newslake.flows.prefect_server import configured_server_problem

    problem = configured_server_problem(url)
    if problem is not None:
        raise click.ClickException(problem)


def where(location: Any) -> str:
    """Give back how a warehouse is named to the user: its folder, or its catalog and data path."""
    return location.describe() if location.shared or location.remote_data else str(location.root)


def check_cluster(settings: Any) -> None:
    """Exit with one line when a Dask cluster is configured and does not answer or has no workers."""
    if not settings.run.dask_address:
        return
    from newslake.flows.cluster import cluster_workers
    from newslake.flows.errors import ClusterUnavailableError

    try:
        cluster_workers(settings.run.dask_address)
    except ClusterUnavailableError as exc:
        raise click.ClickException(str(exc)) from exc


_ARGV: list[str] = []  # this command's arguments


def hand_over_run(settings: Any) -> None:
    """Run this command (a run or a reprocess) in the warm process (flows.warm) when one is ready, and
    exit with its code."""
    if settings.run.keep_warm_minutes <= 0:
        return
    from newslake.flows.warm import hand_over

    if (code := hand_over(_ARGV)) is not None:
        sys.exit(code)


def keep_warm(settings: Any) -> None:
    """After a run this process carried out itself, leave a warm process for the next (flows.warm)."""
    from newslake.flows.warm import start_warm_process

    start_warm_process(settings.entities.model, settings.run.keep_warm_minutes)


def check_paths(paths: Sequence[Path]) -> None:
    """Exit with a one-line message when a path given to read is neither a regular file nor a folder."""
    for path in paths:
        if not (path.is_file() or path.is_dir()):
            raise click.ClickException(
                f"{path} is not a regular file or a folder (a pipe or a device?): give files or folders"
            )


def open_reader(settings: Any) -> Any:
    """Give back a read-only connection to the warehouse, or exit saying how to create it."""
    from newslake.warehouse.lake import LakeMissingError, connect

    try:
        return connect(settings.location(), read_only=True)
    except LakeMissingError as exc:
        raise click.ClickException(str(exc)) from exc


class _Commands(click.Group):
    """The command group: an expected failure (another writer, a full disk, no permission) ends any
    command with one line instead of a traceback."""

    def main(self, args: Sequence[str] | None = None, *rest: Any, **options: Any) -> Any:
        global _ARGV
        _ARGV = list(sys.argv[1:] if args is None else args)  # what a warm process is handed (flows.warm)
        return super().main(args, *rest, **options)

    def invoke(self, ctx: click.Context) -> Any:
        from newslake.flows.errors import explain_failure

        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:
            where = ctx.params.get("lake") or os.environ.get("NEWSLAKE_LAKE") or "./lake"
            message = explain_failure(exc, where)
            if message is None:
                raise
            raise click.ClickException(message) from exc


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newslake")
def main() -> None:
    """newslake: messy news documents in, a queryable DuckLake warehouse out."""
    from newslake.flows.errors import hide_expected_failures_in_logs

    _quiet_libraries()
    hide_expected_failures_in_logs()


def one_off_headers(lines: Sequence[str], urls: Sequence[str]) -> dict[str, str]:
    """Give back the --header lines of a run as a header mapping for its one-off sources at urls,
    checked now, before any worker starts, as the sources' own settings check them."""
    from pydantic import ValidationError

    from newslake.flows.settings import SourceConfig

    if lines and not urls:
        raise click.UsageError("--header goes with --feed, --sitemap or --warc (configured sources set `headers`)")
    headers: dict[str, str] = {}
    for line in lines:
        name, colon, value = line.partition(":")
        if not colon:
            raise click.UsageError(f"--header: {line!r} is not NAME: VALUE")
        headers[name.strip()] = value.strip()
    for url in urls if headers else ():
        try:
            SourceConfig(name="one-off", kind="feed", location=url, headers=headers)
        except ValidationError as exc:
            said = exc.errors()[0]["msg"].removeprefix("Value error, ").removeprefix("source one-off: ")
            raise click.UsageError(f"--header: {said}") from None
    return headers


def one_off_max_age(given: str | None, listings: bool) -> float | None:
    """Give back a run's --max-age in seconds, for its one-off listings; refuse one without them, or one
    that is not an age."""
    if given is None:
        return None
    if not listings:
        raise click.UsageError("--max-age goes with --feed or --sitemap (configured sources set `max_age`)")
    from newslake.flows.settings import SourceConfig

    try:
        return SourceConfig(name="one-off", kind="feed", location="-", max_age=given).max_age  # type: ignore[arg-type]
    except ValueError:
        raise click.UsageError(f"--max-age: {given!r} is not an age: use e.g. '7d', '48h' or seconds") from None


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@common_options
@click.option("--feed", "feeds", multiple=True, metavar="URL", help="An RSS, Atom or JSON Feed to poll (repeatable).")
@click.option("--sitemap", "sitemaps", multiple=True, metavar="URL", help="A sitemap or sitemap index (repeatable).")
@click.option(
    "--warc",
    "warcs",
    multiple=True,
    metavar="URL",
    help="A web archive (.warc or .warc.gz) to download and read (repeatable). Local archives are PATHS.",
)
@click.option(
    "--urls",
    "url_lists",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A file of URLs, one per line (repeatable).",
)
@click.option(
    "--header",
    "header_lines",
    multiple=True,
    metavar="'NAME: VALUE'",
    help=(
        "A request header for this run's --feed, --sitemap and --warc sources, sent to their own sites only "
        "(repeatable). ${VAR} in a value is read from the environment: in single quotes, the secret stays out "
        "of the process list."
    ),
)
@click.option(
    "--max-age",
    default=None,
    metavar="AGE",
    help=(
        "For this run's --feed and --sitemap sources: items their listing dates older than AGE ('7d', '48h') "
        "are not fetched (configured sources set `max_age`)."
    ),
)
@click.option("--source", "source_names", multiple=True, metavar="NAME", help="A configured source (repeatable).")
@click.option("--allow-private", is_flag=True, default=None, help="Allow URLs on private and loopback addresses.")
@click.option("--batch-size", type=int, default=None, help="Documents per batch and transaction.")
@click.option("--max-urls", type=int, default=None, help="Most pages fetched per source in this run; the rest wait.")
@click.option("--workers", type=int, default=None, help="Worker processes for extraction and NER.")
@dask_option
@click.option("--progress/--no-progress", default=None, help="Show a progress bar (default: when on a terminal).")
def run(
    paths: Sequence[Path],
    lake: Path | None,
    config_file: Path | None,
    feeds: Sequence[str],
    sitemaps: Sequence[str],
    warcs: Sequence[str],
    url_lists: Sequence[Path],
    header_lines: Sequence[str],
    max_age: str | None,
    source_names: Sequence[str],
    allow_private: bool | None,
    batch_size: int | None,
    max_urls: int | None,
    workers: int | None,
    dask: str | None,
    progress: bool | None,
) -> None:
    """Ingest files, folders and web archives (PATHS), feeds, sitemaps, URL lists and configured sources.

    Files named .warc or .warc.gz are read as web archives: each HTML or text response is a document.

    With nothing to ingest given, every configured source is ingested.
    """
    settings = load_settings(
        config_file,
        lake,
        {
            "run.batch_size": batch_size,
            "run.workers": workers,
            "run.dask_address": dask,
            "fetch.allow_private": allow_private,
            "fetch.max_urls": max_urls,
        },
    )
    if not (paths or source_names or feeds or sitemaps or warcs or url_lists or settings.sources):
        raise click.UsageError(
            "nothing to ingest: give PATHS, --feed, --sitemap, --warc, --urls or configure [[sources]]"
        )
    for url in warcs:
        if not url.startswith(("http://", "https://")):
            raise click.UsageError(f"--warc takes the URL of a web archive; give a local one as a path: {url}")
    headers = one_off_headers(header_lines, [*feeds, *sitemaps, *warcs])
    age = one_off_max_age(max_age, bool(feeds or sitemaps))
    check_paths(paths)
    from newslake.flows.settings import SettingsError

    try:
        sources = [settings.source(name) for name in source_names]
    except SettingsError as exc:
        # Before any worker starts: a pool dropped while its processes start up can print a traceback
        # from the interpreter's exit.
        raise click.ClickException(str(exc)) from exc
    hand_over_run(settings)  # in the warm process, when one is ready: imports done, so the check costs less
    if paths and not (sources or feeds or sitemaps or warcs or url_lists):
        from newslake.flows.unchanged import unchanged_run

        # Nothing new under the paths (the common case of a scheduled or repeated run): recorded without
        # the orchestrator, the workers and the suites. Anything to do goes through the flow below.
        if (quiet := unchanged_run([str(p) for p in paths], settings)) is not None:
            given = ", ".join(map(str, paths))
            click.echo(f"newslake: nothing new in {given} ({where(settings.location())})", err=True)
            print_summary(quiet.lines())
            click.echo(f'\nNothing new. Query what is there: newslake sql "{SAMPLE_QUERY}"')
            return
    check_cluster(settings)
    start_workers(settings)
    from newslake.flows.sources import adhoc_source

    sources += [adhoc_source("feed", url, headers, age) for url in feeds]
    sources += [adhoc_source("sitemap", url, headers, age) for url in sitemaps]
    sources += [adhoc_source("warc", url, headers) for url in warcs]
    sources += [adhoc_source("urls", str(path.resolve())) for path in url_lists]
    if not paths and not sources:
        sources = list(settings.sources)
    show = progress_mode(progress)
    what = [*map(str, paths), *(s.name for s in sources)]
    click.echo(f"newslake: ingesting {', '.join(what)} into {where(settings.location())}", err=True)
    from newslake.flows.progress import hide_starting, show_starting

    show_starting(show)  # at once, not after the orchestrator's start-up
    try:
        from newslake.flows.cluster import on_cluster
        from newslake.flows.ingest import ingest

        with prefect_api(settings), stoppable_run():
            summary = on_cluster(ingest, settings.run.dask_address)(
                [str(p) for p in paths], settings, show_progress=show, sources=sources
            )
    finally:
        hide_starting()
    print_summary(summary.lines())
    if summary.status == "failed":
        click.echo("newslake: the run breached a run-level expectation (quality.on_breach = failed)", err=True)
    if summary.articles:
        click.echo("\nSample query: " + SAMPLE_QUERY)
        show_sample(settings)
    elif summary.unchanged:  # nothing new: the query to run, not the same answer again
        click.echo(f'\nNothing new. Query what is there: newslake sql "{SAMPLE_QUERY}"')
    keep_warm(settings)  # last: it loads while the user reads, not while this command still works
    if summary.status == "failed":
        sys.exit(1)


def check_sources(settings: Any, fmt: str) -> None:
    """Print what each configured source's listing gives now (`sources --check`); exit 1 when one fails."""
    if not settings.sources:
        raise click.ClickException("no sources configured: add [[sources]] tables to newslake.toml (see the README)")
    from newslake.flows.sources import check_listing
    from newslake.tasks.fetch import Fetcher

    with Fetcher(settings.fetch.policy()) as fetcher:
        checks = [check_listing(fetcher, source) for source in settings.sources]
    columns = ["source", "kind", "check", "items", "recent", "newest", "detail"]
    rows = [(c.source, c.kind, "ok" if c.ok else "failed", c.items, c.recent, c.newest, c.detail) for c in checks]
    write_rows(columns, rows, fmt)
    failed = [c.source for c in checks if not c.ok]
    if failed:
        click.echo(f"newslake: cannot read {', '.join(failed)}: see detail", err=True)
        sys.exit(1)


@main.command()
@common_options
@row_format
@click.option(
    "--check",
    is_flag=True,
    help=(
        "Read each source's listing now, as a run would, and say what it lists or why it cannot be read "
        "(nothing is fetched beyond the listings, nothing recorded; exits 1 when one fails)."
    ),
)
def sources(lake: Path | None, config_file: Path | None, fmt: str, check: bool) -> None:
    """List the configured sources with their schedule and the state of their last runs."""
    settings = load_settings(config_file, lake)
    if check:
        check_sources(settings, fmt)
        return
    import duckdb

    from newslake.warehouse.lake import LakeMissingError, LakeUnreachableError, connect
    from newslake.warehouse.sources import list_sources

    try:
        con = connect(settings.location(), read_only=True)
        try:
            state = list_sources(con)
        finally:
            con.close()
    except LakeUnreachableError as exc:
        raise click.ClickException(str(exc)) from exc
    except LakeMissingError:
        state = {}  # nothing has run yet
    except duckdb.CatalogException:
        state = {}  # a lake no run has migrated to live sources yet
    columns = [
        "source",
        "kind",
        "schedule",
        "location",
        "last_poll_at",
        "last_success_at",
        "last_status",
        "items_found",
        "items_new",
        "items_failed",
        "items_pending",
        "last_error",
    ]
    rows = []
    for source in settings.sources:
        known = state.get(source.name, {})
        schedule = f"cron {source.cron}" if source.cron else (f"every {source.interval:g} s" if source.interval else "")
        rows.append((source.name, source.kind, schedule, source.location, *(known.get(c) for c in columns[4:])))
    if not rows:
        click.echo("no sources configured: add [[sources]] tables to newslake.toml (see the README)", err=True)
    write_rows(columns, rows, fmt)


@main.command()
@common_options
@row_format
@click.option(
    "--check", is_flag=True, help="Also try what the settings name: warehouse, Prefect server, models, suites."
)
@click.option(
    "--test-webhook", is_flag=True, help="Post a test message to notify.webhook_url and say whether it was taken."
)
def config(lake: Path | None, config_file: Path | None, fmt: str, check: bool, test_webhook: bool) -> None:
    """Show every setting in effect, and where it comes from: default, config file, environment or flag.

    Secrets are shown masked, as runs record them. --check then tries what the settings name and exits
    1 if anything fails: the warehouse opens (or is not created yet), the Prefect server of
    PREFECT_API_URL answers, each entity model is installed, each of your own suites
    (quality.suites_dir) builds in Great Expectations.
    """
    from newslake.flows.check import run_checks, setting_rows
    from newslake.flows.settings import setting_origins

    settings = load_settings(config_file, lake)
    origins = setting_origins(config_file=config_file, overrides=given_flags(lake))
    write_rows(["key", "value", "origin", "variable"], setting_rows(settings, origins), fmt)
    failed = False
    if check:
        for found in run_checks(settings):
            click.echo(f"{'ok  ' if found.ok else 'FAIL'}  {found.what}: {found.detail}", err=True)
            failed = failed or not found.ok
    if test_webhook:
        failed = not _test_webhook(settings) or failed
    if failed:
        raise SystemExit(1)


def _test_webhook(settings: Any) -> bool:
    from newslake.tasks.notify import masked_webhook, post_notification

    url = settings.notify.webhook_url
    if not url:
        click.echo("FAIL  webhook: none configured (notify.webhook_url or NEWSLAKE_WEBHOOK_URL)", err=True)
        return False
    text = f"newslake: a test message from `newslake config --test-webhook` ({settings.location().describe()})"
    problem = post_notification(url, {"text": text, "status": "test"}, settings.fetch.user_agent)
    took = f"ok    webhook {masked_webhook(url)}: took the test message"
    click.echo(f"FAIL  {problem}" if problem else took, err=True)
    return problem is None


@main.command()
@click.option(
    "--stop", is_flag=True, help="Stop the shared local Prefect server and the warm processes newslake keeps."
)
def ui(stop: bool) -> None:
    """Say where the Prefect UI with newslake's runs is, starting the shared local server when needed.

    With PREFECT_API_URL set, that server is the one runs go to. Otherwise runs go to a local
    `prefect server start` that newslake starts once and keeps (see `run.prefect_server`).
    """
    from newslake.flows.prefect_server import ServerStartError, shared_server, stop_shared_server

    if stop:
        from newslake.flows.warm import stop_warm_processes

        stopped = stop_shared_server()
        click.echo(f"stopped the Prefect server at {stopped.ui_url}" if stopped else "no shared Prefect server runs")
        if warm := stop_warm_processes():
            click.echo(f"stopped {warm} warm process{'es' if warm > 1 else ''} (each after its runs under way)")
        return
    from prefect.settings import get_current_settings

    configured = get_current_settings().api.url  # PREFECT_API_URL, or the active Prefect profile
    if configured:
        click.echo(f"{str(configured).removesuffix('/api')} (PREFECT_API_URL)")
        return
    try:
        server, started = shared_server()
    except ServerStartError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{server.ui_url}{' (started now)' if started else ''}")


@main.command()
@common_options
@click.option("--source", "source_names", multiple=True, metavar="NAME", help="Serve only these sources.")
@click.option("--limit", type=int, default=None, help="Most flow runs at once across all sources.")
def serve(lake: Path | None, config_file: Path | None, source_names: Sequence[str], limit: int | None) -> None:
    """Run every configured source on its schedule, as Prefect deployments, until interrupted.

    Needs a Prefect server: PREFECT_API_URL points at it (see the README).
    """
    from newslake.flows.settings import CONFIG_FILE, CONFIG_KEYS, SettingsError

    path = config_file or (Path(os.environ["NEWSLAKE_CONFIG"]) if os.environ.get("NEWSLAKE_CONFIG") else None)
    path = path or Path(CONFIG_FILE)
    if not path.exists():
        raise click.ClickException(f"no config file at {path}: serve runs the [[sources]] of a newslake.toml")
    from prefect.settings import get_current_settings

    # PREFECT_API_URL from the environment or the active Prefect profile (`prefect config set ...`).
    if not get_current_settings().api.url:
        raise click.ClickException(
            "schedules need a running Prefect server: start one with `prefect server start` and set "
            "PREFECT_API_URL=http://127.0.0.1:4200/api (see the README)"
        )
    check_prefect_server(str(get_current_settings().api.url))
    settings = load_settings(path, lake)
    from newslake.flows.errors import first_line, prefect_server_gone
    from newslake.flows.schedule import drop_removed_sources, scheduled_sources, serve_sources

    try:
        chosen = scheduled_sources(settings, list(source_names))
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc
    if not chosen:
        raise click.ClickException(f"no source in {path} has a schedule: give sources a cron or interval")
    if lake is not None:
        os.environ["NEWSLAKE_LAKE"] = str(lake.resolve())  # scheduled runs resolve their settings themselves
    for key, value in click.get_current_context().meta.get("newslake.overrides", {}).items():
        os.environ[CONFIG_KEYS[key]] = str(value)  # --catalog and --data-path, likewise
    try:
        dropped = drop_removed_sources(path, {source.name for source in settings.sources})
    except Exception as exc:  # serving goes on: what is left is a paused deployment
        click.echo(f"newslake: could not look for deployments of removed sources ({first_line(exc)})", err=True)
        dropped = []
    for name in dropped:
        click.echo(f"newslake: source {name} is no longer in {path}: its deployment and schedule are removed", err=True)
    for source in chosen:
        when = f"cron {source.cron}" if source.cron else f"every {source.interval:g} s"
        click.echo(f"newslake: serving {source.name} ({source.kind}, {when})", err=True)
    ui = get_current_settings().ui_url or str(get_current_settings().api.url).removesuffix("/api")
    click.echo(f"newslake: runs show in the Prefect UI at {ui}; Ctrl-C stops serving", err=True)
    try:
        serve_sources(chosen, path, limit)
    except Exception as exc:
        if not prefect_server_gone(exc):
            raise
        # Said here rather than by explain_failure: the schedules stay as they were.
        raise click.ClickException(
            f"the Prefect server at {ui} stopped answering ({type(exc).__name__}), so the schedules could not "
            "be paused: start it again, then run `newslake serve` (or pause them in its UI)"
        ) from exc
    click.echo("newslake: stopped serving; the schedules are paused until the next `newslake serve`", err=True)


@main.command()
@common_options
@click.option("--run", "run_id", default=None, help="Only refusals of this run.")
@click.option("--reason", default=None, help="Only reasons starting with this code, e.g. expectation_failed.")
@click.option("--source", default=None, help="Only sources containing this text.")
@row_format
def quarantine(
    lake: Path | None, config_file: Path | None, run_id: str | None, reason: str | None, source: str | None, fmt: str
) -> None:
    """List refused documents with their reasons, newest first."""
    settings = load_settings(config_file, lake)
    from newslake.warehouse.quarantine import list_quarantine

    con = open_reader(settings)
    try:
        columns, rows = list_quarantine(con, run_id, reason, source)
    finally:
        con.close()
    write_rows(columns, rows, fmt)


@main.command()
@common_options
@click.option("--run", "run_id", default=None, help="Only documents refused by this run.")
@click.option("--reason", default=None, help="Only documents refused for reasons starting with this code.")
@click.option("--source", default=None, help="Only sources containing this text.")
@click.option("--all", "everything", is_flag=True, help="Every stored document, not just the quarantined ones.")
@click.option(
    "--language",
    default=None,
    metavar="CODE",
    help="With --all: only documents whose article is in this language (ISO 639-1, e.g. de).",
)
@click.option("--workers", type=int, default=None, help="Worker processes for extraction and NER.")
@dask_option
@click.option("--progress/--no-progress", default=None, help="Show a progress bar (default: when on a terminal).")
def reprocess(
    lake: Path | None,
    config_file: Path | None,
    run_id: str | None,
    reason: str | None,
    source: str | None,
    everything: bool,
    language: str | None,
    workers: int | None,
    dask: str | None,
    progress: bool | None,
) -> None:
    """Run stored raw documents through extraction, validation and load again, without reading sources."""
    if language and not everything:
        raise click.UsageError("--language needs --all: quarantined documents have no article, so no language")
    settings = load_settings(config_file, lake, {"run.workers": workers, "run.dask_address": dask})
    hand_over_run(settings)
    check_cluster(settings)
    start_workers(settings)
    from newslake.flows.cluster import on_cluster
    from newslake.flows.ingest import reprocess as reprocess_flow

    show = progress_mode(progress)
    with prefect_api(settings), stoppable_run():
        summary = on_cluster(reprocess_flow, settings.run.dask_address)(
            settings, run_id, reason, source, everything, show_progress=show, language=language
        )
    print_summary(summary.lines())
    keep_warm(settings)
    if summary.status == "failed":
        sys.exit(1)


@main.command()
@common_options
@click.option("--source", default=None, metavar="NAME", help="Only this source's URLs.")
@click.option("--reason", default=None, help="Only failures whose reason starts with this code, e.g. http_4.")
def retry(lake: Path | None, config_file: Path | None, source: str | None, reason: str | None) -> None:
    """Make failed page URLs pending again, so the next run of their source fetches them."""
    settings = load_settings(config_file, lake)
    from newslake.flows.locks import writer_lock
    from newslake.warehouse.lake import LakeMissingError, connect
    from newslake.warehouse.migrate import migrate
    from newslake.warehouse.sources import retry_failed_urls

    try:
        con = connect(settings.location(), read_only=True)
        con.close()
    except LakeMissingError as exc:
        raise click.ClickException(str(exc)) from exc
    with writer_lock(settings):
        con = connect(settings.location())
        try:
            migrate(con)
            counts = retry_failed_urls(con, source, reason)
        finally:
            con.close()
    if not counts:
        click.echo("no failed URLs to retry", err=True)
        return
    write_rows(["source", "reason", "urls"], list(counts), "table")
    sources = sorted({s for s, _, _ in counts})
    click.echo(
        f"the next run of {', '.join(sources)} fetches them "
        "(`newslake run --source NAME`, or the same --feed, --sitemap or --urls)",
        err=True,
    )


@main.command()
@click.argument("targets", nargs=-1, metavar="[URL_OR_PATH]...")
@common_options
@click.option(
    "--host",
    "hosts",
    multiple=True,
    metavar="HOST",
    help="Every page of this host and its subdomains, now and in later runs (repeatable).",
)
@click.option("--reason", default="", help="Why, kept with what is forgotten (a ticket, a takedown notice).")
@click.option("--dry-run", is_flag=True, help="Show what would be removed, and remove nothing.")
@click.option(
    "--purge",
    is_flag=True,
    help="Also take the removed rows out of every data file now, expiring every older snapshot (time travel ends).",
)
def forget(
    targets: Sequence[str],
    lake: Path | None,
    config_file: Path | None,
    hosts: Sequence[str],
    reason: str,
    dry_run: bool,
    purge: bool,
) -> None:
    """Remove documents for good (a takedown, an erasure request), and keep them from coming back.

    Each URL_OR_PATH is a page URL, a file, or a source URI as the warehouse shows it; --host names a
    whole site (a publisher that withdraws its licence), whose pages no later run fetches. Its document,
    article (every version), quotes, links, mentions, fetches, quarantine rows and story-cluster rows
    go, and so do the entities no other article names or quotes. It is recorded in `forgotten`: a
    listing that names the URL again does not fetch it, and the same bytes found anywhere are passed
    over. Older snapshots keep the rows for time travel until maintenance expires them; --purge
    removes them from every file now. Exports and reports written before keep what they hold: write
    them again."""
    settings = load_settings(config_file, lake)
    from newslake.flows.forget import forget_for_good, preview
    from newslake.tasks.urls import host_of, source_uris
    from newslake.warehouse.forget import FORGET_TABLES

    if not targets and not hosts:
        raise click.UsageError("name what to forget: URLs or paths, or --host HOST")
    uris = list(dict.fromkeys(uri for target in targets for uri in source_uris(target)))
    sites = list(dict.fromkeys(host_of(h) if "://" in h else h.strip().lower().strip(".") for h in hosts))
    if not all(sites):
        raise click.UsageError("--host takes a host name, e.g. --host news.example.com")
    open_reader(settings).close()  # a missing warehouse is said as such, and not created
    if dry_run:
        found = preview(settings, uris, sites)
        write_rows(["documents", "articles"], [(len(found.documents), len(found.articles))], "table")
        click.echo("dry run: nothing was removed", err=True)
        return
    done = forget_for_good(settings, uris, sites, reason, purge)
    write_rows(["table", "rows removed"], [(t, done.removed[t]) for t in FORGET_TABLES if done.removed[t]], "table")
    if not done.found.documents:
        click.echo("nothing stored matched; what was named is remembered, so that no run stores it", err=True)
    if done.purged is not None:
        click.echo(
            f"purged: {done.purged.files_rewritten} files rewritten without the removed rows, "
            f"{done.purged.snapshots_expired} older snapshots expired, {done.purged.files_deleted} files deleted, "
            f"{done.pages_removed} validations' Data Docs pages removed (the next run writes its own)",
            err=True,
        )
    else:
        click.echo(
            "forgotten; older snapshots still hold the rows until they expire (`newslake maintain`), or use --purge",
            err=True,
        )


@main.command()
@common_options
@row_format
@click.option(
    "--keep-days",
    type=click.IntRange(min=0),
    default=None,
    help="Expire the snapshots older than this many days (default: lake.keep_snapshots_days).",
)
@click.option(
    "--keep-raw-days",
    type=click.IntRange(min=0),
    default=None,
    help="Drop the raw bytes of documents stored more than this many days ago (default: lake.keep_raw_days).",
)
def maintain(
    lake: Path | None, config_file: Path | None, fmt: str, keep_days: int | None, keep_raw_days: int | None
) -> None:
    """Merge the warehouse's small files, expire old snapshots, delete the files nothing reads.

    Each batch adds a file to every table it writes: a warehouse fed every few minutes gathers
    thousands, and each query opens them all. Validations' Data Docs pages older than the snapshots
    kept go too. A run does all this by itself past lake.maintain_above_files; this command does it now.
    With lake.keep_raw_days (or --keep-raw-days), the raw bytes of older documents are dropped first."""
    settings = load_settings(config_file, lake, {"lake.keep_raw_days": keep_raw_days})
    from datetime import timedelta

    from newslake.flows.ingest import describe_maintenance, remove_old_docs
    from newslake.flows.locks import writer_lock
    from newslake.warehouse.lake import connect
    from newslake.warehouse.maintain import maintain as maintain_lake

    open_reader(settings).close()  # a missing warehouse is said as such, and not created
    keep = timedelta(days=settings.lake.keep_snapshots_days if keep_days is None else keep_days)
    with writer_lock(settings):
        con = connect(settings.location())
        try:
            keep_raw = settings.lake.keep_raw_days
            done = maintain_lake(con, keep, keep_raw=None if keep_raw is None else timedelta(days=keep_raw))
        finally:
            con.close()
        pages = remove_old_docs(settings, keep)
    columns = ["raw_dropped", "files_before", "bytes_before", "files_after", "bytes_after", "files_merged"]
    columns += ["snapshots_expired", "files_deleted"]
    write_rows([*columns, "validation_pages_removed"], [(*(getattr(done, c) for c in columns), pages)], fmt)
    click.echo(f"maintenance: {describe_maintenance(done, pages)}", err=True)


@main.command()
@click.argument("query")
@common_options
@row_format
@click.option(
    "--allow-files",
    is_flag=True,
    help="Let the query read local files (read_csv, read_parquet, ...) outside the warehouse. Still never writes.",
)
def sql(query: str, lake: Path | None, config_file: Path | None, fmt: str, allow_files: bool) -> None:
    """Answer a read-only SQL QUERY from the warehouse (writes are refused)."""
    settings = load_settings(config_file, lake)
    answer_query(settings, query, fmt, allow_files)


def answer_query(settings: Any, query: str, fmt: str, allow_files: bool = False) -> None:
    """Print the answer to a read-only query in the chosen format."""
    import duckdb

    from newslake.warehouse.lake import LakeMissingError
    from newslake.warehouse.query import WriteRefusedError, open_query_connection, run_query

    try:
        con = open_query_connection(settings.location(), allow_files)
    except LakeMissingError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        columns, rows = run_query(con, query)
    except WriteRefusedError as exc:
        raise click.ClickException(str(exc)) from exc
    except duckdb.PermissionException as exc:
        raise click.ClickException(
            "the query tried to read a file outside the warehouse: give --allow-files to allow reading local files"
        ) from exc
    except duckdb.Error as exc:
        raise click.ClickException(f"the query failed: {exc}".splitlines()[0]) from exc
    finally:
        con.close()
    write_rows(columns, rows, fmt)


def show_sample(settings: Any) -> None:
    """Print the sample query's answer. The query is newslake's own, so it reads through the warehouse's
    read-only connection, whose extensions this process has checked already: a connection for users'
    SQL checks both extension files again on every load (about a quarter of a second)."""
    from newslake.warehouse.query import run_query

    con = open_reader(settings)
    try:
        columns, rows = run_query(con, SAMPLE_QUERY)
    finally:
        con.close()
    write_rows(columns, rows, "table")


def progress_mode(flag: bool | None) -> bool | None:
    """Give back how a run shows progress: a bar (True) on a terminal or with --progress, nothing (False)
    with --no-progress, else one plain line per batch (None), for logs and pipes."""
    if flag is None:
        return True if sys.stderr.isatty() else None
    return flag


@main.command()
@click.argument("query")
@common_options
@click.option("--since", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]), default=None, help="Only newer.")
@click.option("--entity", default=None, help="Only articles mentioning this entity (name or alias).")
@click.option("--limit", type=click.IntRange(1, 10_000), default=10, show_default=True)
@row_format
def search(
    query: str,
    lake: Path | None,
    config_file: Path | None,
    since: datetime | None,
    entity: str | None,
    limit: int,
    fmt: str,
) -> None:
    """Find articles matching QUERY, ranked by BM25: title, site, date and a snippet."""
    settings = load_settings(config_file, lake)
    from datetime import UTC

    from newslake.tasks.snippets import make_snippet, query_terms
    from newslake.warehouse.lake import LakeMissingError
    from newslake.warehouse.search import SearchIndexMissingError, search_articles

    try:
        columns, rows = search_articles(
            settings.location(), query, since.replace(tzinfo=UTC) if since else None, entity, limit
        )
    except (LakeMissingError, SearchIndexMissingError) as exc:
        raise click.ClickException(str(exc)) from exc
    terms = query_terms(query)
    shown = ["score", "title", "site_name", "published_at", "snippet", "url", "article_id"]
    out = []
    for row in rows:
        record = dict(zip(columns, row, strict=True))
        record["snippet"] = make_snippet(record.pop("text") or "", terms)
        out.append(tuple(record[c] for c in shown))
    if not out and fmt == "table":
        click.echo(f"no article matches {query!r}", err=True)
    write_rows(shown, out, fmt)


@main.command()
@common_options
@click.option("--format", "fmt", type=click.Choice(["parquet", "csv", "jsonl"]), default="parquet", show_default=True)
@click.option("--to", "target", type=click.Path(path_type=Path, file_okay=False), required=True, help="Folder.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Only rows of this day or later.")
@click.option(
    "--escape-formulas",
    is_flag=True,
    help="CSV for spreadsheets: text starting with =, +, -, @ (a formula to Excel) is written with a leading '.",
)
def export(
    lake: Path | None, config_file: Path | None, fmt: str, target: Path, since: datetime | None, escape_formulas: bool
) -> None:
    """Write every table and view to a folder, atomically: Parquet partitioned by day, CSV or JSON lines."""
    if escape_formulas and fmt != "csv":
        raise click.UsageError("--escape-formulas goes with --format csv: Parquet and JSON lines keep values exact")
    settings = load_settings(config_file, lake)
    from newslake.warehouse.export import export_lake

    con = open_reader(settings)
    try:
        written = export_lake(con, target, fmt, since.date() if since else None, escape_formulas)
    except FileExistsError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        con.close()
    write_rows(
        ["table", "rows", "partitioned by day"],
        [(t.name, t.rows, "yes" if t.partitioned else "") for t in written],
        fmt="table",
    )
    click.echo(f"exported to {target.resolve()} ({fmt})", err=True)


@main.command()
@common_options
@click.option(
    "--out",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("report.html"),
    show_default=True,
    help="The HTML file to write (replaced if it exists).",
)
def report(lake: Path | None, config_file: Path | None, out: Path) -> None:
    """Write a self-contained HTML report: articles, entities, places, quotes, source health and quality."""
    settings = load_settings(config_file, lake)
    from newslake.flows.report import write_report
    from newslake.warehouse.lake import LakeMissingError

    try:
        path = write_report(settings.location(), out)
    except LakeMissingError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"report written to {path}")


@main.command()
@click.argument("infile", type=click.File("r", encoding="utf-8"))
@common_options
@click.option("--model", default=None, help="spaCy pipeline (default: entities.model).")
@click.option("--workers", type=int, default=None, help="Worker processes (default: run.workers).")
def entities(infile: Any, lake: Path | None, config_file: Path | None, model: str | None, workers: int | None) -> None:
    """Find entities in JSON lines {"id", "text"} from INFILE ('-' for stdin); write one JSON line per input
    (a text the model cannot take gives "rejected" and "detail" instead)."""
    settings = load_settings(config_file, lake, {"entities.model": model, "run.workers": workers})
    from newslake.flows.workers import document_workers, entities_for_texts, worker_chunks

    records = []
    for number, line in enumerate(infile, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise click.ClickException(
                f'line {number} is not JSON ({exc.msg}): give one {{"id", "text"}} per line'
            ) from exc
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise click.ClickException(f'line {number}: each input line must be a JSON object with "id" and "text"')
        records.append(record)
    from newslake.tasks.normalize import without_surrogates

    # JSON escapes can name half a character ("\ud83d"): no model output or line could encode it.
    texts = [without_surrogates(r["text"]) for r in records]
    chunks = worker_chunks(list(range(len(texts))), settings.run.workers)
    with document_workers(settings.run.workers, settings.entities.model, settings.run.max_document_bytes) as pool:
        results = pool.map_chunks(entities_for_texts, [[texts[i] for i in chunk] for chunk in chunks])
        spans_by_index = {
            i: spans
            for chunk, found in zip(chunks, results, strict=True)
            for i, spans in zip(chunk, found, strict=True)
        }
    for i, record in enumerate(records):
        spans = spans_by_index.get(i, [])
        given = record.get("id")
        given = without_surrogates(given) if isinstance(given, str) else given
        if isinstance(spans, str):  # a text the model cannot take: one refused line, as `extract` gives
            line = {"id": given, "entities": [], "rejected": "entities_error", "detail": spans}
        else:
            found = [
                {"start": s.start, "end": s.end, "text": s.text, "label": s.label, "canonical": s.canonical}
                for s in spans
            ]
            line = {"id": given, "entities": found}
        click.echo(json.dumps(line, ensure_ascii=False))


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@common_options
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True)
def extract(paths: Sequence[Path], lake: Path | None, config_file: Path | None, fmt: str) -> None:
    """Extract articles from PATHS without loading them: one JSON line per document, refusals included."""
    settings = load_settings(config_file, lake)
    check_paths(paths)
    from newslake.flows.workers import init_worker, process_document
    from newslake.tasks.discover import as_given, discover_files, read_document
    from newslake.tasks.records import Rejection

    init_worker(settings.entities.model, settings.run.max_document_bytes, settings.run.document_timeout)
    for path in discover_files(paths):
        raw = read_document(path, settings.run.max_document_bytes)
        # The run's own per-document step: a page that breaks extraction is one rejected line, not the end.
        processed = raw if isinstance(raw, Rejection) else process_document(raw)
        result = processed if isinstance(processed, Rejection) else (processed.rejection or processed.article)
        record: dict[str, Any] = {"id": as_given(path, paths)}
        if isinstance(result, Rejection):
            record.update(rejected=result.reason, detail=result.detail)
        elif result is not None:
            record.update(
                title=result.title,
                authors=list(result.authors),
                published_at=result.published_at.isoformat() if result.published_at else None,
                published_on=result.published_on.isoformat() if result.published_on else None,
                updated_at=result.updated_at.isoformat() if result.updated_at else None,
                published_at_source=result.published_at_source,
                updated_at_source=result.updated_at_source,
                site_name=result.site_name,
                language=result.language,
                text=result.text,
            )
        click.echo(json.dumps(record, ensure_ascii=False))
