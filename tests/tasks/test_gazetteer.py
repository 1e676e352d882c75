"""The offline gazetteer: which names are places, and under which one name."""

from __future__ import annotations

import pytest

from newslake.tasks.gazetteer import is_known_place, lookup_place


@pytest.mark.parametrize(("spelling", "capital"), [("Kiev", "Kyiv"), ("Peking", "Beijing"), ("Kyiv", "Kyiv")])
def test_a_capital_is_known_by_its_other_spellings(spelling: str, capital: str) -> None:
    place = lookup_place(spelling)
    assert place is not None and place.name == capital and place.kind == "capital"


@pytest.mark.parametrize("word", ["Ben", "Was", "MAD", "ADD", "SUV", "LON", "Vin"])
def test_codes_and_short_forms_of_capitals_are_no_places(word: str) -> None:
    # GeoNames lists airport codes and three-letter forms among a capital's names ("Ben" for Bern).
    assert not is_known_place(word)
