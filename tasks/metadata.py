"""Read a page's own statements about itself: headline candidates and site name, from markup and JSON-LD."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import html as lxml_html

from newslake.tasks.dates import DateClaims, read_date_claims
from newslake.tasks.embedded import body_text
from newslake.tasks.labels import in_fact_sheet, short_text
from newslake.tasks.urls import host_label, host_of, is_web_address, split_url

_SEPARATORS = re.compile(r"\s+[-|–—·•»›‹:│]\s+|\s*[｜|：]\s*|\s+(?:::|//)\s+")
# Characters that are invisible in a headline and only break comparisons: zero-width spaces and
# joiners, soft hyphens, word joiners, byte-order marks.
_INVISIBLE = re.compile("[\u200b-\u200f\u00ad\u2060\ufeff]")
# Labels of site navigation that pages put in their h1 or <title>, in the languages newslake meets most.
_NAVIGATION_LABELS = frozenset(
    ("home", "menu", "menü", "navigation", "startseite", "start", "skip to content", "zum inhalt springen", "index")
)
_DATE_ONLY = re.compile(r"^[\W\d_]*$")
_TRAILING_SEPARATOR = re.compile(r"\s+[-|–—·•:]+\s*$")  # not » or ›: French quotes close with them
# A separator left at the start once a site name before it is cut ("site.de // » Name"). Not a dash:
# a title may open with one ("- Angsten vil øke", a quotation).
_LEADING_SEPARATOR = re.compile(r"^[|·•»›]+\s+")
_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True)
class PageClaims:
    """What the page says its headline and site are, by source."""

    h1: tuple[str, ...]
    og_title: str | None
    jsonld_headline: str | None
    html_title: str | None
    site_names: tuple[str, ...]
    # Authors the article's structured data names: people, and organisations given as author.
    author_persons: tuple[str, ...] = ()
    author_organisations: tuple[str, ...] = ()
    dates: DateClaims = field(default_factory=DateClaims)
    twitter_title: str | None = None
    meta_headline: str | None = None
    # The article's JSON-LD articleBody as plain text ("" when it gives none).
    article_body: str = ""
    # What the page gives as its summary: JSON-LD description, description, og:description, twitter:description.
    descriptions: tuple[str, ...] = ()
    # What the page declares itself to be: every JSON-LD @type, og:type, and the generator meta tag.
    schema_types: frozenset[str] = frozenset()
    og_type: str = ""
    generator: str = ""
    # What the page's links to its own home page say (the logo's text or alt text): the site's name as
    # the page shows it. Matched only whole, since a home link can also read "Blogs" or "LD".
    home_names: tuple[str, ...] = ()
    # The page's visible bylines, in page order: the short texts of elements marked as the author or
    # byline ("author vcard", itemprop=author) and of elements that open with a byline cue ("Von",
    # "Autorin:"), outside comments, sidebars and teasers, each with whether it was marked. Raw text:
    # tasks/authors.py reads the names.
    bylines: tuple[tuple[str, bool], ...] = ()
    # Short texts the page sets apart in bold or italics as a paragraph of their own ("<p><strong>Jane
    # Roe</strong></p>"): how an article's closing signature is set (tasks/authors.py signature_name).
    set_apart: frozenset[str] = frozenset()


def read_claims(page: str | Any) -> PageClaims:
    """Give back the headline candidates and site names a page (text or parsed tree) declares."""
    if isinstance(page, str):
        try:
            page = lxml_html.fromstring(page)
        except (ValueError, TypeError, lxml_html.etree.ParserError):
            return PageClaims((), None, None, None, ())
    if page is None:
        return PageClaims((), None, None, None, ())
    tree = page
    h1 = tuple(t for t in (_clean(el.text_content()) for el in tree.iter("h1") if not _in_breadcrumbs(el)) if t)
    metas = _metas(tree)
    html_title = _clean(tree.findtext(".//title") or "")
    fuller = (html_title, *h1)  # what mends a meta title cut at an unescaped quotation mark
    og_title = _uncut(metas.get("og:title"), fuller)
    jsonld = list(_jsonld_objects(tree))
    # The article object's headline; another object's only when no article object has one (an
    # organisation's "headline" is its tagline).
    article = _main_article(jsonld, ("headline",))
    headline = next((_clean(str(o["headline"])) for o in ([article] if article else jsonld) if o.get("headline")), None)
    sites = [metas.get("og:site_name"), metas.get("application-name")]
    sites += [_publisher_name(o) for o in jsonld]
    persons, organisations = _jsonld_authors(jsonld)
    return PageClaims(
        h1,
        og_title,
        headline,
        html_title or None,
        tuple(dict.fromkeys(s for s in sites if s)),
        persons,
        organisations,
        read_date_claims(_main_article(jsonld, ("datePublished", "dateModified")), metas),
        _uncut(metas.get("twitter:title"), fuller),
        _uncut(metas.get("headline"), fuller),
        body_text(_main_article(jsonld, ("articleBody",)).get("articleBody")),
        _descriptions(_main_article(jsonld, ("description",)).get("description"), metas),
        frozenset(t for o in jsonld for t in _types(o)),
        (metas.get("og:type") or "").lower(),
        (metas.get("generator") or "").lower(),
        _home_names(tree, metas.get("og:url") or next(iter(tree.xpath("//link[@rel='canonical']/@href")), "")),
        _bylines(tree),
        _set_apart(tree),
    )


def _in_breadcrumbs(element: Any) -> bool:
    """Tell whether an element is part of the page's breadcrumb trail (schema.org's BreadcrumbList, or a
    list or nav element named as one), where some sites mark the current page's crumb as an h1: a
    shortened label of the page, not its headline. A page's wrapper named after its breadcrumbs does
    not count."""
    for ancestor in element.iterancestors():
        if "breadcrumblist" in (ancestor.get("itemtype") or "").lower():
            return True
        named = f"{ancestor.get('class') or ''} {ancestor.get('id') or ''}"
        if ancestor.tag in ("nav", "ol", "ul", "li") and _BREADCRUMBS.search(named):
            return True
    return False


_BREADCRUMBS = re.compile(r"breadcrumb", re.IGNORECASE)


def _uncut(claim: str | None, fuller: tuple[str, ...]) -> str | None:
    """Give back a meta tag's title, or the page's fuller one when the tag's value was cut at a
    quotation mark written unescaped inside its attribute (`content="Biden de "incapacitado""` reads
    as "Biden de "): the `<title>` or h1 that starts with it and goes on with a straight quotation
    mark. ("Headline « Site" is not cut: a guillemet cannot end the attribute.)"""
    if not claim:
        return claim
    for text in fuller:
        rest = text[len(claim) :].lstrip() if text.startswith(claim.rstrip()) else ""
        if rest.startswith('"'):  # only a straight quotation mark ends a double-quoted attribute
            return text
    return claim


_HOME_PATHS = frozenset(("", "/", "./", "index.html", "/index.html", "/index.php", "/index.htm"))


# Attribute values that mark an author's name or a byline, in the languages newslake meets most.
_BYLINE_MARK = re.compile(
    r"(?:^|[\s_-])(?:author|byline|autor|autorin|auteur|writer|verfasser)(?:$|[\s_-]|name|s\b)", re.IGNORECASE
)
# A byline cue at the start of an element's own text ("Von ", "By ", "Autorin:"): a loose first sieve;
# tasks/authors.py's byline_names decides what the text names.
_BYLINE_CUE = re.compile(
    r"^[^\w]*(?:von|by|par|por|door|af|av|autor(?:in|en)?|authors?|text|verfasst von|geschrieben von|"
    r"written by|posted by)\b",
    re.I,
)
# Containers whose author names are someone else's: comments, sidebars, teasers, author biographies.
_NOT_THE_BYLINE = re.compile(r"comment|sidebar|widget|related|teaser|recommend|footer|reply|avatar|bio\b|about", re.I)
_BYLINE_CHARS = 80
_MARK_ATTRIBUTES = ("class", "id", "itemprop", "rel")
# Elements whose text readers never see (`<html>`'s own text is the whitespace between head and body).
_NOT_TEXT = frozenset(("script", "style", "head", "title", "meta", "html", "link", "noscript", "template"))


def _bylines(tree: Any) -> tuple[tuple[str, bool], ...]:
    """Give back the page's visible bylines (see PageClaims.bylines), at most the first ten."""
    found: list[tuple[str, bool]] = []
    # What holds the headline or the article's text is the article's frame, not a sidebar or a comment
    # list, whatever its class says ("has-sidebar", "layoutTwoColumnsRightSidebar" describe the layout
    # around the article).
    headline = next(tree.iter("h1"), None)
    frame = frozenset(headline.iterancestors()) if headline is not None else frozenset()
    text_holder = _main_text_holder(tree)
    if text_holder is not None:
        frame |= {text_holder, *text_holder.iterancestors()}
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in _NOT_TEXT:
            continue
        attributes = element.attrib
        marks = " ".join(attributes[a] for a in _MARK_ATTRIBUTES if a in attributes) if attributes else ""
        marked = bool(marks) and _BYLINE_MARK.search(marks) is not None
        if not marked and not (element.text and _BYLINE_CUE.match(element.text)):
            continue
        text = _short_text(element, _BYLINE_CHARS)
        if _is_label(text):
            if in_fact_sheet(element, _BYLINE_CHARS):
                continue  # "Autorin:" between "Seiten:" and "Verlag:" is a book's author, not the article's
            text = _clean(f"{text} {_value_after(element)}")  # a label ("Autor:") and its value beside it
        if not text or len(text) > _BYLINE_CHARS:
            continue
        around = (e for e in (element, *element.iterancestors()) if e not in frame)
        if any(_is_aside(e) for e in around):
            continue
        found.append((text, marked))
        if len(found) == 10:
            break
    return tuple(found)


