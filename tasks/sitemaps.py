"""Read XML sitemaps (index, URL set, news sitemaps) and plain-text sitemaps into listed items."""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from newslake.tasks.records import ListedItem, ListingError

_MAX_UNZIPPED = 50_000_000  # the sitemap protocol's own limit is 50 MB uncompressed


@dataclass(frozen=True)
class Sitemap:
    """A parsed sitemap: pages it lists, and child sitemaps when it is a sitemap index."""

    pages: tuple[ListedItem, ...] = ()
    children: tuple[ListedItem, ...] = ()


def parse_xml(content: bytes, allow_doctype: bool = False) -> Element:
    """Give back the XML document's root; entity declarations and external references are refused (and
    DOCTYPEs unless allowed), so an entity-expansion bomb never expands."""
    try:
        root: Element = fromstring(content, forbid_dtd=not allow_doctype, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise ListingError("unsafe_xml", f"the XML declares a DTD or entities, which are refused: {exc}") from exc
    except ParseError as exc:
        raise ListingError("unparseable_xml", f"not well-formed XML: {exc}") from exc
    return root


def gunzip_listing(content: bytes) -> bytes:
    """Give back the bytes, decompressed when gzip-compressed (at most 50 MB)."""
    if not content.startswith(b"\x1f\x8b"):
        return content
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        unzipped = inflater.decompress(content, _MAX_UNZIPPED + 1)
    except (zlib.error, gzip.BadGzipFile) as exc:
        raise ListingError("corrupt_gzip", f"the compressed listing cannot be read: {exc}") from exc
    if len(unzipped) <= _MAX_UNZIPPED and not inflater.eof:
        raise ListingError("corrupt_gzip", "the compressed listing is truncated")
    if len(unzipped) > _MAX_UNZIPPED:
        raise ListingError("too_large", f"the sitemap is over {_MAX_UNZIPPED} bytes uncompressed")
    return unzipped


def parse_sitemap(content: bytes) -> Sitemap:
    """Give back the pages or child sitemaps a sitemap lists, with their modification dates."""
    content = gunzip_listing(content).lstrip(b"\xef\xbb\xbf \t\r\n")
    if not content.startswith(b"<"):
        return Sitemap(pages=tuple(_text_sitemap(content)))
    root = parse_xml(content)
    kind = _local(root.tag)
    if kind == "sitemapindex":
        return Sitemap(children=tuple(_entries(root, "sitemap")))
    if kind == "urlset":
        return Sitemap(pages=tuple(_entries(root, "url")))
    raise ListingError("not_a_sitemap", f"the root element is <{kind}>, not <urlset> or <sitemapindex>")


def _text_sitemap(content: bytes) -> list[ListedItem]:
    lines = content.decode("utf-8", errors="replace").splitlines()
    return [ListedItem(line.strip()) for line in lines if line.strip().startswith(("http://", "https://"))]


def _entries(root: Element, tag: str) -> list[ListedItem]:
    items = []
    for entry in root:
        if _local(entry.tag) != tag:
            continue
        fields = {_local(child.tag): child for child in entry.iter()}
        loc = (fields["loc"].text or "").strip() if "loc" in fields else ""
        if not loc:
            continue
        modified = parse_w3c_datetime(_text(fields.get("lastmod"))) or parse_w3c_datetime(
            _text(fields.get("publication_date"))
        )
        items.append(ListedItem(loc, modified, _text(fields.get("title"))))
    return items


def parse_w3c_datetime(value: str | None) -> datetime | None:
    """Give back a W3C/ISO 8601 date or datetime in UTC (dates are midnight UTC), or None."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _text(element: Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    return element.text.strip() or None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
