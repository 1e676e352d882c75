"""Find direct quotations and the person (or organisation) the text says spoke them.

A quotation's speaker is a person the text names, found by the shapes news writing uses:
- next to the quotation: `"…," said Rep. Jane Roe`, `"…," White House press secretary Jane Roe said`,
  `"…," Doe lawyer Jane Roe said`, `Jane Roe (D-Wis.) said: "…"`, `Said Roe: "…"`, `according to Jane Roe`;
- as the subject of the sentence that holds it: `Roe says the plan "would be one hell of a way to lose."`,
  `Roe called the ruling "a huge win"`;
- in a paragraph that introduces it: `Roe continued:` followed by the quotation's paragraph;
- by "he said" / "she added" after another of the speaker's quotations in one paragraph, or after
  the one person the paragraph names before it as a sentence's subject (`Roe bristles at that. "…," she
  said`); or by following another of the speaker's quotations in one paragraph.
A quotation may run over several paragraphs: an opening mark with no closing one until a later paragraph.
In English an organisation speaks in the shapes right beside a quotation (`"…," the IAEA said`,
`according to Reuters`), unless its name describes someone (`MSNBC host Jane Roe`, `Roe of the Sierra
Club`).

French articles quote between « » (or “ ”), with the verb in the present or the passé composé: the
speaker after the quotation (`», a déclaré le ministre Jean Roe`, `», selon Jean Roe`, `», ajoute-t-elle`
after one of hers) or before it (`Jean Roe a déclaré : « …`, `Jean Roe estime que « …`, `Selon Jean Roe,
« …`). Other languages get no quotations: their shapes are not written here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from newslake.tasks.entities import SPEECH_VERBS
from newslake.tasks.records import EntitySpan, Quote

_OPEN, _CLOSE = '"“', '"”'
# Verbs of saying that mark a quotation's speaker here but are too rare, or too often something else,
# to be evidence of a person for the entity rules.
_MORE_SPEECH = (
    r"reiterated|reiterates|contended|contends|maintained|alleged|charged|observed|pledged|promised|bragged|"
    r"exclaimed|mused|recounted|texted|emailed|speculated|scoffed|fumed|thundered|gushed|whispered|yelled|"
    r"screamed|chanted|sighed|pointed out"
)
_VERB = r"(?P<verb>" + SPEECH_VERBS + "|" + _MORE_SPEECH + r"|according to)"
# A title or description before a name: "Rep.", "White House press secretary", "former Gov." (no
# clause punctuation, at most six words, none of them a word that opens a clause or a possessive).
_CLAUSE_WORDS = (
    r"(?:that|which|who|whom|and|or|but|if|when|while|because|as|its|his|her|their|our|my|your|to|it|he|she|they)"
)
# A word of a description is an abbreviation ("Rep.", "Lt.") or a word with no period that neither opens
# a clause nor is a speech verb ('the engineer said. Roe…' is two sentences).
_DESCRIPTION = r"(?:(?:[A-Z][a-z]{0,3}\.|(?!(?:" + _CLAUSE_WORDS + "|" + SPEECH_VERBS + r")\b)[\w'’/-]+),?\s+){0,6}?"
# What may stand between a quotation and its speaker's name, on either side.
_AFTER_THEN_NAME = re.compile(r"^\s*[,.]?\s*" + _VERB + r"\s+" + _DESCRIPTION + r"$")  # "…," said Rep. NAME
_DESCRIBED_NAME = re.compile(r"^\s*,?\s*" + _DESCRIPTION + r"$")  # "…," White House press secretary NAME said
# NAME (D-Wis.) said; NAME, the foreign minister of France, a member of the council, said
_ASIDES = r"^(?:\s*\([^()\n]{1,40}\))?(?:\s*,[^,\n]{1,100}){0,2},?\s+"  # "(D-Wis.)", ", the mayor,"
# An adverb may go before the verb: "Roe, the chief executive, forcefully told a young woman that "…"".
_ADVERB = r"(?:[a-z]+ly\s+)?"
_NAME_THEN_VERB = re.compile(_ASIDES + _ADVERB + _VERB + r"\b")
# Verbs that put words in someone's mouth only with the quotation in their own sentence: 'Roe called
# the ruling "a huge win"', 'Roe described it as "an intentional act"'.
_CHARACTERISING = (
    r"called|calls|described|describes|dismissed|dismisses|condemned|condemns|praised|praises|criticized|"
    r"criticised|criticizes|slammed|slams|proclaimed|proclaims|labeled|labelled|branded|brands|dubbed|"
    r"denounced|denounces|compared|compares|exhorted|likened|likens|termed|terms|hailed|hails|touted|touts|"
    r"blasted|blasts|mocked|mocks|decried|decries|lambasted|lambastes|attacked|attacks|ridiculed|ridicules|"
    r"derided|derides|assailed|assails"
)
_NAME_THEN_CHARACTERISING = re.compile(_ASIDES + _ADVERB + r"(?P<verb>" + _CHARACTERISING + r")\b")
_CAPITALISED_LAST = re.compile(r"(?:^|\s)[A-Z][\w’'.-]*$")


def _name_then(pattern: re.Pattern[str], following: str) -> re.Match[str] | None:
    """Match what follows a name against a NAME-then-verb pattern, unless an aside that no comma closes
    ends in a capitalised word right before the verb: in 'Dufty, Billie Holliday replied' that word
    is the verb's own subject (a name the model did not find), not a description of Dufty."""
    says = pattern.match(following)
    if says is None:
        return None
    before_verb = following[: says.start("verb")].rstrip()
    if before_verb and before_verb[-1] not in ",)" and _CAPITALISED_LAST.search(before_verb):
        return None
    return says


