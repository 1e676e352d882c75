"""Find the people, organisations, places and groups an article mentions, cleaned and resolved."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from newslake.tasks.gazetteer import Place, is_country, is_known_place, lookup_place, name_key
from newslake.tasks.places import find_places, local_place_names
from newslake.tasks.records import EntitySpan, Mention

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

# spaCy labels that name things; dates, numbers and quantities are left out.
ENTITY_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW", "LANGUAGE"}
)
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_EDGE_PUNCT = "\"'“”‘’.,;:!?()[]{}-‒–—―*/\\|•·"
_PRONOUNS = frozenset(
    [
        "i",
        "me",
        "my",
        "mine",
        "we",
        "us",
        "our",
        "ours",
        "you",
        "your",
        "yours",
        "he",
        "him",
        "his",
        "she",
        "her",
        "hers",
        "it",
        "its",
        "they",
        "them",
        "their",
        "theirs",
        "this",
        "that",
        "these",
        "those",
        "who",
        "whom",
        "whose",
        "which",
        "what",
    ]
)
# Lower-case name particles: "Ursula von der Leyen", "Ludwig van Beethoven", "Osama bin Laden".
_PARTICLES = frozenset(
    [
        "von",
        "van",
        "der",
        "den",
        "de",
        "da",
        "di",
        "du",
        "del",
        "della",
        "le",
        "la",
        "bin",
        "ibn",
        "al",
        "el",
        "ter",
        "ten",
        "dos",
        "das",
        "y",
    ]
)
_PARTICLE_GAP = re.compile(r"^\s+(?:(?:" + "|".join(sorted(_PARTICLES)) + r")\s+)+$")
_PERSON_TITLES = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Miss|Dr|Prof|Professor|Sir|Dame|Lord|Lady|President|Vice President|Prime Minister|"
    r"Minister|Chancellor|Senator|Sen|Rep|Representative|Governor|Gov|Mayor|Judge|Justice|King|Queen|Prince|"
    r"Princess|Pope|General|Gen|Colonel|Col|Captain|Capt|Coach|Chairman|Chairwoman|Ambassador|Secretary|"
    r"Premier|Rev|Father|Sister|Brother|Sheikh|Emir|leader|spokesman|spokeswoman|expert|analyst|lecturer)\.?\s+)$"
)
SPEECH_VERBS = (
    "said|says|say|told|tells|added|adds|explained|explains|wrote|writes|stated|states|noted|notes|argued|argues|"
    "emphasized|emphasizes|emphasised|emphasises|stressed|stresses|insisted|insists|warned|warns|claimed|claims|"
    "asked|asks|replied|replies|commented|comments|continued|continues|concluded|concludes|believes|believed|"
    "shows|showed|announced|announces|declared|declares|suggested|suggests|admitted|admits|acknowledged|"
    "acknowledges|recalled|recalls|predicted|predicts|tweeted|posted|boasted|boasts|joked|jokes|quipped|quips|"
    "responded|responds|remarked|remarks|countered|counters|conceded|concedes|vowed|vows|urged|urges|"
    "cautioned|cautions|complained|complains|lamented|laments|retorted|shouted|testified|testifies|"
    "demanded|demands|asserted|asserts|wondered|pleaded"
)
_SPEECH_AFTER = re.compile(r"^\s*,?\s*(?:" + SPEECH_VERBS + r")\b")
_SPEECH_BEFORE = re.compile(r"\b(?:" + SPEECH_VERBS + r"|according to)\s*,?\s*$", re.IGNORECASE)
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|\n\s*|[\"“]\s*)$")
_CREDIT = re.compile(r"(?:photo|picture|image|credit|copyright|©|illustration|graphic)s?\s*(?:by|:|/)?\s*$", re.I)
_WORD = re.compile(r"[^\W\d_]+(?:['’.-][^\W\d_]+)*")
_TRAILING_NUMBERS = re.compile(r"(?:\s+[\d][\d.,:/-]*)+$")
_SPAN_BREAK = re.compile(r"\s*\n\s*|\s+[-‒–—―]\s+|\s*[()]\s*")
_SPORTS_BEFORE = re.compile(r"\b(?:beat|beats|defeated|defeat|drew with|draw with|lost to|v|vs\.?|versus)\s+$")
_SCORE_AFTER = re.compile(r"^\s+\d+(?:\s*[-–:]\s*\d+)?(?:\s|$|[,.;)])")
# How products are written, on one line: a size before the name ("the 16-inch MacBook Pro", "a 65\"
# Bravia") or a product line's word after it or ending it ("Switch Lite", "Disney Plus"). Neither goes
# with a person's or a company's name; a line that starts with "Plus" starts a new sentence.
_SIZE_BEFORE = re.compile(r"\d+(?:[.,]\d+)?[^\S\n]?-?[^\S\n]?(?:inch|in\.|\"|”|″|mm|cm|Zoll|pouces?)[^\S\n]+$")
_PRODUCT_LINE_AFTER = re.compile(r"[^\S\n]+(?:Lite|Pro|Max|Plus|Mini|Ultra)(?![-\w])")
_PRODUCT_LINE_END = re.compile(r"[^\S\n](?:Lite|Pro|Max|Plus|Mini|Ultra)$")
# How an organisation is written in English: the place people work at ("researchers at OpenAI",
# "CEO of Acme", "ChatGPT maker OpenAI"), or what only a company has ("Acme's CEO", "Acme's board of
# directors"). A person's name stands in neither place; a person has a spokesman, staff and shares.
_ORGANISATION_BEFORE = re.compile(
    r"(?:\b(?:researchers?|engineers?|employees?|scientists?|executives?|workers|analysts?) (?:at|of|from)"
    r"|\bmaker|\b(?:CEO|founder|co-founder) of)\s+$"
)
_ORGANISATION_AFTER = re.compile(
    r"(?:'s|’s)\s+(?:CEO|chief executive|founder|co-founder|board of directors|headquarters)\b"
)
_LEADING_FUNCTION_WORDS = frozenset({"later", "earlier", "yesterday", "today", "tonight", "tomorrow", "now"})
# A lower-case word elided onto the name that follows it, in French and Italian: "qu’", "l’", "jusqu’",
# "dell’", "all’". A particle of the name itself is capitalised ("D’Angelo", "O’Brien") or is "d’"
# ("Giscard d’Estaing"), which stays.
_ELIDED_WORD = re.compile(r"(?!d['’])[a-zà-ÿ]{1,6}['’](?=[A-ZÀ-Þ])")
# Lower-case words, the last a common noun, then "de la", "de l’", "du" or "des" and a capital: "le
# ministère de la Justice", "président du Conseil". Group 1 is the noun.
_NOUN_OF = re.compile(r"(?:[a-zà-ÿ]+\s+)*?([a-zà-ÿ]{3,})\s+(?:de\s+la\s+|de\s+l['’]|du\s+|des\s+)(?=[A-ZÀ-Þ])")
# French nouns of a person's office, in both genders: "ministre de la Santé" and "secrétaire général
# des Nations unies" are roles, not the organisations the model labels them (the ministry is
# "ministère"; "conseil général" is a council).
_ROLE_NOUNS = frozenset(
    [
        "ministre",
        "président",
        "présidente",
        "secrétaire",
        "directeur",
        "directrice",
        "maire",
        "préfet",
        "préfète",
        "procureur",
        "procureure",
        "député",
        "députée",
        "sénateur",
        "sénatrice",
        "ambassadeur",
        "ambassadrice",
        "gouverneur",
        "gouverneure",
        "conseiller",
        "conseillère",
        "commissaire",
        "délégué",
        "déléguée",
        "chef",
        "cheffe",
        "juge",
    ]
)
_FRENCH_ARTICLES = frozenset(["le", "la", "les", "un", "une", "ce", "cet", "cette", "son", "sa", "ses", "leur"])
# A lower-case prefix glued to a name by a hyphen: the name is what follows.
_GLUED_PREFIX = re.compile(r"(?:ex|post|pre|pré|anti|pro|non|neo|néo|mid|pseudo|quasi|semi|ultra)-(?=[A-ZÀ-Þ])")
# A courtesy title before a person's name, with or without its period (British style: "Ms Truss").
_COURTESY_TITLE = re.compile(r"(?:Mr|Mrs|Ms|Mx|Dr)\.?\s+(?=[A-Z])")
_DIRECTION_ADJECTIVES = frozenset({"western", "eastern", "northern", "southern"})
_GIVEN_NAME_STOP_WORDS = frozenset({"will", "may", "can", "june"})
# One initial and a surname ("A. Dale"). Two initials are an abbreviation as often ("U.S. Open",
# "U.N. Council"), so they are left to the model.
_INITIAL_NAME = re.compile(r"(?<![\w.])[A-Z]\.\s?[A-Z][a-z]+(?:['’-][A-Z]?[a-z]+)*(?![\w.])")
_NAME_WORD = r"[A-Z][a-z]+(?:[-'’][A-Za-z]+)?"
_NAME_COUNTRY = re.compile(
    rf"(?P<name>(?<![\w]){_NAME_WORD}(?:\s+{_NAME_WORD}){{1,2}})\s*\(\s*(?P<country>[A-Z][A-Za-z. ]{{1,20}})\s*\)"
)
_TEAM_SCORE = re.compile(
    r"(?P<team>(?<![\w.])[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2})\s+\d{1,3}(?![\d.,:/-]*\s*(?:percent|pct|%))\b"
)
_LEADING_NUMBER = re.compile(r"\d[\d.,:/-]*\s+")
_PERSON_SHAPE = re.compile(r"^[A-Z][a-z]+(?:-[A-Z][a-z]+)?\s+[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)?$")
_ACRONYM = re.compile(r"(?<![\w.'’-])[A-Z]{2,6}(?![\w'’-])")
_COMMON_ABBREVIATIONS = frozenset(
    [
        "AM",
        "PM",
        "GMT",
        "EST",
        "EDT",
        "PST",
        "CET",
        "BST",
        "UTC",
        "CEO",
        "CFO",
        "COO",
        "CTO",
        "MP",
        "MPS",
        "TV",
        "PC",
        "OK",
        "ID",
        "DNA",
        "HIV",
        "AIDS",
        "GDP",
        "GNP",
        "CPI",
        "PPI",
        "VAT",
        "IPO",
        "PCT",
        "MLN",
        "BLN",
        "BN",
        "MN",
        "KM",
        "KG",
        "MM",
        "CM",
        "MPH",
        "FT",
        "NB",
        "PS",
        "II",
        "III",
        "IV",
        "VI",
        "VII",
        "VIII",
        "IX",
        "XI",
        "XII",
        "AD",
        "BC",
        "RPM",
        "QC",
        "MD",
        "PHD",
        "BA",
        "MA",
        "MBA",
        "USA",
        "UK",
        "US",
        "YES",
        "NO",
        "NOT",
        "AND",
        "THE",
        "FOR",
        "WITH",
        "NEWS",
        "PLC",
        "LTD",
        "INC",
        "CORP",
        "CO",
        "AG",
        "SA",
        "NV",
        "BV",
        "LLC",
        "GMBH",
        "HQ",
        "FAQ",
        "ASAP",
        "AI",
        "CPU",
        "GPU",
        "USB",
        "LED",
        "LCD",
        "SUV",
        "PDF",
        "URL",
        "API",
    ]
)
_ABBREVIATION = re.compile(r"(?:^|\s)(?:[A-Z]\.){2,}$")
_LABEL_PRIORITY = {"PERSON": 0, "ORG": 1, "GPE": 2, "LOC": 3, "NORP": 4, "FAC": 5}


@dataclass(frozen=True)
class NerModel:
    """A loaded spaCy pipeline and the name and version recorded on every mention it finds."""

    nlp: Language
    name: str

    @property
    def language(self) -> str:
        """The ISO 639-1 code of the language the model reads ("en")."""
        return str(self.nlp.lang)

    def pipe(self, texts: Sequence[str], batch_size: int = 8) -> list[Doc]:
        """Give back parsed documents for the texts, in their order; all-caps lines are read in title case.

        The texts go through the model shortest first in small batches: a batch is padded to its
        longest text, so similar lengths waste less work (about 12% faster than batches of 64 in
        page order on news articles, with the same entities).
        """
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        parsed = self.nlp.pipe((prepare_text(texts[i]) for i in order), batch_size=batch_size)
        return [doc for _, doc in sorted(zip(order, parsed, strict=True), key=lambda pair: pair[0])]


def load_ner_model(name: str) -> NerModel:
    """Give back the named spaCy pipeline with only the components named-entity recognition needs."""
    import spacy  # a heavy import: only where a model is really wanted

    nlp = spacy.load(name, exclude=components_not_for_ner(name))
    keep = ner_components(nlp)
    for pipe in list(nlp.pipe_names):
        if pipe not in keep:
            nlp.remove_pipe(pipe)
    meta = nlp.meta
    return NerModel(nlp=nlp, name=f"{meta.get('lang', 'xx')}_{meta.get('name', name)}-{meta.get('version', '0')}")


def components_not_for_ner(name: str) -> list[str]:
    """Give back the components of a pipeline (an installed package's name, or a folder) that
    named-entity recognition does not use, from its meta.json, so they are never loaded: the French
    pipeline's parser, morphologizer and lemmatizer took 0.6 s of every process's load. `tok2vec`
    stays until `ner_components` knows whether `ner` listens to it. A pipeline without a readable
    meta.json loads whole, and its loading says what is wrong with it."""
    from spacy import util

    folder = util.get_package_path(name) if util.is_package(name) else Path(name)
    try:
        meta = util.load_meta(folder / "meta.json")
    except (OSError, ValueError):
        return []
    return [str(c) for c in meta.get("components") or meta.get("pipeline") or [] if c not in ("tok2vec", "ner")]


def ner_components(nlp: Language) -> tuple[str, ...]:
    """Give back the components named-entity recognition runs: `ner`, and a shared `tok2vec` only when
    `ner` listens to it. The small English model's `ner` embeds its own, so the shared one is dead
    weight there (a third of the NER time, same entities)."""
    if "tok2vec" in nlp.pipe_names and "ner" in getattr(nlp.get_pipe("tok2vec"), "listening_components", ()):
        return ("tok2vec", "ner")
    return ("ner",)


def prepare_text(text: str) -> str:
    """Give back the text with all-caps lines (headlines, datelines) truecased, offsets unchanged.

    A word takes the casing it has elsewhere in the same text; unseen stop words go lower case and
    other unseen words get a capital, so "LONDON 1996-08-30" reads as "London 1996-08-30".
    """
    lines = text.split("\n")
    shouting = [i for i, line in enumerate(lines) if line.isupper() and sum(ch.isalpha() for ch in line) >= 4]
    if not shouting:
        return text
    casing = _document_casing(line for i, line in enumerate(lines) if i not in set(shouting))
    for i in shouting:
        lines[i] = _WORD.sub(lambda m: _truecase(m.group(0), casing), lines[i])
    return "\n".join(lines)


def _document_casing(lines: Iterable[str]) -> dict[str, str]:
    counts: Counter[str] = Counter(word for line in lines for word in _WORD.findall(line) if not word.isupper())
    casing: dict[str, str] = {}
    for word, _ in counts.most_common():
        casing.setdefault(word.lower(), word)
    return casing


def _truecase(word: str, casing: dict[str, str]) -> str:
    lowered = word.lower()
    cased = casing.get(lowered) or (lowered if lowered in _stop_words() else word.capitalize())
    return cased if len(cased) == len(word) else word


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


# The labels of spaCy's pipelines for other languages (WikiNER: PER, LOC, ORG, MISC) in the English
# scheme newslake stores; MISC (events, works, nationalities together) is left out.
MODEL_LABELS = {"PER": "PERSON", "LOC": "LOC", "ORG": "ORG"}


def find_entities(doc: Doc, text: str) -> list[EntitySpan]:
    """Give back the article's entity mentions: cleaned, merged, resolved and consistently labelled."""
    raw = [
        (ent.start_char, ent.end_char, MODEL_LABELS.get(ent.label_, ent.label_))
        for ent in doc.ents
        if MODEL_LABELS.get(ent.label_, ent.label_) in ENTITY_LABELS
    ]
    pieces = [piece for span in merge_particle_names(raw, text) for piece in split_span(text, *span)]
    spans = [cleaned for piece in pieces if (cleaned := clean_span(text, *piece)) is not None]
    spans += find_acronyms(text, spans)
    spans += find_pattern_people(text, spans)  # may drop model spans inside a name it finds
    # After the pattern people: they read "M. Macron" as an initial and a surname.
    spans = [without_honorific(text, *span, doc.lang_) for span in spans]
    spans += find_result_teams(text, spans)
    spans += find_dateline_places(text, spans)
    spans += find_gazetteer_places(text, doc.lang_, spans)
    return propagate_entities(drop_common_words(resolve_entities(spans, text, doc.lang_), text), text)


# The honorifics a French person's name is written after ("M. Peskov", "Mme Binet", "Me Dupont"), which
# the French model keeps in the name: without them the name resolves like any surname ("Peskov" ->
# "Dmitri Peskov"). French only: in English "M. Night Shyamalan" is a name.
_FRENCH_HONORIFIC = re.compile(r"(?:M\.|MM\.|Mme|Mmes|Mlle|Mlles|Me)[\s\u00a0]+(?=[A-ZÀ-ÖØ-Þ])")


def without_honorific(text: str, start: int, end: int, label: str, language: str) -> tuple[int, int, str]:
    """Give back a person's span without the French honorific it opens with, in a French text."""
    if label == "PERSON" and language == "fr":
        honorific = _FRENCH_HONORIFIC.match(text, start, end)
        if honorific is not None and honorific.end() < end:
            start = honorific.end()
    return start, end, label


def drop_common_words(spans: list[EntitySpan], text: str) -> list[EntitySpan]:
    """Give back the spans without one-word people and organisations the same article also writes in
    lower case as an ordinary word: "Level", "State" or "Luggage" capitalised at the start of a
    sentence or in a heading, beside "level", "state" and "luggage" in its running text."""
    lower_words = {word for word in _WORD.findall(text) if word.islower()}

    def common(span: EntitySpan) -> bool:
        words = _WORD.findall(span.canonical.lower())
        if span.label == "PERSON":  # "Post-Workout Meal": every word an ordinary one of the article
            return all(w in lower_words for w in words)
        return span.label == "ORG" and len(words) == 1 and words[0] in lower_words

    return [span for span in spans if not common(span)]


def find_pattern_people(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Give back people that news style marks by form: an initial and a surname ("A. Dale"), or a name
    followed by a country in parentheses ("Pete Sampras ( U.S. )").

    Such a form outweighs the model: a model span lying inside it is removed from `spans` in place.
    """
    found = [(m.start(), m.end(), "PERSON") for m in _INITIAL_NAME.finditer(text) if not is_known_place(m.group())]
    for match in _NAME_COUNTRY.finditer(text):
        country, name = match.group("country").strip(), match.group("name")
        if (is_known_place(country) or country.isupper()) and not _is_abbreviated_organisation(name, country):
            found.append((match.start("name"), match.end("name"), "PERSON"))
    return [(start, end, label) for start, end, label in found if _take_over(spans, start, end)]


def _is_abbreviated_organisation(name: str, bracketed: str) -> bool:
    """Tell whether "NAME (XYZ)" gives an organisation and its abbreviation, not a person and a country:
    the letters in brackets are the name's initials ("Kurdistan Democratic Party ( KDP )"), or the name
    ends with a word that heads organisations' names ("Budapest Stock Exchange ( BSE )")."""
    words = name.split()
    initials = "".join(word[0] for word in words).casefold()
    return bracketed.replace(".", "").replace(" ", "").casefold() == initials or (
        words[-1].casefold() in _ORGANISATION_HEADS
    )


def _overlaps(spans: Iterable[tuple[int, int, str]], start: int, end: int) -> bool:
    """Tell whether any span overlaps start..end."""
    return any(start < e and s < end for s, e, _ in spans)


def _take_over(spans: list[tuple[int, int, str]], start: int, end: int) -> bool:
    """Remove the spans lying inside start..end from `spans`, in place, and tell whether the range is
    free now; a span reaching across its edge keeps it (and nothing is removed)."""
    inside = [span for span in spans if start <= span[0] and span[1] <= end]
    if _overlaps((span for span in spans if span not in inside), start, end):
        return False
    for span in inside:
        spans.remove(span)
    return True


def find_result_teams(text: str, spans: Sequence[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Give back teams in results lines the model missed: "San Diego 4 Montreal 3", "Bradford 2 Bath 1".

    A line counts when at least two capitalised names are each followed by a score.
    """
    found: list[tuple[int, int, str]] = []
    offset = 0
    for line in text.split("\n"):
        # A month before a day is a date ("July 19-20"), not a team.
        hits = [m for m in _TEAM_SCORE.finditer(line) if "." not in m.group("team")]
        hits = [m for m in hits if not _is_common_term(m.group("team"), "ORG")]
        if len(hits) >= 2:
            for m in hits:
                start, end = offset + m.start("team"), offset + m.end("team")
                if not _overlaps(spans, start, end):
                    found.append((start, end, "ORG"))
        offset += len(line) + 1
    return found


_PLACE_WORDS = r"[A-Z][\w.'’-]*(?:[ \t]+[A-Z][\w.'’-]*){0,2}"
# A wire dateline opening a paragraph: "BUCHAREST 1996-08-30", "WASHINGTON (AP) —", "PARIS, Dec 5
# (Reuters) -", "Kyiv, Ukraine —".
_DATELINE = re.compile(
    rf"^(?P<place>{_PLACE_WORDS})(?:,[ \t]*(?P<region>{_PLACE_WORDS}))?"
    r"(?:[ \t]+\d{4}-\d{2}-\d{2}[ \t]*$|(?:,[ \t]*[\w. ]{3,20}?)?[ \t]*(?:\([^()\n]{1,30}\))?[ \t]*[-–—][ \t])",
    re.MULTILINE,
)


def find_dateline_places(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Give back the places of wire datelines ("BUCHAREST 1996-08-30", "NOUAKCHOTT (Reuters) -",
    "SIOUX FALLS, S.D. –"): a known place the model missed (a city in capitals before a date reads to
    it as anything), and the city of a dateline that names its region, a known place or an abbreviation
    ("S.D.", "Calif."), whatever the model made of it: a model span inside it is removed from `spans`."""
    found = []
    for match in _DATELINE.finditer(text):
        region = match.group("region")
        regional = bool(region) and (is_known_place(region.title()) or _REGION_ABBREVIATION.fullmatch(region))
        for group in ("place", "region"):
            start, end = match.span(group)
            name = match.group(group)
            if not name:
                continue
            if group == "place" and regional and not is_known_place(name.title()):
                if _take_over(spans, start, end):
                    found.append((start, end, "GPE"))
            elif is_known_place(name.title()) and not _overlaps(spans, start, end):
                found.append((start, end, "GPE"))
    return found


_REGION_ABBREVIATION = re.compile(r"(?:[A-Z][a-z]{0,4}\.){1,3}")


def find_gazetteer_places(
    text: str, language: str, spans: Sequence[tuple[int, int, str]]
) -> list[tuple[int, int, str]]:
    """Give back the places the gazetteer finds in the text in its language (tasks/places.py) where the
    model found nothing. The small English model misses cities in results tables ("Bristol",
    "Wolverhampton"), datelines in capitals ("CHISINAU") and countries in lists ("Slovenia"); a city
    that names a team still becomes the team's organisation on the article's evidence."""
    return [(p.start, p.end, p.label) for p in find_places(text, language) if not _overlaps(spans, p.start, p.end)]


def find_acronyms(text: str, spans: Sequence[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Give back organisation acronyms the model missed: "KDP", "FOMC" in mixed-case sentences.

    Country names, currency codes, units and common abbreviations are not organisations.
    """
    found = []
    for match in _ACRONYM.finditer(text):
        start, end = match.span()
        word = match.group(0)
        if word in _not_acronyms() or is_known_place(word) or _overlaps(spans, start, end):
            continue
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line = text[line_start : line_end if line_end >= 0 else len(text)]
        if sum(ch.islower() for ch in line) > sum(ch.isupper() for ch in line):
            found.append((start, end, "ORG"))
    return found


@lru_cache(maxsize=1)
def _not_acronyms() -> frozenset[str]:
    import pycountry

    currencies = {c.alpha_3 for c in pycountry.currencies}
    countries = {c.alpha_2 for c in pycountry.countries} | {c.alpha_3 for c in pycountry.countries}
    return frozenset(currencies | countries | _COMMON_ABBREVIATIONS)


def split_span(text: str, start: int, end: int, label: str) -> list[tuple[int, int, str]]:
    """Split a span that runs across a line break or a spaced dash: no name does ("Romania - Cosmin Contra")."""
    pieces = []
    cursor = start
    for match in _SPAN_BREAK.finditer(text, start, end):
        pieces.append((cursor, match.start(), label))
        cursor = match.end()
    pieces.append((cursor, end, label))
    pieces = [(s, e, label) for s, e, label in pieces if e > s]
    if len(pieces) > 1:
        # The model labelled the whole run, not each piece: a piece shaped like a person's name is one.
        pieces = [
            (s, e, "PERSON" if _PERSON_SHAPE.match(text[s:e]) and not is_known_place(text[s:e]) else label)
            for s, e, label in pieces
        ]
    return pieces


def propagate_entities(spans: list[EntitySpan], text: str) -> list[EntitySpan]:
    """Add the mentions the model missed: other occurrences of a name the article already uses.

    A person's surname counts as one of their names. Only capitalised names of three letters or more
    that are not stop words are matched, on word boundaries, outside existing spans.
    """
    taken = bytearray(len(text))  # 1 where a span already covers the character
    for span in spans:
        end = min(span.end, len(text))
        taken[span.start : end] = b"\x01" * max(0, end - span.start)
    names: dict[str, EntitySpan] = {}
    for span in spans:
        forms = {span.text, span.canonical}
        if span.label == "PERSON" and " " in span.canonical:
            forms.add(span.canonical.split()[-1])
        for form in forms:
            if len(form) >= 3 and form[0].isupper() and form.lower() not in _stop_words():
                names.setdefault(form, span)
    if not names:
        return spans
    pattern = re.compile(
        r"(?<![\w'’-])(?:" + "|".join(map(re.escape, sorted(names, key=len, reverse=True))) + r")(?![\w-])"
    )
    added = []
    for match in pattern.finditer(text):
        start, end = match.span()
        if taken.find(1, start, end) >= 0:  # overlaps a span already found
            continue
        source = names[match.group(0)]
        if source.label != "PERSON" and is_known_place(match.group(0)) != is_known_place(source.canonical):
            continue
        added.append(EntitySpan(start, end, match.group(0), source.label, source.canonical))
        taken[start:end] = b"\x01" * (end - start)
    return sorted(spans + added, key=lambda s: s.start)


def merge_particle_names(spans: list[tuple[int, int, str]], text: str) -> list[tuple[int, int, str]]:
    """Join a name split around lower-case particles ("Ursula" + "von der" + "Leyen") into one PERSON."""
    merged: list[tuple[int, int, str]] = []
    for start, end, label in spans:
        if merged:
            prev_start, prev_end, prev_label = merged[-1]
            if prev_label == "PERSON" and _PARTICLE_GAP.match(text[prev_end:start]):
                merged[-1] = (prev_start, end, "PERSON")
                continue
        merged.append((start, end, label))
    return merged


def clean_span(text: str, start: int, end: int, label: str) -> tuple[int, int, str] | None:
    """Give back the span without a leading "the", a possessive or edge punctuation; None if no name is left."""
    while start < end and (text[start] in _EDGE_PUNCT or text[start].isspace()):
        start += 1
    while end > start and (text[end - 1] in _EDGE_PUNCT or text[end - 1].isspace()):
        end -= 1
    head = _NOUN_OF.match(text, start, end) if label in ("ORG", "PERSON") else None
    if head and head.group(1).lower() not in _stop_words():
        # "ministère de la Justice", "président de la République": what follows the common noun is no
        # name. An organisation keeps its noun (how French writes a ministry); a title is no person.
        # Places keep the name after it ("golfe du Mexique": "Mexique"), and "général de Gaulle" (a
        # particle with no article) is left to the rules below.
        if label == "PERSON" or _ROLE_NOUNS.intersection(text[head.start() : head.end(1)].lower().split()):
            return None  # "ministre de la Santé": an office, which the model labels ORG
        # The organisation's name starts after its article: "le ministère …", "conseil général du Nord".
        words = list(re.finditer(r"\S+", text[head.start() : head.end(1)]))
        first = next((w for w in words if w.group().lower() not in _FRENCH_ARTICLES), words[-1])
        start = head.start() + first.start()
    else:
        start = _skip_leading_function_words(text, start, end)
    elided = _ELIDED_WORD.match(text, start, end)
    if elided:
        start = elided.end()  # "qu’Emmanuel Macron", "l’Assemblée nationale", "dell’Unione europea"
    glued = _GLUED_PREFIX.match(text, start, end) if label in _NAME_LABELS else None
    if glued:
        start = glued.end()  # "ex-Union européenne", "post-Hulot", "anti-Trump"
    courtesy = _COURTESY_TITLE.match(text, start, end) if label == "PERSON" else None
    if courtesy:
        start = courtesy.end()  # "Ms Truss", "Dr. Etienne": the surname the article's full name ends in
    end = _trim_possessive(text, start, end)
    end = _trim_possessive(text, start, _trim_trailing_numbers(text, start, end))  # "Holcomb’s 2016"
    letter = _TRAILING_LETTER.search(text, start, end)
    if letter:
        end = letter.start()
    if label == "PERSON":
        end = _trim_trailing_lower_words(text, start, end)
    if label in _NAME_LABELS:
        end = _trim_trailing_function_words(text, start, end)
    if _ABBREVIATION.search(text[start : end + 1]):
        end += 1  # keep the closing period of "U.S."
    surface = text[start:end]
    if not is_entity_name(surface) or is_sentence_initial_adverb(text, start, surface):
        return None
    if _is_common_term(surface, label):
        return None
    if " " not in surface and is_field_label(text, start, end):
        return None
    if _CREDIT.search(text[max(0, start - 25) : start]):
        return None
    if label == "PERSON" and " " in surface and surface.rsplit(maxsplit=1)[-1].casefold() in _ORGANISATION_HEADS:
        label = "ORG"  # "Kurdistan Democratic Party", "Budapest Stock Exchange": no person's name ends so
    if label == "PERSON" and surface.casefold() in _PLATFORMS:
        label = "ORG"  # "posted on Twitter": the small English model reads the platforms as people
    if label in ("GPE", "LOC") and surface.casefold() in _DIRECTION_ADJECTIVES:
        label = "NORP"  # "Western sanctions": an adjective of a region, not a place on a map
    if label == "PERSON" and (_WEATHER_SYSTEM.match(surface) or _WEATHER_BEFORE.search(text, 0, start)):
        label = "EVENT"  # "Storm Ciarán", "la tempête Ciarán": a storm is given a person's name
    return start, end, label


# The words that name a storm before its given name ("Hurricane Katrina", "Sturmtief Zeynep"), in the
# languages newslake reads with a model and those it meets most.
_WEATHER_WORDS = (
    r"(?:tropical\s+)?storm|hurricane|typhoon|cyclone|tempête|ouragan|sturm(?:tief)?|orkan|tormenta|huracán"
)
_WEATHER_SYSTEM = re.compile(rf"(?:{_WEATHER_WORDS})\s+(?=\S)", re.IGNORECASE)
_WEATHER_BEFORE = re.compile(rf"(?<![\w-])(?:{_WEATHER_WORDS})[^\S\n]+$", re.IGNORECASE)


# The social platforms every publisher's stories mention ("shared on Twitter", "her Instagram page"),
# which the small English model reads as people.
_PLATFORMS = frozenset(
    [
        "twitter",
        "instagram",
        "facebook",
        "tiktok",
        "youtube",
        "whatsapp",
        "snapchat",
        "linkedin",
        "reddit",
        "telegram",
        "pinterest",
        "threads",
        "bluesky",
        "mastodon",
        "twitch",
        "spotify",
        "wechat",
        "weibo",
    ]
)
# Last words of organisations' names that are nobody's surname.
_ORGANISATION_HEADS = frozenset(
    [
        "party",
        "agency",
        "association",
        "authority",
        "bureau",
        "commission",
        "committee",
        "company",
        "corporation",
        "council",
        "department",
        "exchange",
        "federation",
        "foundation",
        "institute",
        "league",
        "ministry",
        "organisation",
        "organization",
        "society",
        "university",
        "union",
        "army",
        "inc",
        "ltd",
        "plc",
        "spa",
        "gmbh",
        "airlines",
        "newsroom",
    ]
)
# Diseases news names as if they were names: no label newslake stores (people, organisations, places,
# events, works ...) fits them.
_DISEASES = frozenset(
    ["covid", "covid-19", "covid19", "coronavirus", "sars-cov-2", "ebola", "zika", "mpox", "monkeypox", "h1n1", "h5n1"]
)
_MONTHS = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ]
)


def _is_common_term(surface: str, label: str) -> bool:
    """Tell whether a span is a common term the model took for a name: an abbreviation of a common noun
    ("GMT", "CPU", "AI" as an organisation or a place), a disease ("COVID-19", which the model, trained
    before it, reads as an organisation or a person) or a month as an organisation or a place ("June":
    a person may be named so)."""
    if surface in _COMMON_ABBREVIATIONS and not is_known_place(surface):
        return True
    if surface.casefold() in _DISEASES:
        return True
    return label != "PERSON" and surface.casefold() in _MONTHS


def _skip_leading_function_words(text: str, start: int, end: int) -> int:
    # "the Kremlin", "Later Lebed", "In London", "64 Bob Estes": a leading function word or number is
    # not part of the name.
    while True:
        number = _LEADING_NUMBER.match(text, start, end)
        if number:
            start = number.end()
        first = _WORD.match(text, start, end)
        if first is None or first.end() >= end or not text[first.end()].isspace():
            return start
        word = first.group(0).lower()
        # A lower-case first word that is no name particle is an article or a common noun ("la
        # France", "parti LREM", "mer Méditerranée"), in any language.
        lower_case = first.group(0).islower() and word not in _NAME_PARTICLES
        if (
            not lower_case
            and word not in _LEADING_FUNCTION_WORDS
            and (word not in _stop_words() or word in _GIVEN_NAME_STOP_WORDS)
        ):
            return start
        start = first.end() + 1
        while start < end and text[start].isspace():
            start += 1


_NAME_PARTICLES = frozenset(
    (
        "de",
        "da",
        "di",
        "do",
        "dos",
        "das",
        "van",
        "von",
        "der",
        "den",
        "del",
        "della",
        "bin",
        "ibn",
        "al",
        "el",
        "ter",
        "zu",
    )
)
# A name ends before a lone lower-case letter: the elided "n'" of "Benalla n'a pas" is not part of it.
_TRAILING_LETTER = re.compile(r"\s+[a-z]$")


def _trim_trailing_lower_words(text: str, start: int, end: int) -> int:
    # A person's name ends with a capitalised word: a lower-case word after it is the sentence going on
    # ("Meghan cry", "Trump said"), whatever the language. Name particles stay inside a name only.
    while (word := _TRAILING_WORD.search(text, start, end)) and word.start() > start:
        if not word.group(1).islower():
            break
        end = word.start()
    return end


_TRAILING_WORD = re.compile(r"\s+([^\s]+)$")
# Words no name ends with, in the languages of the entity models: the sentence going on after the
# name ("Associated Press that", "Thibaut Courtois to", "School of Engineering at", "Ministère de").
_FUNCTION_WORDS = (
    frozenset(
        [
            "of",
            "at",
            "to",
            "that",
            "and",
            "or",
            "for",
            "with",
            "in",
            "on",
            "by",
            "from",
            "as",
            "the",
            "a",
            "an",
            "is",
            "was",
            "are",
            "were",
            "has",
            "have",
            "had",
            "who",
            "which",
            "et",
            "al",
            "de",
            "du",
            "des",
            "la",
            "le",
            "les",
            "à",
            "au",
            "aux",
        ]
    )
    | _NAME_PARTICLES
)


# Labels whose spans are names; a group ("NORP"), an event or a title may be worded otherwise.
_NAME_LABELS = frozenset(("PERSON", "ORG", "GPE", "LOC", "FAC"))


def _trim_trailing_function_words(text: str, start: int, end: int) -> int:
    while (word := _TRAILING_WORD.search(text, start, end)) and word.start() > start:
        if word.group(1) not in _FUNCTION_WORDS:
            break
        end = word.start()
    return end


def _trim_possessive(text: str, start: int, end: int) -> int:
    """Give back the end of the span without a trailing possessive ("Holcomb’s") and what it leaves."""
    for suffix in ("'s", "’s"):
        if text[start:end].endswith(suffix):
            end -= len(suffix)
    while end > start and (text[end - 1] in _EDGE_PUNCT or text[end - 1].isspace()):
        end -= 1  # what the possessive left: "Jesse Owens 's" in tokenised text ends in a space
    return end


def _trim_trailing_numbers(text: str, start: int, end: int) -> int:
    # Scores and figures glued to a name in results tables: "Kent 108-3", "Durham 114".
    match = _TRAILING_NUMBERS.search(text, start, end)
    return match.start() if match and match.start() > start else end


def is_entity_name(value: str) -> bool:
    """Tell whether a cleaned surface can name an entity: two letters or more, capitalised, not a pronoun."""
    letters = sum(ch.isalpha() for ch in value)
    if letters < 2 or not any(ch.isupper() for ch in value):
        return False
    return value.casefold() not in _PRONOUNS


def is_field_label(text: str, start: int, end: int) -> bool:
    """Tell whether a one-word span is a label, not a name: "Attendance: 15,000", "SOCCER - ...", a lone header line."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    before, after = text[line_start:start], text[end:line_end]
    if re.match(r"^\s*:", after):
        return True
    if not before.strip() and re.match(r"^\s+[-–—]\s+\S", after) and text[start:end].isupper():
        return True  # a wire headline's category: "SOCCER - ..."
    return not before.strip() and not after.strip(" .:")


def is_sentence_initial_adverb(text: str, start: int, surface: str) -> bool:
    """Tell whether a one-word entity is really an adverb opening a sentence ("Morally, ...")."""
    if " " in surface or not surface.lower().endswith("ly"):
        return False
    return bool(_SENTENCE_START.search(text[max(0, start - 3) : start]))


def resolve_entities(spans: list[tuple[int, int, str]], text: str, language: str = "") -> list[EntitySpan]:
    """Give back spans with canonical names and one label per entity, settled on the article's evidence.
    A place takes its one name whatever the article's language writes ("Chine", "La France")."""
    surfaces = [text[s:e] for s, e, _ in spans]
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for (start, end, label), surface in zip(spans, surfaces, strict=True):
        votes[surface][label] += 1
        votes[surface]["PERSON"] += person_evidence(text, start, end, label)
        if label in ("PERSON", "ORG"):
            votes[surface]["PRODUCT"] += product_evidence(text, start, end)
        if label == "PERSON":
            votes[surface]["ORG"] += organisation_evidence(text, start, end)
        # A country that plays is still a country ("France beat Mexico 2-0"): its clubs are the teams.
        if (label in PLACE_LABELS or label == "ORG" or (label == "PERSON" and " " not in surface)) and not is_country(
            surface
        ):
            votes[surface]["TEAM"] += team_evidence(text, start, end)
    canonical = resolve_short_names(votes)
    labels = {name: settle_label(name, _merge_votes(name, canonical, votes)) for name in set(canonical.values())}
    canonical = merge_case_variants(canonical, votes, labels)
    for name in shared_surnames(labels, votes):
        labels[name] = "PERSON"
    # A country has one name however the article writes it ("U.S.", "United States", "USA"), and a place
    # one name and label whatever the language ("Chine" in a French article is China, as in an English one).
    named = {name: name for name in labels}
    for name, label in list(labels.items()):
        place = one_place(name, language) if label in PLACE_LABELS else None
        if place is not None:
            named[name] = place.name
            labels[name] = "LOC" if place.kind == "continent" else "GPE"
    return [
        EntitySpan(start, end, surface, labels[canonical[surface]], named[canonical[surface]])
        for (start, end, _), surface in zip(spans, surfaces, strict=True)
    ]


def shared_surnames(labels: dict[str, str], votes: dict[str, Counter[str]]) -> list[str]:
    """Give back the one-word names, labelled otherwise, that end the full names of two or more of the
    article's people and that the article uses as a person's at least once: a surname, so a person,
    though not one of them ("Scott" beside Bobby Scott and Tim Scott, read as an organisation in
    "Scott said")."""
    surnames = Counter(n.split()[-1].casefold() for n, label in labels.items() if label == "PERSON" and " " in n)
    return [
        name
        for name, label in labels.items()
        if label != "PERSON" and " " not in name and surnames[name.casefold()] >= 2 and votes[name]["PERSON"] > 0
    ]


# The articles a language may put before a place's name ("La France a ...", "Les États-Unis").
_LEADING_ARTICLE = re.compile(r"^(?:the|le|la|les|l['’]|el|los|las|il|lo|der|die|das)\s*(?=\w)", re.IGNORECASE)


def one_place(name: str, language: str = "") -> Place | None:
    """Give back the place a place-labelled name stands for when newslake gives it one name: a country
    in any spelling the gazetteer knows ("U.S."), or a country, continent or major city as CLDR writes
    it in the article's language ("Chine", "Londres"), a leading article left out ("La France")."""
    place = lookup_place(name)
    if place is not None and place.kind == "country":
        return place
    local = local_place_names(language) if language else {}
    for candidate in (name, _LEADING_ARTICLE.sub("", name)):
        entry = local.get(name_key(candidate))
        if entry is not None and entry[1]:
            return entry[0]
    return None


def person_evidence(text: str, start: int, end: int, label: str) -> int:
    """Give back extra PERSON votes for a mention: a title before it, or a speech verb for a tagged person."""
    score = 2 if _PERSON_TITLES.search(text[max(0, start - 30) : start]) else 0
    if label == "PERSON" and (
        _SPEECH_AFTER.match(text[end : end + 20]) or _SPEECH_BEFORE.search(text[max(0, start - 20) : start])
    ):
        score += 1
    return score


def product_evidence(text: str, start: int, end: int) -> int:
    """Give back 2 when a name is written as a product's: a size before it, or a product line's word after
    it or ending it ("Nintendo Switch Lite"; a one-word name is no line's). It outweighs the model's
    one vote, as a title before a name does."""
    line = _PRODUCT_LINE_AFTER.match(text, end) or (
        " " in text[start:end].strip() and _PRODUCT_LINE_END.search(text, start, end)
    )
    return 2 if line or _SIZE_BEFORE.search(text[max(0, start - 20) : start]) else 0


def organisation_evidence(text: str, start: int, end: int) -> int:
    """Give back 2 when a name stands where English writes an organisation: after "researchers at",
    "maker", "CEO of", or before "'s CEO", "'s headquarters". A possessive after the name makes the noun
    after it the organisation ("executives at Trump's company")."""
    if _ORGANISATION_AFTER.match(text, end):
        return 2
    possessive = text.startswith(("'s", "’s"), end)
    return 2 if not possessive and _ORGANISATION_BEFORE.search(text[max(0, start - 40) : start]) else 0


def team_evidence(text: str, start: int, end: int) -> int:
    """Give back 1 when a place name is used as a sports team: "beat Essex", "NEW YORK 4 CHICAGO 2"."""
    line_end = text.find("\n", end)
    rest = text[end : line_end if line_end >= 0 else len(text)]
    if _SPORTS_BEFORE.search(text[max(0, start - 15) : start]):
        return 1
    return 1 if _SCORE_AFTER.match(rest) and len(re.findall(r"\d+", rest)) >= 2 else 0


def merge_case_variants(
    canonical: dict[str, str], votes: dict[str, Counter[str]], labels: dict[str, str]
) -> dict[str, str]:
    """Give back the canonical map with names of one label that differ only in case or spacing
    ("Toyota", "TOYOTA") mapped to one spelling: the one used most, preferring a mixed-case one to an
    all-caps headline's. They are one entity (tasks.identify.entity_id_for ignores case), so they must
    be one mention; names of different labels are different entities and stay apart."""
    used: Counter[str] = Counter()
    for surface, name in canonical.items():
        used[name] += sum(votes[surface].values())
    spellings: dict[tuple[str, str], list[str]] = defaultdict(list)
    for name in used:
        spellings[(" ".join(name.split()).casefold(), labels[name])].append(name)
    chosen = {}
    for names in spellings.values():
        preferred = min(names, key=lambda n: (n.isupper(), -used[n], n))
        chosen.update(dict.fromkeys(names, preferred))
    return {surface: chosen[name] for surface, name in canonical.items()}


def resolve_short_names(votes: dict[str, Counter[str]]) -> dict[str, str]:
    """Map each surface to its canonical name: a short name to the one longer name it heads or ends.

    A known place keeps its own name unless the article itself calls it a person.
    """
    names = list(votes)
    words = {name: name.casefold().split() for name in names}
    canonical = {name: name for name in names}
    # A person's full name with words before it ("Crooked Hillary Clinton", "Former President Bill
    # Clinton") is that person: the words are an epithet or a title, not part of the name.
    epithets = {
        longer: name
        for name in names
        if len(words[name]) >= 2 and votes[name]["PERSON"] > 0
        for longer in names
        if len(words[longer]) > len(words[name]) and words[longer][-len(words[name]) :] == words[name]
    }
    canonical.update(epithets)
    # Each name under every shorter run of words it starts or ends with: one lookup per name. A person's
    # name with a generational suffix is also under the runs of the name without it ("Carlineo" and
    # "Patrick Carlineo" for "Patrick Carlineo Jr").
    extended_by: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for longer in (n for n in names if n not in epithets):
        w = words[longer]
        for size in range(1, len(w)):
            extended_by[tuple(w[:size])].add(longer)
            extended_by[tuple(w[-size:])].add(longer)
        core = name_core(w)
        if len(core) < len(w) and votes[longer]["PERSON"] > 0:
            for size in range(1, len(core) + 1):
                extended_by[tuple(core[-size:])].add(longer)
    for name in (n for n in names if n not in epithets):
        matches = {
            longer
            for longer in extended_by.get(tuple(words[name]), ())
            if _compatible(votes[name], votes[longer], name, longer)
        }
        longest = {m for m in matches if not any(m != o and _contains(o, m, words) for o in matches)}
        companies = {m for m in longest if _is_company_name(m)}
        if len(longest) > 1 and len(companies) == 1:
            longest = companies  # "Magna": "Magna International Inc" rather than "Magna's North American"
        people = {m for m in longest if votes[m]["PERSON"] > 0}
        if len(longest) > 1 and len(people) == 1 and votes[name].most_common(1)[0][0] == "PERSON":
            longest = people  # "Trump", mostly a person: "Donald Trump" rather than "Trump Foundation"
        if len(longest) == 1:
            canonical[name] = longest.pop()
    return canonical


# The generational suffixes that may end a person's name ("Martin Luther King Jr."). A numeral is left
# alone: "John Paul II" is not a "Paul".
_GENERATIONS = frozenset({"jr", "jr.", "sr", "sr."})


def name_core(words: list[str]) -> list[str]:
    """Give back the lower-case words of a person's name without its generational suffix ("Jr.",
    "Sr."), which follows two words or more."""
    if len(words) >= 3 and words[-1] in _GENERATIONS:
        return [*words[:-2], words[-2].rstrip(",")]
    return words


def _contains(outer: str, inner: str, words: dict[str, list[str]]) -> bool:
    full, core, part = words[outer], name_core(words[outer]), words[inner]
    size = len(part)
    if len(full) > size and (full[:size] == part or full[-size:] == part):
        return True
    # Without its suffix, every run of the name is inside it: "Patrick Carlineo" in "Patrick Carlineo, Jr.".
    return len(core) < len(full) and size <= len(core) and (core[:size] == part or core[-size:] == part)


def _compatible(short: Counter[str], longer: Counter[str], short_name: str, longer_name: str) -> bool:
    if is_known_place(short_name):
        # "Kyiv" is not short for "Kyiv Independent"; "Washington" only for a person the text names.
        return longer["PERSON"] > 0 and short.most_common(1)[0][0] == "PERSON"
    if longer["PERSON"] > 0:
        return True
    if _is_company_name(longer_name) and longer_name.startswith(short_name):
        return True  # "Magna" of "Magna International Inc": a company by its short name, whatever the model said
    return bool(set(short) & set(longer))


# The legal forms that end a company's full name.
_LEGAL_FORMS = frozenset(
    ["inc", "corp", "co", "ltd", "plc", "llc", "ag", "gmbh", "sa", "ab", "nv", "bv", "spa", "asa", "oyj", "se"]
)


def _is_company_name(name: str) -> bool:
    """Tell whether a name is a company's full name: it ends with a legal form ("Magna International Inc")."""
    return name.split()[-1].casefold().rstrip(".") in _LEGAL_FORMS


def _merge_votes(name: str, canonical: dict[str, str], votes: dict[str, Counter[str]]) -> Counter[str]:
    # The canonical (longest) name decides; its short forms count only when it has no votes of its own.
    own = votes.get(name, Counter())
    if own:
        return own
    merged: Counter[str] = Counter()
    for surface, target in canonical.items():
        if target == name:
            merged.update(votes[surface])
    return merged


def settle_label(name: str, votes: Counter[str]) -> str:
    """Give back the label of an entity: a known place is never a person; otherwise the strongest evidence."""
    votes = Counter(votes)
    team = votes.pop("TEAM", 0)
    if team and team * 2 >= sum(n for label, n in votes.items() if label in PLACE_LABELS or label in ("ORG", "PERSON")):
        return "ORG"
    votes = Counter({label: n for label, n in votes.items() if n > 0})
    place = lookup_place(name)
    if place is not None and (not votes or votes.most_common(1)[0][0] != "NORP"):
        return "LOC" if place.kind == "continent" else "GPE"
    if not votes:
        return "ORG"
    return min(votes, key=lambda label: (-votes[label], _LABEL_PRIORITY.get(label, 9)))


def group_mentions(spans: Sequence[EntitySpan]) -> tuple[Mention, ...]:
    """Give back one Mention per (canonical name, label), with its spellings, count and first offset."""
    grouped: dict[tuple[str, str], list[EntitySpan]] = defaultdict(list)
    for span in spans:
        grouped[(span.canonical, span.label)].append(span)
    mentions = []
    for (name, label), members in grouped.items():
        place = lookup_place(name) if label in PLACE_LABELS else None
        mentions.append(
            Mention(
                name=name,
                label=label,
                surface_forms=tuple(dict.fromkeys(s.text for s in members)),
                count=len(members),
                first_offset=min(s.start for s in members),
                country_code=place.country_code if place else None,
                latitude=place.latitude if place else None,
                longitude=place.longitude if place else None,
            )
        )
    return tuple(mentions)
