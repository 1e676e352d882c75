"""The standfirst: the summary a page shows between its headline and its body. Pages give the same
words as their description (meta, OpenGraph or JSON-LD); extractors often leave the visible copy out
because it sits outside the body's container. A dek inside the article's header is left to the
headline: it is the page's description, not body text."""

from __future__ import annotations

import re

from lxml import etree

from newslake.tasks.embedded import trigrams
from newslake.tasks.labels import short_text

_WORD = re.compile(r"\w+")
_MIN_WORDS = 5
# A description at least this long may be one cut short ("…").
_CUT_MIN_WORDS = 8
# How many text nodes after the headline are looked at: a standfirst sits right below it.
_NEAR = 400
# A description found inside these is not a standfirst of the body: a photo caption some pages give as
# their description, or the dek of the article's header (a <header>, or a block whose class names it a
# header), which belongs with the headline (and the description) rather than with the body.
_OUTSIDE = frozenset({"figure", "figcaption", "header"})
_HEADER_CLASS = re.compile(r"(?:^|[-_\s])(?:header|heading|head|hero)(?:$|[-_\s])", re.IGNORECASE)
_SPARE_CHARS = 100
_SKIP = frozenset({"script", "style", "noscript", "template", "head", "title", "meta", "button", "a"})


def find_standfirst(tree: etree._Element, descriptions: tuple[str, ...]) -> str | None:
    """Give back the visible text, after the page's first h1 and outside its header, of the smallest
    element that holds one of the page's descriptions whole (or, for a description cut short, starts
    with it), or None. Only elements around a text that holds a description's first word are read."""
    keys = [words for d in descriptions if len(words := _words(d)) >= _MIN_WORDS]
    h1 = next(tree.iter("h1"), None)
    if not keys or h1 is None:
        return None
    firsts = {key[0] for key in keys}
    longest = 2 * max(len(key) for key in keys)
    limit = 2 * max(len(d) for d in descriptions) + _SPARE_CHARS
    best: tuple[int, str] | None = None
    tried: set[etree._Element] = set()
    for node in h1.xpath(f"following::text()[position() <= {_NEAR}]"):
        if not any(first in node.casefold() for first in firsts):
            continue
        element = node.getparent().getparent() if node.is_tail else node.getparent()
        if element is None or any(_is_outside(e) for e in (element, *element.iterancestors())):
            continue
        for candidate in (element, *element.iterancestors()):
            if candidate in tried:
                break
            tried.add(candidate)
            if candidate.tag in _SKIP:
                continue
            text = short_text(candidate, limit)
            words = _words(text) if text is not None else []
            if text is None or len(words) > longest:
                break
            if "©" in text:
                continue  # a credit: the description is a photo caption
            if any(_holds(words, key) for key in keys) and (best is None or len(words) < best[0]):
                best = (len(words), text)
    return best[1] if best else None


def _is_outside(element: etree._Element) -> bool:
    return element.tag in _OUTSIDE or bool(_HEADER_CLASS.search(element.get("class") or ""))


def with_standfirst(text: str, standfirst: str | None) -> str:
    """Give back the article text with the standfirst as its first paragraph, unless it holds it already."""
    if not standfirst:
        return text
    own = set(trigrams(_words(standfirst)))  # find_standfirst gives at least four words
    if len(own & set(trigrams(_words(text)))) * 2 >= len(own):
        return text
    return f"{standfirst}\n{text}" if text else standfirst


def _holds(words: list[str], key: list[str]) -> bool:
    if words == key:
        return True
    # a description cut short: the visible text starts with it (its last word may be cut too)
    cut = key[:-1]
    return len(key) >= _CUT_MIN_WORDS and words[: len(cut)] == cut and len(words) <= 2 * len(key)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())