# A class that describes the layout around an element, not the element: "has-double-sidebar",
# "no-sidebar", "wrapper__with-sidebar", "without-comments".
_LAYOUT_MODIFIER = re.compile(r"(?:^|[-_])(?:has|no|with|without)[-_]", re.I)


def _main_text_holder(tree: Any) -> Any:
    """Give back the element whose paragraphs hold the most text: where the article's body is."""
    lengths: dict[Any, int] = {}
    for paragraph in tree.iter("p"):
        parent = paragraph.getparent()
        if parent is not None:
            lengths[parent] = lengths.get(parent, 0) + len(paragraph.text_content())
    return max(lengths, key=lengths.__getitem__, default=None)


def _is_aside(element: Any) -> bool:
    """Tell whether an element's class or id marks it as something beside the article (a sidebar, a
    comment, a teaser, an author box), leaving out classes that only describe the layout around it."""
    names = f"{element.get('class') or ''} {element.get('id') or ''}".split()
    return any(_NOT_THE_BYLINE.search(n) and not _LAYOUT_MODIFIER.search(n) for n in names)


_EMPHASIS = ("b", "strong", "i", "em")
_SET_APART_CHARS = 60


def _set_apart(tree: Any) -> frozenset[str]:
    """Give back the short texts the page sets apart in bold or italics as a whole paragraph."""
    found = set()
    for element in tree.iter(*_EMPHASIS):
        parent = element.getparent()
        if parent is None or parent.tag not in ("p", "div"):
            continue
        text = _short_text(element, _SET_APART_CHARS)
        if text and text == _short_text(parent, _SET_APART_CHARS):
            found.add(text)
    return frozenset(found)


