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
import unicodedata
import zoneinfo
from contextlib import suppress
from functools import lru_cache

from newslake.tasks.gazetteer import Place, city_names, lookup_place, name_key, place_index
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
_ELISION = re.compile(r"[^\W\d_]{1,4}['’](?=[^\W\d_])")


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
    article also writes in lower case is a word of the language there, not the city. Scripts with no
    capitals have their own rules (`_caseless_places`)."""
    names = local_place_names(language)
    words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    lower = {text[s:e].casefold() for s, e in words if text[s].islower()}
    found: list[tuple[EntitySpan, Place, bool]] = []
    i = 0
    while i < len(words):
        taken = 1
        for length in range(min(_LONGEST, len(words) - i), 0, -1):
            start, end = words[i][0], words[i + length - 1][1]
            written = text[start:end]
            # An elided article or preposition is written onto the name: "l'Europa", "dell'Italia".
            elided = _ELISION.match(written) if length == 1 and written[:1].islower() else None
            if elided is not None:
                start, written = start + elided.end(), written[elided.end() :]
            if not written[:1].isupper():
                continue
            # A full stop ends the sentence, unless the name holds it ("U.S.", "St. Petersburg").
            surface = written if name_key(written) in names else written.rstrip(".")
            known = names.get(name_key(surface))
            if known is None:
                surface = _without_genitive(surface, language, names)
                known = names.get(name_key(surface))
            if known is None and length == 1 and not _opens_sentence(text, start):
                known = _inflected(surface, language, lower)
            if known is None:
                continue
            genitive = len(surface) < len(written.rstrip("."))
            # A German noun right before a name is its head when an article goes before it ("der Stadt
            # Essen"), not a part of the name: the genitive case too ("die Zukunft Europas").
            before = not genitive and not _after_noun(text, words, i, language)
            # "in Deutschland Probleme": after "in", "aus" or "nach" a name is a place, and the German
            # noun after it is the sentence's next word, not a part of the name.
            after = not (i > 0 and text[words[i - 1][0] : words[i - 1][1]] in _PLACE_PREPOSITIONS.get(language, ()))
            if _inside_longer_name(text, words, i, i + length, start + len(surface), names, before=before, after=after):
                continue
            place, curated = known
            if curated or surface.casefold() not in lower:
                label = "LOC" if place.kind == "continent" else "GPE"
                found.append((EntitySpan(start, start + len(surface), surface, label, place.name), place, curated))
            taken = length
            break
        i += taken
    found += _caseless_places(text, language)
    found.sort(key=lambda item: item[0].start)
    found = [
        (span, place, curated) for span, place, curated in found if curated or not _after_article(text, span, language)
    ]
    home = home_countries(language)
    named = {place.country_code for _, place, curated in found if curated or place.country_code in home}
    return [span for span, place, curated in found if curated or place.country_code in home | named]


# Languages that write a name's genitive with an "s" and no apostrophe ("Deutschlands", "Sveriges").
_GENITIVE_S = frozenset(["de", "da", "sv", "no", "nb", "nn"])
_APOSTROPHE_GENITIVES = ("'s", "’s", "'", "’")


def _without_genitive(word: str, language: str, names: dict[str, tuple[Place, bool]]) -> str:
    """Give back the name a genitive is of ("Germany's", "Paris'", and in the languages that write it
    so, "Deutschlands", "Europas"), or the word as it is."""
    turkish = language == "tr" and ("'" in word or "’" in word)
    if not turkish and not word.endswith(("s", "'", "’")):
        return word
    for ending in _APOSTROPHE_GENITIVES:
        if word.endswith(ending) and name_key(word[: -len(ending)]) in names:
            return word[: -len(ending)]
    # Turkish sets every case ending of a name apart with an apostrophe: "İstanbul'da", "Türkiye'nin".
    head = word.replace("’", "'").partition("'")[0]
    if turkish and name_key(head) in names:
        return head
    stem = word[:-1]
    if language in _GENITIVE_S and word.endswith("s") and not stem.endswith(("s", "ß", "x", "z")):
        return stem if name_key(stem) in names else word
    return word


# Languages that inflect names by case and write their other nouns in lower case: "w Rosji", "do
# Moskwy", "в России", "Suomessa". An oblique case is one of the name's stems (`_stems`, four letters
# at least) and an ending of up to four letters.
_INFLECTING = frozenset(["pl", "cs", "sk", "sl", "hr", "sr", "bs", "ru", "uk", "be", "lt", "lv", "fi", "et", "hu"])
_NAME_VOWELS = "aeiouyáéíóúýąęěůåäöüõыэюяаеиоуёійї"
_SHORTEST_STEM = 4
_LONGEST_ENDING = 4


def _inflected(word: str, language: str, lower: set[str]) -> tuple[Place, bool] | None:
    """Give back the place whose name `word` is an oblique case of, in a language that inflects names,
    or None. A word the text also writes in lower case is a word of the language there ("Polski" beside
    "polski", Polish); the caller takes no word that opens a sentence, where the words of the language
    are capitalised too."""
    if language not in _INFLECTING:
        return None
    stems = _name_stems(language)
    folded = word.casefold()
    if folded in lower:
        return None
    for cut in range(len(folded) - 1, _SHORTEST_STEM - 1, -1):
        stem, ending = folded[:cut], folded[cut:]
        name = stems.get(stem)
        if name is not None and len(ending) <= _LONGEST_ENDING and ending.isalpha():
            return local_place_names(language)[name]
    return None


@lru_cache(maxsize=32)
def _name_stems(language: str) -> dict[str, str]:
    """Give back the stems of CLDR's one-word place names in `language`, each with its name (a stem two
    names share is left out)."""
    stems: dict[str, str | None] = {}
    for key, (_, curated) in local_place_names(language).items():
        if not curated or " " in key or "-" in key:
            continue
        for stem in _stems(key):
            if len(stem) >= _SHORTEST_STEM:
                stems[stem] = None if stems.get(stem, key) != key else key
    return {stem: key for stem, key in stems.items() if key is not None}


# Polish and Czech soften a name's last consonant before the locative's "e": "Polska" -> "w Polsce",
# "Praga" -> "w Pradze", "Praha" -> "v Praze", "Amerika" -> "v Americe".
_SOFTENED = (("ka", "c"), ("ga", "dz"), ("ha", "z"), ("ra", "rz"))


def _stems(name: str) -> set[str]:
    """Give back the stems a name's cases are written on: the name less its last vowels ("россия" ->
    "росс"), less only its last one ("китай" -> "кита"), and its softened form before "e"."""
    stems = {name.rstrip(_NAME_VOWELS)}
    if name[-1:] in _NAME_VOWELS:
        stems.add(name[:-1])
    stems.update(name[: -len(hard)] + soft for hard, soft in _SOFTENED if name.endswith(hard))
    return stems


def _opens_sentence(text: str, start: int) -> bool:
    return _OPENS_SENTENCE.search(text[max(0, start - 3) : start]) is not None


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
    return before is not None and before.group(1).casefold() in _ARTICLES.get(language, frozenset())


def home_countries(language: str) -> frozenset[str]:
    """Give back the countries where `language` is an official language (CLDR): "de" -> DE, AT, CH ..."""
    return _official_in(language, regional=True)


def national_countries(language: str) -> frozenset[str]:
    """Give back the countries where `language` is official in the whole country (CLDR; a region's
    official language left out): "zh" -> CN, TW, SG, HK ..., "ko" -> KR, KP."""
    return _official_in(language, regional=False)


@lru_cache(maxsize=64)
def _official_in(language: str, regional: bool) -> frozenset[str]:
    """Give back the countries where CLDR lists `language` (in any script: "zh_Hant" is "zh") as
    official, with or without the languages official only in a region."""
    from babel import Locale
    from babel.languages import get_official_languages

    codes = [str(code) for code in Locale("en").territories]
    return frozenset(
        code
        for code in codes
        if len(code) == 2
        and code.isalpha()
        and language in {official.split("_")[0] for official in get_official_languages(code, regional=regional)}
    )


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
    text: str,
    words: list[tuple[int, int]],
    first: int,
    last: int,
    end: int,
    names: dict[str, tuple[Place, bool]],
    before: bool = True,
    after: bool = True,
) -> bool:
    """Tell whether the words first..last-1 (the name ends at `end`) are flanked by a capitalised word
    that is no place, with only spaces between: they are then a part of another name. A word that
    opens a sentence, or a full stop between, does not count ("Berlin. Die Polizei ..."). With
    `before` False, the word before does not count; with `after` False, the word after."""
    if after and last < len(words):
        start, stop = words[last]
        if _joined(text[end:start]) and _other_name(text[start:stop], names):
            return True
    if before and first > 0:
        start, stop = words[first - 1]
        previous = text[start:stop]
        opens = _opens_sentence(text, start)
        joined = _joined(text[stop : words[first][0]])
        if joined and not previous.endswith(".") and not opens and _other_name(previous, names):
            return True
    return False


def _joined(between: str) -> bool:
    """Tell whether two words with this between them may be one name: spaces only, no line break."""
    return not between.strip() and "\n" not in between


# The prepositions after which a capitalised name is a place ("in Berlin", "aus Wien", "nach Rom"), in
# the languages whose capitalised nouns could otherwise read as the rest of the name.
_PLACE_PREPOSITIONS = {"de": frozenset(["in", "aus", "nach"])}


def _after_noun(text: str, words: list[tuple[int, int]], i: int, language: str) -> bool:
    """Tell whether the word before words[i] is a noun with an article of the language before it
    ("der Hauptstadt Skopje", "in die Stadt Essen"), in a language that capitalises its nouns. An
    acronym is a name whatever goes before it ("des MSV Duisburg")."""
    articles = _ARTICLES.get(language)
    if not articles or i < 2:
        return False
    noun = text[words[i - 1][0] : words[i - 1][1]]
    article = text[words[i - 2][0] : words[i - 2][1]]
    return not noun.isupper() and article.casefold() in articles and _joined(text[words[i - 2][1] : words[i - 1][0]])


def _other_name(word: str, names: dict[str, tuple[Place, bool]]) -> bool:
    return word[:1].isupper() and name_key(word.rstrip(".")) not in names


# Letters of the scripts that have no capitals, whose place names the capital-letter rule above cannot
# find: Arabic, Hebrew, the Indic scripts, Thai, Lao, Georgian, Ethiopic, Myanmar, Khmer, Hangul, kana
# and Han. Each block holds the script's combining marks too, so a run of them is whole words.
_CASELESS = (
    "\u0590-\u05ff\u0600-\u06ff\u0750-\u077f\u0900-\u0dff\u0e00-\u0eff\u1000-\u109f\u10d0-\u10ff"
    "\u1100-\u11ff\u1200-\u137f\u1780-\u17ff\u3040-\u30fa\u30fc-\u30ff\u3130-\u318f\u3400-\u4dbf"
    "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
)
_CASELESS_RUN = re.compile(f"[{_CASELESS}]+")
# Scripts written without spaces between words (Thai, Lao, Myanmar, Khmer, kana, Han): a name is found
# inside a run of letters. The others separate words with spaces, and a name is a whole word there.
_UNSPACED = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# A katakana word is a run of katakana: "マリ" (Mali) is no place in "マリオ" or "マリン".
_KATAKANA = re.compile("[\u30a0-\u30fa\u30fc-\u30ff]")
# Arabic and Hebrew write "and", "in", "to", "like" (and Hebrew "from", "that", "the") as one letter
# joined to the next word: "والسودان", "בישראל".
_PROCLITICS = {
    "ARABIC": frozenset(["و", "ف", "ب", "ك", "ل", "وب", "ول", "فب", "فل", "وك"]),
    "HEBREW": frozenset(["ו", "ב", "כ", "ל", "מ", "ש", "ה", "וב", "ול", "ומ", "וה", "שב", "של", "שמ", "מה"]),
}
_HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
# Korean joins its case particles to the noun ("미국과", "서울에서"): a name followed by one stays a name.
_KOREAN_PARTICLES = frozenset(
    [
        "은",
        "는",
        "이",
        "가",
        "을",
        "를",
        "의",
        "에",
        "에서",
        "에게",
        "에는",
        "에도",
        "에서는",
        "에서도",
        "와",
        "과",
        "와의",
        "과의",
        "로",
        "으로",
        "로는",
        "으로는",
        "도",
        "만",
        "까지",
        "부터",
        "보다",
        "처럼",
        "이나",
        "나",
        "이라",
        "라는",
        "이라는",
    ]
)


def _caseless_places(text: str, language: str) -> list[tuple[EntitySpan, Place, bool]]:
    """Give back the places CLDR names in `language` in the text's scripts without capitals.

    In scripts that space their words (Arabic, Hindi, Korean ...) a name is a whole word or words, with
    Arabic's or Hebrew's one-letter prefixes before it or a Korean particle after it. In those that do not
    (Japanese, Chinese, Thai ...) it is found inside the run of letters, except inside a longer katakana
    word or inside CLDR's name of a language ("日本" in "日本語", Japanese). The names are CLDR's and
    GeoNames' names of cities at home (`_caseless_names`)."""
    if not _CASELESS_RUN.search(text):
        return []
    names, lengths, in_languages = _caseless_names(language)
    found: list[tuple[EntitySpan, Place, bool]] = []
    free = 0
    for run in _CASELESS_RUN.finditer(text):
        unspaced = _UNSPACED.match(text, run.start()) is not None
        for i in _candidate_starts(text, run, unspaced):
            if i < free:
                continue
            for length in lengths:
                end = i + length
                place = names.get(text[i:end]) if end <= len(text) else None
                if place is None or not _stands_alone(text, i, end, unspaced):
                    continue
                if _in_language_name(text, i, in_languages.get(text[i:end], ())):
                    continue
                label = "LOC" if place.kind == "continent" else "GPE"
                found.append((EntitySpan(i, end, text[i:end], label, place.name), place, True))
                free = end
                break
    return found


