"""The run summary: what a run saw, loaded and refused."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RunSummary:
    """Counts of one run. seen = new + updated + unchanged + quarantined."""

    run_id: str
    lake: str
    seen: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    articles: int = 0
    entities: int = 0
    mentions: int = 0
    links: int = 0
    quotes: int = 0
    seconds: float = 0.0
    status: str = "running"

    def as_run_row(self) -> dict[str, Any]:
        """Give back the summary as the values of its runs row."""
        import json

        return {
            "status": self.status,
            "documents_seen": self.seen,
            "documents_new": self.new,
            "documents_updated": self.updated,
            "documents_unchanged": self.unchanged,
            "documents_quarantined": self.quarantined,
            "quarantine_reasons": json.dumps(dict(sorted(self.reasons.items()))),
            "articles_loaded": self.articles,
            "entities_loaded": self.entities,
            "mentions_loaded": self.mentions,
            "links_loaded": self.links,
            "quotes_loaded": self.quotes,
            "seconds": round(self.seconds, 3),
        }

    def lines(self) -> list[tuple[str, str]]:
        """Give back (label, value) pairs for a person to read."""
        rows = [
            ("run", self.run_id),
            ("status", self.status),
            ("documents seen", str(self.seen)),
            ("  new", str(self.new)),
            ("  updated", str(self.updated)),
            ("  unchanged", str(self.unchanged)),
            ("  quarantined", str(self.quarantined)),
        ]
        rows += [(f"    {reason}", str(n)) for reason, n in sorted(self.reasons.items())]
        rows += [
            ("articles loaded", str(self.articles)),
            ("entities loaded (new)", str(self.entities)),
            ("mentions loaded", str(self.mentions)),
            ("links loaded", str(self.links)),
            ("quotes loaded", str(self.quotes)),
            ("seconds", f"{self.seconds:.1f}"),
            ("warehouse", self.lake),
        ]
        return rows
