"""Quotations and their speakers, on literal sentences with the people already found."""

from __future__ import annotations

import re

import pytest

from tasks.quotes import find_quotes
from tasks.records import EntitySpan


def _people(text: str, *names: str) -> list[EntitySpan]:
    """Give back a PERSON span for every occurrence of each name, resolved to the longest name it ends."""
    spans = []
    for name in names:
        canonical = next((n for n in names if n != name and n.endswith(" " + name)), name)
        spans += [EntitySpan(m.start(), m.end(), name, "PERSON", canonical) for m in re.finditer(re.escape(name), text)]
    return sorted(spans, key=lambda s: s.start)


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        ('"We will rebuild the bridge," said Maria Lopez.', ("Maria Lopez",), [("Maria Lopez", "said")]),
        ('"We will rebuild the bridge," Maria Lopez says.', ("Maria Lopez",), [("Maria Lopez", "says")]),
        ('Maria Lopez said: "We will rebuild the bridge."', ("Maria Lopez",), [("Maria Lopez", "said")]),
        (
            'According to Maria Lopez, "the bridge will be rebuilt."',
            ("Maria Lopez",),
            [("Maria Lopez", "according to")],
        ),
        (
            '"The plan works," said Maria Lopez. "It will cost less than we feared," she added.',
            ("Maria Lopez",),
            [("Maria Lopez", "said"), ("Maria Lopez", "added")],
        ),
        (
            'Maria Lopez met James Carter. "Lopez" is a common name.',
            ("Maria Lopez", "James Carter", "Lopez"),
            [],
        ),
    ],
    ids=["said-name", "name-says", "name-said-colon", "according-to", "pronoun-after", "no-speech-verb"],
)
def test_speakers_are_found_by_the_sentence_around_the_quote(text, names, expected) -> None:  # type: ignore[no-untyped-def]
    quotes = find_quotes(text, _people(text, *names))
    assert [(q.speaker, q.verb) for q in quotes] == expected
    for quote in quotes:
        assert text[quote.start : quote.end].strip() == quote.text


def test_a_pronoun_in_a_new_paragraph_is_not_given_a_speaker() -> None:
    text = '"The plan works," said Maria Lopez.\n\n"It will cost less than we feared," she added.'
    assert [q.speaker for q in find_quotes(text, _people(text, "Maria Lopez"))] == ["Maria Lopez"]


def test_a_speaker_that_is_not_a_person_is_not_taken() -> None:
    text = '"Markets will recover," said Reuters.'
    spans = [EntitySpan(text.index("Reuters"), text.index("Reuters") + 7, "Reuters", "ORG", "Reuters")]
    assert find_quotes(text, spans) == []
