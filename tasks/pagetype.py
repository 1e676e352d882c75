"""Is a page an article? The page's own evidence, read before extraction prunes it.

A news source's folders and feeds also hold pages that are not articles: section fronts and tag
listings, search results, log-in and error pages, shop pages, and the warehouse's own Data Docs.
Extraction finds "main text" on most of them, so the question is asked of the page, not of the text:
what the page declares itself to be (schema.org types, og:type), what it is built of (a password
form, a grid of linked headlines) and what it says it is (a 404 title). Length alone never decides:
a short post is an article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from newslake.tasks.metadata import PageClaims
from newslake.tasks.records import count_words
from newslake.tasks.urls import split_url

PageKind = Literal["article", "listing", "search", "login", "not_found", "product", "data_docs", "code"]

_ARTICLE_TYPES = re.compile(r"(?:Article|BlogPosting|Report|LiveBlogPosting|Review|Recipe|Question)$")
_LISTING_TYPES = {"CollectionPage", "ItemList", "ProfilePage", "SiteNavigationElement"}
_PRODUCT_TYPES = {"Product", "ProductGroup", "IndividualProduct", "ProductModel"}
# What error pages say in their title or heading, in the languages newslake meets most.
_NOT_FOUND = re.compile(
    r"\b(?:404|page not found|not found|seite nicht gefunden|nicht gefunden|página no encontrada|"
    r"page introuvable|pagina non trovata|pagina niet gevonden|strony nie znaleziono|sidan hittades inte)\b",
    re.IGNORECASE,
)
# What log-in pages call themselves in their title or heading.
_LOG_IN = re.compile(
    r"\b(?:log ?in|sign ?in|anmelden|anmeldung|einloggen|connexion|se connecter|iniciar sesión|accedi|"
    r"accesso|inloggen|zaloguj)\b",
    re.IGNORECASE,
)
# An error or log-in page says little besides; an article that mentions a 404 or sits beside a
# log-in box says more.
_FORM_PAGE_WORDS = 250
# A listing: at least this many linked headlines (h2-h4 holding a link, or a link holding one) ...
_LISTING_HEADLINES = 8
# ... whose cards give nearly all of the extracted text, with no paragraph of prose of its own longer
# than _LISTING_PROSE_WORDS words (a link round-up with a paragraph of its own is an article; so is a
# story with a grid of related links beside it).
_LISTING_SHARE = 0.8
_LISTING_PROSE_WORDS = 60
_CARD_WORDS = 80
# The address of a site's home page: "/", "/index.html", "/home", "/de/".
_HOME_PATH = re.compile(r"^/(?:[a-z]{2}(?:-[a-z]{2})?/?)?(?:(?:index|home|start|default)(?:\.\w+)?)?$", re.I)


@dataclass(frozen=True)
class PageSignals:
    """What a page says and shows about its kind, read from the parsed page before it is pruned."""

    schema_types: frozenset[str]
    og_type: str
    title: str
    headings: tuple[str, ...]
    password_inputs: int
    linked_headlines: tuple[str, ...]
    # The text of each teaser card: the largest block around a linked headline holding no other one.
    cards: tuple[str, ...]
    longest_prose: int
    generator: str
    search_form_results: bool


@dataclass(frozen=True)
class PageVerdict:
    """The page's kind and the evidence for it, in words a quarantine reader understands."""

    kind: PageKind
    evidence: str


def read_page_signals(tree: Any, claims: PageClaims) -> PageSignals:
    """Give back a parsed page's signals of its kind, with what its claims declare (JSON-LD types,
    og:type, generator)."""
    title = " ".join((tree.findtext(".//title") or "").split())
    headings = tuple(" ".join(h.text_content().split()) for h in tree.iter("h1", "h2"))[:5]
    linked_elements = [h for h in tree.iter("h2", "h3", "h4") if h.find(".//a") is not None or _inside_link(h)]
    linked = tuple(" ".join(h.text_content().split()) for h in linked_elements)
    ancestries = [frozenset(h.iterancestors()) for h in linked_elements]
    cards = tuple(" ".join(_card(h, ancestries).text_content().split()) for h in linked_elements)
    prose = max((count_words(p.text_content()) for p in tree.iter("p")), default=0)
    passwords = sum(1 for i in tree.iter("input") if (i.get("type") or "").lower() == "password")
    results = any(
        (f.get("role") or "").lower() == "search" or "search" in (f.get("class") or "").lower()
        for f in tree.iter("form")
    ) and bool(re.search(r"\b(?:results? for|ergebnisse für|resultados para|résultats pour)\b", title, re.I))
    return PageSignals(
        schema_types=claims.schema_types,
        og_type=claims.og_type,
        title=title,
        headings=headings,
        password_inputs=passwords,
        linked_headlines=linked,
        cards=cards,
        longest_prose=prose,
        generator=claims.generator,
        search_form_results=results,
    )


