"""Article text that a page carries outside its visible markup: JSON-LD articleBody and the markup
script-rendered sites (Next.js, Nuxt, React Query state) ship in inline JSON for the browser to draw."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from lxml import html as lxml_html

_STRING_LITERAL = re.compile(r'"((?:[^"\\]|\\.){200,})"', re.DOTALL)
_PARAGRAPH = re.compile(r"<p[\s>]", re.IGNORECASE)
_WORD = re.compile(r"\w+")
_MIN_PARAGRAPHS = 3
_SHORT_LINE = 6  # trigrams: lines of up to seven words


def find_embedded_markup(tree: Any) -> str | None:
    """Give back the richest article markup held in a JSON string inside an inline script: the longest
    decoded string with at least three paragraphs, or None.

    Only for pages whose visible markup has no article: the browser builds it from this state.
    """
    best: tuple[int, str] | None = None
    for script in tree.iter("script"):
        if script.get("src") or not script.text:
            continue
        for literal in _STRING_LITERAL.finditer(script.text):
            markup = _decode(literal.group(1))
            paragraphs = len(_PARAGRAPH.findall(markup))
            if paragraphs >= _MIN_PARAGRAPHS and (best is None or len(markup) > best[0]):
                best = (len(markup), markup)
    return best[1] if best else None


def _decode(literal: str) -> str:
    """Give back a JSON string literal's value, unescaped again while it still holds escaped markup
    (state that was serialised twice, as in Next.js flight data)."""
    value = literal
    for _ in range(3):
        try:
            decoded = json.loads(f'"{value}"')
        except ValueError:
            return value
        value = str(decoded)
        if '\\"' not in value and "\\u003c" not in value:
            return value
    return value


def body_text(value: object) -> str:
    """Give back JSON-LD articleBody as plain text, paragraphs on their own lines (markup removed)."""
    if isinstance(value, list):
        value = "\n".join(str(v) for v in value if isinstance(v, str))
    if not isinstance(value, str) or not value.strip():
        return ""
    # Entities are decoded first: some sites escape the markup itself (&lt;p&gt;).
    text = html.unescape(value)
    if "<" in text and ">" in text:
        try:
            fragment = lxml_html.fragment_fromstring(text, create_parent="div")
        except (ValueError, lxml_html.etree.ParserError):
            return text.strip()
        for block in fragment.iter("p", "br", "div", "h2", "h3", "li"):
            block.tail = "\n" + (block.tail or "")
        text = str(fragment.text_content())
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def filter_by_reference(text: str, reference: str, also: str = "", threshold: float = 0.5) -> str:
    """Give back the paragraphs of `text` that the reference body (the page's own articleBody) or
    `also` (its description, which standfirsts repeat) holds; short lines (subheadings) stay when kept
    paragraphs surround them.

    The reference must cover most of the text: a teaser or summary says nothing about the rest.
    """
    words = _WORD.findall(reference)
    if len(words) < 0.5 * len(_WORD.findall(text)):
        return text
    known = set(trigrams(words)) | set(trigrams(_WORD.findall(also)))
    paragraphs = [p for p in text.split("\n") if p.strip()]
    verdicts: list[bool | None] = []
    for paragraph in paragraphs:
        grams = trigrams(_WORD.findall(paragraph))
        if len(grams) < _SHORT_LINE:
            verdicts.append(None)  # a subheading or a label: judged by its neighbours
        else:
            verdicts.append(sum(1 for g in grams if g in known) / len(grams) >= threshold)
    kept = [p for i, p in enumerate(paragraphs) if _keep(verdicts, i)]
    return "\n".join(kept) if kept else text


def _keep(verdicts: list[bool | None], i: int) -> bool:
    verdict = verdicts[i]
    if verdict is not None:
        return verdict
    before = next((v for v in reversed(verdicts[:i]) if v is not None), False)
    after = next((v for v in verdicts[i + 1 :] if v is not None), False)
    return bool(before and after)


def trigrams(words: list[str]) -> list[tuple[str, ...]]:
    """Give back the word trigrams of a text's words, in order (shared with tasks.standfirst)."""
    return [tuple(words[i : i + 3]) for i in range(len(words) - 2)]
