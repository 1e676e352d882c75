"""Great Expectations suites, kept as data: one JSON file per suite in this folder, and a team's own
suites in a folder of theirs (`quality.suites_dir`), checked here before any run uses them."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

# The columns each suite's rows have (flows/quality.py builds them), by the table the suite checks.
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "documents": ("doc_id", "source_uri", "kind", "byte_size"),
    "articles": (
        "article_id",
        "doc_id",
        "source_uri",
        "title",
        "text",
        "word_count",
        "published_at",
        "language",
        "url",
        "site_name",
        "authors",
        "author_count",
        "description",
        "published_on",
        "published_at_source",
        "updated_at",
        "canonical_url",
        "image_url",
        "categories",
        "tags",
    ),
    "entities": ("key", "article_id", "entity_id", "name", "label", "mention_count"),
    "links": ("key", "article_id", "url", "anchor_text"),
    "runs": ("run_id", "documents_processed", "articles_loaded", "quarantine_share"),
}
# The values a suite's `{"$PARAMETER": NAME}` may take (flows/quality.py gives them from the settings).
PARAMETERS = (
    "min_words",
    "title_min_length",
    "title_max_length",
    "earliest_published_at",
    "latest_published_at",
    "language_codes",
    "boilerplate_regex",
    "max_document_bytes",
    "entity_labels",
    "max_quarantine_share",
)
SEVERITIES = ("error", "warn")
# A team's suite is named after its file with this in front, apart from the suites shipped here.
LOCAL_PREFIX = "local."
_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$")
_COLUMN_KWARGS = ("column", "column_A", "column_B")


class SuiteError(ValueError):
    """Raised when a team's suite cannot be used; the message names the file and what is wrong."""


def load_suite(name: str) -> dict[str, Any]:
    """Give back the suite stored as expectations/<name>.json."""
    text = (resources.files("newslake.expectations") / f"{name}.json").read_text(encoding="utf-8")
    suite: dict[str, Any] = json.loads(text)
    return suite


def read_local_suites(folder: Path) -> tuple[dict[str, Any], ...]:
    """Give back the suites of a team's folder, checked: every `<table>.json` or `<table>.<anything>.json`
    in it, in GX's JSON form, each run on that table's rows after the shipped suite. Other files are left
    alone. Raise SuiteError for a folder or a suite that cannot be used as it is."""
    if not folder.is_dir():
        raise SuiteError(f"{folder} is not a folder of suites")
    suites = []
    taken: dict[str, set[str]] = {}  # by table: the names of the expectations read so far
    for path in sorted(folder.glob("*.json")):
        if path.name.startswith("."):
            continue
        table = path.name.split(".", 1)[0]
        if table not in TABLE_COLUMNS:
            raise SuiteError(f"{path}: the file name must start with the table it checks: {', '.join(TABLE_COLUMNS)}")
        names = taken.setdefault(table, {e["meta"]["name"] for e in load_suite(table)["expectations"]})
        suites.append(_local_suite(path, table, names))
    return tuple(suites)


def _local_suite(path: Path, table: str, names: set[str]) -> dict[str, Any]:
    """Read one suite file of the table, adding its expectations' names to those taken."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SuiteError(f"{path}: not readable as JSON ({exc})") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("expectations"), list) or not raw["expectations"]:
        raise SuiteError(f'{path}: a suite is a JSON object with a non-empty "expectations" list')
    expectations = []
    for number, expectation in enumerate(raw["expectations"], 1):
        problem = _expectation_problem(expectation, table, names)
        if problem:
            raise SuiteError(f"{path}: expectation {number}: {problem}")
        names.add(expectation["meta"]["name"])
        expectations.append(
            {
                "type": expectation["type"],
                "kwargs": expectation.get("kwargs") or {},
                "meta": {"severity": "error", **expectation["meta"]},
            }
        )
    own_meta = raw.get("meta")
    return {
        "name": LOCAL_PREFIX + path.name.removesuffix(".json"),
        "meta": {**(own_meta if isinstance(own_meta, dict) else {}), "table": table, "file": str(path)},
        "expectations": expectations,
    }


def _expectation_problem(expectation: Any, table: str, taken: set[str]) -> str | None:
    """Say what makes one expectation of a team's suite unusable, or give back None."""
    if not isinstance(expectation, dict) or not isinstance(expectation.get("type"), str):
        return 'each expectation is an object with a "type" (e.g. "expect_column_values_to_not_be_null")'
    kwargs = expectation.get("kwargs", {})
    if not isinstance(kwargs, dict):
        return '"kwargs" must be an object'
    meta = expectation.get("meta")
    if not isinstance(meta, dict):
        meta = {}
    name = meta.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        return (
            'give it a "meta": {"name": ...} of letters, digits, "_", "." or "-": a refused row\'s reason is '
            '"expectation_failed:<name>"'
        )
    if name in taken:
        return f"the name {name} is taken by another expectation of the {table} suites"
    if meta.get("severity", "error") not in SEVERITIES:
        severity = meta["severity"]
        return f'"severity" is "error" (refuse the row) or "warn" (load it, record the failure), not {severity!r}'
    columns = [kwargs[key] for key in _COLUMN_KWARGS if key in kwargs]
    if isinstance(kwargs.get("column_list"), list):
        columns += kwargs["column_list"]
    unknown = [c for c in columns if c not in TABLE_COLUMNS[table]]
    if unknown:
        return f"no column {unknown[0]!r} in the {table} rows; they have {', '.join(TABLE_COLUMNS[table])}"
    for value in kwargs.values():
        if isinstance(value, dict) and "$PARAMETER" in value and value["$PARAMETER"] not in PARAMETERS:
            return f"no parameter {value['$PARAMETER']!r}; the parameters are {', '.join(PARAMETERS)}"
    patterns = [kwargs["regex"]] if isinstance(kwargs.get("regex"), str) else []
    patterns += [p for p in kwargs.get("regex_list") or [] if isinstance(p, str)]
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            # Great Expectations would only fail the expectation on every batch, refusing no row.
            return f"the regex {pattern!r} does not compile ({exc})"
    return None
