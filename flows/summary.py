"""The run summary: what a run saw, loaded and refused, and how the quality gate went."""

from __future__ import annotations

import json
import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from newslake.flows.output import cell
from newslake.tasks.discover import SkippedPath
from newslake.tasks.records import Rejection
from newslake.tasks.validate import ExpectationOutcome


def new_run_id() -> str:
    """Give back a run id that sorts by start time."""
    return f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"


@dataclass
class SourceCounts:
    """How one source went in a run."""

    kind: str
    found: int = 0
    fetched: int = 0
    failed: int = 0
    pending: int = 0
    not_modified: bool = False
    error: str | None = None
    failing_before: bool = False  # its listing had failed in the source's run before this one too
    too_old: int = 0  # items (listed now or left by earlier runs) dated before the source's max_age, not fetched
    old_sitemaps: int = 0  # child sitemaps an index dates before the source's max_age, not read

    def describe(self) -> str:
        listing = "unchanged (304)" if self.not_modified else f"{self.found} listed"
        if self.too_old:
            listing += f", {self.too_old} dated before max_age not fetched"
        if self.old_sitemaps:
            listing += f", {self.old_sitemaps} child sitemaps dated before max_age not read"
        text = f"{self.kind}: {listing}, {self.fetched} fetched, {self.failed} failed, {self.pending} left pending"
        return f"{text}; {self.error}" if self.error else text


