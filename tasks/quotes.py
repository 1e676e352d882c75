"""Find direct quotations and the person the text says spoke them."""

from __future__ import annotations

import re
from collections.abc import Sequence

from tasks.entities import SPEECH_VERBS
from tasks.records import EntitySpan, Quote

_QUOTE = re.compile(r"[\"“]([^\"“”\n]{8,}?)[\"”]")
_VERB = r"(?P<verb>" + SPEECH_VERBS + r"|according to)"
# What may stand between a quotation and its speaker's name, on either side.
_AFTER_THEN_NAME = re.compile(r"^\s*[,.]?\s*" + _VERB + r"\s+$")  # "…," said NAME
_AFTER_NAME_THEN_VERB = re.compile(r"^\s+" + _VERB + r"\b")  # "…," NAME says
_BEFORE_NAME_VERB = re.compile(r"^\s+" + _VERB + r"(?:\s+that)?\s*[:,]?\s*$")  # NAME says: "…"
_ACCORDING_TO = re.compile(r"according to\s+$", re.IGNORECASE)
_PRONOUN_AFTER = re.compile(
    r"^\s*[,.]?\s*(?:he|she)\s+" + _VERB + r"\b|^\s*[,.]?\s*(?:" + SPEECH_VERBS + r")\s+(?:he|she)\b"
)
_WINDOW = 60


def find_quotes(text: str, spans: Sequence[EntitySpan]) -> list[Quote]:
    """Give back each quotation whose speaker the text names (or refers to as he/she right after)."""
    people = [s for s in spans if s.label == "PERSON"]
    quotes: list[Quote] = []
    for match in _QUOTE.finditer(text):
        start, end = match.span(1)
        found = _speaker_after(text, match.end(), people) or _speaker_before(text, match.start(), people)
        pronoun = _PRONOUN_AFTER.match(text[match.end() : match.end() + 30])
        if found is None and pronoun and quotes and "\n" not in text[quotes[-1].end : start]:
            # "…," she added: the speaker of the quotation just before, in the same paragraph.
            found = (quotes[-1].speaker, pronoun.group("verb") or quotes[-1].verb)
        if found is not None:
            speaker, verb = found
            quotes.append(Quote(start, end, match.group(1).strip(), speaker, "PERSON", verb.lower()))
    return quotes


def _speaker_after(text: str, quote_end: int, people: Sequence[EntitySpan]) -> tuple[str, str] | None:
    for span in people:
        if quote_end <= span.start <= quote_end + _WINDOW:
            between = text[quote_end : span.start]
            said = _AFTER_THEN_NAME.match(between)
            if said:
                return span.canonical, said.group("verb")
            says = _AFTER_NAME_THEN_VERB.match(text[span.end : span.end + 30])
            if says and between.strip(" ,.") == "":
                return span.canonical, says.group("verb")
    return None


def _speaker_before(text: str, quote_start: int, people: Sequence[EntitySpan]) -> tuple[str, str] | None:
    for span in reversed(people):
        if quote_start - _WINDOW <= span.end <= quote_start:
            between = text[span.end : quote_start]
            says = _BEFORE_NAME_VERB.match(between)
            if says:
                return span.canonical, says.group("verb")
            if _ACCORDING_TO.search(text[max(0, span.start - 15) : span.start]) and between.strip() in ("", ","):
                return span.canonical, "according to"
    return None
