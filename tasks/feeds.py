"""Read RSS, Atom and JSON Feed documents into listed items."""

from __future__ import annotations

import calendar
import json
import re
import time
from datetime import UTC, datetime
from typing import Any

import feedparser

from newslake.tasks.normalize import without_surrogates
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
    try:
        parsed = feedparser.parse(
            _SURROGATE_REFERENCE.sub(_replacement_reference, content), sanitize_html=False, resolve_relative_uris=False
        )
    except Exception as exc:  # feedparser's lenient parser raises on what it cannot read
        raise ListingError("unparseable_feed", f"the feed cannot be read: {type(exc).__name__}: {exc}") from exc
    if not parsed.entries:
        if parsed.get("bozo") and not parsed.get("feed"):
            raise ListingError("unparseable_feed", f"not an RSS or Atom feed: {parsed.get('bozo_exception')}")
        return []
    return [item for item in map(_feed_item, parsed.entries) if item is not None]


# A numeric character reference: feedparser's lenient parser raises on one that names a surrogate
# ("&#55357;", half an emoji), and ended the run with it.
_SURROGATE_REFERENCE = re.compile(rb"&#(\d{1,7}|[xX][0-9a-fA-F]{1,6});")


def _replacement_reference(match: re.Match[bytes]) -> bytes:
    """Give back a character reference to a surrogate as one to U+FFFD; any other as it is."""
    number = match.group(1)
    code = int(number[1:], 16) if number[:1] in (b"x", b"X") else int(number)
    return b"&#65533;" if 0xD800 <= code <= 0xDFFF else match.group(0)


def _listed(link: str, modified: datetime | None, title: Any) -> ListedItem:
    """Give back a listed item whose link and title can be written: JSON escapes and character
    references can name half a character (`without_surrogates`)."""
    return ListedItem(without_surrogates(link), modified, without_surrogates(title) if isinstance(title, str) else None)


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
    return _listed(str(link).strip(), _from_struct(stamp), entry.get("title"))


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
            items.append(_listed(link.strip(), modified, entry.get("title")))
    return items
