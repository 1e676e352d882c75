"""Language detection of article text."""

from __future__ import annotations

from newslake.tasks.language import detect_language

ENGLISH = "The council met on Tuesday to discuss the new budget for the city's schools and its roads. "
GERMAN = "Der Stadtrat hat am Dienstag über den neuen Haushalt für die Schulen und Straßen der Stadt beraten. "


def test_languages_are_told_apart_and_short_text_gets_none() -> None:
    assert detect_language(ENGLISH * 3) == "en"
    assert detect_language(GERMAN * 3) == "de"
    assert detect_language("Hello there") is None


def test_the_language_is_read_from_the_start_of_a_long_text() -> None:
    # 2,000 characters of English, then 15 times as much German: read whole (or its first 5,000
    # characters), the text is German.
    start = ENGLISH * (2000 // len(ENGLISH) + 1)
    assert detect_language(start + GERMAN * 300) == "en"
