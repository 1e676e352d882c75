"""Stable identifiers for articles and entities."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib.metadata import version


def article_id_for(key: str) -> str:
    """Give back the article id for an identity key: the canonical URL, else the first source URI."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


@lru_cache(maxsize=65536)  # every mention of a batch asks again for the same few hundred entities
def entity_id_for(name: str, label: str) -> str:
    """Give back the entity id for a canonical name and label; case and spacing do not matter."""
    key = f"{label}\x00{' '.join(name.split()).casefold()}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


@lru_cache(maxsize=1)
def extractor_version() -> str:
    """Give back the version stamp stored with every extracted article."""
    return f"newslake-extract/1 trafilatura/{version('trafilatura')}"
