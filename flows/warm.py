"""A warm newslake process: a run starts with the orchestrator, the suites and the models loaded.

A run that takes the flow first imports Prefect, Great Expectations and the NER model: 10-15 s on a
small machine before its first document, whatever the run's size. So after such a run newslake leaves
a process behind that has loaded all of that once and waits on a Unix socket (the preloader design of
Rails' Spring, or the Gradle daemon). The next `newslake run` with something to do, from the same
folder, with the same code and environment, hands it its arguments, environment and terminal: the
warm process forks a copy of itself for the run, which reads and writes the caller's terminal as the
caller would. The caller forwards Ctrl-C and SIGTERM to that copy and exits with its exit code, so the
run shows, stops and ends as if it ran in the caller.

The warm process exits after `run.keep_warm_minutes` without a run (0 starts none). It is started in a
session of its own (the run's reaper leaves it alone), writes its log next to its socket, in a folder
only this user can open, and serves only this user. A caller that finds none, or an unusable one,
runs the command itself; the warm process is an optimisation, never a requirement.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.util
import json
import os
import select
import signal
import socket
import stat
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# Variables read when libraries are imported (Prefect's settings, the locale, the interpreter's own):
# a warm process imported them with its environment, so a caller whose differ starts another one.
_KEYED_PREFIXES = ("PREFECT_", "GX_", "PYTHON", "LC_", "NEWSLAKE_NER", "MALLOC_")
_KEYED_NAMES = ("HOME", "LANG", "TZ", "VIRTUAL_ENV", "DO_NOT_TRACK")
_PACKAGES = ("newslake.flows", "newslake.tasks", "newslake.warehouse", "newslake.expectations")
# What a run imports on the way besides newslake's own modules (seen in a profile of a run's copy).
_RUN_IMPORTS = (
    "prefect.flow_engine",
    "prefect.task_engine",
    "prefect.utilities.visualization",
    "fastapi",
    "datasketch",
    "pyarrow.dataset",
)
EXIT_HANDLER_SECONDS = 30.0  # the most a copy waits for the exit handlers (Prefect sending its logs)
_SOCKET_PATH_LIMIT = 100  # bytes: the system's limit is 104 to 108
_HANDED_OVER = False  # this process is a warm process's copy, running a caller's command
_COPY_MARK = "NEWSLAKE_WARM_COPY"  # set in a copy's environment: what it starts never hands over again


def in_warm_process() -> bool:
    """Tell whether this process runs a command handed over by a caller (a warm process's copy)."""
    return _HANDED_OVER or bool(os.environ.get(_COPY_MARK))


def code_stamp() -> str:
    """Give back a stamp of newslake's code and the installed packages: it changes when a module of
    newslake is edited or a package is installed or removed."""
    digest = hashlib.sha256()
    for name in _PACKAGES:
        spec = importlib.util.find_spec(name)
        for folder in (spec.submodule_search_locations or []) if spec else []:
            for path in sorted(Path(folder).rglob("*.py")):
                digest.update(f"{path}:{path.stat().st_mtime_ns}".encode())
    for folder in {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}:
        with contextlib.suppress(OSError):
            digest.update(f"{folder}:{Path(folder).stat().st_mtime_ns}".encode())
    return digest.hexdigest()


def warm_key(environ: dict[str, str] | None = None, folder: str | None = None) -> str:
    """Give back what a warm process must share with a caller to run its command: the interpreter,
    the folder, the user, newslake's code and the environment its libraries read on import."""
    environ = dict(os.environ) if environ is None else environ
    keyed = sorted((k, v) for k, v in environ.items() if k.startswith(_KEYED_PREFIXES) or k in _KEYED_NAMES)
    parts = [sys.executable, folder or str(Path.cwd()), str(os.getuid()), code_stamp(), json.dumps(keyed)]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:20]


def runtime_folder() -> Path | None:
    """Give back this user's folder for warm processes (created 0700), or None when it cannot be used
    safely (another user's, or open to others)."""
    folder = Path(tempfile.gettempdir()) / f"newslake-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        info = folder.lstat()
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        return None
    return folder


