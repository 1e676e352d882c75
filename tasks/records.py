"""Frozen records that flow between the pipeline stages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")


def count_words(text: str) -> int:
    """Give back the number of words: whitespace-separated tokens, or CJK characters where there are any."""
    cjk = len(_CJK.findall(text))
    return max(len(text.split()), cjk)


# Where in the pipeline a document was refused.
Stage = Literal["discover", "listing", "fetch", "normalize", "extract", "entities", "validate", "load"]


@dataclass(frozen=True)
class RawDocument:
    """Bytes of one document as found at a source, identified by the sha256 of those bytes."""

    doc_id: str
    source_uri: str
    content: bytes | None  # None when the document is over the size limit and was not read
    discovered_at: datetime
    byte_size: int
    fetch: FetchInfo | None = None  # set for documents fetched over HTTP


@dataclass(frozen=True)
class Rejection:
    """Why a document did not become an article: a stage, a stable reason code and a detail."""

    doc_id: str
    source_uri: str
    stage: Stage
    reason: str
    detail: str


@dataclass(frozen=True)
class NormalizedDocument:
    """A decoded, unescaped and classified document, ready for extraction."""

    doc_id: str
    source_uri: str
    kind: str  # html | escaped_html | text
    encoding: str
    body: str
    # Plain-text lines found before the markup of an escaped page (banner, title lines).
    preamble: tuple[str, ...] = ()


@dataclass(frozen=True)
class Link:
    """One hyperlink found in an article body."""

    url: str
    anchor_text: str


@dataclass(frozen=True)
class Article:
    """A clean article extracted from one document."""

    doc_id: str
    source_uri: str
    title: str | None
    text: str
    url: str | None = None
    canonical_url: str | None = None
    site_name: str | None = None
    authors: tuple[str, ...] = ()
    published_at: datetime | None = None
    updated_at: datetime | None = None
    # Where each date came from: json-ld, meta, url or page (htmldate's search of the page).
    published_at_source: str | None = None
    updated_at_source: str | None = None
    language: str | None = None
    description: str | None = None
    headings: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    image_url: str | None = None
    links: tuple[Link, ...] = ()
    # The publication day in the publisher's own time zone (published_at may be written in UTC).
    published_on: date | None = None
    # What kind of page it came from (tasks/pagetype.py: article, listing, login, ...) and why.
    page_kind: str = "article"
    page_evidence: str = ""
    # The entity model that read the text, or why none did (no model for the article's language).
    entities_model: str | None = None
    entities_skipped: str | None = None

    @property
    def word_count(self) -> int:
        """Words in the text; in scripts written without spaces (Chinese, Japanese) each character counts."""
        return count_words(self.text)


@dataclass(frozen=True)
class Mention:
    """All mentions of one entity in one article."""

    name: str
    label: str
    surface_forms: tuple[str, ...]
    count: int
    first_offset: int
    country_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class EntitySpan:
    """One mention of an entity: character offsets into the article text, label and resolved name."""

    start: int
    end: int
    text: str
    label: str
    canonical: str


@dataclass(frozen=True)
class Quote:
    """A direct quotation and the entity the text says spoke it."""

    start: int  # offset of the quoted words in the article text
    end: int
    text: str
    speaker: str  # canonical name of the speaker
    speaker_label: str
    verb: str


@dataclass(frozen=True)
class ProcessedDocument:
    """What the document stage gives back: the normalized kind and either an article or a rejection."""

    doc_id: str
    source_uri: str
    kind: str
    encoding: str | None
    article: Article | None = None
    mentions: tuple[Mention, ...] = ()
    spans: tuple[EntitySpan, ...] = ()
    quotes: tuple[Quote, ...] = ()
    rejection: Rejection | None = None
    ner_model: str | None = None


@dataclass(frozen=True)
class FetchInfo:
    """How a document was fetched over HTTP: kept with the document as its provenance."""

    status: int
    final_url: str
    fetched_at: datetime
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ListedItem:
    """One page a feed, sitemap or URL list points to, with the change date the listing gives."""

    url: str
    modified_at: datetime | None = None
    title: str | None = None


class ListingError(ValueError):
    """Raised when a feed or sitemap cannot be read; reason is a stable code, detail says what was seen."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
