"""Publication and update dates from a page's own statements, with where each came from.

Sources, strongest first: the article's JSON-LD (datePublished, dateModified), then meta tags
(article:published_time, article:modified_time, ...); a page without either gets the day in its URL,
its first `<time datetime>`, the day it shows its readers (htmldate's search of the page without its
meta tags, comments and scripts) or htmldate's search of the whole page (see `page_day`). A date
keeps the UTC offset the page wrote, and the publication day is the publisher's own: a stamp written
in UTC is read on the day the page itself shows when that is the day a time zone puts it on.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from copy import deepcopy
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from html import escape
from typing import Any

import htmldate
from lxml.etree import Comment
from lxml.html import fromstring

from newslake.tasks.labels import in_fact_sheet, short_text

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
_UTC_SUFFIX = re.compile(r"(?:Z|[+-]00:?00)\s*$", re.IGNORECASE)
# A timestamp with its UTC offset: 2019-11-20T06:51:55-05:00, 2020-01-20T09:49:32+0000.
_OFFSET_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?[+-]\d\d:?\d\d\b")
# The same in the e-mail and feed form (RFC 2822): "Fri, 01 May 2020 23:00:00 -0400".
_MAIL_STAMP = re.compile(
    r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d(?::\d\d)? [+-]\d{4}\b"
)
_URL_DATE = re.compile(r"/(\d{4})[/-](\d{1,2})[/-](\d{1,2})(?:/|[-_]|$)")


@dataclass(frozen=True)
class DateClaims:
    """The dates a page states about itself, with their sources (json-ld or meta)."""

    published: datetime | None = None
    published_source: str | None = None
    modified: datetime | None = None
    modified_source: str | None = None
    # The publication claim was written in UTC ("Z", "+00:00"), not in the publisher's own time.
    published_in_utc: bool = False
    # Publication claims of another source that name another day (meta beside JSON-LD), with sources.
    published_elsewhere: tuple[tuple[datetime, str], ...] = ()


def read_date_claims(article: dict[str, Any], metas: dict[str, str]) -> DateClaims:
    """Give back the publication and update dates a page states in its JSON-LD article object or its
    meta tags (by lower-case name)."""
    candidates = [(article.get("datePublished"), "json-ld"), *((metas.get(k), "meta") for k in _PUBLISHED_META)]
    claims = [(moment, source, str(value)) for value, source in candidates if (moment := parse_timestamp(value))]
    published, published_source, written = claims[0] if claims else (None, None, "")
    modified, modified_source, _ = _first(
        [(article.get("dateModified"), "json-ld"), *((metas.get(k), "meta") for k in _MODIFIED_META)]
    )
    in_utc = bool(_UTC_SUFFIX.search(written))
    # The first claim of each other source, when it names another day than the claim taken.
    firsts: dict[str, datetime] = {}
    for moment, source, _ in claims:
        firsts.setdefault(source, moment)
    others = tuple(
        (moment, source)
        for source, moment in firsts.items()
        if published is not None and source != published_source and moment.date() != published.date()
    )
    return DateClaims(published, published_source, modified, modified_source, in_utc, others)


@dataclass(frozen=True)
class Published:
    """When a page was published: the moment (None when the page gives none), the publisher's own
    calendar day, and where the date came from (json-ld, meta, url or page)."""

    at: datetime | None = None
    day: date | None = None
    source: str | None = None


def search_page_date(tree: Any, url: str | None) -> date | None:
    """Give back the publication day htmldate's extensive search finds in a parsed page (which it does
    not change), or None. A bare year is not a date: htmldate gives January 1st for a page that states
    only a year ("© 2016"), so that day counts only when the page writes it out."""
    htmldate_log = logging.getLogger("htmldate")
    level = htmldate_log.level
    htmldate_log.setLevel(logging.CRITICAL)  # it logs every odd date it meets
    try:
        found = htmldate.find_date(tree, extensive_search=True, original_date=True, url=url)
    except (ValueError, TypeError):
        return None
    finally:
        htmldate_log.setLevel(level)
    day = date.fromisoformat(found) if found else None
    if day is not None and (day.month, day.day) == (1, 1) and not _writes_new_year(tree, day.year):
        return None
    return day


def page_day(tree: Any, claims: DateClaims, url: str | None) -> date | None:
    """Give back the day the page itself gives (for `choose_published`), or None when its claim needs none.

    Without a claim of the article's own, that is the day its URL holds, else the day of the page's
    first `<time datetime>`, else the day after a publication label ("Datum:", "Written:"), else the
    day written beside the headline, else the day the page shows its readers (JSON-LD of other
    objects kept),
    else htmldate's reading of the whole page: a generic `<meta name="date">` is often the day a page
    was rebuilt, and htmldate's search takes the oldest of a list of related stories' dates. A claim
    written in UTC is read by a `<time>` restating its moment, else in the time zone of the page's
    other timestamps, else by the day shown; claims that disagree are decided by the day shown."""
    stated = claims.published
    if stated is None:
        return (
            url_day(url)
            or first_time_day(tree)
            or labelled_day(tree)
            or headline_day(tree)
            or shown_day(tree, url, json_ld=True)
            or search_page_date(tree, url)
        )
    if claims.published_in_utc and (day := local_day(tree, stated)):
        return day
    # Claims that disagree are decided by the day shown, below: read in the zone, each would show itself.
    if claims.published_in_utc and not claims.published_elsewhere and (offset := publisher_offset(tree)):
        return (stated + offset).date()
    return shown_day(tree, None) if claims.published_in_utc or claims.published_elsewhere else None


def publisher_offset(tree: Any) -> timedelta | None:
    """Give back the UTC offset the page writes its other timestamps in (`2019-11-20T06:51:55-05:00` in
    an attribute or a script, or `Fri, 01 May 2020 23:00:00 -0400`), the most common one when there are
    several; None when it writes none but UTC. That is the publisher's own time zone, so a claim
    written in UTC is read in it."""
    found: Counter[timedelta] = Counter()
    for element in tree.iter():
        texts = list(element.attrib.values()) if isinstance(element.tag, str) else []
        if element.tag == "script" and element.text:
            texts.append(element.text)
        stamps = [parse_timestamp(stamp) for text in texts for stamp in _OFFSET_STAMP.findall(text)]
        stamps += [_mail_timestamp(stamp) for text in texts for stamp in _MAIL_STAMP.findall(text)]
        for parsed in stamps:
            offset = parsed.utcoffset() if parsed else None
            if offset and timedelta(hours=-12) <= offset <= timedelta(hours=14):
                found[offset] += 1
    return found.most_common(1)[0][0] if found else None


def url_day(url: str | None) -> date | None:
    """Give back the day a URL's path holds (`/2020/05/01/`, `/2020-05-01-title`), or None."""
    match = _URL_DATE.search(url or "")
    if match is None:
        return None
    year, month, day = map(int, match.groups())
    try:
        return date(year, month, day) if 1900 <= year <= 2100 else None
    except ValueError:
        return None


