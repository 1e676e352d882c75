"""Turn a normalized document into a clean article: text, metadata, headings and links."""

from __future__ import annotations

import re
from collections import Counter
from copy import deepcopy
from dataclasses import fields, is_dataclass, replace
from typing import TypeVar, cast

import trafilatura
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.settings import Document
from trafilatura.utils import load_html
from trafilatura.xml import xmltotxt

from newslake.tasks.authors import choose_authors, signature_name
from newslake.tasks.chunks import element_text, find_chunks, join_split_body, restore_chunks
from newslake.tasks.dates import choose_published, choose_updated, page_day
from newslake.tasks.embedded import filter_by_reference, find_embedded_markup
from newslake.tasks.language import detect_language
from newslake.tasks.metadata import choose_title, read_claims, shown_text, site_as_written, title_candidates
from newslake.tasks.normalize import repair_mojibake, without_surrogates
from newslake.tasks.pagetype import judge_page, read_page_signals
from newslake.tasks.records import Article, Link, NormalizedDocument, Rejection, count_words
from newslake.tasks.standfirst import find_standfirst, with_standfirst
from newslake.tasks.urls import host_of, join_url, split_url, without_userinfo

# Calls to action and sign-up prompts: page furniture, never article text.
_CALL_TO_ACTION = re.compile(
    r"\b(?:give us a like|like us on|like and share|please (?:like|share|subscribe|follow)|share (?:this|it) with"
    r"|subscribe (?:to|now|for)|follow us|sign up for|join our newsletter|our newsletter|click here to"
    r"|download (?:our|the) app|support (?:our|independent) journalism|if you (?:enjoyed|liked) this"
    r"|(?:free|daily|weekly) newsletter|thanks for signing up|(?:to|in) your inbox"
    r"|tell us what you think|follow (?:us|[\w.]+(?: [\w.]+){0,6}) on (?:facebook|twitter|instagram))\b",
    re.IGNORECASE,
)
# A closing sign-off: initials ("T.D."), or a name after a dash or "By".
_SIGN_OFF = re.compile(
    r"^(?:(?P<initials>(?:[A-Z]\.\s?){1,4})|(?:[-–—]+\s*|[Bb]y\s+)(?P<name>[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){0,3}))$",
)
# Site chrome that scrapers leave around escaped pages.
_BANNER = re.compile(r"^(?:site (?:icon|logo)|logo)\s+(?P<site>.+)$", re.IGNORECASE)
_CHROME_LINES = frozenset(
    {
        "advertisement",
        "advertisements",
        "exit mobile version",
        "skip to content",
        "menu",
        "search",
        "share",
    }
)
# A block of at most this many characters, this share of them inside links, not ending like a sentence,
# is a teaser of other pages.
_LINK_BLOCK_CHARS = 400
_LINK_DENSITY = 0.8
_LIST_LINK_DENSITY = 0.5
_SENTENCE_ENDINGS = (".", "。", "!", "?", "！", "？", '"', "”", "’", "»")
_LABEL_WORDS = 5
_LABEL_CHARS = 40
_BARE_URL = re.compile(r"^(?:https?://|www\.)\S+$")
_SENTENCE = re.compile(r"(?:[^.]\.|[!?\"”’])$")
_SHORTCODE = re.compile(r"^\[(\w+)\b[^\]]*\].*\[/\1\]$")
_CREDIT = re.compile(
    r"^(?:photos?|fotos?|images?|pictures?|bild(?:er)?|credits?|sources?|quelle|zdjęcie)\s*(?:credit)?\s*[:/©]\s*\S",
    re.IGNORECASE,
)
_CREDIT_WORDS = 12
_JSON_KEY = re.compile(r'"\w+"\s*:')
_SCRIPT_ESCAPE = re.compile(r"<\\/|\\u[0-9a-fA-F]{4}|\\[nrt\"]")
_MIN_ARTICLE_WORDS = 150
_CARD_WORDS = 250
_STANDFIRST_WORDS = 60
_SENTENCE_END = ".!:;,\"'”’)…"
_MAX_TITLE = 300
_DATE_PARAMS = {"extensive_search": False, "original_date": True}
# Where a page sends a reader to pay, register or log in: the path of a paywall's or sign-up box's link.
_SIGN_UP_SEGMENT = re.compile(
    r"^(?:subscribe|subscriptions?|register|registration|regist|signup|sign-up|login|log-in|signin|sign-in)"
    r"(?:$|[._-])",
    re.IGNORECASE,
)
_BOX_WORDS = 120
# A plain-text document this much made of code or markup lines is a style sheet, script or image file.
_CODE_SHARE = 0.5
_CODE_LINE = re.compile(r"^(?:<[?!/a-zA-Z]|/\*|\*|//|#include|@media|@import)|[{};]\s*$|^[}\])]")
_RUNNING_WORDS = 8
_BOX_BLOCKS = ("div", "section", "aside", "form", "ul", "dl")


