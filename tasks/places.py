"""Places named in a text, from the gazetteer's names as the text's language writes them.

Entities come only from a model for the article's language (an English model reads German nouns as
names), so an article in a language without one has no people or organisations. Places can still be
found: country, continent and city names are a closed list, and Unicode's CLDR (through Babel) gives
them in each language ("Deutschland", "Wien", "Estados Unidos"). Each found place takes the
gazetteer's one name ("Germany", "Vienna"), so the places of articles in different languages count
together. The same finder also backs up the models in their own languages
(`entities.find_gazetteer_places`).
"""

from __future__ import annotations

import re
import zoneinfo
from contextlib import suppress
from functools import lru_cache

from newslake.tasks.gazetteer import Place, lookup_place, name_key, place_index
from newslake.tasks.records import EntitySpan

# What an article's entities_model says when its places came from the gazetteer, with no model.
PLACES_ONLY = "gazetteer (places only)"
# CLDR's region codes of the continents, with the gazetteer's name of each.
_CONTINENTS = {
    "002": "Africa",
    "142": "Asia",
    "150": "Europe",
    "003": "North America",
    "005": "South America",
    "009": "Oceania",
    "AQ": "Antarctica",
}
# Short forms of country names that articles in many languages write as they are.
_ABBREVIATIONS = ("US", "USA", "U.S.", "UK", "U.K.")
_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
_OPENS_SENTENCE = re.compile(r"(?:^|[.!?:;\"“”„«»()\n])\s*$")
_LONGEST = 3  # words in the longest place name looked up ("Frankfurt am Main")


def find_places(text: str, language: str) -> list[EntitySpan]:
    """Give back the places named in a text written in `language`, as GPE spans (LOC for continents)
    under the gazetteer's one name for each, in order.

    A name counts when written capitalised and not inside a longer name: a capitalised word right
    before or after it that is no place and does not open a sentence makes it part of another name
    ("Borussia Dortmund", "Washington Post", "Santiago Peña"). CLDR's names (countries, continents,
    the cities of time zones) always count. A city known only by the gazetteer's name counts in a
    country where the language is official, or when the article names the city's country: "Bergen"
    in a German text is "in the mountains" unless the text is about Norway, "Kawasaki" a motorcycle
    unless it is about Japan (any other place of that country counts as naming it). A city's name the
    article also writes in lower case is a word of the language there, not the city."""
    names = local_place_names(language)
    words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    lower = {text[s:e].casefold() for s, e in words if text[s].islower()}
    found: list[tuple[EntitySpan, Place, bool]] = []
    i = 0
    while i < len(words):
        taken = 1
        for length in range(min(_LONGEST, len(words) - i), 0, -1):
            start, end = words[i][0], words[i + length - 1][1]
            # A full stop ends the sentence, unless the name holds it ("U.S.", "St. Petersburg").
            written = text[start:end]
            surface = written if name_key(written) in names else written.rstrip(".")
            known = names.get(name_key(surface)) if surface[:1].isupper() else None
            if known is None or _inside_longer_name(text, words, i, i + length, start + len(surface), names):
                continue
            place, curated = known
            if curated or surface.casefold() not in lower:
                label = "LOC" if place.kind == "continent" else "GPE"
                found.append((EntitySpan(start, start + len(surface), surface, label, place.name), place, curated))
            taken = length
            break
        i += taken
    found = [
        (span, place, curated) for span, place, curated in found if curated or not _after_article(text, span, language)
    ]
    home = home_countries(language)
    named = {place.country_code for _, place, curated in found if curated or place.country_code in home}
    return [span for span, place, curated in found if curated or place.country_code in home | named]


# The articles (and article contractions) of languages whose cities' names never take one, so that a
# city's name right after one is a noun of the language: "zum Essen" (food), "die Pest" (the plague).
# Countries may take one there ("die Schweiz", "der Iran"), so the rule is for the gazetteer's cities.
_ARTICLES = {
    "de": frozenset(
        [
            "der",
            "die",
            "das",
            "dem",
            "den",
            "des",
            "ein",
            "eine",
            "einem",
            "einen",
            "eines",
            "zum",
            "zur",
            "beim",
            "vom",
            "im",
            "am",
            "ans",
            "aufs",
            "ins",
            "fürs",
            "ums",
            "durchs",
            "übers",
        ]
    )
}
_WORD_BEFORE = re.compile(r"(\w+)\s+$")


