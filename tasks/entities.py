"""Find the people, organisations, places and groups an article mentions."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tasks.records import Mention

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

# spaCy labels that name things; dates, numbers and quantities are left out.
ENTITY_LABELS = frozenset(
    {
        "PERSON",
        "ORG",
        "GPE",
        "LOC",
        "NORP",
        "FAC",
        "EVENT",
        "PRODUCT",
        "WORK_OF_ART",
        "LAW",
        "LANGUAGE",
    }
)
_NER_ONLY = ("tok2vec", "ner")
_LEADING_THE = re.compile(r"^(?:the|The|THE)\s+")
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_EDGE_PUNCT = "\"'“”‘’.,;:!?()[]{}-–—*/\\|"


@dataclass(frozen=True)
class NerModel:
    """A loaded spaCy pipeline and the name and version recorded on every mention it finds."""

    nlp: Language
    name: str

    def pipe(self, texts: Sequence[str], batch_size: int = 32) -> Iterable[Doc]:
        return self.nlp.pipe(texts, batch_size=batch_size)


def load_ner_model(name: str) -> NerModel:
    """Give back the named spaCy pipeline with only the components named-entity recognition needs."""
    import spacy  # a heavy import: only where a model is really wanted

    nlp = spacy.load(name)
    for pipe in list(nlp.pipe_names):
        if pipe not in _NER_ONLY:
            nlp.remove_pipe(pipe)
    meta = nlp.meta
    return NerModel(
        nlp=nlp,
        name=f"{meta.get('lang', 'xx')}_{meta.get('name', name)}-{meta.get('version', '0')}",
    )


def clean_surface(text: str) -> str:
    """Give back an entity surface without a leading "the", a possessive "'s" or edge punctuation."""
    value = " ".join(text.split()).strip(_EDGE_PUNCT)
    value = _LEADING_THE.sub("", value)
    value = _POSSESSIVE.sub("", value)
    return value.strip(_EDGE_PUNCT).strip()


def is_entity_name(value: str) -> bool:
    """Tell whether a cleaned surface can name an entity: more than one character, not a number."""
    letters = sum(ch.isalpha() for ch in value)
    return letters >= 2 and not value.replace(",", "").replace(".", "").isdigit()


def mentions_from_doc(doc: Doc) -> tuple[Mention, ...]:
    """Give back one Mention per (canonical name, label) found in a parsed article."""
    spans = [(clean_surface(ent.text), ent) for ent in doc.ents if ent.label_ in ENTITY_LABELS]
    spans = [(name, ent) for name, ent in spans if is_entity_name(name)]
    canonical = resolve_short_names([name for name, ent in spans if ent.label_ == "PERSON"])
    grouped: dict[tuple[str, str], list[Span]] = defaultdict(list)
    surfaces: dict[tuple[str, str], list[str]] = defaultdict(list)
    for name, ent in spans:
        key = (canonical.get(name, name), ent.label_)
        grouped[key].append(ent)
        if name not in surfaces[key]:
            surfaces[key].append(name)
    return tuple(
        Mention(
            name=name,
            label=label,
            surface_forms=tuple(surfaces[(name, label)]),
            count=len(ents),
            first_offset=min(ent.start_char for ent in ents),
        )
        for (name, label), ents in grouped.items()
    )


def resolve_short_names(names: Iterable[str]) -> dict[str, str]:
    """Map a one-word name to the longer name in the same article whose first or last word it is."""
    distinct = set(names)
    longer = [name for name in distinct if " " in name]
    resolved: dict[str, str] = {}
    for name in distinct:
        if " " in name:
            continue
        matches = {full for full in longer if full.split()[-1] == name or full.split()[0] == name}
        if len(matches) == 1:
            resolved[name] = matches.pop()
    return resolved
