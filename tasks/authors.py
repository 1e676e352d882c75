"""Author names from a page's evidence: structured data first, cleaned of publishers, split properly."""

from __future__ import annotations

import html
import re
from collections.abc import Collection, Iterable

from newslake.tasks.gazetteer import is_country, is_known_place

# Conjunctions that join two names in a byline, in the languages newslake meets most.
# Short words such as "et", "y" or "e" are left alone: they also join parts of one organisation's name.
_JOINERS = re.compile(r"\s*(?:;|\||&|/|\s(?:and|und|og|och)\s)\s*", re.IGNORECASE)
_TRAILING_NOTE = re.compile(r"\s*\([^)]*\)\s*$|\s*(?:기자|記者)\s*$")  # a note, or "reporter" after a name
_BY = re.compile(r"^(?:by|von|par|por|door|di|da|af|av|od|przez|от)\s+", re.IGNORECASE)
_WORD = re.compile(r"\w+")
# What content systems print where a byline goes when nobody is named: account roles, default
# accounts and desk labels, in the languages newslake meets most. Compared as whole names (case-folded,
# letters only), so "Admin" goes and "Adam Minter" stays.
_PLACEHOLDERS = frozenset(
    "".join(_WORD.findall(name))
    for name in [
        "unknown",
        "admin",
        "administrator",
        "wordpressadmin",
        "webmaster",
        "superuser",
        "user",
        "guest",
        "gast",
        "anonymous",
        "anonym",
        "anónimo",
        "anonyme",
        "name",
        "author",
        "autor",
        "auteur",
        "autore",
        "submitted",
        "editor",
        "editors",
        "redaktion",
        "redaktionen",
        "redacción",
        "redaccion",
        "rédaction",
        "redazione",
        "redactie",
        "staff",
        "team",
        "default",
        "editorial",
        "editorialteam",
        "newsdesk",
        "onlineredaktion",
        "news",
        "nachrichten",
        "noticias",
        "webredaktion",
        "none",
        "null",
        # The word that labels a byline's date, alone in the byline's element ("Veröffentlicht").
        "published",
        "posted",
        "updated",
        "modified",
        "veröffentlicht",
        "aktualisiert",
        "gepostet",
        "publié",
        "publie",
        "publicado",
        "actualizado",
        "pubblicato",
        "aggiornato",
        "gepubliceerd",
        "bijgewerkt",
        "geplaatst",
        "publicerad",
        "uppdaterad",
        # A photo credit's word where a byline goes: "Cortesía", "Courtesy".
        "cortesía",
        "cortesia",
        "courtesy",
    ]
)
# A desk's code after a placeholder word ("Redaktion MSM", "Redacción EC"): two to four capitals.
_DESK_CODE = re.compile(r"[A-Z]{2,4}")
# An e-mail address written into a byline ("Jane Roe jane.roe@example.com") is no part of the name.
_EMAIL = re.compile(r"\S+@\S+\.\w+")
# A byline that is a web address ("example.com", or "Example Com" once the extractor title-cases it).
_HOST_NAME = re.compile(
    r"(?:^|[\s.])(?:www[\s.]|\S+[\s.](?:com|net|org|info|de|at|ch|uk|fr|it|es|nl|cl|pe|ar|br|io)$)", re.I
)
# Words that make a byline an organisation rather than a person: legal forms and kinds of institution.
_ORGANISATION_WORDS = re.compile(
    r"\b(?:gmbh|ag|e\.?\s?v|inc|ltd|llc|corp|plc|s\.?a|se|kg|verband|bundesverband|stiftung|foundation|"
    r"ministerium|ministry|ministère|ministerio|department|association|verein|institut|institute|universität|"
    r"university|gesellschaft|society|agency|agentur|pressestelle|press office|eg)\b\.?$|"
    r"\b(?:bundesministerium|bundesverband|bundesamt|landesanstalt|feuerwehr|polizei|abteilung)\b",
    re.IGNORECASE,
)
# Phrases that lead into a name on author pages and in bylines ("Alle Beiträge von", "Interview:").
_LEAD_IN = re.compile(
    r"^(?:.*\b(?:beiträge|artikel|posts|articles|stories)\s+(?:von|by|de|di)\s+|interview:?\s+|text:?\s+|"
    r"written by\s+|posted by\s+|geschrieben von\s+|verfasst von\s+)",
    re.IGNORECASE,
)