# Where a <time> is someone else's: an embedded post or a quotation, a sidebar, the navigation, the footer.
_NOT_THE_PAGES = frozenset({"blockquote", "aside", "nav", "footer"})


def first_time_day(tree: Any) -> date | None:
    """Give back the day of the first `<time datetime>` in the page that states a full date, leaving out
    those inside embedded posts, quotations, sidebars, navigation and footers; None when there is none."""
    for element in tree.iter("time"):
        stated = parse_timestamp(element.get("datetime"))
        if stated is not None and not any(a.tag in _NOT_THE_PAGES for a in element.iterancestors()):
            return stated.date()
    return None


def shown_day(tree: Any, url: str | None, json_ld: bool = False) -> date | None:
    """Give back the day htmldate's search finds in a copy of the page without its meta tags, its
    comments (a PageMap block for search engines) and its JSON-LD, unless asked to keep that: the day
    the page shows readers, not claims written for machines."""
    shown = deepcopy(tree)
    for element in list(shown.iter("meta", "script", Comment)):
        if element.tag == "script" and json_ld and (element.get("type") or "").lower() == "application/ld+json":
            continue
        _drop(element)
    _close_spaced_dates(shown)
    return search_page_date(shown, url)


# A numeric date written with spaces after its dots, as German and Czech typography has it: "4. 2. 2022",
# "23. 12. 2024" (often thin spaces). htmldate reads only the closed form "4.2.2022".
_SPACED_DATE = re.compile(r"\b(\d{1,2})\.[ \t\u00a0\u2009\u202f]+(\d{1,2})\.[ \t\u00a0\u2009\u202f]+((?:19|20)\d\d)\b")