_DASH_THEN_NAME = re.compile(r"^\s*[―—–-]\s*$")  # "…" ― NAME (a list of voices)
_BEFORE_NAME_VERB = re.compile(
    r"^(?:\s*\([^()\n]{1,40}\))?\s+" + _VERB + r"(?:\s+[\w’'-]+){0,4}?(?:\s+that)?\s*[:,]?\s*$"
)  # NAME said on Tuesday: "…"
# NAME asking, "…": a participle right after the name, with up to five words of its own before the
# quotation ("Roe saying during the debate, …"); after a comma it would describe the clause's subject:
# "Roe chimed in on Twitter, saying …".
_BEFORE_NAME_PARTICIPLE = re.compile(
    r"^\s+(?P<verb>saying|asking|adding|telling reporters|writing)(?:\s+[\w’'-]+){0,5}?\s*[:,]?\s*$"
)
_ACCORDING_TO = re.compile(r"according to\s+" + _DESCRIPTION + r"$", re.IGNORECASE)
# A sentence that opens with the verb: 'Said Ellis: "…"', 'Added Rep. Roe, "…"'.
_VERB_THEN_NAME = re.compile(
    r"(?:^|\n|[.!?][\"”’)]?\s+)\s*(?P<verb>" + SPEECH_VERBS.title() + r")\s+" + _DESCRIPTION + r"$"
)
# "…," she said / "…," said she: the verb is named in either order.
_PRONOUN_AFTER = re.compile(
    r"^\s*[,.]?\s*(?:(?:he|she)\s+" + _VERB + r"|(?P<inverted>" + SPEECH_VERBS + r")\s+(?:he|she))\b"
)
# A quoted name of a show, a book or an event ("Fox News Sunday", "Morning Joe"): a few words, each
# capitalised, nothing said.
_TITLE_CASE = re.compile(
    r"^[A-Z0-9][\w’'.&-]*(?:[\s,]+(?:[A-Z0-9][\w’'.&-]*|the|of|and|a|an|in|on|for|to)){0,6}[\s,.]*$"
)
# Words that, right after a speech verb, are its own object ("said yes", "said nothing").
_OWN_OBJECT = re.compile(r"\s+(?:yes|no|nothing|something|anything|little|goodbye|hello|sorry|thanks)\b", re.I)
_OPENS_SENTENCE = re.compile(r"(?:^|[.!?][\"”’)]?\s+|\n\s*)$")
_TITLE_BEFORE = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Prof|St)\.\s*$")
_POSSESSIVE = re.compile(r"['’]s?\b")
_SENTENCE_END = re.compile(r"[.!?][\"”’)]?\s+(?=[\"“A-Z])|\n")
_WINDOW = 80
_MIN_QUOTE = 8


