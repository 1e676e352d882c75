"""Places in articles no entity model reads, from the gazetteer in the article's language."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newslake.tasks.places import find_places, home_countries


def _found(text: str, language: str) -> list[tuple[str, str, str]]:
    spans = find_places(text, language)
    assert all(text[s.start : s.end] == s.text for s in spans)
    return [(s.text, s.label, s.canonical) for s in spans]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        (
            "In Deutschland und Österreich wird gewählt. Aus Wien kam Kritik, in Berlin schwieg man. Europa wartet.",
            "de",
            "Deutschland/GPE/Germany|Österreich/GPE/Austria|Wien/GPE/Vienna|Berlin/GPE/Berlin|Europa/LOC/Europe",
        ),
        (
            "Estados Unidos y Alemania firmaron en Bruselas.",
            "es",
            "Estados Unidos/GPE/United States|Alemania/GPE/Germany|Bruselas/GPE/Brussels",
        ),
        ("Die U.S. und Kanada. Dann Berlin.", "de", "U.S./GPE/United States|Kanada/GPE/Canada|Berlin/GPE/Berlin"),
        ("Die USA und Frankfurt am Main.", "de", "USA/GPE/United States|Frankfurt am Main/GPE/Frankfurt am Main"),
        # Scripts without capitals.
        # Japanese and Chinese write no spaces: a name is found inside the run of letters.
        ("東京で会議が開かれた。", "ja", "東京/GPE/Tokyo"),
        ("中国和美国在新加坡举行会谈。", "zh", "中国/GPE/China|美国/GPE/United States|新加坡/GPE/Singapore"),
        # The longest name wins; a katakana word or a language's name that holds a place is no place.
        ("インドネシアとインドの代表がマリオと日本語で話した。", "ja", "インドネシア/GPE/Indonesia|インド/GPE/India"),
        # Korean: a whole word, or one with a particle joined to it; "미국인" (an American) is another word.
        (
            "대한민국과 미국은 서울에서 만났다. 미국인 관광객.",
            "ko",
            "대한민국/GPE/South Korea|미국/GPE/United States|서울/GPE/Seoul",
        ),
        # Arabic: a whole word or words, after a one-letter prefix ("and Sudan").
        (
            "زار مصر والسودان والولايات المتحدة",
            "ar",
            "مصر/GPE/Egypt|السودان/GPE/Sudan|الولايات المتحدة/GPE/United States",
        ),
        # Hebrew: after a one-letter prefix ("in Israel and in Egypt").
        ("ביקר בישראל ובמצרים", "he", "ישראל/GPE/Israel|מצרים/GPE/Egypt"),
        # Hindi: "भारतीय" (Indian) is another word than "भारत" (India).
        ("भारत में भारतीय लोग", "hi", "भारत/GPE/India"),
        # A name in another case, in the languages that inflect names.
        (
            "Rozmowy w Rosji, potem do Moskwy i Pakistanu.",
            "pl",
            "Rosji/GPE/Russia|Moskwy/GPE/Moscow|Pakistanu/GPE/Pakistan",
        ),
        ("Встреча в России и в Узбекистане.", "ru", "России/GPE/Russia|Узбекистане/GPE/Uzbekistan"),
        ("Kokous pidettiin Berliinissä.", "fi", "Berliinissä/GPE/Berlin"),
        # Polish and Czech soften the last consonant before the locative's "e"; Russian "Китай" keeps its "а".
        ("Ile osób w Polsce i w Pradze?", "pl", "Polsce/GPE/Poland|Pradze/GPE/Prague"),
        ("Sídlo v Praze a v Česku.", "cs", "Praze/GPE/Prague|Česku/GPE/Czechia"),
        ("Встреча в Китае.", "ru", "Китае/GPE/China"),
        # Turkish sets a name's case ending apart with an apostrophe; the span is the name.
        ("Toplantı İstanbul'da yapıldı.", "tr", "İstanbul/GPE/Istanbul"),
    ],
)
def test_places_are_read_in_the_articles_language_under_one_name(text: str, language: str, expected: str) -> None:
    # Expected as "surface/label/name", separated by "|".
    assert _found(text, language) == [tuple(row.split("/")) for row in expected.split("|")]


def test_a_place_inside_a_longer_name_is_not_taken() -> None:
    assert _found("Heute spielt Borussia Dortmund gegen Bayern.", "de") == []
    assert _found("Das berichtet die Washington Post am Montag.", "de") == []
    assert _found("El presidente Santiago Peña habló.", "es") == []
    # A German noun with an article before it is the name's head, not a part of it; an acronym is a name.
    assert _found("Sie lebt in der Hauptstadt Skopje.", "de") == [("Skopje", "GPE", "Skopje")]
    assert _found("Ein Tor des MSV Duisburg.", "de") == []
    # After "in", "aus" or "nach" a name is a place: the noun after it opens the rest of the sentence.
    assert _found("Samsung drohen in Deutschland Probleme.", "de") == [("Deutschland", "GPE", "Germany")]
    # A line break ends a name: a heading after the place is not part of it.
    assert _found("Werk in Portugal\nNeue Fabrik", "de") == [("Portugal", "GPE", "Portugal")]
    # A capitalised word that opens the sentence is no part of the name, before it or after it.
    assert _found("Die Feier war in Berlin. Die Polizei kam.", "de") == [("Berlin", "GPE", "Berlin")]
    assert _found("Gestern. Dortmund gewinnt.", "de") == [("Dortmund", "GPE", "Dortmund")]


def test_a_city_abroad_needs_its_country_in_the_article() -> None:
    # "Bergen" is "mountains" in German, "Kawasaki" a motorcycle: Norway's and Japan's cities only
    # when the article is about those countries. A city at home needs nothing.
    assert _found("Wir wandern in den Bergen.", "de") == []
    assert _found("Motorräder von Kawasaki und Honda.", "de") == []
    assert [t for t, _, _ in _found("Von Bergen in Norwegen nach Oslo.", "de")] == ["Bergen", "Norwegen", "Oslo"]
    assert _found("Die Feuerwehr in Dortmund.", "de") == [("Dortmund", "GPE", "Dortmund")]
    assert {"DE", "AT", "CH"} <= home_countries("de") and "DE" not in home_countries("es")


def test_a_city_written_as_a_word_of_the_language_is_not_taken() -> None:
    assert _found("Wir essen gern. Das Essen war gut.", "de") == []


def test_a_genitive_is_its_place() -> None:
    # German and the Scandinavian languages write it with an "s", others with an apostrophe. The span is
    # the name alone, and the noun after a genitive does not make it part of a longer name.
    text = "Israels Armee und die Zukunft Europas. Ein Teil Chinas."
    assert [(s.text, s.canonical, text[s.start : s.end]) for s in find_places(text, "de")] == [
        ("Israel", "Israel", "Israel"),
        ("Europa", "Europe", "Europa"),
        ("China", "China", "China"),
    ]
    assert _found("Norges statsminister", "no") == [("Norge", "GPE", "Norway")]
    assert _found("Nicaragua's Präsident und Paris' Bürgermeisterin", "de") == [
        ("Nicaragua", "GPE", "Nicaragua"),
        ("Paris", "GPE", "Paris"),
    ]
    # Spanish writes no genitive "s": "Chinas" is no name there; nor is a name that ends in "s" already.
    assert _found("Las Chinas", "es") == []


def test_an_inflected_name_needs_more_than_its_stem() -> None:
    # A word that opens a sentence is capitalised anyway: "Czytaj" (read) is not Chita ("Czyta").
    assert _found("Czytaj także: nowe przepisy.", "pl") == []
    # A word the text also writes in lower case is a word of the language: "Polski" beside "polski".
    assert _found("Rząd polski i Polski Związek.", "pl") == []
    # Languages that capitalise every noun do not guess cases: German nouns would read as places.
    assert _found("Die Berliner Luft.", "de") == []


def test_an_elided_article_is_not_part_of_the_name() -> None:
    assert _found("Aiuti all'Ucraina e all’Europa.", "it") == [
        ("Ucraina", "GPE", "Ukraine"),
        ("Europa", "LOC", "Europe"),
    ]
    # A name that holds an apostrophe itself stays whole.
    assert ("Xi’an", "GPE", "Xi’an") in _found("Von Xi’an nach Peking, China.", "de")


def test_a_city_right_after_an_article_is_a_noun_in_german() -> None:
    text = "Nach dem Essen fuhren wir nach Essen. Die Angst vor der Pest war groß, aufs Essen kam es an."
    found = [(s.start, s.text) for s in find_places(text, "de")]
    assert found == [(text.index("nach Essen") + 5, "Essen")]
    # An article that opens the sentence is one too.
    assert _found("Zum Essen gab es Suppe. Beim Essen sprach man über Essen.", "de") == [("Essen", "GPE", "Essen")]
    # Countries take an article in German, so they stay places after one.
    assert _found("Die Schweiz und der Iran verhandeln.", "de") == [
        ("Schweiz", "GPE", "Switzerland"),
        ("Iran", "GPE", "Iran"),
    ]


def test_cities_at_home_are_found_by_their_names_in_the_script_of_the_language() -> None:
    # GeoNames' names of the cities of the countries that speak the language, in its script: "北京"
    # in a Japanese text is left alone (China does not speak Japanese), while Chinese reads it.
    assert _found("会谈在北京和上海举行。", "zh") == [("北京", "GPE", "Beijing"), ("上海", "GPE", "Shanghai")]
    assert _found("大阪と北京で会議。", "ja") == [("大阪", "GPE", "Osaka")]
    assert _found("부산에서 열렸다.", "ko") == [("부산", "GPE", "Busan")]
    # Korean is official only in a region of China: "위해" ("for") and "연대" ("solidarity") are
    # Korean words before they are Weihai's and Yantai's Korean names.
    assert _found("회의를 위해 연대했다.", "ko") == []


def test_texts_in_any_language_or_none_are_read_without_error() -> None:
    # A name counts in the article's own language: a German text does not read Japanese names.
    assert _found("Deutschland und 日本", "de") == [("Deutschland", "GPE", "Germany")]
    assert _found("USA", "xx") == [("USA", "GPE", "United States")]
    assert _found("", "de") == []


_LATIN = ["Berlin", "in", "Deutschland", "Borussia", "Dortmund", "essen", "Essen", "USA", "U.S.", "Frankfurt"]
_CASELESS = ["東京", "マリ", "オ", "日本語", "미국", "과", "والسودان", "الولايات", "المتحدة"]
_WORDS = st.sampled_from([*_LATIN, "am", "Main", *_CASELESS])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.one_of(_WORDS, st.text(max_size=12)), max_size=30).map(" ".join),
    st.sampled_from(["de", "es", "ja", "ko", "ar", "xx", ""]),
)
def test_any_text_gives_spans_that_are_its_own_words(text: str, language: str) -> None:
    spans = find_places(text, language)
    assert all(0 <= s.start < s.end <= len(text) and text[s.start : s.end] == s.text for s in spans)
    assert [s.start for s in spans] == sorted(s.start for s in spans)
    assert all(s.label in ("GPE", "LOC") and s.canonical for s in spans)