def _closed(text: str) -> str:
    """Give back the text with its spaced numeric dates closed ("4. 2. 2022" as "4.2.2022")."""
    return _SPACED_DATE.sub(r"\1.\2.\3", text) if "." in text else text


def _close_spaced_dates(tree: Any) -> None:
    """Close the page's spaced numeric dates (`_closed`), in place."""
    for element in tree.iter():
        if isinstance(element.tag, str) and element.text:
            element.text = _closed(element.text)
        if element.tail:
            element.tail = _closed(element.tail)


def _drop(element: Any) -> None:
    """Remove an element from its tree, keeping the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def local_day(tree: Any, moment: datetime) -> date | None:
    """Give back the publisher's calendar day of a claim written in UTC from a `<time datetime>` on the
    page that states the same moment (to the minute): the day of its own UTC offset, or else the day
    its text shows readers ("8. Februar 2022"), from the first such element whose text writes one."""
    for element in tree.iter("time"):
        written = element.get("datetime") or ""
        stated = parse_timestamp(written)
        if stated is None or abs((stated - moment).total_seconds()) > 60:
            continue
        if not _UTC_SUFFIX.search(written) and stated.utcoffset():
            return stated.date()
        shown = _text_day(" ".join("".join(element.itertext()).split()))
        if shown is not None:
            return shown
        # A text with no day in it ("23:30", "vor 2 Stunden"): another element may still write it out.
    return None


# A label that says the date after it is the publication's, at the start of a text: "Veröffentlicht
# am", "Published:", "Datum:", "Written:", in the languages newslake meets most.
_PUBLISHED_LABEL = re.compile(
    r"(?:veröffentlicht|publiziert|erschienen|datum|date|published|posted|written|publié|publicado|"
    r"pubblicato|gepubliceerd|geplaatst)(?:\s+(?:am|on|le|el|il|op|at))?\s*(?::\s*|\s+|$)",
    re.IGNORECASE,
)


def labelled_day(tree: Any) -> date | None:
    """Give back the day the page writes right after a publication label ("Datum: 03.02.2022",
    "Written: 2023-11-07 15:03:30"), where the label is no row of a fact sheet (a photo's "Datum:"
    among "ISO:" and "Ort:") and not inside an embedded post, a sidebar, the navigation or a footer;
    None when it writes none."""
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in ("script", "style"):
            continue
        for text, inside in ((element.text, True), (element.tail, False)):
            written = (text or "").strip()
            label = _PUBLISHED_LABEL.match(written)
            if label is None or in_fact_sheet(element) or any(a.tag in _NOT_THE_PAGES for a in element.iterancestors()):
                continue
            value = " ".join((written[label.end() :] or _following_text(element, inside)).split())
            if value and (day := _text_day(value[:40])):
                return day
    return None


def _following_text(element: Any, inside: bool) -> str:
    """Give back the text that follows a label: inside its element, the first child's text, else the
    element's tail; after it (a label in a tail), nothing."""
    if inside and len(element):
        return "".join(element[0].itertext())
    return (element.tail or "") if inside else ""