def clean_name(name: str) -> str:
    """Give back a person's name without a leading "By", and "Last, First" turned into "First Last";
    a name followed by a description ("Jane Roe, professor at X") keeps only the name."""
    name = " ".join(_EMAIL.sub(" ", html.unescape(name)).split())
    name = _TRAILING_NOTE.sub("", _BY.sub("", _LEAD_IN.sub("", name)))
    name = _WRITTEN_FOR.sub("", name).strip(" ,.;:-")
    parts = [p.strip() for p in name.split(",") if p.strip()]
    if len(parts) == 2 and all(" " not in p for p in parts) and all(_capitalised(p) for p in parts):
        return f"{parts[1]} {parts[0]}"
    return parts[0] if parts else ""


def split_names(value: str) -> list[str]:
    """Give back the names in a byline that joins several ("A and B", "A; B", "A og B", "A, B"); a
    comma list of surnames and given names ("You, Xiaoying, Lenharo, Mariana") pairs them."""
    # Entities first: "Redacci&oacute;n" must not split at its semicolon.
    names: list[str] = []
    for part in _JOINERS.split(html.unescape(value)):
        names += _comma_names(part)
    return [n for n in names if n]


def _comma_names(part: str) -> list[str]:
    """Give back the names of one byline part: "Last, First" pairs, a comma list of full names, or one
    name (with a description after its comma left out)."""
    pieces = [p.strip() for p in _BY.sub("", " ".join(part.split())).split(",") if p.strip()]
    if len(pieces) >= 4 and len(pieces) % 2 == 0 and all(" " not in p and _capitalised(p) for p in pieces):
        return [clean_name(f"{pieces[i]}, {pieces[i + 1]}") for i in range(0, len(pieces), 2)]
    if len(pieces) >= 2 and all(_looks_like_full_name(p) for p in pieces):
        return [clean_name(p) for p in pieces]
    return [clean_name(part)]


_PARTICLES = frozenset(
    ("von", "van", "der", "den", "de", "da", "del", "di", "du", "la", "le", "bin", "al", "zu", "ter")
)


def _looks_like_full_name(text: str) -> bool:
    """Tell whether text reads as one person's full name: two to four words, each capitalised or a
    name particle ("Ursula von der Leyen"), no digits."""
    words = text.split()
    return (
        2 <= len(words) <= 4
        and all(_capitalised(w) or w in _PARTICLES for w in words)
        and not any(c.isdigit() for c in text)
    )


def choose_authors(
    persons: Iterable[str],
    organisations: Iterable[str],
    found: Iterable[str],
    publishers: Iterable[str],
    bylines: Iterable[tuple[str, bool]] = (),
    shown: str | None = None,
    signature: str | None = None,
) -> tuple[str, ...]:
    """Give back the article's authors.

    Structured-data persons win; else the names the extractor found, less the publisher's own name;
    an organisation is the author only when no person is named (a wire service, a desk); else the
    names of the page's first visible byline that gives any (`byline_names`).

    `shown` is the text the page shows its readers (`metadata.shown_text`), when the article was read
    from it. People the markup declares but the page never shows (no word of any of their names is in
    it) are not its authors: a declaration nobody reads is an account's default, an SEO field or a
    template's, and a page with no byline has no author. Declared organisations and the publisher's own
    name are exempt: a logo shows those as an image.

    With no author from any of those, or only the organisations the markup declares, the name the
    article signs with (`signature_name`) is its author.
    """
    organisations = tuple(organisations)  # read twice below
    publishers = [p for p in publishers if _key(p)]
    chosen = _claimed_authors(persons, organisations, found, publishers)
    if chosen and shown is not None and not _any_shown(chosen, shown, organisations, publishers):
        chosen = ()
    if chosen and signature and {_key(n) for n in chosen} <= _declared(organisations):
        return (signature,)  # the publisher declared as author, and a reporter signing the text
    # A visible byline is kept even when it is the site's name: a personal blog is named after its author.
    chosen = chosen or next((_unique(names) for line, marked in bylines if (names := byline_names(line, marked))), ())
    return chosen or ((signature,) if signature else ())


