"""Short texts and labelled values in a page's markup: "Autorin: Jane Roe", "Datum: 03.02.2022". A
label alone says whose the value is; a label among others ("Seiten:", "Verlag:", "ISO-Zahl:") is a row
of a fact sheet about something the page describes (a book, a photo, a product), not about the page."""

from __future__ import annotations

import re
from typing import Any

# A field label at the start of a text: one to three words and a colon ("Titel:", "Dt. Titel:").
_FIELD_LABEL = re.compile(r"^[^\W\d_][^\W_]*(?:[ .-]+[^\W_]+){0,2}\s?:")


def short_text(element: Any, limit: int) -> str | None:
    """Give back an element's text, whitespace collapsed, or None when it runs over limit characters
    (read only a little past the limit, room for the whitespace collapsing removes, so a large
    container costs little)."""
    pieces: list[str] = []
    size = 0
    for piece in element.itertext():
        size += len(piece)
        if size > 4 * limit:
            return None
        pieces.append(piece)
    text = " ".join("".join(pieces).split())
    return text if len(text) <= limit else None


def in_fact_sheet(element: Any, limit: int = 80) -> bool:
    """Tell whether a label is one row of a fact sheet: the rows before and after it (its own siblings,
    or its parent's) also open with a label, as a book's, a photo's or a product's details do. A
    byline or a dateline is one label, beside one other at most."""
    for row in (element, element.getparent()):
        if row is None:
            continue
        around = [row.getprevious(), row.getnext()]
        if all(r is not None and _FIELD_LABEL.match(short_text(r, limit) or "") for r in around):
            return True
    return False
