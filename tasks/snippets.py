"""Snippets for search results: the passage of an article where the query's words are."""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+", re.UNICODE)


def query_terms(query: str) -> list[str]:
    """Give back the query's words, lower-cased, in order, without repeats."""
    terms: list[str] = []
    for word in _WORD.findall(query.lower()):
        if word not in terms:
            terms.append(word)
    return terms


def make_snippet(text: str, terms: list[str], width: int = 160) -> str:
    """Give back about `width` characters of text around the densest cluster of query terms, with the
    terms marked as **term**; the article's opening when no term occurs."""
    if not terms:
        return _trim(text[:width], cut_start=False, cut_end=len(text) > width)
    pattern = re.compile(r"\b(" + "|".join(re.escape(t) for t in terms) + r")\w*", re.IGNORECASE)
    hits = [m.start() for m in pattern.finditer(text)]
    if not hits:
        return _trim(text[:width], cut_start=False, cut_end=len(text) > width)
    best = max(hits, key=lambda h: sum(1 for o in hits if h <= o < h + width))
    start = max(0, best - width // 4)
    end = min(len(text), start + width)
    passage = " ".join(text[start:end].split())
    marked = pattern.sub(lambda m: f"**{m.group(0)}**", passage)
    return _trim(marked, cut_start=start > 0, cut_end=end < len(text))


def _trim(passage: str, cut_start: bool, cut_end: bool) -> str:
    passage = " ".join(passage.split())
    return ("…" if cut_start else "") + passage + ("…" if cut_end else "")
