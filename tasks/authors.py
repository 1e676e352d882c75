"""Author names from a page's evidence: structured data first, cleaned of publishers, split properly."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Conjunctions that join two names in a byline, in the languages newslake meets most.
# Short words such as "et", "y" or "e" are left alone: they also join parts of one organisation's name.
_JOINERS = re.compile(r"\s*(?:;|\||&|/|\s(?:and|und|og|och)\s)\s*", re.IGNORECASE)
_TRAILING_NOTE = re.compile(r"\s*\([^)]*\)\s*$")
_BY = re.compile(r"^(?:by|von|par|por|door|di|da|af|av|od|przez|от)\s+", re.IGNORECASE)
_WORD = re.compile(r"\w+")


def clean_name(name: str) -> str:
    """Give back a person's name without a leading "By", and "Last, First" turned into "First Last";
    a name followed by a description ("Jane Roe, professor at X") keeps only the name."""
    name = _TRAILING_NOTE.sub("", _BY.sub("", " ".join(name.split()))).strip(" ,.;:-")
    parts = [p.strip() for p in name.split(",") if p.strip()]
    if len(parts) == 2 and all(" " not in p for p in parts) and all(_capitalised(p) for p in parts):
        return f"{parts[1]} {parts[0]}"
    return parts[0] if parts else ""


def split_names(value: str) -> list[str]:
    """Give back the names in a byline that joins several ("A and B", "A; B", "A og B")."""
    return [n for n in (clean_name(part) for part in _JOINERS.split(value)) if n]


def choose_authors(
    persons: Iterable[str], organisations: Iterable[str], found: Iterable[str], publishers: Iterable[str]
) -> tuple[str, ...]:
    """Give back the article's authors.

    Structured-data persons win; else the names the extractor found, less the publisher's own name;
    an organisation is the author only when no person is named (a wire service, a desk).
    """
    publisher_keys = {_key(p) for p in publishers if _key(p)}
    people = _unique(n for value in persons for n in split_names(value))
    if people:
        return people
    named = _unique(n for value in found for n in split_names(value) if not _is_initials(n))
    people = tuple(n for n in named if not _is_publisher(n, publisher_keys))
    organisations = _unique(n for value in organisations for n in split_names(value))
    # A byline that names the publisher is a desk credit: the structured data's organisation says it better.
    if people and (len(people) == len(named) or not organisations):
        return people
    return organisations


def _is_initials(name: str) -> bool:
    """Tell whether a byline is a staff abbreviation ("Amw", "Jfk") rather than a name: one short
    capitalised token. Agency codes in capitals or lower case ("AFP", "dpa") are kept."""
    return len(name) <= 3 and name.isalpha() and name[0].isupper() and name[1:].islower() and len(name) > 1


def _is_publisher(name: str, publisher_keys: set[str]) -> bool:
    key = _key(name)
    return bool(key) and any(key == p or (len(p) > 3 and (p in key or key in p)) for p in publisher_keys)


def _unique(names: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(_key(name), name)
    return tuple(v for k, v in seen.items() if k)


def _key(value: str) -> str:
    return "".join(_WORD.findall(value.casefold()))


def _capitalised(word: str) -> bool:
    return word[:1].isupper()