def socket_path(key: str) -> Path | None:
    """Give back where the warm process for key listens, or None when there is no safe folder."""
    folder = runtime_folder()
    path = folder / f"warm-{key}.sock" if folder is not None else None
    return path if path is not None and len(bytes(path)) <= _SOCKET_PATH_LIMIT else None


# The caller's side.


def hand_over(argv: Sequence[str]) -> int | None:
    """Run `newslake ARGV` in the warm process for this folder, code and environment, if one is ready:
    give back its exit code. None when there is none (or it refused), or when this process is already
    a warm process's copy: the caller runs the command."""
    if in_warm_process():
        return None
    path = socket_path(warm_key())
    if path is None or not path.exists():
        return None
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(5.0)
        sock.connect(str(path))
        if not _same_user(sock):
            return None
        request = {"argv": list(argv), "cwd": str(Path.cwd()), "env": dict(os.environ), "umask": _umask()}
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        socket.send_fds(sock, [json.dumps(request).encode() + b"\n"], [0, 1, 2])
        # It answers as soon as it has forked; giving up early would run the command twice.
        sock.settimeout(60.0)
        replies = sock.makefile("rb")
        first = _message(replies.readline())
        if "pid" not in first:
            return None  # refused, or gone before it started the command: run it here
        sock.settimeout(None)
        return _follow(int(first["pid"]), replies)
    except (OSError, ValueError):
        return None
    finally:
        sock.close()


def _follow(pid: int, replies: Any) -> int:
    """Forward Ctrl-C, SIGTERM and a hang-up to the command's process until it ends; give back its
    exit code."""

    def forward(number: int, _frame: object) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, number)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, forward)
    try:
        last = _message(replies.readline())
    except OSError:
        last = {}
    if "exit" not in last:
        print(
            "newslake: the warm process ended before the run did; run the command again to go on",
            file=sys.stderr,
        )
        return 1
    return int(last["exit"])


def _message(line: bytes) -> dict[str, Any]:
    if not line:
        return {}
    found = json.loads(line)
    return found if isinstance(found, dict) else {}


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _same_user(sock: socket.socket) -> bool:
    """Tell whether the process at the other end runs as this user (Linux; elsewhere the folder's
    permissions alone keep others out)."""
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return True
    credentials = sock.getsockopt(socket.SOL_SOCKET, option, 12)
    return int.from_bytes(credentials[4:8], sys.byteorder) == os.getuid()


