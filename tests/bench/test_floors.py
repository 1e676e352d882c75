import json
from pathlib import Path

import pytest

from tests.bench.floors import check_floor, summary_figures


def test_a_figure_below_its_floor_or_above_its_ceiling_fails_the_check(tmp_path: Path) -> None:
    floor = tmp_path / "floor.json"
    floor.write_text(json.dumps({"entities": {"doc_set_f1": 0.78, "max_junk_ORG": 1}}), encoding="utf-8")
    check_floor({"doc_set_f1": 0.781, "junk_ORG": 1}, floor, "entities")
    with pytest.raises(SystemExit, match=r"doc_set_f1: 0\.770 < floor 0\.780"):
        check_floor({"doc_set_f1": 0.77, "junk_ORG": 0}, floor, "entities")
    with pytest.raises(SystemExit, match="junk_ORG: 2 > ceiling 1"):
        check_floor({"doc_set_f1": 0.79, "junk_ORG": 2}, floor, "entities")
    with pytest.raises(SystemExit, match=r"doc_set_f1: 0\.000"):  # a figure that was never measured fails
        check_floor({"junk_ORG": 0}, floor, "entities")


def test_summary_figures_reads_a_scorers_summary_line() -> None:
    assert summary_figures("newslake mention_f1=0.756 doc_set_f1=0.772 per=0.853") == {
        "mention_f1": 0.756,
        "doc_set_f1": 0.772,
        "per": 0.853,
    }