def extract_article(doc: NormalizedDocument, url: str | None = None) -> Article | Rejection:
    """Give back the article in the document, or a `no_article` rejection when there is none."""
    found = extract_plain_text(doc) if doc.kind == "text" else extract_html(doc, url)
    return repaired(encodable(found)) if isinstance(found, Article) else found


_T = TypeVar("_T")


def encodable(value: _T) -> _T:
    """Give back an article (or any of its values: strings, tuples, links) with every string encodable
    as UTF-8 (`without_surrogates`); values with nothing to change come back as they are."""
    if isinstance(value, str):
        return cast(_T, without_surrogates(value))
    if isinstance(value, tuple):
        items = tuple(encodable(item) for item in value)
        return cast(_T, items) if any(a is not b for a, b in zip(items, value, strict=True)) else value
    if is_dataclass(value) and not isinstance(value, type):
        changed = {f.name: new for f in fields(value) if (new := encodable(old := getattr(value, f.name))) is not old}
        return cast(_T, replace(value, **changed)) if changed else value
    return value


def repaired(article: Article) -> Article:
    """Give back the article with the text a publisher encoded twice repaired in what readers see:
    title, text, description, site name, authors and headings (`repair_mojibake`)."""
    text = repair_mojibake(article.text)
    fixed = replace(
        article,
        title=article.title and repair_mojibake(article.title),
        text=text,
        description=article.description and repair_mojibake(article.description),
        site_name=article.site_name and repair_mojibake(article.site_name),
        authors=tuple(repair_mojibake(a) for a in article.authors),
        headings=tuple(repair_mojibake(h) for h in article.headings),
    )
    return replace(fixed, language=detect_language(text)) if text != article.text else fixed


# --- plain text -------------------------------------------------------------------------------


def extract_plain_text(doc: NormalizedDocument) -> Article | Rejection:
    """Give back the article of a plain-text dump: title line(s), body, sign-off author."""
    lines = [line.strip() for line in doc.body.splitlines() if line.strip()]
    if not lines:
        return _no_article(doc, "the text has no lines")
    title = lines[0]
    body = [line for line in lines[1:] if _fold(line) != _fold(title)]
    body = [line for line in body if not is_call_to_action(line)]
    authors: tuple[str, ...] = ()
    if body and (author := parse_sign_off(body[-1])):
        authors = (author,)
        body = body[:-1]
    if not body:
        return _no_article(doc, "nothing follows the title line")
    text = "\n".join(body)
    code = code_share(lines)
    return Article(
        doc_id=doc.doc_id,
        source_uri=doc.source_uri,
        title=title[:_MAX_TITLE],
        text=text,
        authors=authors,
        language=detect_language(text),
        headings=tuple(line for line in body if looks_like_heading(line)),
        page_kind="code" if code >= _CODE_SHARE else "article",
        page_evidence=f"{code:.0%} of its lines are code or markup (style sheet, script, SVG, data)",
    )