def signature_name(text: str, set_apart: Collection[str]) -> str | None:
    """Give back the name an article's text signs off with: a last line that is a person's name alone,
    two or three capitalised words ("Stefan Wasmer" under a match report), that the page sets apart in
    bold or italics as a paragraph of its own (`set_apart`), after a line that is not a name too (a
    list of names ends with a name). None when it does not end so: a closing heading ("Location
    Details") is set as a heading, not as a signature."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if len(lines) < 2 or lines[-1] not in set_apart or _is_signature(lines[-2]) or not _is_signature(lines[-1]):
        return None
    return lines[-1]


def _is_signature(line: str) -> bool:
    words = line.split()
    return (
        2 <= len(words) <= 3
        and all(w[:1].isupper() and _NAME_WORD.fullmatch(w) and not w.isupper() for w in words)
        and is_person_name(line)
        and not is_known_place(line)
    )


_NAME_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


def _claimed_authors(
    persons: Iterable[str], organisations: Iterable[str], found: Iterable[str], publishers: list[str]
) -> tuple[str, ...]:
    people = _unique(n for value in persons for n in split_names(value) if is_person_name(n))
    if people:
        return people
    # A place is an address's part ("Kirche und Leben, Münster, Germany"), never an author; names that
    # end in a country are an address whole, towns the gazetteer does not know included.
    names = [n for value in found for n in split_names(value)]
    named = _unique(
        n
        for n in ([] if _ends_in_country(names) else names)
        if not _is_initials(n) and not _is_placeholder(n) and not is_known_place(n)
    )
    people = tuple(n for n in named if is_person_name(n) and not _is_publisher(n, publishers))
    if any(_ORGANISATION_WORDS.search(n) for n in named):
        # The extractor splits a name at "und"/"and": beside an organisation's name ("Bundesministerium
        # für Wirtschaft"), a lone word ("Klimaschutz") is the rest of it, not a person.
        people = tuple(n for n in people if " " in n)
    # An organisation the structured data names as author (a wire service, a desk, the publisher's
    # newsroom) is kept as it is written: it is the page's own explicit claim.
    organisations = _unique(n for value in organisations for n in split_names(value) if not _is_placeholder(n))
    # A byline that names the publisher is a desk credit: the structured data's organisation says it better.
    if people and (len(people) == len(named) or not organisations):
        return people
    return organisations


# Conjunctions that join two names in a visible byline; a name may hold one ("Le Figaro et AFP").
_NAME_JOINERS = ("and", "und", "et", "y", "e", "og", "och")
_CONJUNCTIONS = frozenset((*_NAME_JOINERS, "i"))
# A byline cue before the names: "Von", "By", "Autorin:", "Text:" (a bare "Text" or "Autor" word opens
# other things too, so those need their colon unless a name follows the longer cues).
_BYLINE_CUE = re.compile(
    r"^[\W_]*(?:(?:von|by|par|por|door|af|av)\s+(?=[^\W\d_])|"
    r"(?:autor(?:in|en)?|authors?|by|text|verfasst von|geschrieben von|written by|posted by)\s*:\s*|"
    r"(?:autor(?:in|en)?|text von|verfasst von|geschrieben von|written by|posted by)\s+)",
    re.IGNORECASE,
)
# Credits that are not the story's byline: "Foto von …", "Quelle: …".
_CREDIT = re.compile(r"^[\W_]*(?:foto|photo|bild|image|illustration|grafik|quelle|source)", re.IGNORECASE)
# Another credit after the byline's names: "Text von Jane Roe Illustration von John Doe", "By Jane Roe
# Photos by John Doe". The names end where it begins.
_CREDIT_TAIL = re.compile(
    r"\s+(?:fotos?|photos?|photography|bilder?|illustrations?|illustrationen|grafiken?|graphics)\s*(?::|von|by)\s.*$",
    re.IGNORECASE,
)
_BYLINE_PARTS = re.compile(r"\s*(?:[,;|/&]|\s(?:" + "|".join(_NAME_JOINERS) + r")\s)\s*", re.IGNORECASE)
_PLAIN_WORD = re.compile(r"[^\W\d_][^\W\d_A-Z\u00c0-\u00de]+")  # "Daniel", not "SeglerBlog" or "AFP"


def byline_names(text: str, marked: bool) -> list[str]:
    """Give back the names a visible byline gives: "Von Jane Roe und John Doe, dpa" gives both names.

    The text is a byline when it opens with a cue ("Von", "Autorin:") or its element is marked as one.
    A part of it with a lower-case word that is not a name particle is not a name; two such words make
    the whole text prose ("Von Einheimischen, Gästen und ganz viel Kühen"), and it gives none. A
    one-word name must be a plain capitalised word, and only a marked element gives one ("By Method"
    is a recipe filter, "SeglerBlog" a site). Only scripts with capitals give names: elsewhere nothing
    tells a name from a section label.
    """
    text = html.unescape(text)  # entities first: "Redacci&oacute;n" must not split at its semicolon
    if _CREDIT.match(text):
        return []
    cue = _BYLINE_CUE.match(text)
    if cue is None and not marked:
        return []
    if cue is None and (inner := _last_inner_cue(text)) is not None:
        text, cue = text[inner:], _BYLINE_CUE.match(text[inner:])  # "Posted on May 2, 2020 by Jane Roe"
    if marked and cue is None and _HANDLE.fullmatch(text) and not _is_placeholder(text):
        return [text]  # an account name alone in the author element ("reineckefuchs")
    names = []
    names_text = _CREDIT_TAIL.sub("", _DATE_TAIL.sub("", text[cue.end() :] if cue else text))
    for part in _BYLINE_PARTS.split(names_text):
        words = part.split()
        lower = [w for w in words if w[:1].islower() and w not in _PARTICLES]
        if len(lower) >= 2:
            return []
        if not words or lower or len(words) > 4 or any(c.isdigit() or c in ":!?" for c in part):
            continue
        if not all(w[:1].isupper() or w in _PARTICLES for w in words):
            continue  # a script without capitals gives no sign that this is a name
        if len(words) == 1 and (not marked or not _PLAIN_WORD.fullmatch(words[0]) or _BY.match(part + " ")):
            continue
        name = clean_name(part)
        if name and is_person_name(name):
            names.append(name)
    if names and (all(is_known_place(n) for n in names) or _ends_in_country(names)):
        return []  # a dateline ("Frankfurt, Germany") where a byline goes names no author
    return names


def _ends_in_country(names: list[str]) -> bool:
    """Tell whether several names end in a country's: an address or a dateline ("…, Frankfurt,
    Germany"), whatever the gazetteer knows of the places before it."""
    return len(names) > 1 and is_country(names[-1])


