"""The command-line and configuration references, generated from the code that defines them.

`python -m flows.reference docs/` writes docs/cli.md (from the click commands) and docs/config.md (from
the settings' fields and their descriptions); `make docs` runs it, and a test fails when either file is
out of date, so the references never drift from the code.
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path
from typing import Any

import click

from newslake.flows.cli import main
from newslake.flows.settings import CONFIG_KEYS, LIST_KEYS, SECTIONS, SourceConfig

CLI_FILE = "cli.md"
CONFIG_FILE = "config.md"


def cli_reference() -> str:
    """Give back docs/cli.md: every command with its usage, help and options."""
    out = [
        "# Command line reference",
        "",
        "Generated from the commands by `make docs`; a test fails when it is out of date.",
        "Every command takes `--lake DIR` (or `NEWSLAKE_LAKE`) and `--config FILE` (or `NEWSLAKE_CONFIG`).",
        "",
    ]
    assert isinstance(main, click.Group)
    for name in sorted(main.commands):
        command = main.commands[name]
        context = click.Context(command, info_name=f"newslake {name}")
        usage = " ".join(command.collect_usage_pieces(context)).strip()
        out += [f"## newslake {name}", "", "```text", f"newslake {name} {usage}", "```", ""]
        out += [inspect.cleandoc(command.help or ""), ""]
        rows = [_option_row(p, context) for p in command.params if isinstance(p, click.Option)]
        if rows:
            out += ["| option | meaning |", "| --- | --- |", *rows, ""]
    return "\n".join(out).rstrip() + "\n"


def _option_row(option: click.Option, context: click.Context) -> str:
    record = option.get_help_record(context)
    names, meaning = record if record else ("/".join(option.opts), "")
    return f"| `{_cell(names)}` | {_cell(meaning)} |"


def config_reference() -> str:
    """Give back docs/config.md: every config key with its environment variable, default and meaning."""
    out = [
        "# Configuration reference",
        "",
        "Generated from the settings by `make docs`; a test fails when it is out of date.",
        "Settings resolve once per command: defaults, then the config file (`./newslake.toml`, or",
        "`--config` / `NEWSLAKE_CONFIG`), then `NEWSLAKE_*` environment variables, then command-line flags.",
        "List settings are comma-separated in the environment. Sources are `[[sources]]` tables (below).",
        "",
        "| config key | environment | default | meaning |",
        "| --- | --- | --- | --- |",
    ]
    for key, variable in CONFIG_KEYS.items():
        section, name = key.split(".", 1)
        field = SECTIONS[section].model_fields[name]
        env = f"`{variable}`" + (" (comma-separated)" if key in LIST_KEYS else "")
        out.append(f"| `{key}` | {env} | {_default(field.default)} | {_cell(field.description or '')} |")
    out += ["", "## Sources", "", "| key | meaning |", "| --- | --- |"]
    for name, field in SourceConfig.model_fields.items():
        out.append(f"| `{name}` | {_cell(field.description or '')} |")
    return "\n".join(out) + "\n"


def _default(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, tuple):
        if not value:
            return "none"
        return f"{len(value)} values" if len(value) > 3 else "`" + ", ".join(map(str, value)) + "`"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return f"`{value}`"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def write_references(folder: Path) -> list[Path]:
    """Write both references into folder; give back their paths."""
    written = []
    for name, text in ((CLI_FILE, cli_reference()), (CONFIG_FILE, config_reference())):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_references(Path(sys.argv[1] if len(sys.argv) > 1 else "docs")):
        print(f"wrote {path}")