def judge_page(signals: PageSignals, text: str, url: str | None = None) -> PageVerdict:
    """Give back what kind of page this is, with the evidence; `text` is the extracted main text and
    `url` the page's address when known.

    Evidence, strongest first: a Data Docs page; a JSON-LD article type; an error or log-in page
    (its title or heading says so, and it says little else); search results; a product or listing
    the page declares; a site's home page; a grid of linked headlines that makes up the text. og:type
    "article" counts last: content systems give it to every page.
    """
    words = count_words(text)
    declared = ", ".join(sorted(signals.schema_types)) or signals.og_type or "nothing"
    article_types = sorted(t for t in signals.schema_types if _ARTICLE_TYPES.search(t))
    if "great expectations" in signals.title.lower() or "great_expectations" in signals.generator:
        return PageVerdict("data_docs", f"a Great Expectations Data Docs page ({signals.title!r})")
    if article_types:
        return PageVerdict("article", f"the page declares itself an article ({', '.join(article_types)})")
    named = (signals.title, *signals.headings)
    heading = next((h for h in named if _NOT_FOUND.search(h)), None)
    if heading is not None and words < _FORM_PAGE_WORDS:
        return PageVerdict("not_found", f"an error page: {heading!r}, {words} words")
    log_in = next((h for h in named if _LOG_IN.search(h)), None)
    if signals.password_inputs and log_in is not None and words < _FORM_PAGE_WORDS:
        return PageVerdict("login", f"a log-in page: {log_in!r}, a password field, {words} words")
    if "SearchResultsPage" in signals.schema_types or signals.search_form_results:
        return PageVerdict("search", f"search results ({signals.title!r})")
    if signals.schema_types & _PRODUCT_TYPES or signals.og_type == "product":
        return PageVerdict("product", f"a product page (declares {declared})")
    if signals.schema_types & _LISTING_TYPES:
        return PageVerdict("listing", f"the page declares itself a listing ({declared})")
    parts = split_url(url) if url else None
    if parts is not None and not parts.query and _HOME_PATH.match(parts.path or "/"):
        return PageVerdict("listing", f"a site's home page ({url})")
    teasers = _teaser_share(signals.cards, text)
    if (
        len(signals.linked_headlines) >= _LISTING_HEADLINES
        and teasers >= _LISTING_SHARE
        and signals.longest_prose < _LISTING_PROSE_WORDS
    ):
        return PageVerdict(
            "listing",
            f"a listing: {len(signals.linked_headlines)} linked headlines make {teasers:.0%} of its text, "
            f"longest paragraph {signals.longest_prose} words",
        )
    return PageVerdict("article", f"{words} words of main text (declares {declared})")


def _teaser_share(cards: tuple[str, ...], text: str) -> float:
    """Give back the share of the text's words on lines that come from teaser cards."""
    total = count_words(text)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    held = sum(count_words(line) for line in lines if line and any(line in card for card in cards))
    return held / total if total else 0.0


def _card(headline: Any, ancestries: list[frozenset[Any]]) -> Any:
    """Give back the largest block around a linked headline that holds no other linked headline and
    stays the size of a teaser (_CARD_WORDS). ancestries: the ancestors of each linked headline."""
    card = headline
    for ancestor in headline.iterancestors():
        if ancestor.tag in ("body", "html") or sum(1 for above in ancestries if ancestor in above) > 1:
            break
        if count_words(ancestor.text_content()) > _CARD_WORDS:
            break
        card = ancestor
    return card


def _inside_link(element: Any) -> bool:
    return any(a.tag == "a" for a in element.iterancestors())
