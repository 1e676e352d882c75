"""`newslake config`: the settings in effect, where each comes from, and checks that they work here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from newslake.flows.settings import CONFIG_KEYS, Settings


@dataclass(frozen=True)
class Check:
    """One thing `newslake config --check` tried, and how it went."""

    what: str
    ok: bool
    detail: str


def setting_rows(settings: Settings, origins: dict[str, str]) -> list[tuple[str, str, str, str]]:
    """Give back (key, value, origin, environment variable) for every config key, the values as the
    settings' JSON writes them (secrets masked)."""
    dumped = settings.model_dump(mode="json")
    rows = []
    for key, variable in CONFIG_KEYS.items():
        section, name = key.split(".", 1)
        rows.append((key, _shown(dumped[section][name]), origins.get(key, "default"), variable))
    return rows


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"  # as the config file writes it
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def run_checks(settings: Settings) -> list[Check]:
    """Try what the settings name, without running anything: the warehouse, the Prefect server, the
    entity models, the team's own suites."""
    return [_warehouse(settings), _prefect(settings), *_models(settings), *_suites(settings)]


def _prefect(settings: Settings) -> Check:
    from prefect.settings import get_current_settings

    from newslake.flows.prefect_server import configured_server_problem

    url = get_current_settings().api.url  # PREFECT_API_URL, or the active Prefect profile
    if not url:
        local = {"shared": "a local server newslake starts once and keeps", "temporary": "a server per command"}
        where = local.get(settings.run.prefect_server, settings.run.prefect_server)
        return Check("prefect", True, f"no PREFECT_API_URL: runs go to {where} (run.prefect_server)")
    problem = configured_server_problem(str(url))
    return Check("prefect", problem is None, problem or f"the server at {url} answers")


def _warehouse(settings: Settings) -> Check:
    from newslake.warehouse.lake import LakeMissingError, LakeUnreachableError, connect

    location = settings.location()
    try:
        con = connect(location, read_only=True)
    except LakeUnreachableError as exc:  # before its base class: the catalog's server does not answer
        return Check("warehouse", False, str(exc))
    except LakeMissingError:
        return Check("warehouse", True, f"{location.describe()}: not created yet; the first run creates it")
    try:
        return Check("warehouse", True, f"{location.describe()}: opens")
    finally:
        con.close()


def _models(settings: Settings) -> list[Check]:
    from spacy import util

    from newslake.flows.workers import model_language, model_names

    checks = []
    for name in model_names(settings.entities.model):
        installed = util.is_package(name)
        detail = f"reads {model_language(name)}" if installed else "not installed in this environment"
        checks.append(Check(f"entity model {name}", installed, detail))
    return checks


def _suites(settings: Settings) -> list[Check]:
    from newslake.tasks.validate import suite_problem

    checks = []
    for suite in settings.quality.local_suites:
        problem = suite_problem(suite)
        detail = problem or f"{len(suite['expectations'])} expectations on the {suite['meta']['table']} rows"
        checks.append(Check(f"suite {suite['meta']['file']}", problem is None, detail))
    return checks
