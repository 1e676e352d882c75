"""Messy variants of real pages in the two shapes of the seeds, generated from the evaluation pages:

- escaped: a scraped page whose markup has its punctuation written as named references (&period;
  &comma; &equals; &sol; &NewLine; …), behind a plain-text site banner and a title line repeated
  three times, with an ad block, like seeds/003;
- text: a plain-text dump of the article with its title line repeated, an initials sign-off and a
  "give us a like" call to action, like seeds/000.
"""

from __future__ import annotations

import html
import re

from lxml import html as lxml_html

_ESCAPES = {
    ".": "&period;",
    ",": "&comma;",
    "=": "&equals;",
    "/": "&sol;",
    "\n": "&NewLine;",
    "\t": "&Tab;",
    "_": "&lowbar;",
    ":": "&colon;",
    "(": "&lpar;",
    ")": "&rpar;",
    "!": "&excl;",
    "?": "&quest;",
}
_AD_BLOCK = (
    '\t\t<div class="wpcnt">\n\t\t\t<div class="wpa">\n\t\t\t\t<span class="wpa-about">Advertisements</span>\n'
    '\t\t\t\t<div class="u top_amp"><amp-ad width="300" height="265" type="pubmine"></amp-ad></div>\n'
    "\t\t\t</div>\n\t\t</div>"
)
_CALL_TO_ACTION = "Every day we write for you. If you feel well-informed and satisfied, please give us a like. 👇"


def _parse(page: bytes) -> lxml_html.HtmlElement:
    # The evaluation pages are UTF-8; parsing the bytes would let lxml guess another charset.
    return lxml_html.fromstring(page.decode("utf-8", errors="replace"))


def page_title(page: bytes) -> str:
    """Give back the page's title: og:title, else <title>, else a placeholder."""
    tree = _parse(page)
    og = tree.xpath("//meta[@property='og:title']/@content")
    title = og[0] if og else (tree.findtext(".//title") or "Untitled article")
    return " ".join(str(title).split())


def escaped_variant(page: bytes, site: str = "Example Site") -> bytes:
    """Give back the page's body markup entity-escaped behind a banner and a repeated title."""
    tree = _parse(page)
    body = tree.find("body") if tree.tag != "body" else tree
    if body is None:
        body = tree
    for script in body.xpath(".//script|.//style|.//noscript"):
        script.drop_tree()
    inner = (body.text or "") + "".join(lxml_html.tostring(child, encoding="unicode") for child in body)
    escaped = "".join(_ESCAPES.get(ch, ch) for ch in _AD_BLOCK + inner)
    title = page_title(page)
    preamble = f"Site icon {site}\n\n" + f"{title}\n\n" * 3
    return (preamble + escaped).encode("utf-8")


_WORD = re.compile(r"\w+")


def holds_article(variant: bytes, body: str, share: float = 0.5) -> bool:
    """Say whether the variant's whole text still holds at least `share` of the labelled body's 4-word
    shingles (the reference metric's unit). A page that renders its article from script data loses the
    article with its scripts in the scraped shape; no extractor can find it there, so such a variant
    measures the generator, not extraction."""
    text = html.unescape(re.sub(r"<[^>]*>", " ", html.unescape(variant.decode("utf-8", errors="replace"))))
    have = _shingles(text)
    want = _shingles(body)
    if not want:
        return True
    found = sum(min(count, have.get(shingle, 0)) for shingle, count in want.items())
    return found >= share * sum(want.values())


def _shingles(text: str) -> dict[tuple[str, ...], int]:
    words = _WORD.findall(text)
    counts: dict[tuple[str, ...], int] = {}
    for i in range(max(0, len(words) - 3)):
        key = tuple(words[i : i + 4])
        counts[key] = counts.get(key, 0) + 1
    return counts


def text_variant(title: str, body: str, sign_off: str = "T.D.") -> bytes:
    """Give back a plain-text dump of an article: repeated title, body, sign-off and call to action."""
    text = re.sub(r"\n{3,}", "\n\n", html.unescape(body).strip())
    return f"{title}\n\n{title}\n\n{text}\n\n{sign_off}\n\n\n{_CALL_TO_ACTION}\n".encode()
