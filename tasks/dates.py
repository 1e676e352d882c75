"""Publication and update dates from a page's own statements, with where each came from.

Sources, strongest first: the article's JSON-LD (datePublished, dateModified), then meta tags
(article:published_time, article:modified_time, ...), then the extractor's date found in the URL or the
page text. A date keeps the UTC offset the page wrote, so its calendar day is the publisher's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

_PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "date_published",
    "publishdate",
    "publish-date",
    "pubdate",
    "dc.date.issued",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
)
_MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "last-modified", "dcterms.modified")
_URL_DATE = re.compile(r"/(\d{4})[/-](\d{1,2})[/-](\d{1,2})(?:/|[-_]|$)")


@dataclass(frozen=True)
class DateClaims:
    """The dates a page states about itself, with their sources (json-ld or meta)."""

    published: datetime | None = None
    published_source: str | None = None
    modified: datetime | None = None
    modified_source: str | None = None


def read_date_claims(article: dict[str, Any], metas: dict[str, str]) -> DateClaims:
    """Give back the publication and update dates a page states in its JSON-LD article object or its
    meta tags (by lower-case name)."""
    published, published_source = _first(
        [(article.get("datePublished"), "json-ld"), *((metas.get(k), "meta") for k in _PUBLISHED_META)]
    )
    modified, modified_source = _first(
        [(article.get("dateModified"), "json-ld"), *((metas.get(k), "meta") for k in _MODIFIED_META)]
    )
    return DateClaims(published, published_source, modified, modified_source)


def choose_published(claims: DateClaims, found: datetime | None, url: str | None) -> tuple[datetime | None, str | None]:
    """Give back the publication date and its source: the page's claim, else the extractor's date
    (from the URL when the URL holds that day, else from the text)."""
    if claims.published is not None:
        return claims.published, claims.published_source
    if found is None:
        return None, None
    match = _URL_DATE.search(url or "")
    if match and tuple(map(int, match.groups())) == (found.year, found.month, found.day):
        return found, "url"
    return found, "text"


def choose_updated(claims: DateClaims, published: datetime | None) -> tuple[datetime | None, str | None]:
    """Give back the update date and its source; an update stamped before publication is ignored."""
    if claims.modified is None or (published is not None and claims.modified < published):
        return None, None
    return claims.modified, claims.modified_source


def parse_timestamp(value: object) -> datetime | None:
    """Give back an ISO 8601 date or datetime, keeping its UTC offset (UTC when it has none), or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00")
    text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text)  # +0100 -> +01:00
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if not 1900 <= parsed.year <= 2100:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _first(candidates: list[tuple[object, str]]) -> tuple[datetime | None, str | None]:
    for value, source in candidates:
        parsed = parse_timestamp(value)
        if parsed is not None:
            return parsed, source
    return None, None