def _candidate_starts(text: str, run: re.Match[str], unspaced: bool) -> range | list[int]:
    """Give back where a name may start in a run of letters: anywhere in a script without spaces, at the
    word's start (or after an Arabic or Hebrew prefix) in one with them."""
    if unspaced:
        return range(run.start(), run.end())
    starts = [run.start()]
    proclitics = _PROCLITICS.get(_script(text[run.start()]), frozenset())
    starts += [run.start() + len(p) for p in proclitics if text.startswith(p, run.start())]
    return sorted(starts)


def _stands_alone(text: str, start: int, end: int, unspaced: bool) -> bool:
    """Tell whether text[start:end] is a word of its own: no katakana word goes on around it in a script
    without spaces; the word ends with it (or with a Korean particle after it) in one with them."""
    if unspaced:
        before = start > 0 and _KATAKANA.match(text, start) and _KATAKANA.match(text, start - 1)
        after = end < len(text) and _KATAKANA.match(text, end - 1) and _KATAKANA.match(text, end)
        return not before and not after
    rest = _CASELESS_RUN.match(text, end)
    return rest is None or (_HANGUL.match(text, end - 1) is not None and rest.group() in _KOREAN_PARTICLES)


def _in_language_name(text: str, start: int, names: tuple[tuple[str, int], ...]) -> bool:
    """Tell whether the name at `start` is part of one of the language names that hold it."""
    return any(start >= offset and text.startswith(name, start - offset) for name, offset in names)


