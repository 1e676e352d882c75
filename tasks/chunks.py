"""Articles split into chunks: some sites cut the body into several containers with one tag and class,
with ads or grid cells between them. An extractor takes the best-scoring container and drops the rest,
or recovers it paragraph by paragraph and loses some. Where the chunks are twins of the container the
extractor picks, they are joined into it before extraction; the chunks still left out afterwards are
found beforehand and put back, in page order."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree
from trafilatura.xpaths import BODY_XPATH

from newslake.tasks.records import count_words

_MIN_PARAGRAPHS = 2
_MIN_WORDS = 50
_MAX_LINK_SHARE = 0.3
_KEY_CHARS = 60


@dataclass(frozen=True)
class Chunk:
    """One container of a chunked body: its paragraphs, and whether a new h1 (another story) comes
    between it and the chunk before it."""

    paragraphs: tuple[str, ...]
    after_headline: bool = False


def join_split_body(tree: etree._Element) -> None:
    """Join an article body that ad slots split into several containers of the same class: the later
    containers' content moves into the first one. trafilatura reads only the first container its body
    rules match and recovers the rest paragraph by paragraph, which loses some of them."""
    for rule in BODY_XPATH:
        first = next(iter(rule(tree)), None)
        if first is None:
            continue
        css = first.get("class")
        if not css or first.getparent() is None:
            return
        for twin in _later_twins(first, css):
            _move_content(twin, first)
        return


def _later_twins(first: etree._Element, css: str) -> list[etree._Element]:
    """The elements after first with its tag and class, each a sibling of first or a child of a
    sibling of first's parent that has that parent's tag and class."""
    parent = first.getparent()
    assert parent is not None
    twins = [e for e in first.itersiblings(first.tag) if e.get("class") == css]
    for uncle in parent.itersiblings(parent.tag):
        if uncle.get("class") == parent.get("class"):
            twins.extend(e for e in uncle.iterchildren(first.tag) if e.get("class") == css)
    return twins


def _move_content(source: etree._Element, target: etree._Element) -> None:
    """Move an element's text and children to the end of another element."""
    if source.text and source.text.strip():
        last = target[-1] if len(target) else None
        if last is None:
            target.text = (target.text or "") + source.text
        else:
            last.tail = (last.tail or "") + source.text
    source.text = None
    for child in list(source):
        target.append(child)


def find_chunks(tree: etree._Element) -> list[list[Chunk]]:
    """Give back each group of two or more elements that share a tag and class and each hold
    paragraphs directly, in page order. Call it before an extractor prunes the tree."""
    groups: dict[tuple[str, str], list[etree._Element]] = {}
    for element in tree.xpath("//*[@class][p]"):
        groups.setdefault((str(element.tag), str(element.get("class"))), []).append(element)
    candidates = [members for members in groups.values() if len(members) >= 2 and not _nested(members)]
    found = []
    for members in candidates:
        paragraphs = [tuple(text for p in m.iterchildren("p") if (text := element_text(p))) for m in members]
        prose = [texts if _is_prose(m, texts) else () for m, texts in zip(members, paragraphs, strict=True)]
        if any(prose):  # else there is nothing to put back: skip the page-order walk below
            found.append((members, prose))
    if not found:
        return []
    headlines = tree.xpath("//h1")
    order = {element: i for i, element in enumerate(tree.iter())} if headlines else {}
    return [
        [
            Chunk(texts, i > 0 and any(order[members[i - 1]] < order[h] < order[members[i]] for h in headlines))
            for i, texts in enumerate(prose)
        ]
        for members, prose in found
    ]


def restore_chunks(text: str, groups: list[list[Chunk]]) -> str:
    """Give back the extracted text with the chunks it left out of a chunked body put back in page
    order. A group counts only when the text holds at least one of its chunks; a chunk that is not
    prose (too short, mostly links) or that follows another story's headline is left out."""
    lines = text.split("\n")
    for chunks in groups:
        keys = [_key(line) for line in lines]
        held = [_position(chunk, keys) for chunk in chunks]
        if all(position is None for position in held) or all(position is not None for position in held):
            continue
        first = next(i for i, position in enumerate(held) if position is not None)
        inserted: list[tuple[int, list[str]]] = []
        for i, chunk in enumerate(chunks):
            if held[i] is not None or not chunk.paragraphs:
                continue
            if any(c.after_headline for c in chunks[min(i, first) + 1 : max(i, first) + 1]):
                continue  # another story's headline lies between: not this article
            anchor = _anchor(chunks, held, keys, i)
            inserted.append((anchor, [p for p in chunk.paragraphs if _key(p) not in keys]))
        for anchor, paragraphs in sorted(inserted, key=lambda item: item[0], reverse=True):
            lines[anchor:anchor] = paragraphs
    return "\n".join(lines)


def _anchor(chunks: list[Chunk], held: list[int | None], keys: list[str], i: int) -> int:
    """Give back the line index where chunk i goes: after the last line of the held chunk before it,
    else before the first line of the held chunk after it."""
    before = [j for j in range(i) if held[j] is not None]
    if before:
        j = before[-1]
        positions = [keys.index(k) for p in chunks[j].paragraphs if (k := _key(p)) in keys]
        return max(positions) + 1
    return min(position for position in held if position is not None)


def _position(chunk: Chunk, keys: list[str]) -> int | None:
    """Give back the first line of the text that holds the chunk, when it holds most of its paragraphs."""
    if not chunk.paragraphs:
        return None
    positions = [keys.index(k) for p in chunk.paragraphs if (k := _key(p)) in keys]
    return min(positions) if len(positions) * 2 >= len(chunk.paragraphs) else None


def _is_prose(element: etree._Element, paragraphs: tuple[str, ...]) -> bool:
    if len(paragraphs) < _MIN_PARAGRAPHS or sum(count_words(p) for p in paragraphs) < _MIN_WORDS:
        return False
    text = sum(len(p) for p in paragraphs)
    links = sum(len(element_text(a)) for p in element.iterchildren("p") for a in p.iter("a"))
    return links <= _MAX_LINK_SHARE * text


def _nested(members: list[etree._Element]) -> bool:
    chosen = set(members)
    return any(ancestor in chosen for member in members for ancestor in member.iterancestors())


def _key(line: str) -> str:
    return " ".join(line.split())[:_KEY_CHARS].casefold()


def element_text(element: etree._Element) -> str:
    """Give back an element's text with its whitespace collapsed (shared with tasks.extract)."""
    return " ".join("".join(element.itertext()).split())