def _is_label(text: str) -> bool:
    """Tell whether a text is a byline cue and a colon alone ("Autor:", "By:"): its value is beside it."""
    cue = _BYLINE_CUE.match(text)
    return cue is not None and text[cue.end() :].strip() == ":"


def _value_after(element: Any) -> str:
    """Give back the text that follows a label element: its tail, else its next sibling's short text."""
    if element.tail and element.tail.strip():
        return str(element.tail)
    following = element.getnext()
    return _short_text(following, _BYLINE_CHARS) if following is not None else ""


def _short_text(element: Any, limit: int) -> str:
    """Give back an element's text, whitespace and invisible characters removed, or "" when it runs
    over limit characters."""
    return _clean(short_text(element, limit) or "")


def _home_names(tree: Any, page_url: str) -> tuple[str, ...]:
    """Give back what the page's logo links say: the text of its first link to its own home page ("/"
    or the root of the page's host; any host's root when the page does not state its address) that is
    not a navigation label, and the alt text of every home link's image. A menu entry that links home
    ("Willkommen") is not the site's name."""
    page_host = host_of(page_url).removeprefix("www.")
    names: list[str] = []
    text_taken = False
    for link in tree.iter("a"):
        parts = split_url((link.get("href") or "").strip())
        if parts is None or parts.path not in _HOME_PATHS or parts.query or (not parts.netloc and not parts.path):
            continue
        if parts.netloc and page_host and (parts.hostname or "").removeprefix("www.") != page_host:
            continue
        names += [_clean(i.get("alt") or "") for i in link.iter("img") if i.get("alt")]
        text = "" if text_taken else _clean(link.text_content())
        if text and text.casefold() not in _NAVIGATION_LABELS:
            names.append(text)
            text_taken = True
    return tuple(dict.fromkeys(n for n in names if n and len(n.split()) <= 8))