def find_quotes(text: str, spans: Sequence[EntitySpan], language: str | None = "en") -> list[Quote]:
    """Give back each quotation whose speaker the text names (or refers to as he/she right after), in
    English and French (`language`; an unknown language is read as English, the others not at all)."""
    primary = (language or "en").split("-")[0].lower()
    if primary == "fr":
        return _french_quotes(text, spans)
    if primary != "en":
        return []
    quotations = _quotations(text)
    people = _speakers_outside(spans, quotations)
    # An organisation speaks only in the shapes right beside the quotation ('…," the agency said',
    # 'according to Reuters'); "he said" and a paragraph's next quotation go on a person's words only.
    sources = sorted([*people, *_organisations_outside(text, spans, people, quotations)], key=lambda s: s.start)
    labels = {s.canonical: s.label for s in sources}
    quotes: list[Quote] = []
    for start, end, outer_start, outer_end in quotations:
        if _TITLE_CASE.match(text[start:end].strip()):
            continue
        found = (
            _speaker_after(text, outer_end, sources)
            or _speaker_before(text, outer_start, sources)
            or _sentence_subject(text, outer_start, people)
            or _introducing_paragraph(text, outer_start, people)
        )
        previous = quotes[-1] if quotes else None
        same_paragraph = previous is not None and "\n" not in text[previous.end : start]
        if found is None and previous is not None and same_paragraph and previous.speaker_label == "PERSON":
            pronoun = _PRONOUN_AFTER.match(text[outer_end : outer_end + 30])
            between = text[previous.end : outer_start]
            # Another person named in between blocks it only in a speaker's place (followed by a verb),
            # not in a possessive or an aside ("speaking of Clinton's health").
            others = {
                p.canonical
                for p in people
                if previous.end <= p.start < outer_start
                and not _POSSESSIVE.match(text, p.end)
                and (_NAME_THEN_VERB.match(text[p.end : p.end + 80]) or _opens_sentence(text, p.start))
            } - {previous.speaker}
            if pronoun or (not others and len(between) < 200):
                # "…," she added; or the next quotation of the same speaker in one paragraph.
                found = (previous.speaker, _pronoun_verb(pronoun) if pronoun else previous.verb)
        if found is None and not same_paragraph:
            found = _pronoun_for_the_paragraphs_subject(text, outer_start, outer_end, people)
        if found is not None:
            quotes.append(_quote(text, start, end, *found, labels.get(found[0], "PERSON")))
    return quotes


def _pronoun_for_the_paragraphs_subject(
    text: str, outer_start: int, outer_end: int, people: Sequence[EntitySpan]
) -> tuple[str, str] | None:
    """Give back the speaker of a paragraph's first quotation that "he said" or "she said" attributes:
    `Sen. Jane Roe (D-Mo.) scolded him: "…," she said.` The paragraph must name one person before the
    quotation, and name them as the subject of a sentence; with two people, or the one only as an
    object, the pronoun could be either, or someone named earlier."""
    pronoun = _PRONOUN_AFTER.match(text[outer_end : outer_end + 30])
    if pronoun is None:
        return None
    paragraph_start = text.rfind("\n", 0, outer_start) + 1
    named = [p for p in people if paragraph_start <= p.start and p.end <= outer_start]
    if len({p.canonical for p in named}) != 1 or not any(_opens_sentence(text, p.start) for p in named):
        return None
    # "McDowell laughs at his mom's memory. "…," she said": the paragraph's own pronouns make the
    # subject a man, so "she" is someone else.
    said = pronoun.group(0).lower()
    words = set(_WORDS.findall(text[named[0].end : outer_start].lower()))
    other = _HIS if re.search(r"\bshe\b", said) else _HERS
    if words & other and not words & (_HERS if other is _HIS else _HIS):
        return None
    return named[0].canonical, _pronoun_verb(pronoun)


