"""No text fails the entity and quotation rules: random news-like text through the real model, the
entity rules and the quotation finder, in English and French. One such text ('"…," said she' after a
quotation) once raised, and failed its whole chunk of a run."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newslake.tasks.entities import find_entities, group_mentions
from newslake.tasks.quotes import find_quotes

# The pieces quotations and their speakers are written with, and some that only look like them.
_PIECES = [
    '"',
    "“",
    "”",
    "«",
    "»",
    "'",
    "’",
    ",",
    ".",
    ":",
    ";",
    "(",
    ")",
    "—",
    "\n",
    "\n\n",
    "?",
    "!",
    "Maria Lopez",
    "Lopez",
    "Jean-Marc Ayrault",
    "Rep.",
    "Sen.",
    "(D-Wis.)",
    "Mr.",
    "Ms",
    "Dr",
    "President",
    "White House press secretary",
    "the mayor",
    "Reuters",
    "the agency",
    "Storm Ciarán",
    "COVID-19",
    "Berlin",
    "Paris",
    "said",
    "says",
    "added",
    "told",
    "according to",
    "called",
    "she",
    "he",
    "they",
    "Said",
    "Added",
    "asking",
    "a déclaré",
    "a-t-elle ajouté",
    "selon",
    "estime que",
    "the plan works",
    "it will cost less",
    "yes",
    "Jr.",
    "II",
    "O'Brien",
    "l’Assemblée",
    "qu’Emmanuel Macron",
    "2024",
    "7-2",
    "the",
    "of",
    "and",
    "in",
    "on",
    "that",
]
# Whole sentences in the shapes the quotation finder reads, so that random texts hold them in turn.
_SENTENCES = [
    '"The plan works," said Maria Lopez.',
    '"It will cost less than we feared," said she.',
    '"We will see," she added.',
    "“It is done,” added Rep. Jane Roe (D-Wis.), the chair of the panel.",
    'Maria Lopez said: "The plan works."',
    'Lopez called the ruling "a huge win" on Tuesday.',
    'According to Reuters, "the talks failed."',
    "« Le plan marche », a déclaré Jean-Marc Ayrault.",
    "« Nous verrons », a-t-elle ajouté.",
    'Said Lopez: "Enough."',
]
_TEXT = st.lists(
    st.one_of(st.sampled_from(_SENTENCES), st.sampled_from(_PIECES), st.text(max_size=8)), max_size=30
).map(" ".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_TEXT, language=st.sampled_from(["en", "fr", None, "de"]))
def test_any_text_gives_entities_and_quotations_within_it(ner: Any, text: str, language: str | None) -> None:
    [doc] = list(ner.pipe([text]))
    spans = find_entities(doc, text)
    group_mentions(spans)
    assert all(0 <= s.start < s.end <= len(text) and s.canonical for s in spans)
    speakers = {s.canonical for s in spans}
    for quote in find_quotes(text, spans, language):
        assert 0 <= quote.start < quote.end <= len(text)
        assert quote.speaker in speakers and quote.verb