def _descriptions(structured: object, metas: dict[str, str]) -> tuple[str, ...]:
    values = [structured if isinstance(structured, str) else None]
    values += [metas.get(key) for key in ("description", "og:description", "twitter:description")]
    return tuple(dict.fromkeys(_clean(html.unescape(v)) for v in values if v and v.strip()))


def shown_text(tree: Any) -> str:
    """Give back the text a page shows its readers, case-folded and with whitespace collapsed: every
    element's text but the head's, scripts', styles' and comments' (read before anything is pruned)."""
    parts = []
    for element in tree.iter():
        if isinstance(element.tag, str) and element.tag not in _NOT_TEXT and element.text:
            parts.append(element.text)
        if element.tail:
            parts.append(element.tail)
    return " ".join(" ".join(parts).casefold().split())


def _metas(tree: Any) -> dict[str, str]:
    """Give back the page's meta tags by lower-case property, name and itemprop, in one pass (the first
    non-empty value of each wins), whitespace collapsed."""
    found: dict[str, str] = {}
    for element in tree.iter("meta"):
        content = _clean(element.get("content") or "")
        if not content:
            continue
        for attribute in ("property", "name", "itemprop"):
            key = (element.get(attribute) or "").strip().lower()
            if key:
                found.setdefault(key, content)
    return found


_ARTICLE_TYPES = re.compile(r"(Article|BlogPosting|Report|LiveBlogPosting)$")


def _types(obj: dict[str, Any]) -> list[str]:
    types = obj.get("@type")
    return [t for t in (types if isinstance(types, list) else [types]) if isinstance(t, str)]


def _main_article(objects: list[dict[str, Any]], fields: tuple[str, ...]) -> dict[str, Any]:
    """Give back the first JSON-LD article object (NewsArticle, BlogPosting, ...) that has one of the fields."""
    for obj in objects:
        types = obj.get("@type")
        names = types if isinstance(types, list) else [types]
        if any(isinstance(t, str) and _ARTICLE_TYPES.search(t) for t in names) and any(obj.get(f) for f in fields):
            return obj
    return {}