def _pronoun_verb(pronoun: re.Match[str]) -> str:
    """Give back the verb of a `_PRONOUN_AFTER` match, in either order ("she said", "said she")."""
    return pronoun.group("verb") or pronoun.group("inverted")


_WORDS = re.compile(r"[a-z]+")
# The pronouns that refer back to a sentence's subject ("him" is mostly someone else: "Roe scolded him").
_HIS = frozenset(("he", "his", "himself"))
_HERS = frozenset(("she", "her", "hers", "herself"))


def _organisations_outside(
    text: str, spans: Sequence[EntitySpan], people: Sequence[EntitySpan], quotations: list[tuple[int, int, int, int]]
) -> list[EntitySpan]:
    """Give back the organisations that may speak: outside quotations, no name read as a person's, and
    no part of a description of someone."""
    names = {p.canonical for p in people}
    starts = {p.start for p in people}
    return [
        s
        for s in _outside(spans, quotations)
        if s.label == "ORG" and s.canonical not in names and s.start not in starts and not _describes(text, s)
    ]


# An organisation's name is part of someone's description when a preposition goes before it ("Jane Roe
# of the Sierra Club", "an adviser to the White House"; "according to" is a speaker's) or a word of the
# description follows it ("MSNBC host Jane Roe", "European Council President Jane Roe"): it speaks only
# when its name ends the clause or a verb follows.
_PREPOSITION_BEFORE = re.compile(r"\b(?:of|at|for|from|with|by|in|on|(?<!according )to)\s+(?:the\s+)?$", re.IGNORECASE)
_CLAUSE_OR_VERB_AFTER = re.compile(r"\s*(?:[,.;:!?)”\"]|$|\s*(?:" + SPEECH_VERBS + r")\b)")


def _describes(text: str, span: EntitySpan) -> bool:
    """Tell whether an organisation's name is part of a description of someone rather than a speaker."""
    before = _PREPOSITION_BEFORE.search(text[max(0, span.start - 20) : span.start])
    return before is not None or _CLAUSE_OR_VERB_AFTER.match(text, span.end) is None


def _outside(spans: Sequence[EntitySpan], quotations: list[tuple[int, int, int, int]]) -> list[EntitySpan]:
    """Give back the spans outside every quotation: a name inside one is something said, never who said it."""
    return [s for s in spans if not any(o <= s.start < e for _, _, o, e in quotations)]


def _speakers_outside(spans: Sequence[EntitySpan], quotations: list[tuple[int, int, int, int]]) -> list[EntitySpan]:
    """Give back the people who may speak: those named outside every quotation."""
    return _outside(people_in(spans), quotations)


def _quote(text: str, start: int, end: int, speaker: str, verb: str, label: str = "PERSON") -> Quote:
    return Quote(start, end, " ".join(text[start:end].split()), speaker, label, verb.lower())


def people_in(spans: Sequence[EntitySpan]) -> list[EntitySpan]:
    """Give back the article's PERSON mentions, with the mentions the model labelled otherwise ("Trump
    said" as ORG) whose text is a person's name or unique surname elsewhere in the same article."""
    persons = [s for s in spans if s.label == "PERSON"]
    by_name: dict[str, set[str]] = {}
    for span in persons:
        by_name.setdefault(span.text, set()).add(span.canonical)
        by_name.setdefault(span.canonical.split()[-1], set()).add(span.canonical)
    relabelled = [
        EntitySpan(s.start, s.end, s.text, "PERSON", next(iter(by_name[s.text])))
        for s in spans
        if s.label != "PERSON" and len(by_name.get(s.text, ())) == 1
    ]
    return sorted([*persons, *relabelled], key=lambda s: s.start)