# A date after the names: "Von Jane Roe am 08.12.2022", "By Jane Roe on May 2, 2020".
_DATE_TAIL = re.compile(r"\s+(?:am|on|le|el|il|op|den|vom)\s+(?:\d|[A-Z][a-z]+\.? \d).*$")
_HANDLE = re.compile(r"[a-z][a-z0-9_.-]{3,29}")
_INNER_CUE = re.compile(r"(?<=\s)(?:by|von|par|por|door)\s+(?=[^\W\d_])", re.IGNORECASE)


def _last_inner_cue(text: str) -> int | None:
    """Give back where the last byline cue inside a marked byline starts, when words come before it
    ("Posted on May 2, 2020 by Jane Roe"); None when it has none."""
    found = list(_INNER_CUE.finditer(text))
    return found[-1].start() if found else None


# A byline's closing credit to the publication it was written for: "Jane Roe for The Mail on Sunday".
_WRITTEN_FOR = re.compile(r"\s+(?i:for|für)\s+(?:(?i:the)\s+)?[A-Z].*$")


def is_person_name(name: str) -> bool:
    """Tell whether a byline can be a person: not a placeholder ("Admin", "Redaktion"), a web address,
    an organisation (a legal form or a kind of institution in its name), nor a phrase: more than five
    words, or several with a lower-case word that is neither a name particle nor an abbreviation
    ("Theme Pirate Rogue von xwolf", "Art Edwards says"). A one-word handle ("gnaddrig") is a name."""
    words = name.split()
    phrase = len(words) > 5 or (
        len(words) > 1
        and any(w[:1].islower() and w not in _PARTICLES | _CONJUNCTIONS and not w.endswith(".") for w in words)
    )
    return not (phrase or _is_placeholder(name) or _HOST_NAME.search(name) or _ORGANISATION_WORDS.search(name))


