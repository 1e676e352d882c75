"""docs/data-dictionary.md covers every table, view and column, and matches the schema."""

from __future__ import annotations

from pathlib import Path

import pytest

from newslake.warehouse.dictionary import MissingDescriptionError, read_descriptions, read_schema, render_dictionary

REPO = Path(__file__).resolve().parents[2]


def test_the_data_dictionary_is_current() -> None:
    expected = render_dictionary(read_schema(), read_descriptions())
    committed = (REPO / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert committed == expected, "docs/data-dictionary.md is stale: run `make docs` and commit it"


def test_an_undescribed_column_is_named() -> None:
    schema = {"articles": [("title", "VARCHAR"), ("brand_new", "INTEGER")]}
    with pytest.raises(MissingDescriptionError, match=r"articles\.brand_new"):
        render_dictionary(schema, read_descriptions())