def _quotations(text: str, opens: str = _OPEN, closes: str = _CLOSE) -> list[tuple[int, int, int, int]]:
    """Give back (start, end) of each quotation's words and (outer_start, outer_end) with its marks.
    A quotation that opens and does not close in its paragraph goes on through the following
    paragraphs that open with a mark, up to the one where it closes (news style for long quotes)."""
    found: list[tuple[int, int, int, int]] = []
    position = 0
    while True:
        opening = _find_any(text, opens, position)
        if opening < 0:
            return found
        closing = _find_any(text, closes, opening + 1)
        newline = text.find("\n", opening)
        in_paragraph = closing >= 0 and (newline < 0 or closing < newline)
        end = closing if in_paragraph else _multi_paragraph_end(text, newline, opens, closes)
        if end is None:
            position = opening + 1
            continue
        if end - opening - 1 >= _MIN_QUOTE:
            found.append((opening + 1, end, opening, end + 1))
        position = end + 1


def _multi_paragraph_end(text: str, newline: int, opens: str, closes: str) -> int | None:
    """Give back where a quotation left open at the end of its paragraph closes: in a later paragraph
    that opens with a mark, before any paragraph that does not; None when it never closes so."""
    while newline >= 0:
        start = newline + 1
        while start < len(text) and text[start] in " \n":
            start += 1
        if start >= len(text) or text[start] not in opens:
            return None
        newline = text.find("\n", start)
        closing = _find_any(text, closes, start + 1)
        if closing >= 0 and (newline < 0 or closing < newline):
            return closing
    return None


def _find_any(text: str, characters: str, start: int) -> int:
    positions = [p for p in (text.find(c, start) for c in characters) if p >= 0]
    return min(positions) if positions else -1


def _opens_sentence(text: str, start: int) -> bool:
    """Tell whether the name at start opens a sentence (a title before it, "Mr. Roe", counts with it)."""
    title = _TITLE_BEFORE.search(text, max(0, start - 8), start)
    return _OPENS_SENTENCE.search(text, max(0, start - 300), title.start() if title else start) is not None


def _speaker_after(text: str, quote_end: int, people: Sequence[EntitySpan]) -> tuple[str, str] | None:
    for span in people:
        if quote_end <= span.start <= quote_end + _WINDOW:
            between = text[quote_end : span.start]
            if "\n" in between:
                return None
            if _DASH_THEN_NAME.match(between):
                return span.canonical, "said"
            said = _AFTER_THEN_NAME.match(between)
            if said:
                return span.canonical, said.group("verb")
            says = _name_then(_NAME_THEN_VERB, text[span.end : span.end + 120])
            # After a quotation that ends its sentence ('…timing." Gov. Roe said'), a name and a verb
            # open the next sentence: they attribute what follows, not this.
            ended = text[quote_end - 2 : quote_end - 1] == "."
            # "…," NAME said yes: the verb has its own object, so the quotation is not what was said.
            has_object = says is not None and _OWN_OBJECT.match(text[span.end + says.end() :])
            if says and _DESCRIBED_NAME.match(between) and not ended and not has_object:
                return span.canonical, says.group("verb")
            if says or not _DESCRIBED_NAME.match(between):
                return None  # the nearest name after the quotation is not its speaker: look no further
            # Otherwise the name may be part of a description of the speaker who follows it:
            # '"…," Trump lawyer Marc Kasowitz said'.
    return None


