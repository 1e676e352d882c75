"""Real servers on loopback for the shared-warehouse tests and benches: PostgreSQL (Debian's, run with
initdb/pg_ctl on a temporary folder and port) and an S3-compatible server (moto's server mode)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PG_BIN = Path(os.environ.get("NEWSLAKE_PG_BIN", "/usr/lib/postgresql/15/bin"))
BIN = Path(sys.executable).parent
S3_KEYS = {"AWS_ACCESS_KEY_ID": "newslake-test", "AWS_SECRET_ACCESS_KEY": "newslake-test", "AWS_REGION": "us-east-1"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def postgres_available() -> bool:
    return (PG_BIN / "initdb").exists()


@dataclass(frozen=True)
class Postgres:
    """A running PostgreSQL server on 127.0.0.1."""

    port: int
    folder: Path

    def catalog(self, database: str) -> str:
        """Give back the DuckLake catalog string of a database on this server."""
        return f"postgres:dbname={database} host=127.0.0.1 port={self.port} user=postgres"

    def new_database(self) -> str:
        """Create an empty database and give back its name."""
        name = f"lake_{uuid.uuid4().hex[:12]}"
        _as_postgres([str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), name])
        return name

    def stop(self) -> None:
        _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop"])

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        data, log = str(self.folder / "data"), str(self.folder / "log")
        _as_postgres([str(PG_BIN / "pg_ctl"), "-D", data, "-l", log, "-w", "-o", options, "start"])


def _as_postgres(command: list[str]) -> None:
    # PostgreSQL refuses to run as root: as root, run its tools as the `postgres` user.
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    result = subprocess.run(prefix + command, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:2])} failed: {result.stdout[-1500:]}{result.stderr[-1500:]}")


@contextmanager
def postgres_server() -> Iterator[Postgres]:
    """Run a throwaway PostgreSQL server for the block."""
    # Under /tmp itself: the postgres user cannot enter root's private temporary folders.
    folder = Path(tempfile.mkdtemp(prefix="newslake-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    server = Postgres(free_port(), folder)
    _as_postgres([str(PG_BIN / "initdb"), "-D", str(folder / "data"), "-A", "trust", "-U", "postgres", "--no-sync"])
    server.start()
    try:
        yield server
    finally:
        with contextlib.suppress(RuntimeError):  # already stopped by a test
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@dataclass(frozen=True)
class S3:
    """A running S3-compatible server on 127.0.0.1, with the AWS_* variables that reach it."""

    endpoint: str

    @property
    def environ(self) -> dict[str, str]:
        return {**S3_KEYS, "AWS_ENDPOINT_URL": self.endpoint}

    def client(self) -> object:
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=S3_KEYS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=S3_KEYS["AWS_SECRET_ACCESS_KEY"],
            region_name=S3_KEYS["AWS_REGION"],
        )

    def new_bucket(self) -> str:
        name = f"lake-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)  # type: ignore[attr-defined]
        return name

    def keys(self, bucket: str) -> list[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)  # type: ignore[attr-defined]
        return [item["Key"] for page in pages for item in page.get("Contents", [])]


@contextmanager
def s3_server() -> Iterator[S3]:
    """Run moto's S3 server for the block."""
    port = free_port()
    log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in the finally below)
    server = subprocess.Popen(
        [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=subprocess.STDOUT
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"moto_server did not start: {log.read()[-1500:]!r}") from None
                time.sleep(0.2)
        yield S3(endpoint)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@dataclass
class DaskCluster:
    """A running Dask scheduler on 127.0.0.1 and its worker processes (each under a nanny, which
    starts a new worker process when one dies)."""

    address: str
    nannies: list[subprocess.Popen[bytes]]

    def worker_pids(self) -> list[int]:
        """Give back the process ids of the worker processes (the nannies' children)."""
        from distributed import Client

        with Client(self.address, timeout=20, set_as_default=False) as client:  # type: ignore[no-untyped-call]
            return sorted(client.run(os.getpid).values())


@contextmanager
def dask_cluster(workers: int, environ: dict[str, str] | None = None) -> Iterator[DaskCluster]:
    """Run `dask scheduler` and `workers` `dask worker` processes (one process, one thread each) for
    the block; the workers get the environment plus `environ` (the S3 credentials, say)."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, **(environ or {})}
    scheduler = subprocess.Popen(
        [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    worker = [str(BIN / "dask"), "worker", address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard"]
    nannies = [
        subprocess.Popen(
            [*worker, "--name", f"worker-{n}", "--death-timeout", "60"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for n in range(workers)
    ]
    cluster = DaskCluster(address, nannies)
    try:
        from distributed import Client

        with Client(address, timeout=60, set_as_default=False) as client:  # type: ignore[no-untyped-call]
            client.wait_for_workers(workers, timeout=120)
        yield cluster
    finally:
        for process in [*nannies, scheduler]:
            process.terminate()
        for process in [*nannies, scheduler]:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def prefect_filter(api_url: str, what: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    """Give back what a Prefect server's `/{what}/filter` endpoint answers (flow_runs, artifacts). Artifacts
    come newest first: the test session's server holds every test process's, past one page's limit."""
    if what == "artifacts":
        body = {"sort": "CREATED_DESC", **body}
    request = urllib.request.Request(
        f"{api_url}/{what}/filter", data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return list(json.loads(response.read()))