def code_share(lines: list[str]) -> float:
    """Give back the share of lines that read as code or markup rather than prose: a line that opens
    with a tag, or ends with a brace, a semicolon or a comma-less bracket, or is a comment."""
    coded = sum(1 for line in lines if _CODE_LINE.search(line))
    return coded / len(lines) if lines else 0.0


def is_call_to_action(line: str) -> bool:
    """Tell whether a short paragraph asks the reader to like, share, subscribe or follow."""
    return len(line.split()) <= 40 and bool(_CALL_TO_ACTION.search(line))


def parse_sign_off(line: str) -> str | None:
    """Give back the author named by a closing sign-off line such as "T.D." or "— Jane Doe"."""
    if len(line) > 40:
        return None
    match = _SIGN_OFF.match(line.strip())
    if not match:
        return None
    if match.group("initials"):
        return match.group("initials").replace(" ", "")
    return match.group("name").strip()


def looks_like_heading(line: str) -> bool:
    """Tell whether a plain-text line is a section heading: short, unpunctuated, mostly capitalised."""
    words = line.split()
    if not 1 <= len(words) <= 12 or line[-1] in _SENTENCE_END:
        return False
    significant = [w for w in words if len(w) > 3 or w[0].isupper()]
    capitalised = [w for w in significant if w[0].isupper() or w[0].isdigit()]
    return len(capitalised) >= 0.6 * max(len(significant), 1)


# --- HTML ---------------------------------------------------------------------------------------


def extract_html(doc: NormalizedDocument, url: str | None = None) -> Article | Rejection:
    """Give back the article of an HTML page (or of escaped markup with a plain-text preamble)."""
    # The address the page was fetched from names the site, bases its links and is the article's URL:
    # a login written into it (a feed behind basic authentication) must not reach any of them.
    url = without_userinfo(url) if url else url
    banner_site, preamble_title = read_preamble(doc.preamble)
    page = doc.body if not doc.preamble else wrap_fragment(doc.body, preamble_title, banner_site)
    # One parse serves both readers: the page's own claims first, then trafilatura (which prunes the tree).
    tree = load_html(page)
    if tree is None:
        return _no_article(doc, "the markup cannot be parsed")
    claims = read_claims(tree)
    shown: str | None = shown_text(tree)
    signals = read_page_signals(tree, claims)
    # htmldate reads the whole page, before anything is pruned, when the page's own claims need it.
    day_shown = page_day(tree, claims.dates, url)
    drop_other_articles(tree)
    join_split_body(tree)
    drop_sign_up_boxes(tree)
    drop_teaser_cards(tree, (choose_title(claims, None) or "", *title_candidates(claims, with_h1=False)))
    chunks = find_chunks(tree)
    standfirst = find_standfirst(tree, claims.descriptions)
    result = run_trafilatura(tree, url)
    if result is None:
        shown = None  # the page shows nothing: whatever it declares cannot be checked against it
        # A script-rendered page: its visible markup is empty, the article is in its inline state.
        result = extract_embedded(page, url)
    if result is None and claims.article_body:
        result = run_trafilatura(load_html(article_page(page, paragraphs_markup(claims.article_body))), url)
    if result is None:
        return _no_article(doc, "no main text found in the page")
    assert result.body is not None  # run_trafilatura gives back only results with a body
    hostname = host_of(result.url or url or "") or None
    title = clean_title(choose_title(claims, result.title, hostname))
    published = choose_published(claims.dates, day_shown, url or result.url)
    updated_at, updated_source = choose_updated(claims.dates, published.at)
    body = result.body
    base = result.url or url
    links = collect_links(body, base)
    drop_chrome(body, (title, *title_candidates(claims)))
    # Headings are the page's section titles, a closing reference section's included.
    headings = tuple(element_text(h) for h in body.iter("head") if element_text(h))
    # A link round-up is made of what the steps below remove: when they would leave nothing, it keeps them.
    whole = deepcopy(body)
    drop_trailing_link_sections(body)
    drop_teaser_runs(body)
    drop_link_blocks(body)
    drop_calls_to_action(body)
    etree.strip_tags(body, "ref")
    text = tidy_text(xmltotxt(body, include_formatting=False))
    text = reconcile_with_article_body(restore_chunks(text, chunks), claims.article_body, result.description)
    text = with_standfirst(text, standfirst)
    if not text:
        etree.strip_tags(whole, "ref")
        text = tidy_text(re.sub(r"[ \t]+", " ", xmltotxt(whole, include_formatting=False)))
    if not text:
        return _no_article(doc, "the main text is empty once page furniture is removed")
    verdict = judge_page(signals, text, url)  # the address it was fetched from: canonical links can be wrong
    return Article(
        doc_id=doc.doc_id,
        source_uri=doc.source_uri,
        title=title,
        text=text,
        url=url or result.url,
        canonical_url=result.url,
        site_name=banner_site or site_as_written(result.sitename, claims),
        authors=choose_authors(
            claims.author_persons,
            claims.author_organisations,
            split_authors(result.author),
            (*claims.site_names, *([result.sitename] if result.sitename else [])),
            claims.bylines,
            shown,
            signature_name(text, claims.set_apart),
        ),
        published_at=published.at,
        published_on=published.day,
        updated_at=updated_at,
        published_at_source=published.source,
        updated_at_source=updated_source,
        language=detect_language(text),
        description=result.description,
        headings=headings,
        categories=tuple(result.categories or ()),
        tags=tuple(result.tags or ()),
        image_url=result.image,
        links=links,
        page_kind=verdict.kind,
        page_evidence=verdict.evidence,
    )