def _speaker_before(text: str, quote_start: int, people: Sequence[EntitySpan]) -> tuple[str, str] | None:
    for span in reversed(people):
        if quote_start - _WINDOW <= span.end <= quote_start:
            between = text[span.end : quote_start]
            says = _BEFORE_NAME_VERB.match(between) or _BEFORE_NAME_PARTICIPLE.match(between)
            if says and "\n" not in between:
                return span.canonical, says.group("verb")
            if _ACCORDING_TO.search(text[max(0, span.start - 60) : span.start]) and between.strip() in ("", ","):
                return span.canonical, "according to"
            inverted = _VERB_THEN_NAME.search(text[max(0, span.start - 60) : span.start])
            if inverted and between.strip() in (":", ","):
                return span.canonical, inverted.group("verb").lower()
    return None


def _sentence_subject(text: str, quote_start: int, people: Sequence[EntitySpan]) -> tuple[str, str] | None:
    """Give back the person who is the subject of a speech verb earlier in the quotation's sentence:
    `Roe says voter fraud "would be one hell of a way to lose."`."""
    sentence_start = 0
    for boundary in _SENTENCE_END.finditer(text, max(0, quote_start - 300), quote_start):
        sentence_start = boundary.end()
    if quote_start - sentence_start > 300:
        return None
    for span in reversed(people):  # the nearest "NAME says" before the quotation is its speaker
        if sentence_start <= span.start and span.end <= quote_start:
            between = text[span.end : quote_start]
            says = _name_then(_NAME_THEN_VERB, between) or _name_then(_NAME_THEN_CHARACTERISING, between)
            if says:
                return span.canonical, says.group("verb")
    return None


def _introducing_paragraph(text: str, quote_start: int, people: Sequence[EntitySpan]) -> tuple[str, str] | None:
    """Give back the speaker a paragraph ending in a colon names, when the quotation opens the next
    paragraph: `Roe continued:` / `The senator told reporters:`."""
    before = text[:quote_start].rstrip(" ")
    if not before.endswith("\n"):
        return None
    paragraph_end = len(before.rstrip("\n "))
    if paragraph_end == 0 or text[paragraph_end - 1] != ":":
        return None
    paragraph_start = text.rfind("\n", 0, paragraph_end) + 1
    for span in people:
        if paragraph_start <= span.start and span.end <= paragraph_end:
            says = _name_then(_NAME_THEN_VERB, text[span.end : paragraph_end])
            if says:
                return span.canonical, says.group("verb")
    return None


# French: the verbs of reported speech in the present and the passé composé (third person).
_FR_PRESENT = (
    "déclare|dit|affirme|explique|ajoute|souligne|indique|précise|estime|assure|confie|raconte|poursuit|"
    "lance|insiste|rappelle|note|observe|reconnaît|reconnait|admet|martèle|résume|prévient|regrette|"
    "dénonce|commente|répond|écrit|conclut|avertit|tranche|détaille|témoigne|juge|déplore|relève|ironise|rapporte|"
    "s['’]exclame|s['’]interroge|se félicite|s['’]inquiète"
)
_FR_PAST = (
    "déclaré|dit|affirmé|expliqué|ajouté|souligné|indiqué|précisé|estimé|assuré|confié|raconté|poursuivi|"
    "lancé|insisté|rappelé|noté|observé|reconnu|admis|martelé|résumé|prévenu|regretté|dénoncé|commenté|"
    "répondu|écrit|conclu|averti|tranché|détaillé|témoigné|jugé|déploré|relevé|ironisé|rapporté"
)
_FR_VERB = r"(?P<verb>a\s+(?:" + _FR_PAST + r")|" + _FR_PRESENT + r")"
_FR_CLAUSE_WORDS = r"(?:que|qu['’]|qui|et|ou|mais|si|quand|car|il|elle|ils|elles|on|son|sa|ses|leur|leurs)"
# Words between the verb and the name: "le porte-parole du ministère des Affaires étrangères,", "sur
# Facebook" (at most nine: French descriptions take articles and prepositions; no clause).
_FR_DESCRIPTION = r"(?:(?!" + _FR_CLAUSE_WORDS + r"\b)[\w'’.-]+,?\s+){0,9}?"
_FR_AFTER_THEN_NAME = re.compile(
    r"^\s*,?\s*(?:" + _FR_VERB + r"|(?P<according>selon|d['’]après))\s+" + _FR_DESCRIPTION + r"$", re.IGNORECASE
)
_FR_PRONOUN_AFTER = re.compile(
    r"^\s*,?\s*(?:a-t-(?:il|elle)\s+(?P<past>"
    + _FR_PAST
    + r")|(?P<present>"
    + _FR_PRESENT
    + r")-(?:t-)?(?:il|elle))\b",
    re.IGNORECASE,
)
_FR_NAME_THEN_VERB = re.compile(
    r"^(?:\s*,[^,\n]{1,80},)?\s+" + _FR_VERB + r"(?:\s+(?:que\s*|qu['’]\s*)|(?:\s+[\w'’-]+){0,4}?\s*:\s*|\s*:\s*)$"
)
_FR_OBJECT_BEFORE_NAME = re.compile(
    r"(?<![\w'’])(?:de|du|des|d['’]|à|au|aux|sur|pour|avec|contre|chez|par|envers|le|la|les|l['’])\s*$", re.IGNORECASE
)
_FR_ACCORDING_BEFORE = re.compile(
    r"(?:^|[\s(])(?P<according>[Ss]elon|[Dd]['’]après|[Pp]our)\s+" + _FR_DESCRIPTION + r"$"
)