def _after_article(text: str, span: EntitySpan, language: str) -> bool:
    before = _WORD_BEFORE.search(text, max(0, span.start - 15), span.start)
    return before is not None and before.group(1) in _ARTICLES.get(language, frozenset())


@lru_cache(maxsize=32)
def home_countries(language: str) -> frozenset[str]:
    """Give back the countries where `language` is an official language (CLDR): "de" -> DE, AT, CH ..."""
    from babel import Locale
    from babel.languages import get_official_languages

    codes = [str(code) for code in Locale("en").territories]
    return frozenset(c for c in codes if len(c) == 2 and c.isalpha() and language in get_official_languages(c, True))


@lru_cache(maxsize=32)
def local_place_names(language: str) -> dict[str, tuple[Place, bool]]:
    """Give back the place names an article in `language` may write, by folded name, each with its
    place and whether CLDR gives it: CLDR's names of countries, continents and of the cities that name
    time zones in that language, and the short forms of a few countries ("USA", "UK"), marked True;
    the gazetteer's own names of capitals and major cities, marked False. The gazetteer's other
    spellings of capitals are left out: GeoNames does not say their language, and many are another
    language's words ("Kita" for Quito)."""
    from babel import Locale, UnknownLocaleError
    from babel.dates import get_timezone_location

    gazetteer = place_index()
    names: dict[str, tuple[Place, bool]] = {}

    def add(name: str | None, place: Place | None, curated: bool) -> None:
        if name and place is not None:
            names.setdefault(name_key(name), (place, curated))

    try:
        locale = Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        locale = None
    if locale is not None:
        countries = {p.country_code: p for p in gazetteer.values() if p.kind == "country"}
        for code, name in locale.territories.items():
            continent = lookup_place(_CONTINENTS[code]) if code in _CONTINENTS else None
            add(name, countries.get(code) or continent, True)
        for zone, city in _time_zone_cities():
            with suppress(LookupError, ValueError):
                add(get_timezone_location(zone, locale, return_city=True), city, True)
    for short in _ABBREVIATIONS:
        add(short, lookup_place(short), True)
    for place in gazetteer.values():
        if place.kind in ("capital", "city"):
            add(place.name, place, False)
    return names


@lru_cache(maxsize=1)
def _time_zone_cities() -> tuple[tuple[str, Place], ...]:
    """Give back (time zone, city) for the time zones whose city (CLDR's English name for it) is one of
    the gazetteer's capitals or major cities: the same for every language, built once."""
    from babel.dates import get_timezone_location

    found = []
    for zone in sorted(zoneinfo.available_timezones()):
        with suppress(LookupError, ValueError):
            city = lookup_place(get_timezone_location(zone, "en", return_city=True))
            if city is not None and city.kind in ("capital", "city"):
                found.append((zone, city))
    return tuple(found)


def _inside_longer_name(
    text: str, words: list[tuple[int, int]], first: int, last: int, end: int, names: dict[str, tuple[Place, bool]]
) -> bool:
    """Tell whether the words first..last-1 (the name ends at `end`) are flanked by a capitalised word
    that is no place, with only spaces between: they are then a part of another name. A word that
    opens a sentence, or a full stop between, does not count ("Berlin. Die Polizei ...")."""
    if last < len(words):
        start, stop = words[last]
        if not text[end:start].strip() and _other_name(text[start:stop], names):
            return True
    if first > 0:
        start, stop = words[first - 1]
        previous = text[start:stop]
        opens = _OPENS_SENTENCE.search(text[max(0, start - 3) : start]) is not None
        between = text[stop : words[first][0]]
        if not between.strip() and not previous.endswith(".") and not opens and _other_name(previous, names):
            return True
    return False


def _other_name(word: str, names: dict[str, tuple[Place, bool]]) -> bool:
    return word[:1].isupper() and name_key(word.rstrip(".")) not in names