def drop_other_articles(tree: etree._Element) -> None:
    """Remove the other stories of a page that shows several in <article> elements (an endless-scroll
    page, teaser cards), keeping the one that holds the page's h1 when it has a body of its own."""
    articles = [a for a in tree.iter("article") if not any(p.tag == "article" for p in a.iterancestors())]
    if len(articles) < 2:
        return
    main = next((a for a in articles if a.find(".//h1") is not None), None)
    if main is None or sum(count_words(element_text(p)) for p in main.iter("p")) < _MIN_ARTICLE_WORDS:
        return
    for other in articles:
        if other is not main:
            _remove(other)


def drop_sign_up_boxes(tree: etree._Element) -> None:
    """Remove paywall and sign-up boxes ("This article is for members. Register free / Log in"): the
    largest block around a link to a subscribe, register or log-in page that stays short (at most
    _BOX_WORDS words), holds no heading or date and is not the story around it. Links inside running
    text are left alone."""
    for link in tree.xpath("//a[@href]"):
        if link.getroottree().getroot() is not tree.getroottree().getroot():
            continue  # inside a box already removed
        if not _is_sign_up_link(link):
            continue
        box, inner = None, link
        for ancestor in link.iterancestors():
            if ancestor.tag in ("body", "html", "article", "main") or not _is_short_box(ancestor, inner):
                break
            if ancestor.tag in _BOX_BLOCKS:
                box = ancestor
            inner = ancestor
        if box is not None:
            _remove(box)


def _is_sign_up_link(link: etree._Element) -> bool:
    """Tell whether a link goes to a subscribe, register or log-in page (a path segment starting with
    such a word, not a story slug that holds one) and is not a link inside running text."""
    parts = split_url(link.get("href", ""))
    segments = parts.path.split("/") if parts else []
    if not any(_SIGN_UP_SEGMENT.match(segment) for segment in segments):
        return False
    paragraph = next(link.iterancestors("p"), None)
    return paragraph is None or len(element_text(paragraph)) <= 2 * len(element_text(link))


