"""No-op benchmark: what a command costs before it does anything, as a new user meets it.

In a fresh PREFECT_HOME and without PREFECT_API_URL, measures the wall time of `newslake run seeds` on
a warehouse that already holds the seeds (nothing to do), with the shared local Prefect server
(`run.prefect_server = "shared"`, the default, started once before) and with Prefect's temporary
server per command ("temporary", as before), against `newslake sql "select 1"`, in alternation.
The last line is:
noop shared_s=A temporary_s=B sql_s=C ratio_shared=A/C ratio_temporary=B/C
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


def timed(args: list[str], env: dict[str, str], cwd: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run([str(BIN / "newslake"), *args], env=env, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"newslake {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_API_URL", "NEWSLAKE_"))}
        env["PREFECT_HOME"] = str(tmp / "prefect")
        temporary = {**env, "NEWSLAKE_PREFECT_SERVER": "temporary"}
        lake = str(tmp / "lake")
        run = ["run", str(SEEDS), "--lake", lake, "--no-progress"]
        try:
            first = timed(run, env, tmp)  # loads the seeds and starts the shared server
            print(f"first run (loads the seeds, starts the shared server): {first:.1f} s", flush=True)
            shared, temp, sql = [], [], []
            for round_no in range(1, args.rounds + 1):
                sql.append(timed(["sql", "select 1", "--lake", lake], env, tmp))
                shared.append(timed(run, env, tmp))
                temp.append(timed(run, temporary, tmp))
                print(
                    f"round {round_no}: sql {sql[-1]:.2f} s, no-op run {shared[-1]:.2f} s (shared server), "
                    f"{temp[-1]:.2f} s (temporary server)",
                    flush=True,
                )
        finally:
            subprocess.run([str(BIN / "newslake"), "ui", "--stop"], env=env, cwd=tmp, capture_output=True)
    a, b, c = statistics.median(shared), statistics.median(temp), statistics.median(sql)
    print(
        f"noop shared_s={a:.2f} temporary_s={b:.2f} sql_s={c:.2f} ratio_shared={a / c:.1f} ratio_temporary={b / c:.1f}"
    )


if __name__ == "__main__":
    main()
