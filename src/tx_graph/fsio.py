"""Writes that cannot lose data, one build at a time, and children that die with their parent.

Every file tx-graph writes (curation edits, the review queue, the cache, the exports,
the build stamp) goes through :func:`atomic_write` or :func:`atomic_open`: the bytes go
to a temporary file in the same folder, are flushed and fsync'd, and the file is renamed
over the target (``os.replace``, atomic on POSIX), then the folder is fsync'd so the
rename itself survives a power cut. A reader, or a process killed at any instant, sees
the old file or the new one, never a truncated one.

:class:`BuildLock` is a lock file (``exports/.build.lock``) holding the holder's pid,
host and start time, taken with ``flock`` so it is released by the kernel whenever the
holder dies, however it dies; the file's text only serves to say who holds it.

:func:`die_with_parent` makes a forked worker exit when the process that forked it
dies (``prctl(PR_SET_PDEATHSIG)`` on Linux), so a killed build leaves no worker holding
its stdout.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> atomic_write(d / "a.txt", "一园两区\\n").read_text(encoding="utf-8")
'一园两区\\n'
>>> sorted(p.name for p in d.iterdir())
['a.txt']
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import socket
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, ClassVar

from .errors import TxGraphError

__all__ = [
    "BuildLock",
    "LockBusy",
    "atomic_open",
    "atomic_write",
    "die_with_parent",
    "fsync_dir",
    "kill_point",
    "replace",
    "temp_path",
]

TEMP_MARK = ".tmp-"  # temporary files carry this in their name: `<name>.tmp-<random>`


def fsync_dir(folder: Path) -> None:
    """Make renames and creations in ``folder`` durable (no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some file systems refuse fsync on folders; the rename is still atomic
        pass
    finally:
        os.close(fd)


def temp_path(path: Path) -> Path:
    """A fresh temporary name next to ``path`` (same folder: the rename stays atomic)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f"{path.name}{TEMP_MARK}", dir=path.parent)
    os.close(fd)
    return Path(name)


def replace(tmp: Path, path: Path) -> Path:
    """Rename a finished, fsync'd temporary file over ``path`` and make the rename durable."""
    os.replace(tmp, path)
    fsync_dir(path.parent)
    return path


@contextlib.contextmanager
def atomic_open(path: Path, mode: str = "wb", *, sync: bool = True, **kwargs: Any) -> Iterator[IO[Any]]:
    """``open(path, mode)`` whose content appears at ``path`` only when the block ends
    without an exception; on an exception the old file stays and the temporary goes.
    ``sync=False`` skips the fsyncs: still whole-or-nothing for a killed process, not
    for a power cut; for files that are derived and re-checked (explorer pages, whose
    manifest is written last and synced), where a thousand fsyncs would cost seconds."""
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_open writes whole files: mode 'w' or 'wb', not {mode!r}")
    tmp = temp_path(path)
    try:
        with tmp.open(mode, **kwargs) as fh:
            yield fh
            fh.flush()
            if sync:
                os.fsync(fh.fileno())
        _keep_mode(path, tmp)
        if sync:
            replace(tmp, path)
        else:
            os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write(path: Path, data: str | bytes, encoding: str = "utf-8", *, sync: bool = True) -> Path:
    """Write ``data`` to ``path`` atomically (see the module docstring and :func:`atomic_open`)."""
    raw = data.encode(encoding) if isinstance(data, str) else data
    with atomic_open(path, "wb", sync=sync) as fh:
        fh.write(raw)
        kill_point(f"write:{path.parent.name}/{path.name}")  # written to the temporary, not yet renamed
    return path


def _keep_mode(path: Path, tmp: Path) -> None:
    # mkstemp makes 0600 files; a curator's file keeps its mode, a new one gets the usual 0644 & umask
    try:
        mode = path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(tmp, mode)


def kill_point(name: str) -> None:
    """Where the kill test (tests/test_pipeline.py) stops a build dead: when the variable
    ``TX_GRAPH_KILL_AT`` names this point, the process sends itself SIGKILL here, exactly
    as a power cut or ``kill -9`` would. Unset (always, outside that test) it costs one
    dictionary lookup."""
    if os.environ.get("TX_GRAPH_KILL_AT") == name:
        sys.stdout.flush()
        os.kill(os.getpid(), signal.SIGKILL)


# ---------------------------------------------------------------- the build lock


class LockBusy(TxGraphError):
    """Another build holds the project's build lock (and the caller asked not to wait)."""


class BuildLock:
    """One build at a time per exports folder.

    ``flock`` on ``exports/.build.lock``: the kernel drops it when the holding process
    exits or is killed, so a lock left by a dead build is simply free (nothing to detect
    or clean up); the pid, host and start time written into the file name the holder
    for whoever waits. Re-entrant within a process (the build and the explorer run
    under the same lock)."""

    _held: ClassVar[dict[str, tuple[int, int]]] = {}  # path → (fd, depth) of locks this process holds

    def __init__(self, exports: Path, *, wait: bool = True, say: Callable[[str], None] | None = None) -> None:
        self.path = exports / ".build.lock"
        self.wait = wait
        self.say = say or (lambda text: print(text, file=sys.stderr, flush=True))

    def holder(self) -> str:
        try:
            info = json.loads(self.path.read_text(encoding="utf-8"))
            started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(float(info["started"])))
            return f"pid {info['pid']} on {info['host']}, started {started}"
        except (OSError, ValueError, KeyError, TypeError):
            return "another process"

    def __enter__(self) -> BuildLock:
        import fcntl

        key = str(self.path)
        if key in self._held:
            fd, depth = self._held[key]
            self._held[key] = (fd, depth + 1)
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                who = self.holder()
                if not self.wait:
                    raise LockBusy(f"another build holds {self.path} ({who}); not waiting (--no-wait)") from None
                self.say(f"waiting for the build lock {self.path}: held by {who}")
                fcntl.flock(fd, fcntl.LOCK_EX)
            # the holder's description, written in place: the file itself is the lock
            record = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "started": time.time()})
            os.ftruncate(fd, 0)
            os.pwrite(fd, record.encode() + b"\n", 0)
        except BaseException:
            os.close(fd)
            raise
        self._held[key] = (fd, 1)
        return self

    def __exit__(self, *exc: object) -> None:
        key = str(self.path)
        fd, depth = self._held[key]
        if depth > 1:
            self._held[key] = (fd, depth - 1)
            return
        del self._held[key]
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        os.close(fd)  # closing releases the flock

    @classmethod
    def held_here(cls, exports: Path) -> bool:
        return str(exports / ".build.lock") in cls._held

    def try_enter(self) -> bool:
        """Take the lock only if it is free right now; ``True`` if taken (then ``__exit__``)."""
        saved = self.wait
        self.wait = False
        try:
            self.__enter__()
            return True
        except LockBusy:
            return False
        finally:
            self.wait = saved