def _is_short_box(element: etree._Element, inner: etree._Element) -> bool:
    """Tell whether a block around a sign-up link (inner: its child on the way to the link) can be
    the box: short, no heading or date, and at most one paragraph of running text besides inner
    (the box's own notice); two are the story the box sits in."""
    if element.xpath(".//h1|.//h2|.//time") or count_words(element_text(element)) > _BOX_WORDS:
        return False
    running = [c for c in element if c is not inner and _is_running_text(element_text(c))]
    return len(running) < 2


def _is_running_text(text: str) -> bool:
    return count_words(text) >= _RUNNING_WORDS and text.rstrip().endswith(_SENTENCE_ENDINGS)


def drop_teaser_cards(tree: etree._Element, headlines: tuple[str, ...]) -> None:
    """Remove links that wrap a whole story card, a heading with its paragraphs: teasers of other
    stories. A card headed by one of the page's own headlines stays, and so does a link holding more
    than a card's worth of text (a parser that lost a closing tag can leave the article inside one)."""
    own = {_fold(h) for h in headlines}
    for link in tree.xpath("//a[.//p][.//h1 or .//h2 or .//h3 or .//h4]"):
        if count_words(element_text(link)) > _CARD_WORDS:
            continue
        if not any(_fold(element_text(h)) in own for h in link.iter("h1", "h2", "h3", "h4")):
            cast(HtmlElement, link).drop_tree()  # lxml's removal that keeps the text after the element


def run_trafilatura(tree: etree._Element | None, url: str | None) -> Document | None:
    """Give back trafilatura's extraction of a parsed page, or None when it finds no main text."""
    if tree is None:
        return None
    result = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_links=True,
        include_tables=True,
        include_comments=False,
        date_extraction_params=_DATE_PARAMS,
    )
    if not isinstance(result, Document) or result.body is None or not len(result.body):
        return None
    return result


def extract_embedded(page: str, url: str | None) -> Document | None:
    """Give back the extraction of the article markup the page ships in inline JSON, with the page's
    own head (title, dates, authors), or None when it carries none."""
    tree = load_html(page)
    markup = find_embedded_markup(tree) if tree is not None else None
    return run_trafilatura(load_html(article_page(page, markup)), url) if markup else None


def article_page(page: str, markup: str) -> str:
    """Give back an HTML page made of the original page's head and the given article markup."""
    head = re.search(r"<head\b.*?</head>", page, re.IGNORECASE | re.DOTALL)
    return f"<html>{head.group(0) if head else ''}<body><article>{markup}</article></body></html>"


def paragraphs_markup(text: str) -> str:
    """Give back plain text as HTML paragraphs, one per non-empty line."""
    return "".join(f"<p>{_escape(line)}</p>" for line in text.splitlines() if line.strip())


def reconcile_with_article_body(text: str, article_body: str, description: str | None = None) -> str:
    """Give back the article text checked against the page's JSON-LD articleBody: the structured body
    when it is much longer (the markup showed only part of the story), else the text without the
    paragraphs that neither the structured body nor the page's description holds (teasers, boxes,
    captions)."""
    if not article_body:
        return text
    if count_words(article_body) > 1.3 * count_words(text):
        return article_body
    return filter_by_reference(text, article_body, description or "")


def read_preamble(lines: tuple[str, ...]) -> tuple[str | None, str | None]:
    """Give back (site name, title) from the plain-text lines before escaped markup."""
    site = None
    candidates = []
    for line in lines:
        banner = _BANNER.match(line)
        if banner:
            site = banner.group("site").strip()
        elif line.lower() not in _CHROME_LINES:
            candidates.append(line)
    if not candidates:
        return site, None
    counts = Counter(candidates)
    repeated, times = counts.most_common(1)[0]
    title = repeated if times > 1 else candidates[-1]
    return site, title if len(title) <= _MAX_TITLE else None