def start_warm_process(model_name: str, minutes: float) -> None:
    """Start the warm process for this folder, code and environment in the background, unless one runs
    (it exits at once then) or this is a warm process's copy. Its output goes to a log beside its socket."""
    if minutes <= 0 or in_warm_process():
        return
    path = socket_path(warm_key())
    if path is None:
        return
    with path.with_suffix(".log").open("ab") as log:
        subprocess.Popen(
            [sys.executable, "-m", "newslake.flows.warm", str(path), model_name, str(minutes)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # outlives the command; Ctrl-C in the terminal does not reach it
            close_fds=True,
        )


# The warm process's side.


def preload(model_name: str) -> None:
    """Import everything a run imports and load the model a worker uses, without starting a thread."""
    import pkgutil

    import great_expectations  # noqa: F401  (the suites' library: the largest import of a run)

    for name in _RUN_IMPORTS:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    for name in _PACKAGES:
        package = importlib.import_module(name)
        for module in pkgutil.iter_modules(package.__path__, f"{name}."):
            importlib.import_module(module.name)
    from newslake.flows.quality import prepare_validation
    from newslake.flows.workers import init_worker, warm_up

    init_worker(model_name, 0)  # a run sets its own limits before its first document
    warm_up()
    prepare_validation()  # each run forked from here takes the suites' checkpoints built


def serve(path: Path, model_name: str, minutes: float) -> None:
    """Load, then run the commands callers hand over at path until minutes pass without one, or until
    SIGTERM (runs under way finish first). One warm process per path: a second exits at once."""
    lock = path.with_suffix(".lock").open("a+")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return  # another warm process serves this path
    lock.truncate(0)
    lock.write(str(os.getpid()))
    lock.flush()
    started = time.monotonic()
    preload(model_name)
    _log(f"loaded in {time.monotonic() - started:.1f} s; serving {path}")
    path.unlink(missing_ok=True)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    path.chmod(0o600)
    listener.listen(16)
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    stopping: list[int] = []
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.signal(signal.SIGTERM, lambda number, _: stopping.append(number))
    signal.set_wakeup_fd(wake_write)
    daemon = os.getpid()
    runs: dict[int, socket.socket] = {}
    idle_since = time.monotonic()
    try:
        while runs or (not stopping and time.monotonic() - idle_since < minutes * 60):
            watched: list[Any] = [wake_read, *[c for c in runs.values() if c.fileno() >= 0]]
            watched += [listener] if listener.fileno() >= 0 else []
            readable, _, _ = select.select(watched, [], [], 30.0)
            _reap(runs)
            if stopping and listener.fileno() >= 0:
                listener.close()  # no new runs; those under way go on
                path.unlink(missing_ok=True)
            if listener in readable and listener.fileno() >= 0:
                _accept(listener, runs, closing=[listener, wake_read, wake_write, lock])
            for conn in [c for c in readable if isinstance(c, socket.socket) and c is not listener]:
                _caller_gone_or_not(conn, runs)
            if wake_read in readable:
                with contextlib.suppress(BlockingIOError, InterruptedError):
                    os.read(wake_read, 4096)
            if runs:
                idle_since = time.monotonic()
    finally:
        if os.getpid() == daemon:  # never in a run's copy, which leaves by os._exit
            path.unlink(missing_ok=True)
            _log("stopped" if stopping else "idle: exiting")


def stop_warm_processes() -> int:
    """Ask this user's warm processes to exit (each after the runs it has under way); give back how many
    were running."""
    folder = runtime_folder()
    stopped = 0
    for lock_path in sorted(folder.glob("warm-*.lock")) if folder is not None else []:
        with lock_path.open("a+") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:  # held: its warm process runs
                lock.seek(0)
                with contextlib.suppress(ValueError, ProcessLookupError):
                    os.kill(int(lock.read().strip()), signal.SIGTERM)
                    stopped += 1
                continue
        for leftover in (lock_path, lock_path.with_suffix(".sock")):
            leftover.unlink(missing_ok=True)
    return stopped


def _accept(listener: socket.socket, runs: dict[int, socket.socket], closing: list[Any]) -> None:
    from newslake.tasks.logins import without_logins  # loaded already: the warm process imported the run's modules

    conn, _ = listener.accept()
    fds: list[int] = []
    try:
        conn.settimeout(10.0)
        if not _same_user(conn):
            conn.close()
            return
        data, fds, _, _ = socket.recv_fds(conn, 1 << 20, 3)
        while not data.endswith(b"\n"):
            more = conn.recv(1 << 20)
            if not more:
                raise OSError("the caller left before its request ended")
            data += more
        request = json.loads(data)
        if len(fds) != 3 or threading.active_count() != 1:
            _log(f"refused a run: {len(fds)} files handed, {threading.active_count()} threads here")
            conn.sendall(b'{"refused": "not ready"}\n')  # a thread here would be copied mid-state
            conn.close()
            return
        pid = os.fork()
        if pid == 0:
            _run_copy(request, fds, [*closing, *runs.values(), conn])
        conn.settimeout(None)
        conn.sendall(json.dumps({"pid": pid}).encode() + b"\n")
        runs[pid] = conn
        _log(f"run {pid}: newslake {without_logins(' '.join(request.get('argv', [])))} in {request.get('cwd')}")
    except (OSError, ValueError) as exc:
        _log(f"a caller's request failed: {exc}")
        conn.close()
    finally:
        for fd in fds:
            with contextlib.suppress(OSError):
                os.close(fd)


def _caller_gone_or_not(conn: socket.socket, runs: dict[int, socket.socket]) -> None:
    """A caller's connection is readable: it sends nothing, so it has gone (killed). Stop its run as a
    hang-up of its terminal would."""
    with contextlib.suppress(OSError):
        if conn.recv(1, socket.MSG_PEEK):
            return
    for pid, known in list(runs.items()):
        if known is conn:
            _log(f"run {pid}: its caller is gone; stopping it")
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
            conn.close()


def _reap(runs: dict[int, socket.socket]) -> None:
    """Tell each caller whose run has ended its exit code."""
    for pid in list(runs):
        with contextlib.suppress(ChildProcessError):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done == 0:
                continue
            code = os.waitstatus_to_exitcode(status)
            code = 128 - code if code < 0 else code  # killed by a signal: the shell's convention
            conn = runs.pop(pid)
            with contextlib.suppress(OSError):
                conn.sendall(json.dumps({"exit": code}).encode() + b"\n")
            conn.close()
            _log(f"run {pid}: exit {code}")


def _run_copy(request: dict[str, Any], fds: list[int], closing: list[Any]) -> None:
    """In the forked copy: become the caller (its terminal, folder, environment and arguments), run its
    command and exit with the command's code."""
    global _HANDED_OVER
    try:
        signal.set_wakeup_fd(-1)
        for number in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP):
            signal.signal(number, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for thing in closing:
            with contextlib.suppress(OSError):
                thing.close() if hasattr(thing, "close") else os.close(thing)
        os.setsid()  # a session of its own: its reaper and its workers are its own
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        os.environ[_COPY_MARK] = "1"
        time.tzset()
        os.umask(int(request.get("umask", 0o022)))
        _reopen_standard_streams()
        _HANDED_OVER = True
        from newslake.flows.cli import main

        main(args=list(request["argv"]), prog_name="newslake")
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
    except BaseException:  # the copy must never return into the warm process's loop
        import traceback

        traceback.print_exc()
        code = 1
    _exit_copy(code)


def _reopen_standard_streams() -> None:
    """Give the copy new standard streams on the caller's files, made as the interpreter makes them at
    start-up: the warm process's were made for its log file (seekable, block-buffered), and a stream
    library wrapping one of them anew on a terminal failed ("Illegal seek")."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    made = []
    for fd, old in enumerate((sys.stdin, sys.stdout, sys.stderr)):
        # stdout is line-buffered on a terminal, stderr always, as at start-up.
        buffering = -1 if fd == 0 or (fd == 1 and not os.isatty(fd)) else 1
        encoding, errors = getattr(old, "encoding", None), getattr(old, "errors", None)
        made.append(open(fd, "r" if fd == 0 else "w", buffering, encoding, errors, closefd=False))  # noqa: SIM115
    sys.stdin, sys.stdout, sys.stderr = made
    sys.__stdin__, sys.__stdout__, sys.__stderr__ = made  # type: ignore[misc]


def _exit_copy(code: int) -> None:
    """End a copy as a normal exit would (the exit handlers: Prefect sends the logs and events it
    holds, stops a temporary server, multiprocessing cleans up), but without tearing the interpreter
    down: that frees, a second time over, state the copy shares with the warm process (it crashed in
    native code there), and a forked child is meant to leave with os._exit."""
    import atexit

    from newslake.flows.workers import drop_early_workers

    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    with contextlib.suppress(Exception):
        drop_early_workers()  # a pool started for a run that failed first: not waited for
    # Bounded: a copy must end even when a handler waits on something that will not come (seen
    # once, after a run failed while its progress display was up).
    handlers = threading.Thread(target=atexit._run_exitfuncs, name="newslake-exit", daemon=True)
    handlers.start()
    handlers.join(EXIT_HANDLER_SECONDS)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


def _log(message: str) -> None:
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} [{os.getpid()}] {message}", flush=True)


if __name__ == "__main__":
    # Through the module by its name: run as __main__, this file's globals are not the ones the
    # command reads (in_warm_process would be False in every copy, and each would hand over again).
    from newslake.flows import warm

    warm.serve(Path(sys.argv[1]), sys.argv[2], float(sys.argv[3]))