def headline_day(tree: Any) -> date | None:
    """Give back the day written at the start of the element right before or after the page's first
    headline ("02.02.2022 10:16 Uhr - 1. Bundesliga" above the `<h1>`), the story's own dateline, where
    htmldate's reading of the whole page takes the oldest date it sees (a teaser's); None when neither
    element opens with one (a sidebar beside it is not the story's, and neither is a fact sheet)."""
    headline = next(tree.iter("h1"), None)
    if headline is None:
        return None
    for beside in (headline.getprevious(), headline.getnext()):
        if beside is None or not isinstance(beside.tag, str) or beside.tag in _NOT_THE_PAGES:
            continue
        # The date is the element's first part: what comes before a separator, and short.
        first = _PART_END.split(short_text(beside, 160) or "", maxsplit=1)[0]
        if len(first) <= 30 and (day := _text_day(first)):
            return day
    return None


_PART_END = re.compile(r"\s+[-–—|·•]\s+|\s*[|·•]\s*")


def _text_day(text: str) -> date | None:
    """Give back the day a short text writes out, in any of htmldate's languages and formats, or None."""
    return search_page_date(fromstring(f"<html><body><p>{escape(_closed(text))}</p></body></html>"), None)


def _writes_new_year(tree: Any, year: int) -> bool:
    spellings = (f"{year}-01-01", f"01.01.{year}", f"1.1.{year}", f"01/01/{year}", f"1/1/{year}", f"{year}/01/01")
    markup = " ".join(
        [*(tree.itertext() if hasattr(tree, "itertext") else ()), *(str(v) for e in tree.iter() for v in e.values())]
    )
    return any(spelling in markup for spelling in spellings)


def choose_published(claims: DateClaims, page_day: date | None, url: str | None) -> Published:
    """Give back when the page was published: its own claim, else the day htmldate's search found.

    When the page's claims disagree (its JSON-LD names one day, its meta tags another), the claim on
    the day the page itself shows is taken; the first claim stands when the page shows neither.
    A claim written in UTC whose neighbouring day is the day the page shows, and that a time zone
    (UTC-12 to UTC+14) could move it to, is the publisher's day: `2023-11-09T01:09:55Z` on a page that
    shows 8 November is the 8th. A day from the search is "url" when the URL holds it, else "page".
    """
    stated, source = claims.published, claims.published_source
    if stated is not None and page_day is not None and not _shows(claims, stated, page_day):
        stated, source = next(((m, s) for m, s in claims.published_elsewhere if m.date() == page_day), (stated, source))
    if stated is not None:
        day = stated.date()
        if page_day is not None and claims.published_in_utc and page_day in _time_zone_days(stated):
            day = page_day
        return Published(stated, day, source)
    if page_day is None:
        return Published()
    in_url = url_day(url) == page_day
    at = datetime(page_day.year, page_day.month, page_day.day, tzinfo=UTC)
    return Published(at, page_day, "url" if in_url else "page")


def _shows(claims: DateClaims, stated: datetime, page_day: date) -> bool:
    """Tell whether the day a page shows is the claim's own day, or a time zone's day of a UTC claim."""
    return page_day == stated.date() or (claims.published_in_utc and page_day in _time_zone_days(stated))


def _time_zone_days(moment: datetime) -> set[date]:
    """Give back the calendar days other than its UTC day a UTC moment falls on in some time zone."""
    return {(moment + timedelta(hours=h)).date() for h in (-12, 14)} - {moment.date()}


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


def _mail_timestamp(value: str) -> datetime | None:
    """Give back an RFC 2822 timestamp ("Fri, 01 May 2020 23:00:00 -0400") with its offset, or None."""
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None


def _first(candidates: list[tuple[object, str]]) -> tuple[datetime | None, str | None, str]:
    """Give back the first candidate that parses, its source and the text it was written as."""
    for value, source in candidates:
        parsed = parse_timestamp(value)
        if parsed is not None:
            return parsed, source, str(value)
    return None, None, ""