def _jsonld_authors(objects: list[dict[str, Any]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Give back (persons, organisations) named as author of the page's main article object."""
    obj = _main_article(objects, ("author",))
    authors = obj.get("author")
    persons: list[str] = []
    organisations: list[str] = []
    for author in authors if isinstance(authors, list) else [authors]:
        if isinstance(author, str) and author.strip() and not author.startswith(("http://", "https://")):
            persons.append(_clean(author))
        elif isinstance(author, dict) and isinstance(author.get("name"), str) and author["name"].strip():
            kind = str(author.get("@type") or "Person")
            (persons if kind == "Person" else organisations).append(_clean(author["name"]))
    return tuple(persons), tuple(organisations)


def choose_title(claims: PageClaims, fallback: str | None, hostname: str | None = None) -> str | None:
    """Give back the headline the page claims most explicitly, without the site name.

    Evidence, strongest first: the article's JSON-LD headline, og:title, the page's h1 (the one that
    shares most words with the metadata, so a logo or a newsletter box is not taken for it), <title>,
    twitter:title, a `headline` meta tag (some sites put the subheading there), the extractor's guess.
    A claim that is the site's name (as its metadata or its home link gives it) is no headline. A
    candidate that is another one plus a separator and a tail ("Headline | Sport") is that other
    one: the tail names a section or the site. Another metadata claim that gives the chosen headline
    more plainly wins (`_plainest`).
    """
    sites = (*claims.site_names, *claims.home_names)

    def strip(title: str) -> str:
        return strip_site_name(title, claims.site_names, hostname, claims.home_names)

    metadata_claims = (claims.jsonld_headline, claims.og_title, claims.html_title)
    reference = next(
        (
            c
            for c in metadata_claims
            if c and _is_headline(c, sites, hostname) and _is_headline(strip(c), sites, hostname)
        ),
        None,
    )
    h1s = [h for h in claims.h1 if _is_headline(h, sites, hostname)]
    h1 = max(h1s, key=lambda h: _overlap(h, reference), default=None) if reference else next(iter(h1s), None)
    if h1 is not None and reference is not None and _overlap(h1, reference) < 0.5:
        h1 = None
    ordered = [
        claims.jsonld_headline,
        claims.og_title,
        h1,
        claims.html_title,
        claims.twitter_title,
        claims.meta_headline,
        fallback,
    ]
    candidates = [strip(_unescaped(c)) for c in ordered if c and _is_headline(_unescaped(c), sites, hostname)]
    metadata = {strip(c) for c in title_candidates(claims, with_h1=False)}
    candidates = [c for c in candidates if c and _is_headline(c, sites, hostname)]
    if not candidates:
        return None
    claimed = [candidates[0], *(c for c in candidates[1:] if c in metadata)]
    title = _plainest(_without_tail(candidates[0], candidates), claimed)
    shown = {strip(_unescaped(h)) for h in h1s}
    return _after_kicker(_before_tail(title, h1 := shown.pop()), h1) if len(shown) == 1 else title


def _before_tail(title: str, h1: str) -> str:
    """Give back the page's only h1 when the title is it plus a tail ("Headline Rezept", "Headline -
    Section") that the h1 leaves out and that is at most as long as the h1, or when the title is cut
    with an ellipsis and the h1 gives it whole; else the title. A title the h1 only lengthens stays:
    publishers' own metadata differ on whether the longer form is the title. (A kicker before the h1
    is `_after_kicker`'s.)"""
    words, h1_words = _TOKEN.findall(title.casefold()), _TOKEN.findall(h1.casefold())
    if h1_words and 2 * len(h1_words) >= len(words) > len(h1_words) and words[: len(h1_words)] == h1_words:
        return h1
    cut = title.rstrip().endswith(("...", "…"))
    if cut and words and len(h1_words) > len(words) and h1_words[: len(words)] == words:
        return h1
    return title


def _after_kicker(title: str, h1: str) -> str:
    """Give back the page's only h1 when the title is a kicker, a separator and then the h1 ("Wahl:
    Eva W. zur Präsidentin gewählt" over the h1 "Eva W. zur Präsidentin gewählt"), the h1 at least two
    words and the kicker at most twice as long: the headline is what the page shows as one."""
    words, h1_words = _TOKEN.findall(title.casefold()), _TOKEN.findall(h1.casefold())
    fits = len(h1_words) >= 2 and 3 * len(h1_words) >= len(words) > len(h1_words)
    if not fits or words[-len(h1_words) :] != h1_words:
        return title
    start = title.casefold().rfind(h1.casefold())
    return h1 if start > 0 and _KICKER_END.search(title[:start]) else title


_KICKER_END = re.compile(r"[^\W_][\"'”“«»]?\s*[:|–—-]\s*$")


def _is_headline(candidate: str, site_names: tuple[str, ...], hostname: str | None) -> bool:
    """Tell whether a candidate can be the headline: it has letters, and it is not a navigation label
    ("Home", "Menu") or the site's own name (a logo in the h1, "Example.de")."""
    key = _key(candidate)
    if _DATE_ONLY.match(candidate) or candidate.casefold() in _NAVIGATION_LABELS:
        return False
    return key not in {_key(n) for n in site_names} | {_key(host_label(hostname))} and key != _key(hostname or "")


def _plainest(title: str, others: list[str]) -> str:
    """Give back the plainest form of the title another candidate gives: the same words with less
    decoration (quotes, another separator), or the title's words without a kicker before them or a
    tail after them ("Kicker: Headline", "Headline in a longer version"), when those keep at least
    half the title's words."""
    words = _TOKEN.findall(title.casefold())
    best, best_words = title, words
    for other in others:
        other_words = _TOKEN.findall(other.casefold())
        if not other_words or 2 * len(other_words) < len(words):
            continue
        same = other_words == best_words and len(other) < len(best)
        if same or (len(other_words) < len(best_words) and _contiguous(other_words, best_words)):
            best, best_words = other, other_words
    return best


def _contiguous(part: list[str], whole: list[str]) -> bool:
    return any(whole[i : i + len(part)] == part for i in range(len(whole) - len(part) + 1))


def title_candidates(claims: PageClaims, with_h1: bool = True) -> tuple[str, ...]:
    """Give back every headline the page claims (h1s, JSON-LD, og:title, twitter:title), unescaped;
    without its h1s, only the ones its metadata claims."""
    found = (*(claims.h1 if with_h1 else ()), claims.jsonld_headline, claims.og_title, claims.twitter_title)
    return tuple(_unescaped(t) for t in found if t)


def _unescaped(title: str) -> str:
    # Metadata often carries entities (&quot;, &#x27;) the HTML parser leaves in attribute-like JSON.
    return _clean(html.unescape(title))


_TAIL = re.compile(r"\s*[-|–—·•»›:｜│]\s*\S")


def _without_tail(title: str, others: list[str]) -> str:
    """Give back the shortest other candidate that the title extends by a separator and a tail, or the title."""
    for other in sorted(others, key=len):
        if other != title and title.startswith(other) and _TAIL.match(title[len(other) :]):
            return other
    return title


def strip_site_name(
    title: str, site_names: tuple[str, ...], hostname: str | None = None, home_names: tuple[str, ...] = ()
) -> str:
    """Give back the title without leading or trailing segments that are a site name ("Headline -
    Golem.de"): one the metadata names (or that holds it), the host's words, or a home link's text,
    whole; or a date ("23.01.2022 - Headline - Site"). A separator a cut leaves behind goes with it
    ("site.de // » Name")."""
    title = _TRAILING_SEPARATOR.sub("", title)
    names = {_key(n) for n in site_names}
    homes = {_key(n) for n in home_names}
    host_words = set(_TOKEN.findall((hostname or "").lower())) - _HOST_NOISE

    def is_site(part: str) -> bool:
        key = _key(part)
        tokens = set(_TOKEN.findall(part.lower())) - _HOST_NOISE
        return bool(key) and (
            bool(_DATE_ONLY.match(part))
            or key in names
            or key in homes
            or any(key in n or n in key for n in names if n)
            or bool(tokens and tokens <= host_words)
            or is_web_address(part)
        )

    while len(parts := _SEPARATORS.split(title)) >= 2:
        if is_site(parts[-1]):
            title = _TRAILING_SEPARATOR.sub("", title[: _last_separator(title).start()].strip())
        elif is_site(parts[0]):
            title = _LEADING_SEPARATOR.sub("", title[_first_separator(title).end() :].strip())
        else:
            break
    return _without_glued_site_name(title, site_names)


def _without_glued_site_name(title: str, site_names: tuple[str, ...]) -> str:
    """Give back the title without a site name of two words or more written onto its last word with no
    space or separator, as a site whose SEO plugin lost its separator writes it: "Truckwash A31Das
    Branchenbuch | Das Branchenbuch" (the name also after the last separator, the page's own evidence)
    or "Truckwash A31Das Branchenbuch" with that name declared."""
    if len(parts := _SEPARATORS.split(title)) >= 2:
        head, tail = title[: _last_separator(title).start()].strip(), parts[-1].strip()
        if _glued(head, tail):
            return head[: -len(tail)].rstrip()
    name = next((n for n in site_names if _glued(title, n)), None)
    return title[: -len(name)].rstrip() if name else title


def _glued(title: str, name: str) -> bool:
    """Tell whether the title ends with the name (two words or more, capitalised) written onto its last
    word: a lower-case letter or a digit, then the name's capital."""
    cut = len(title) - len(name)
    return (
        cut > 1
        and title.endswith(name)
        and (title[cut - 1].islower() or title[cut - 1].isdigit())
        and name[:1].isupper()
        and len(name.split()) >= 2
        and bool(title[:cut].strip())
    )


# Words of a host name that name no site: "www" and the commonest endings.
_HOST_NOISE = frozenset({"www", "com", "org", "net", "co", "de", "uk"})


def site_as_written(site: str | None, claims: PageClaims) -> str | None:
    """Give back the site's name spelled as the page spells it. trafilatura capitalises each word of a
    declared name that opens in lower case ("gnaddrig ad libitum" -> "Gnaddrig Ad Libitum", "ohneQ" ->
    "Ohneq") and, when the page declares none, makes one of its host ("ndr.de" -> "Ndr"). Taken
    instead, when the page has one: a declared spelling of the same name with capitals in it ("National
    Post" beside the slug "nationalpost"), else the spelling readers see in the page title or the home
    link, whatever its case ("wmn", "NDR.de", "cleveland.com")."""
    if not site or site != site.title():
        return site  # not trafilatura's capitalisation
    wanted = _letters(site)
    as_address = re.compile(rf"{re.escape(site)}\.[a-z]{{2,6}}", re.I)

    def same(text: str) -> bool:
        return _letters(text) == wanted or as_address.fullmatch(text) is not None

    shown = [n.strip(_AROUND_NAME) for n in (*_SEPARATORS.split(claims.html_title or ""), *claims.home_names)]
    if site in claims.site_names or site in shown:
        return site
    declared = [n for n in claims.site_names if same(n) and not n.islower()]
    return next(iter(declared), None) or next((n for n in shown if same(n)), None) or site


_AROUND_NAME = " |·•»«›‹-–—:"


def _letters(value: str) -> str:
    return re.sub(r"[\W_]+", "", value.casefold())


def _last_separator(title: str) -> re.Match[str]:
    return list(_SEPARATORS.finditer(title))[-1]


def _first_separator(title: str) -> re.Match[str]:
    match = _SEPARATORS.search(title)
    assert match is not None
    return match


def _overlap(a: str, b: str) -> float:
    left, right = set(_TOKEN.findall(a.lower())), set(_TOKEN.findall(b.lower()))
    return len(left & right) / max(len(left), 1)


def _key(value: str) -> str:
    return "".join(_TOKEN.findall(value.lower()))


def _clean(value: str) -> str:
    return " ".join(_INVISIBLE.sub("", value).split())


def _jsonld_objects(tree: Any) -> Any:
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except (ValueError, RecursionError):  # not JSON, or nested deeper than the parser goes
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if "@graph" in item:
                    stack.append(item["@graph"])
                yield item


def _publisher_name(obj: dict[str, Any]) -> str | None:
    publisher = obj.get("publisher")
    if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
        return _clean(publisher["name"])
    if obj.get("@type") in ("WebSite", "Organization", "NewsMediaOrganization") and isinstance(obj.get("name"), str):
        return _clean(obj["name"])
    return None