@dataclass
class RunSummary:
    """Counts of one run. seen = new + updated + unchanged + quarantined."""

    run_id: str
    lake: str
    seen: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    same_bytes: int = 0  # of the unchanged: a new name for bytes another document already has
    forgotten: int = 0  # of the unchanged: what `newslake forget` removed, passed over
    quarantined: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    examples: dict[str, Rejection] = field(default_factory=dict)  # one example refusal per reason
    failed_expectations: Counter[str] = field(default_factory=Counter)  # "suite.expectation" -> failing rows
    breaches: list[str] = field(default_factory=list)  # run-level expectations that failed
    articles: int = 0
    entities: int = 0
    mentions: int = 0
    links: int = 0
    quotes: int = 0
    copies: int = 0  # articles that joined a story already told (syndicated copies, rewrites)
    # Articles in a language no entity model reads, by language: they got only their places.
    places_only: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    status: Literal["running", "completed", "warning", "failed", "interrupted"] = "running"
    data_docs: str | None = None
    report: str | None = None  # the HTML report refreshed after the run, when report.path is set
    maintenance: str | None = None  # what the run's warehouse maintenance did, when it was due
    # Per live source: items its listing held, fetched, failed, left pending; whether the listing was unchanged.
    sources: dict[str, SourceCounts] = field(default_factory=dict)
    skipped: list[SkippedPath] = field(default_factory=list)  # folders discovery did not read, and why
    raw_dropped: int = 0  # documents a reprocess chose but could not run: lake.keep_raw_days dropped their bytes
    # Web archive records that are not documents, by reason (tasks.warc.PassedOver).
    passed_over: Counter[str] = field(default_factory=Counter)

    @property
    def processed(self) -> int:
        """Documents this run had to extract: everything not skipped as unchanged."""
        return self.seen - self.unchanged

    def add_refusals(self, refusals: list[Rejection]) -> None:
        self.quarantined += len(refusals)
        for refusal in refusals:
            self.reasons[refusal.reason] += 1
            self.examples.setdefault(refusal.reason, refusal)

    def add_outcomes(self, outcomes: list[ExpectationOutcome]) -> None:
        for outcome in outcomes:
            if not outcome.success:
                self.failed_expectations[f"{outcome.suite}.{outcome.expectation} ({outcome.severity})"] += (
                    outcome.unexpected_count or 1
                )

    def as_run_row(self) -> dict[str, Any]:
        """Give back the summary as the values of its runs row."""
        return {
            "status": self.status,
            "documents_seen": self.seen,
            "documents_new": self.new,
            "documents_updated": self.updated,
            "documents_unchanged": self.unchanged,
            "documents_quarantined": self.quarantined,
            "quarantine_reasons": json.dumps(dict(sorted(self.reasons.items()))),
            "records_passed_over": json.dumps(dict(sorted(self.passed_over.items()))),
            "articles_loaded": self.articles,
            "entities_loaded": self.entities,
            "mentions_loaded": self.mentions,
            "links_loaded": self.links,
            "quotes_loaded": self.quotes,
            "seconds": round(self.seconds, 3),
            "quality_breaches": json.dumps(self.breaches),
        }

    def notification(self, error: str | None = None, flow_run_id: str | None = None) -> dict[str, Any]:
        """Give back the message a webhook gets when the run ends (tasks/notify.py): a line to read, and
        the run's figures and problems as fields of their own."""
        problem = error or "; ".join(self.breaches)
        counts = (
            f"{self.new} new, {self.updated} updated, {self.unchanged} unchanged, {self.quarantined} quarantined, "
            f"{self.articles} articles loaded"
        )
        failing = {name: counts.error for name, counts in self.sources.items() if counts.error}
        recovered = sorted(self.recovered_sources())
        text = f"newslake run {self.run_id} {self.status}" + (f": {problem}" if problem else "") + f" ({counts})"
        if failing:
            text += "; sources with errors: " + ", ".join(sorted(failing))
        if recovered:
            text += "; sources working again: " + ", ".join(recovered)
        return {
            "text": f"{text}. Warehouse: {self.lake}",
            "run_id": self.run_id,
            "status": self.status,
            "error": error,
            "quality_breaches": list(self.breaches),
            "lake": self.lake,
            "flow_run_id": flow_run_id,
            "seconds": round(self.seconds, 3),
            "documents": {
                "seen": self.seen,
                "new": self.new,
                "updated": self.updated,
                "unchanged": self.unchanged,
                "quarantined": self.quarantined,
            },
            "quarantine_reasons": dict(sorted(self.reasons.items())),
            "articles_loaded": self.articles,
            "sources_with_errors": failing,
            "sources_working_again": recovered,
        }

    def newly_failing_sources(self) -> list[str]:
        """Give back the sources whose listing failed in this run after it worked in their run before."""
        return [name for name, counts in self.sources.items() if counts.error and not counts.failing_before]

    def recovered_sources(self) -> list[str]:
        """Give back the sources whose listing worked in this run after it failed in their run before."""
        return [name for name, counts in self.sources.items() if counts.failing_before and not counts.error]

    def lines(self) -> list[tuple[str, str]]:
        """Give back (label, value) pairs for a person to read: one screen."""
        rows = [
            ("run", self.run_id),
            ("status", self.status),
            ("documents seen", str(self.seen)),
            ("  new", str(self.new)),
            ("  updated", str(self.updated)),
            ("  unchanged", self.describe_unchanged()),
            ("  quarantined", str(self.quarantined)),
        ]
        for reason, n in self.reasons.most_common(8):
            example = self.examples[reason]
            name = cell(example.source_uri.rsplit("/", 1)[-1], 40)  # a URL's last part may be kilobytes
            rows.append((f"    {reason}", f"{n}  e.g. {name}: {cell(example.detail, 60)}"))
        for name, counts in self.sources.items():
            rows.append((f"source {name}", counts.describe()))
        for skipped in self.skipped:
            rows.append((f"not read ({skipped.reason})", f"{skipped.path}: {skipped.detail}"))
        if self.passed_over:
            rows.append(("archive records passed over", self.describe_passed_over()))
        if self.raw_dropped:
            dropped = f"{self.raw_dropped} documents: lake.keep_raw_days dropped their raw bytes"
            rows.append(("not reprocessed", dropped))
        rows += [
            ("articles loaded", str(self.articles)),
            ("  copies of a story already told", str(self.copies)),
        ]
        if self.places_only:
            rows.append(("  places only (no entity model)", self.describe_places_only()))
        rows += [
            ("entities loaded (new)", str(self.entities)),
            ("mentions loaded", str(self.mentions)),
            ("links loaded", str(self.links)),
            ("quotes loaded", str(self.quotes)),
        ]
        for name, n in self.failed_expectations.most_common(6):
            rows.append((f"failed {name}", f"{n} rows"))
        for breach in self.breaches:
            rows.append(("run-level breach", breach))
        rows += [("seconds", f"{self.seconds:.1f}"), ("warehouse", self.lake)]
        if self.data_docs:
            rows.append(("data docs", self.data_docs))
        if self.report:
            rows.append(("report", self.report))
        if self.maintenance:
            rows.append(("maintenance", self.maintenance))
        return rows

    def describe_places_only(self) -> str:
        """Give back the articles no entity model read as one line: total, then each language's count."""
        parts = ", ".join(f"{language} {n}" for language, n in self.places_only.most_common())
        return f"{sum(self.places_only.values())} ({parts})"

    def describe_unchanged(self) -> str:
        """Give back the unchanged count, saying how many of them are another name for bytes already
        read (a copied file, one page at two addresses): a first run has those too; and how many were
        passed over as forgotten."""
        parts = [f"{self.same_bytes} the same bytes as another document, stored once"] if self.same_bytes else []
        parts += [f"{self.forgotten} forgotten, not stored again"] if self.forgotten else []
        return f"{self.unchanged} ({'; '.join(parts)})" if parts else str(self.unchanged)

    def describe_passed_over(self) -> str:
        """Give back the archive records passed over as one line: total, then each reason's count."""
        parts = ", ".join(f"{n} {reason}" for reason, n in self.passed_over.most_common())
        return f"{sum(self.passed_over.values())} ({parts})"

    def markdown(self) -> str:
        """Give back the summary as a Markdown report (the Prefect artifact of the run)."""
        out = [f"# newslake run `{self.run_id}`: {self.status}", "", "| count | value |", "| --- | --- |"]
        for label, value in (
            ("documents seen", self.seen),
            ("new", self.new),
            ("updated", self.updated),
            ("unchanged", self.describe_unchanged()),
            ("quarantined", self.quarantined),
            ("articles loaded", self.articles),
            ("entities loaded (new)", self.entities),
            ("mentions loaded", self.mentions),
            ("links loaded", self.links),
            ("quotes loaded", self.quotes),
            ("articles that are copies of a known story", self.copies),
            ("seconds", f"{self.seconds:.1f}"),
        ):
            out.append(f"| {label} | {value} |")
        if self.sources:
            out += ["", "## Sources", ""]
            out += [f"- `{name}`: {counts.describe()}" for name, counts in self.sources.items()]
        if self.passed_over:
            out += ["", f"Archive records passed over: {self.describe_passed_over()}"]
        if self.places_only:
            out += ["", f"Articles with places only (no entity model for the language): {self.describe_places_only()}"]
        if self.skipped:
            out += ["", "## Folders not read", ""]
            out += [f"- `{s.path}` ({s.reason}): {s.detail}" for s in self.skipped]
        out += ["", "## Failed expectations", ""]
        out += [f"- {name}: {n} rows" for name, n in self.failed_expectations.most_common()] or ["- none"]
        out += [f"- run-level: {breach}" for breach in self.breaches]
        out += [
            "",
            "## Top quarantine reasons",
            "",
            "| reason | documents | example | detail |",
            "| --- | --- | --- | --- |",
        ]
        for reason, n in self.reasons.most_common(10):
            example = self.examples[reason]
            detail = _markdown_text(example.detail[:120])
            out.append(f"| `{reason}` | {n} | {_markdown_text(example.source_uri)} | {detail} |")
        if self.data_docs:
            out += ["", f"Data Docs: {self.data_docs}"]
        return "\n".join(out) + "\n"


# Markdown's punctuation: a backslash before one makes it the character itself.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def _markdown_text(value: str) -> str:
    """Give back text from the data (a page's address, what it was refused for) as Markdown that shows
    it as written, on one line: no link, image, HTML tag or table cell can come of it. The Prefect UI
    renders the run's summary artifact, and a page's address or title is the publisher's to write."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", " ".join(value.split()))
