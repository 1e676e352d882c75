"""The pipeline benchmark's summary: every measurement of the run counts, limit and newslake alike."""

from __future__ import annotations

from tests.bench.bench_pipeline import pages_per_second, summary_line


def test_pages_per_second_is_pages_over_the_mean_time() -> None:
    # 100 s and 300 s for 2,000 pages: 2,000 over 200 s, not the mean of 20 and 6.67 pages/s.
    assert pages_per_second(2000, [100.0, 300.0]) == 10.0


def test_summary_uses_every_limit_and_every_round() -> None:
    line = summary_line(
        pages=2000,
        small=500,
        limit_s=[100.0, 125.0, 150.0],  # 2,000 pages over 125 s: 16 pages/s
        large_s=[120.0, 130.0],  # 2,000 over 125 s as well
        small_s=[40.0, 60.0],  # 500 over 50 s: 10 pages/s
        rerun_s=5.0,
        peak_rss_mb=1234.4,
    )
    assert line == (
        "bench pages=2000 limit_pps=16.0 newslake_pps=16.0 ratio=1.00 rerun_speedup=25.0 "
        "scale_pps_ratio=1.60 peak_rss_mb=1234"
    )


def test_summary_with_one_round_sets_it_against_both_limits() -> None:
    line = summary_line(2000, 500, [100.0, 150.0], [150.0], [50.0], 6.0, 1000.0)
    # limit: 2,000 over 125 s = 16.0; newslake 2,000 over 150 s = 13.3; ratio 0.83.
    assert line.startswith("bench pages=2000 limit_pps=16.0 newslake_pps=13.3 ratio=0.83 rerun_speedup=25.0 ")
