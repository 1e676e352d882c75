"""No-op benchmark: what a command costs before it does anything, as a new user meets it.

In a fresh PREFECT_HOME and without PREFECT_API_URL, measures the wall time of `newslake run seeds` on
a warehouse that already holds the seeds (nothing to do), and of a run of one new file (the seeds'
folder and a folder with one new file in it). Each is handed to the warm process the first run left
(the default, flows/warm.py), then carried out by the command itself (`run.keep_warm_minutes = 0`),
a new file with the shared local Prefect server and with Prefect's temporary server per command.
Each is set against `newslake sql "select 1"`, in alternation. The last line is:
noop noop_s=A noop_cold_s=B new_file_warm_s=C new_file_s=D new_file_temporary_s=E sql_s=F ratio=A/F
Usage: python -m tests.bench.bench_noop [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SEED = SEEDS / "000_8d381c327fafc0c6.txt"


def timed(args: list[str], env: dict[str, str], cwd: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run([str(BIN / "newslake"), *args], env=env, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"newslake {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return elapsed


def new_file(folder: Path, number: int) -> Path:
    """Write a new article (the first seed with a sentence of its own) into a folder of its own."""
    folder.mkdir(parents=True)
    text = SEED.read_text(encoding="utf-8")
    (folder / "new.txt").write_text(f"{text}\n\nThis is addition number {number} to the article.\n", encoding="utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_API_URL", "NEWSLAKE_"))}
        env["PREFECT_HOME"] = str(tmp / "prefect")
        env["TMPDIR"] = str(tmp)  # the warm process's socket, apart from any other
        cold = {**env, "NEWSLAKE_KEEP_WARM_MINUTES": "0"}
        temporary = {**cold, "NEWSLAKE_PREFECT_SERVER": "temporary"}
        lake = str(tmp / "lake")
        run = ["run", str(SEEDS), "--lake", lake, "--no-progress"]
        try:
            first = timed(run, env, tmp)  # loads the seeds, starts the shared server, leaves a warm process
            print(f"first run (loads the seeds, starts the shared server): {first:.1f} s", flush=True)
            loading = wait_for_warm_process(tmp)
            print(f"the warm process was ready {loading:.1f} s after the first run", flush=True)
            noop, noop_cold, warm, added, added_temporary, sql = [], [], [], [], [], []
            for round_no in range(1, args.rounds + 1):
                sql.append(timed(["sql", "select 1", "--lake", lake], env, tmp))
                noop.append(timed(run, env, tmp))
                noop_cold.append(timed(run, cold, tmp))
                warm.append(timed([*run, str(new_file(tmp / f"new-{round_no}-warm", 200 + round_no))], env, tmp))
                added.append(timed([*run, str(new_file(tmp / f"new-{round_no}", round_no))], cold, tmp))
                other = new_file(tmp / f"new-{round_no}-temporary", 100 + round_no)
                added_temporary.append(timed([*run, str(other)], temporary, tmp))
                print(
                    f"round {round_no}: sql {sql[-1]:.2f} s, no-op run {noop[-1]:.2f} s (warm process), "
                    f"{noop_cold[-1]:.2f} s (without), one new file "
                    f"{warm[-1]:.2f} s (warm process), {added[-1]:.2f} s (shared server), "
                    f"{added_temporary[-1]:.2f} s (temporary server)",
                    flush=True,
                )
        finally:
            subprocess.run([str(BIN / "newslake"), "ui", "--stop"], env=env, cwd=tmp, capture_output=True)
    a, b, c, d, e, f = (statistics.median(x) for x in (noop, noop_cold, warm, added, added_temporary, sql))
    print(
        f"noop noop_s={a:.2f} noop_cold_s={b:.2f} new_file_warm_s={c:.2f} new_file_s={d:.2f} "
        f"new_file_temporary_s={e:.2f} sql_s={f:.2f} ratio={a / f:.1f}"
    )


def wait_for_warm_process(tmp: Path, seconds: float = 300) -> float:
    """Wait until the warm process the first run left listens; give back how long that took."""
    started = time.perf_counter()
    while not any((tmp / f"newslake-{os.getuid()}").glob("warm-*.sock")):
        if time.perf_counter() - started > seconds:
            sys.exit(f"no warm process listened within {seconds:.0f} s")
        time.sleep(0.2)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