def wrap_fragment(markup: str, title: str | None, site: str | None) -> str:
    """Give back a whole HTML page around a markup fragment, with the title and site as metadata."""
    head = ""
    if title:
        head += f"<title>{_escape(title)}</title>"
    if site:
        head += f'<meta property="og:site_name" content="{_escape(site)}">'
    # A bare content fragment is marked as the article; a whole page body keeps its own structure
    # (wrapping its navigation and footer in <article> would make them look like the story).
    whole_page = re.search(r"<(article|main|header|nav|footer)\b", markup, re.IGNORECASE) is not None
    body = markup if whole_page else f"<article>{markup}</article>"
    return f"<html><head>{head}</head><body>{body}</body></html>"


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


def clean_title(title: str | None) -> str | None:
    """Give back the title with white space folded, or None when empty or absurdly long."""
    if not title:
        return None
    title = " ".join(title.split())
    return title[:_MAX_TITLE] or None


def collect_links(body: etree._Element, base: str | None) -> tuple[Link, ...]:
    """Give back the distinct absolute http(s) links of the article body with their anchor text."""
    links: dict[str, Link] = {}
    for ref in body.iter("ref"):
        target = (ref.get("target") or "").strip()
        if not target:
            continue
        absolute = join_url(base, target) if base else target
        parts = split_url(absolute) if absolute else None
        if absolute and parts and parts.scheme in ("http", "https") and absolute not in links:
            links[absolute] = Link(url=absolute, anchor_text=element_text(ref))
    return tuple(links.values())


def drop_chrome(body: etree._Element, titles: tuple[str | None, ...]) -> None:
    """Remove headings that repeat the title (any headline the page claims) and blocks that are only
    page chrome."""
    folded_titles = {_fold(t) for t in titles if t}
    for element in list(body):
        content = _fold(element_text(element))
        if (element.tag == "head" and content in folded_titles) or content in _CHROME_LINES:
            _remove(element)


def drop_trailing_link_sections(body: etree._Element) -> None:
    """Remove a closing run of link lists (references, related stories) and its heading.

    Their links are kept; they are just not article text. A list counts when every item holds a
    link or a bare URL.
    """
    children = list(body)
    cut = len(children)
    while cut > 0 and _is_link_list(children[cut - 1]):
        cut -= 1
    if cut == len(children):
        return
    if cut > 0 and children[cut - 1].tag == "head":
        cut -= 1
    for element in children[cut:]:
        _remove(element)


def drop_teaser_runs(body: etree._Element) -> None:
    """Remove runs of two or more story teasers, with a short label that heads the run ("More from ...").

    A teaser is an image link with no text, then a heading that links to the same story, then at most
    one short paragraph without links (its standfirst): the shape of a "more stories" rail once its
    markup is flattened.
    """
    children = list(body)
    i = 0
    while i < len(children):
        units, end = 0, i
        while (size := _teaser_size(children, end)) > 0:
            units, end = units + 1, end + size
        if units >= 2:
            if i > 0 and _is_label(children[i - 1]):
                _remove(children[i - 1])
            for element in children[i:end]:
                _remove(element)
            i = end
        else:
            i += 1


def _teaser_size(children: list[etree._Element], start: int) -> int:
    """Give back how many blocks from start make one teaser (0 when they do not)."""
    if start + 1 >= len(children):
        return 0
    image, heading = children[start], children[start + 1]
    targets = {ref.get("target") for ref in image.iter("ref")}
    if image.tag != "p" or element_text(image) or len(targets) != 1 or heading.tag != "head":
        return 0
    if not any(ref.get("target") in targets for ref in heading.iter("ref")):
        return 0
    if start + 2 < len(children):
        standfirst = children[start + 2]
        text = element_text(standfirst)
        linked = standfirst.find(".//ref") is not None
        if standfirst.tag == "p" and text and not linked and count_words(text) <= _STANDFIRST_WORDS:
            return 3
    return 2


def drop_calls_to_action(body: etree._Element) -> None:
    """Remove paragraphs that ask the reader to sign up, subscribe, follow or share, and paragraphs that
    are an unrendered WordPress shortcode ("[button link=…]Send us your review[/button]")."""
    for element in list(body):
        text = element_text(element)
        if element.tag == "p" and (is_call_to_action(text) or _SHORTCODE.match(text)):
            _remove(element)