def _french_quotes(text: str, spans: Sequence[EntitySpan]) -> list[Quote]:
    quotations = _quotations(text, "«“", "»”")
    people = _speakers_outside(spans, quotations)
    quotes: list[Quote] = []
    for start, end, outer_start, outer_end in quotations:
        if _TITLE_CASE.match(text[start:end].strip()):
            continue
        found = _french_speaker_after(text, outer_end, people) or _french_speaker_before(text, outer_start, people)
        previous = quotes[-1] if quotes else None
        if found is None and previous is not None and "\n" not in text[previous.end : start]:
            pronoun = _FR_PRONOUN_AFTER.match(text[outer_end : outer_end + 40])
            if pronoun:  # "», ajoute-t-elle" after another quotation of hers in the paragraph
                verb = pronoun.group("past") or pronoun.group("present")
                found = (previous.speaker, f"a {verb}" if pronoun.group("past") else verb)
        if found is not None:
            quotes.append(_quote(text, start, end, *found))
    return quotes


def _french_speaker_after(text: str, quote_end: int, people: Sequence[EntitySpan]) -> tuple[str, str] | None:
    """'», a déclaré le ministre Jean Roe', '», selon Jean Roe': the first name after the quotation,
    with only a verb and a description between."""
    for span in people:
        if quote_end <= span.start <= quote_end + _WINDOW:
            between = text[quote_end : span.start]
            said = _FR_AFTER_THEN_NAME.match(between)
            # '», a déclaré le ministre à propos de NAME': the name is what was spoken of, not who spoke.
            if said is None or _FR_OBJECT_BEFORE_NAME.search(between):
                return None
            return span.canonical, " ".join((said.group("verb") or said.group("according")).split())
    return None


def _french_speaker_before(text: str, quote_start: int, people: Sequence[EntitySpan]) -> tuple[str, str] | None:
    """'Jean Roe a déclaré : « …', 'Jean Roe estime qu'« …', 'Selon Jean Roe, « …': the nearest name
    before the quotation, in its paragraph."""
    for span in reversed(people):
        if quote_start - _WINDOW <= span.end <= quote_start:
            between = text[span.end : quote_start]
            if "\n" in between:
                return None
            says = _FR_NAME_THEN_VERB.match(between)
            if says:
                return span.canonical, " ".join(says.group("verb").split())
            according = _FR_ACCORDING_BEFORE.search(text[max(0, span.start - 60) : span.start])
            if between.strip() == "," and according:
                return span.canonical, according.group("according")  # as written: selon, d'après, pour
            return None
    return None
