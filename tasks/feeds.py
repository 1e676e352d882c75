"""Read RSS, Atom and JSON Feed documents into listed items."""

from __future__ import annotations

import calendar
import json
import time
from datetime import UTC, datetime
from typing import Any

import feedparser

from newslake.tasks.records import ListedItem, ListingError
from newslake.tasks.sitemaps import gunzip_listing, parse_w3c_datetime, parse_xml


def parse_feed(content: bytes) -> list[ListedItem]:
    """Give back the items of an RSS, Atom or JSON Feed, newest change date first where given."""
    content = gunzip_listing(content).lstrip(b"\xef\xbb\xbf \t\r\n")
    if content.startswith(b"{"):
        return parse_json_feed(content)
    try:
        parse_xml(content, allow_doctype=True)  # refuses entity declarations before feedparser sees them
    except ListingError as exc:
        if exc.reason == "unsafe_xml":
            raise
        # Not well-formed: feedparser's lenient parser still reads many broken feeds.
    parsed = feedparser.parse(content, sanitize_html=False, resolve_relative_uris=False)
    if not parsed.entries:
        if parsed.get("bozo") and not parsed.get("feed"):
            raise ListingError("unparseable_feed", f"not an RSS or Atom feed: {parsed.get('bozo_exception')}")
        return []
    return [item for item in map(_feed_item, parsed.entries) if item is not None]


def _feed_item(entry: Any) -> ListedItem | None:
    link = entry.get("link") or next(
        (ln.get("href") for ln in entry.get("links", []) if ln.get("rel") == "alternate"), None
    )
    if not link and str(entry.get("id", "")).startswith(("http://", "https://")):
        link = entry["id"]
    if not link:
        return None
    # dict.get: feedparser's own get maps updated to published with a deprecation warning.
    stamp = dict.get(entry, "updated_parsed") or dict.get(entry, "published_parsed")
    return ListedItem(str(link).strip(), _from_struct(stamp), entry.get("title"))


def _from_struct(stamp: time.struct_time | None) -> datetime | None:
    if stamp is None:
        return None
    return datetime.fromtimestamp(calendar.timegm(stamp), UTC)


def parse_json_feed(content: bytes) -> list[ListedItem]:
    """Give back the items of a JSON Feed (https://jsonfeed.org)."""
    try:
        data = json.loads(content)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ListingError("unparseable_feed", f"not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith("https://jsonfeed.org/version/"):
        raise ListingError("unparseable_feed", "JSON without a jsonfeed.org version is not a JSON Feed")
    items = []
    for entry in data.get("items") or []:
        if not isinstance(entry, dict):
            continue
        link = entry.get("url") or entry.get("external_url")
        if not link and str(entry.get("id", "")).startswith(("http://", "https://")):
            link = entry["id"]
        if isinstance(link, str) and link.strip():
            modified = parse_w3c_datetime(entry.get("date_modified")) or parse_w3c_datetime(entry.get("date_published"))
            items.append(ListedItem(link.strip(), modified, entry.get("title")))
    return items