def _any_shown(names: tuple[str, ...], shown: str, organisations: Iterable[str], publishers: list[str]) -> bool:
    """Tell whether the page shows any of these names: a word of three letters or more of one of them
    in its text, or a name it cannot judge (an organisation, the publisher, initials)."""
    declared = _declared(organisations)
    for name in names:
        words = [w for w in _LETTERS.findall(name.casefold()) if len(w) >= 3]
        if not words or _key(name) in declared or _is_publisher(name, publishers):
            return True
        if any(word in shown for word in words):
            return True
    return False


_LETTERS = re.compile(r"[^\W\d_]+")


def _declared(organisations: Iterable[str]) -> set[str]:
    """Give back the keys of the organisations the markup declares as authors, each split into names."""
    return {_key(n) for value in organisations for n in split_names(value)}


def _is_placeholder(name: str) -> bool:
    """Tell whether a byline names nobody: a placeholder ("Redaktion"), placeholder words alone
    ("Editorial Staff"), or those followed by a desk's code ("Redaktion MSM")."""
    if _key(name) in _PLACEHOLDERS:
        return True
    *head, last = name.split() or [""]
    # A code after desk words is the desk's; one before them is an organisation's name ("BBC News").
    if not head or any(_key(w) not in _PLACEHOLDERS for w in head):
        return False
    return _key(last) in _PLACEHOLDERS or bool(_DESK_CODE.fullmatch(last))


def _is_initials(name: str) -> bool:
    """Tell whether a byline is a staff abbreviation ("Amw", "Jfk") rather than a name: one short
    capitalised token. Agency codes in capitals or lower case ("AFP", "dpa") are kept."""
    return len(name) <= 3 and name.isalpha() and name[0].isupper() and name[1:].islower() and len(name) > 1


def _is_publisher(name: str, publishers: Iterable[str]) -> bool:
    """Tell whether a byline is the publisher's name, or a part of it ("Tagesschau" of "tagesschau.de").
    A name shaped like a person's is not a part of the site's address: "Wolfgang Michal" on the site
    "wolfgangmichal.de" is the author of a personal site."""
    key = _key(name)
    person = _looks_like_full_name(name) and not name.isupper()
    for publisher in publishers:
        other = _key(publisher)
        part = len(other) > 3 and (other in key or key in other)
        if key == other or (part and not (person and _is_address(publisher))):
            return True
    return False


def _is_address(text: str) -> bool:
    """Tell whether a name is written as a web address ("wolfgangmichal.de"), not as words."""
    return "." in text and " " not in text.strip()


def _unique(names: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(_key(name), name)
    return tuple(v for k, v in seen.items() if k)


def _key(value: str) -> str:
    return "".join(_WORD.findall(value.casefold()))


def _capitalised(word: str) -> bool:
    return word[:1].isupper()