@lru_cache(maxsize=32)
def _caseless_names(language: str) -> tuple[dict[str, Place], tuple[int, ...], dict[str, tuple[tuple[str, int], ...]]]:
    """Give back the place names an article in `language` may write in a script without capitals, each
    with its place, the lengths of those names (longest first), and, per name, CLDR's names of
    languages that hold it with where.

    Besides CLDR's names, GeoNames' names of capitals and major cities count when they are written in
    the scripts CLDR writes the language in: GeoNames does not say a name's language, but a name in
    Hangul is Korean and one in kana Japanese ("大阪", "부산", "القاهرة"). They count for the cities
    of the countries where the language is a national official one (`national_countries`): elsewhere
    they are transliterations, and short ones are words of the language ("위해", "for", is Weihai's
    Korean name; Korean is official in a region of China)."""
    names = {
        key: place
        for key, (place, curated) in local_place_names(language).items()
        if curated and _CASELESS_RUN.fullmatch(key.replace(" ", ""))
    }
    scripts = {_script(c) for key in names for c in key if c != " "}
    national = national_countries(language)
    for key, written_in, place in _caseless_city_names():
        if written_in <= scripts and place.country_code in national:
            names.setdefault(key, place)
    lengths = tuple(sorted({len(key) for key in names}, reverse=True))
    in_languages: dict[str, list[tuple[str, int]]] = {}
    for language_name in _language_names(language):
        for key in names:
            offset = language_name.find(key)
            if offset >= 0:
                in_languages.setdefault(key, []).append((language_name, offset))
    return names, lengths, {key: tuple(found) for key, found in in_languages.items()}


@lru_cache(maxsize=1)
def _caseless_city_names() -> tuple[tuple[str, frozenset[str], Place], ...]:
    """Give back the names of capitals and major cities written in scripts without capitals (two
    letters at least), each folded, with the scripts it is written in and its place; built once."""
    found = []
    for name, place in city_names():
        key = name_key(name)
        letters = key.replace(" ", "")
        if len(letters) >= 2 and _CASELESS_RUN.fullmatch(letters):
            found.append((key, frozenset(_script(c) for c in letters), place))
    return tuple(found)


def _script(character: str) -> str:
    """Give back the script a letter is of, as the first word of its Unicode name ("CJK", "HANGUL")."""
    return unicodedata.name(character, "").split(" ", 1)[0]


@lru_cache(maxsize=32)
def _language_names(language: str) -> tuple[str, ...]:
    """Give back CLDR's names of languages in `language` ("日本語", "英語" in Japanese)."""
    from babel import Locale, UnknownLocaleError

    try:
        return tuple(Locale.parse(language).languages.values())
    except (UnknownLocaleError, ValueError):
        return ()
