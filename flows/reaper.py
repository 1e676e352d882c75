"""`python -m flows.reaper PID`: end what a newslake command started once the command is gone.

A command killed outright (SIGKILL, the OOM killer) cannot stop what it started: Prefect's temporary
server would run on with nobody to talk to. This small process, started by the command in a session of
its own, notes the command's descendants every half second and, when the command is gone, sends
SIGTERM to those still there (then SIGKILL after a few seconds). A process is matched by its id and
start time, so an id the system has since given to another process is left alone. Linux (/proc) only;
elsewhere it exits at once.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from pathlib import Path

_PROC = Path("/proc")
_REAPED: int | None = None  # the process whose reaper is running


def start_reaper() -> None:
    """Start the reaper of this process, detached from its terminal and process group; once per process
    (one reaper ends all of a process's children, whichever command started them)."""
    global _REAPED
    if not _PROC.is_dir() or os.getpid() == _REAPED:
        return
    _REAPED = os.getpid()
    # A bare spawn, not subprocess.Popen: the reaper outlives this process, and a Popen object still
    # running at exit is reported as a leak. It gets no file of this one's but /dev/null (a lock file
    # it held would outlive the command).
    listed = [int(entry.name) for entry in (_PROC / "self" / "fd").iterdir()]
    inherited = [fd for fd in listed if fd > 2 and _is_open(fd)]
    actions: list[tuple[int, ...] | tuple[int, int, str, int, int]] = [
        (os.POSIX_SPAWN_OPEN, fd, os.devnull, os.O_RDWR, 0) for fd in (0, 1, 2)
    ]
    actions += [(os.POSIX_SPAWN_CLOSE, fd) for fd in inherited]
    os.posix_spawn(
        sys.executable,
        [sys.executable, "-m", "newslake.flows.reaper", str(os.getpid())],
        dict(os.environ),
        file_actions=actions,
        setsid=True,
    )


def _is_open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


def _stat(pid: int) -> tuple[int, str, int] | None:
    """Give back a process's parent id, start time and session id, or None when it is gone or a zombie."""
    try:
        fields = (_PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    if fields[0] == "Z":
        return None
    return int(fields[1]), fields[19], int(fields[3])


def descendants(pid: int) -> dict[int, str]:
    """Give back every process below pid in its session, with its start time. A process started in a
    session of its own (the shared local Prefect server) is meant to outlive the command: left out."""
    watched = _stat(pid)
    session = watched[2] if watched is not None else None
    parents: dict[int, list[tuple[int, str]]] = {}
    for entry in _PROC.iterdir():
        if entry.name.isdigit() and (found := _stat(int(entry.name))) is not None and found[2] == session:
            parents.setdefault(found[0], []).append((int(entry.name), found[1]))
    below: dict[int, str] = {}
    todo = [pid]
    while todo:
        for child, started in parents.get(todo.pop(), []):
            if child not in below:
                below[child] = started
                todo.append(child)
    return below


def reap(pid: int, every: float = 0.5, grace: float = 5.0) -> None:
    """Watch pid; once it is gone, end the descendants it had (except this process)."""
    watched = _stat(pid)
    known: dict[int, str] = {}
    while watched is not None and (now := _stat(pid)) is not None and now[1] == watched[1]:
        known.update(descendants(pid))
        time.sleep(every)
    known.pop(os.getpid(), None)
    left = _signal_all(known, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while left and time.monotonic() < deadline:
        time.sleep(0.2)
        left = {p: s for p, s in left.items() if (found := _stat(p)) is not None and found[1] == s}
    _signal_all(left, signal.SIGKILL)


def _signal_all(processes: dict[int, str], number: signal.Signals) -> dict[int, str]:
    sent = {}
    for pid, started in processes.items():
        found = _stat(pid)
        if found is not None and found[1] == started:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, number)
                sent[pid] = started
    return sent


if __name__ == "__main__":
    reap(int(sys.argv[1]))