# ---------------------------------------------------------------- child processes


def die_with_parent(parent: int) -> None:
    """Call first thing in a forked worker, with the pid of the process that forked it
    (taken before the fork): the kernel kills the worker when that process dies.

    Without it a worker whose build was killed keeps running (and holding the build's
    stdout, so ``tx-graph build | cat`` never returns). Linux only; elsewhere a no-op."""
    if sys.platform != "linux":
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


# ---------------------------------------------------------------- commits of several files


COMMIT = ".commit.json"


def fsync_file(path: Path) -> None:
    """Flush a file written by other means (a library's own writer) to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(folder: Path) -> None:
    """Every file and folder under ``folder`` (a store written by Oxigraph) to disk."""
    for dirpath, _dirnames, filenames in os.walk(folder):
        for name in filenames:
            fsync_file(Path(dirpath) / name)
        fsync_dir(Path(dirpath))


def point_link(link: Path, target: str) -> None:
    """Make ``link`` a symbolic link to ``target`` (relative to its folder) in one atomic step."""
    tmp = link.with_name(f"{link.name}{TEMP_MARK}{os.getpid()}-{time.time_ns()}")
    os.symlink(target, tmp)
    try:
        os.replace(tmp, link)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(link.parent)


def commit(folder: Path, steps: list[list[str]]) -> None:
    """Apply ``steps`` to files in ``folder`` so that a kill at any instant can be rolled
    forward: the steps are written to ``folder/.commit.json`` (atomically) first, then
    done in order, then the record is removed. :func:`finish_commit` redoes an
    interrupted one. Each step is idempotent: ``["unlink", path]``, ``["replace", src,
    dst]`` (done when ``src`` is gone) and ``["link", link, target]``; paths are relative
    to ``folder``. A roll-forward redoes every step, so an ``unlink`` must name a file no
    later step (nor anything before the record is removed) writes."""
    atomic_write(folder / COMMIT, json.dumps({"steps": steps}, ensure_ascii=False, indent=1) + "\n")
    kill_point("commit.start")
    _run_steps(folder, steps)
    (folder / COMMIT).unlink()
    fsync_dir(folder)


def finish_commit(folder: Path) -> bool:
    """Roll an interrupted :func:`commit` forward; ``True`` if there was one."""
    try:
        record = json.loads((folder / COMMIT).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return False
    except (OSError, ValueError):
        record = {"steps": []}  # unreadable: the steps were not started (the record is written atomically)
    _run_steps(folder, [list(map(str, s)) for s in record.get("steps", []) if isinstance(s, list)])
    (folder / COMMIT).unlink(missing_ok=True)
    fsync_dir(folder)
    return True


def _run_steps(folder: Path, steps: list[list[str]]) -> None:
    for n, (action, *args) in enumerate(steps):
        if action == "unlink":
            (folder / args[0]).unlink(missing_ok=True)
        elif action == "replace":
            src, dst = folder / args[0], folder / args[1]
            if src.exists():
                replace(src, dst)
        elif action == "link":
            link = folder / args[0]
            if not (link.is_symlink() and os.readlink(link) == args[1]):
                if link.is_dir() and not link.is_symlink():  # a store from before stores had generations
                    aside = link.with_name(f"{link.name}.d")
                    aside.mkdir(exist_ok=True)
                    os.replace(link, aside / f"old-{time.time_ns()}")
                    kill_point("commit.legacy")
                point_link(link, args[1])
        else:
            raise ValueError(f"{folder / COMMIT}: unknown step {action!r}")
        kill_point(f"commit.step{n}")
