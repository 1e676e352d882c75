"""Web archive benchmark: a WARC against a folder of the same pages, reading cost, and memory on a
1 GB archive, measured in one run.

- pages/s: `newslake run crawl.warc.gz` and `newslake run folder/` on the same pages (real pages from
  ../shared/eval made distinct, as in bench_pipeline), alternating, each into a fresh lake;
- reading: seconds to read every record of the archive (tasks.warc through flows.batches, as a run
  does) and every file of the folder, per page, against the folder run's time per page;
- memory: peak RSS of a process that reads a gzip'd WARC of at least --big-gb GB in batches as a run
  does, against the same on a 50 MB archive.
The last line is:
archive pages=N folder_pps=X warc_pps=Y ratio=Y/X read_share=R archive_gb=G peak_rss_mb=M small_peak_rss_mb=S
Usage: python -m tests.bench.bench_archive [--pages 600] [--rounds 2] [--big-gb 1.0] [--eval DIR]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.archives import Record, record_bytes, write_warc
from tests.bench.bench_pipeline import BIN, build_corpus, run_newslake, start_prefect
from tests.lakes import query


def warc_of(folder: Path, path: Path) -> Path:
    """Write every page of the folder as a response record of one gzip'd WARC."""
    records = [Record(f"https://bench.example/{p.stem}", p.read_bytes()) for p in sorted(folder.iterdir())]
    return write_warc(path, records)


def big_warc(folder: Path, path: Path, size: int) -> int:
    """Write a gzip'd WARC of at least size bytes from the folder's pages, repeated; give back records."""
    members = [
        record_bytes(Record(f"https://bench.example/{p.stem}", p.read_bytes())) for p in sorted(folder.iterdir())
    ]
    written = records = 0
    with path.open("wb") as out:
        while written < size:
            for member in members:
                out.write(member)
                written += len(member)
                records += 1
    return records


# Reads an archive in batches as a run does, and reports its peak RSS in MB.
_READER = """
import resource, sys
from collections import Counter
from pathlib import Path
from newslake.flows.batches import archive_batches
docs = 0
for batch in archive_batches(Path(sys.argv[1]), 100, 20_000_000, Counter()):
    docs += len(batch.docs)
print(docs, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def read_peak(path: Path) -> tuple[int, float, float]:
    """Give back (documents read, peak RSS in MB, seconds) of reading the archive in a fresh process."""
    started = time.perf_counter()
    result = subprocess.run([str(BIN / "python"), "-c", _READER, str(path)], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"reading {path} failed:\n{result.stderr[-3000:]}")
    docs, peak = result.stdout.split()
    return int(docs), float(peak), time.perf_counter() - started


def reading_seconds(folder: Path, archive: Path) -> tuple[float, float]:
    """Give back the seconds to read the archive's records and the folder's files, as a run reads them."""
    from collections import Counter

    from newslake.flows.batches import archive_batches, read_files

    started = time.perf_counter()
    for _ in archive_batches(archive, 100, 20_000_000, Counter()):
        pass
    warc = time.perf_counter() - started
    files = sorted(folder.iterdir())
    started = time.perf_counter()
    for i in range(0, len(files), 100):
        read_files(files[i : i + 100], 20_000_000)
    return warc, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--big-gb", type=float, default=1.0)
    parser.add_argument("--eval", type=Path, default=Path(__file__).resolve().parents[3] / "shared" / "eval")
    args = parser.parse_args()
    folder_s: list[float] = []
    warc_s: list[float] = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        build_corpus(args.eval, tmp / "pages", args.pages)
        archive = warc_of(tmp / "pages", tmp / "crawl.warc.gz")
        server, api = start_prefect(tmp / "prefect")
        try:
            for round_no in range(1, args.rounds + 1):
                for kind, source, times in (("folder", tmp / "pages", folder_s), ("warc", archive, warc_s)):
                    lake = tmp / f"lake-{kind}-{round_no}"
                    seconds, _ = run_newslake(source, lake, api, tmp / "ph")
                    articles = query(lake, "SELECT count(*) FROM articles")[0][0]
                    times.append(seconds)
                    pps = args.pages / seconds
                    print(f"round {round_no}: {kind}: {seconds:.1f} s, {pps:.1f} pages/s, {articles} articles")
        finally:
            server.terminate()
            server.wait(timeout=30)
        warc_read, folder_read = reading_seconds(tmp / "pages", archive)
        folder_pps = args.pages / statistics.fmean(folder_s)
        warc_pps = args.pages / statistics.fmean(warc_s)
        read_share = (warc_read - folder_read) / statistics.fmean(folder_s)
        print(
            f"reading {args.pages} pages: archive {warc_read:.2f} s, folder {folder_read:.2f} s; "
            f"the archive adds {read_share:.1%} to a folder run's time"
        )
        small = tmp / "small.warc.gz"
        big_warc(tmp / "pages", small, 50_000_000)
        _, small_peak, _ = read_peak(small)
        small.unlink()
        big = tmp / "big.warc.gz"
        records = big_warc(tmp / "pages", big, int(args.big_gb * 1_000_000_000))
        size_gb = big.stat().st_size / 1e9
        docs, peak, seconds = read_peak(big)
        print(
            f"a {size_gb:.2f} GB archive of {records} records: {docs} documents read in {seconds:.0f} s "
            f"({size_gb * 1000 / seconds:.0f} MB/s compressed), peak RSS {peak:.0f} MB "
            f"(50 MB archive: {small_peak:.0f} MB)"
        )
    print(
        f"archive pages={args.pages} folder_pps={folder_pps:.1f} warc_pps={warc_pps:.1f} "
        f"ratio={warc_pps / folder_pps:.2f} read_share={read_share:.3f} archive_gb={size_gb:.2f} "
        f"peak_rss_mb={peak:.0f} small_peak_rss_mb={small_peak:.0f}"
    )


if __name__ == "__main__":
    main()
