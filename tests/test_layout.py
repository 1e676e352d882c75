"""The shape of the project: import direction, and a README that documents every command, key and table."""

from __future__ import annotations

import ast
from pathlib import Path

import click

from newslake.flows.cli import main
from newslake.flows.settings import CONFIG_KEYS
from newslake.warehouse.migrate import table_names

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


PACKAGES = ("flows", "tasks", "warehouse", "expectations")


def _modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def _imports(path: Path) -> set[str]:
    """The top-level names a module imports, the project's own as `flows`, `tasks`, ... (not `newslake`)."""
    return {module.removeprefix("newslake.").split(".")[0] for module in _modules(path)}


def test_the_project_imports_itself_through_the_newslake_namespace() -> None:
    # The folders install as newslake.flows, newslake.tasks ...: a bare `tasks` works only from the repo.
    for folder in (*PACKAGES, "tests"):
        for path in (REPO / folder).rglob("*.py"):
            bare = {m for m in _modules(path) if m.split(".")[0] in PACKAGES}
            assert not bare, f"{path.relative_to(REPO)} imports {bare} outside the newslake namespace"


def test_tasks_import_neither_flows_nor_warehouse_nor_orchestration() -> None:
    for path in (REPO / "tasks").glob("*.py"):
        forbidden = _imports(path) & {"flows", "warehouse", "prefect", "duckdb"}
        assert not forbidden, f"{path.name} imports {forbidden}"
        source = path.read_text(encoding="utf-8")
        assert "os.environ" not in source and "getenv" not in source, f"{path.name} reads the environment"


def test_warehouse_does_not_import_flows() -> None:
    for path in (REPO / "warehouse").rglob("*.py"):
        assert "flows" not in _imports(path), path.name


def test_the_cli_reference_is_current_and_lists_every_command() -> None:
    from newslake.flows.reference import cli_reference

    reference = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert reference == cli_reference(), "docs/cli.md is out of date: run `make docs`"
    assert isinstance(main, click.Group)
    for name in main.commands:
        assert f"## newslake {name}" in reference, name


def test_the_config_reference_is_current_and_lists_every_key_and_env_variable() -> None:
    from newslake.flows.reference import config_reference

    reference = (REPO / "docs" / "config.md").read_text(encoding="utf-8")
    assert reference == config_reference(), "docs/config.md is out of date: run `make docs`"
    for key, variable in CONFIG_KEYS.items():
        assert f"`{key}`" in reference, key
        assert variable in reference, variable


def test_the_data_dictionary_describes_every_table() -> None:
    dictionary = (REPO / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    for table in table_names():
        assert f"## {table}\n" in dictionary, table


def test_the_readme_is_a_user_guide_that_links_the_references() -> None:
    assert len(README.splitlines()) <= 300
    for doc in ("docs/cli.md", "docs/config.md", "docs/data-dictionary.md", "docs/extraction.md"):
        assert f"({doc})" in README, doc
        assert (REPO / doc).exists(), doc


def test_readme_starts_with_the_two_commands() -> None:
    head = README[:600]
    assert "make run" in head and "make test" in head
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci


def test_only_the_fetch_module_touches_the_network() -> None:
    for folder in ("tasks", "flows", "warehouse"):
        for path in (REPO / folder).glob("*.py"):
            network = _imports(path) & {"httpx", "socket", "urllib3", "requests"}
            if path.name == "prefect_server.py":
                # The local Prefect server: binds a loopback port to find a free one, nothing more.
                network -= {"socket"}
            if path.name == "cluster.py":
                # The configured Dask scheduler: one connection to see that it listens, nothing more.
                network -= {"socket"}
            if path.name == "warm.py":
                # The warm process: a Unix socket in a folder only this user can open; no network.
                network -= {"socket"}
            if path.name == "notify.py":
                # The webhook the team configured, posted to at a run's end: an address of their own
                # choosing (an internal chat server is fine), never one a page or a feed gave.
                network -= {"httpx"}
            if path.name != "fetch.py":
                assert not network, f"{folder}/{path.name} imports {network}"


def test_the_article_day_is_defined_once_in_a_staging_view() -> None:
    # Views, the export and the report join article_days; only an article version's own day is apart.
    defining = {
        str(path.relative_to(REPO))
        for path in (REPO / "warehouse").rglob("*")
        if path.suffix in (".sql", ".py") and "migrations" not in path.parts
        if "coalesce(published_on" in path.read_text(encoding="utf-8").replace("a.published_on", "published_on")
    }
    assert defining == {"warehouse/views/article_days.sql", "warehouse/export.py"}
    assert (REPO / "warehouse" / "export.py").read_text(encoding="utf-8").count("coalesce(published_on") == 1