def drop_link_blocks(body: etree._Element) -> None:
    """Remove blocks that are mostly link text (teasers of other stories: "Read more", "Don't miss"),
    with a short label that heads them. Link density is jusText's and readability's boilerplate sign."""
    children = list(body)
    for i, element in enumerate(children):
        if not _is_link_block(element):
            continue
        previous = children[i - 1] if i > 0 else None
        if previous is not None and _is_label(previous) and not _is_link_block(previous):
            _remove(previous)
        _remove(element)


def _is_label(element: etree._Element) -> bool:
    """Tell whether a block is a short label ("DON'T MISS", "You may also like...") rather than a sentence."""
    text = element_text(element)
    short = len(text.split()) <= _LABEL_WORDS and len(text) <= _LABEL_CHARS
    return short and (element.tag == "head" or not _SENTENCE.search(text))


def _is_link_block(element: etree._Element) -> bool:
    """Tell whether a block is headline-like link text: short, nearly all inside links, not a sentence;
    or a list of two or more such items (a "read also" list)."""
    if element.tag == "list":
        # Items of a teaser list often put a kicker before the linked headline ("Energy: <a>...</a>").
        items = [item for item in element if item.tag == "item"]
        return (
            len(items) >= 2
            and len(items) == len(element)
            and all(_is_link_block_text(item, _LIST_LINK_DENSITY) for item in items)
        )
    return _is_link_block_text(element, _LINK_DENSITY)


def _is_link_block_text(element: etree._Element, density: float) -> bool:
    text = element_text(element)
    if not text or len(text) > _LINK_BLOCK_CHARS or text.endswith(_SENTENCE_ENDINGS) or _BARE_URL.match(text):
        return False
    linked = sum(len(element_text(ref)) for ref in element.iter("ref"))
    return linked >= density * len(text)


def _is_link_list(element: etree._Element) -> bool:
    if element.tag != "list":
        return False
    items = [item for item in element if item.tag == "item"]
    return bool(items) and all(
        item.find(".//ref") is not None or re.search(r"https?://\S+", element_text(item)) for item in items
    )


def split_authors(author: str | None) -> tuple[str, ...]:
    """Give back the author names from trafilatura's '; '-joined author string."""
    if not author:
        return ()
    names = [" ".join(part.split()) for part in author.split(";")]
    return tuple(dict.fromkeys(name for name in names if name))


def tidy_text(text: str) -> str:
    """Give back text with trailing spaces removed, runs of blank lines collapsed, and lines of script
    data and picture credits left out."""
    lines = [
        line.rstrip() for line in text.splitlines() if not looks_like_script_data(line) and not is_credit_line(line)
    ]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def is_credit_line(line: str) -> bool:
    """Tell whether a line only credits a picture or a source ("Photo: AFP", "Quelle: dpa")."""
    return len(line.split()) <= _CREDIT_WORDS and bool(_CREDIT.match(line.strip()))


def looks_like_script_data(line: str) -> bool:
    """Tell whether a line is JSON or code that leaked into the text (a script the parser cut short)
    rather than prose: quoted keys and braces make up much of it, or markup escaped inside a script
    string (`<\\/p>`, `\\u0142`, `\\n`) runs through it."""
    if len(line) < 20:
        return False
    escapes = len(_SCRIPT_ESCAPE.findall(line))
    if escapes >= 3 and escapes * 200 >= len(line):
        return True
    if not _JSON_KEY.search(line):
        return False
    return sum(line.count(ch) for ch in '{}[]":') >= 0.1 * len(line)


def _fold(value: str) -> str:
    return " ".join(value.split()).casefold()


def _remove(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is not None:
        parent.remove(element)


def _no_article(doc: NormalizedDocument, detail: str) -> Rejection:
    return Rejection(doc.doc_id, doc.source_uri, "extract", "no_article", detail)
