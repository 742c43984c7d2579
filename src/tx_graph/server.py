"""``tx-graph serve``: the graph over HTTP on this machine.

``serve`` runs the real Oxigraph server (the ``oxigraph`` binary from the package of
the same name) over the built store: a SPARQL 1.1 Protocol endpoint at ``/query``
(``/update`` when updates are enabled), the Graph Store Protocol at ``/store`` and the
YASGUI query page at ``/``. Nothing here answers HTTP itself: this module only picks
safe defaults, starts the process, waits until it listens and stops it cleanly.

The ``serve`` command itself, with the gateway in front of this process, is
:mod:`tx_graph.serve`; copying the dataset into another server is ``tx-graph push``
(:mod:`tx_graph.push`).

Nothing heavy is imported at module level: the CLI imports this module for
``tx-graph --help``.

>>> base_url("0.0.0.0", 7878), base_url("::1", 7878)
('http://127.0.0.1:7878', 'http://[::1]:7878')
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from .errors import StoreError

__all__ = [
    "DEFAULT_PORT",
    "DEFAULT_TIMEOUT",
    "EndpointUrls",
    "OxigraphServer",
    "base_url",
    "check_store",
    "find_oxigraph",
    "free_port",
    "is_loopback",
]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
DEFAULT_TIMEOUT = 30  # seconds per query; Oxigraph only takes whole seconds
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "ip6-localhost"})


# ------------------------------------------------------------------ the binary


def find_oxigraph() -> str:
    """The ``oxigraph`` server binary: next to this Python (a venv's ``bin/``), else on PATH."""
    # not resolved: a venv's python is a symlink into the base interpreter's folder
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise StoreError(
        f"the Oxigraph server binary `oxigraph` is neither next to {sys.executable} nor on PATH; "
        "install it with `pip install 'oxigraph>=0.5,<0.6'` (the package provides the binary)"
    )


def free_port(host: str = DEFAULT_HOST) -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def base_url(host: str, port: int) -> str:
    """The URL a client on this machine uses to reach a server bound to ``host:port``."""
    if host in ("0.0.0.0", ""):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def is_loopback(host: str) -> bool:
    return host in LOOPBACK_HOSTS or host.startswith("127.")


# ------------------------------------------------------------------ the server


class EndpointUrls:
    """The addresses of a SPARQL endpoint at ``host:port``, laid out as Oxigraph serves them
    (the gateway in front of it keeps the same paths)."""

    host: str
    port: int

    @property
    def url(self) -> str:
        return base_url(self.host, self.port)

    @property
    def query_url(self) -> str:
        return self.url + "/query"

    @property
    def update_url(self) -> str:
        return self.url + "/update"

    @property
    def store_url(self) -> str:
        return self.url + "/store"


@dataclass
class OxigraphServer(EndpointUrls):
    """One ``oxigraph serve``/``serve-read-only`` process.

    ``location=None`` is an in-memory read-write server (a scratch target for ``push``).
    Use as a context manager, or call :meth:`start` and :meth:`stop`.
    """

    location: Path | None
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    read_only: bool = True
    timeout: int | None = DEFAULT_TIMEOUT
    union_default_graph: bool = True
    cors: bool = False
    binary: str | None = None
    log: Callable[[str], None] | None = None  # each line the server prints
    process: subprocess.Popen[str] | None = field(default=None, init=False, repr=False)
    _output: deque[str] = field(default_factory=lambda: deque(maxlen=50), init=False, repr=False)
    _pump_thread: threading.Thread | None = field(default=None, init=False, repr=False)

    def command(self) -> list[str]:
        if self.read_only and self.location is None:
            raise StoreError("a read-only server needs a store location")
        mode = "serve-read-only" if self.read_only else "serve"
        cmd = [self.binary or find_oxigraph(), mode, "--bind", _bind(self.host, self.port)]
        if self.location is not None:
            cmd += ["--location", str(self.location)]
        if self.union_default_graph:
            cmd.append("--union-default-graph")
        if self.timeout:
            cmd += ["--timeout-s", str(int(self.timeout))]
        if self.cors:
            cmd.append("--cors")
        return cmd

    def start(self, wait: float = 15.0) -> OxigraphServer:
        """Start the process and return once it listens (or raise with its output)."""
        if self.location is not None:
            check_store(self.location)
        if _accepts(self.host, self.port):
            # else our readiness check would see the other server and report success
            raise StoreError(f"port {self.port} on {self.host} is already in use: pass --port with another "
                             "number (0 picks a free one)")
        env = {**os.environ, "RUST_BACKTRACE": "0", "RUST_LIB_BACKTRACE": "0"}  # one-line errors
        self.process = subprocess.Popen(
            self.command(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=env,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )
        self._pump_thread = threading.Thread(target=self._pump, daemon=True)
        self._pump_thread.start()
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                if self._pump_thread is not None:
                    self._pump_thread.join(1.0)  # collect its last words
                raise StoreError(
                    f"oxigraph exited with code {self.process.returncode} on start: "
                    + (_error_line(self._output) or "no output")
                    + _start_hint(self._output, self.host, self.port)
                )
            if any("Listening for requests" in line for line in self._output) and _accepts(self.host, self.port):
                return self
            time.sleep(0.05)
        self.stop()
        raise StoreError(f"oxigraph did not listen on {self.host}:{self.port} within {wait:.0f} s")

    def _pump(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            line = line.rstrip("\n")
            self._output.append(line)
            if self.log is not None:
                self.log(line)

    def output(self) -> list[str]:
        """The server's last lines of output (startup message, errors)."""
        return list(self._output)

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, grace: float = 5.0) -> int | None:
        """SIGTERM, then SIGKILL if it has not exited after ``grace`` s.

        Not SIGINT: a shell starts background jobs with SIGINT ignored, and the child
        inherits that. Oxigraph exits at once on either; its store is read-only or
        protected by RocksDB's write-ahead log."""
        process = self.process
        if process is None:
            return None
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(grace)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._pump_thread is not None:
            self._pump_thread.join(1.0)  # it ends at the pipe's EOF, i.e. when the process exits
        return process.returncode

    def restart(self, wait: float = 15.0) -> OxigraphServer:
        """Stop the process if it still runs, then start a new one on the same port
        (another free one if that was taken meanwhile)."""
        self.stop()
        self._output.clear()  # else the old "Listening" line would count as the new one's
        if _accepts(self.host, self.port):
            self.port = free_port(self.host)
        return self.start(wait)

    def __enter__(self) -> OxigraphServer:
        return self if self.running() else self.start()

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM when the parent dies, so that a killed
    ``tx-graph serve`` (or test run) never leaves an orphaned server holding the port."""
    import contextlib
    import ctypes

    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _error_line(output: Sequence[str]) -> str:
    """The line that says what went wrong (not a backtrace frame)."""
    for line in output:
        if "error" in line.lower():
            return line.strip()
    return " | ".join(line.strip() for line in list(output)[:3] if line.strip())


def _bind(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _accepts(host: str, port: int) -> bool:
    target = base_url(host, port).rsplit(":", 1)[0].removeprefix("http://").strip("[]")
    try:
        with socket.create_connection((target, port), timeout=0.5):
            return True
    except OSError:
        return False


def check_store(location: Path) -> None:
    if not location.is_dir() or not (location / "CURRENT").is_file():
        raise StoreError(f"no built store at {location}; run `tx-graph build` first")


def _start_hint(output: Sequence[str], host: str, port: int) -> str:
    text = " ".join(output).lower()
    if "address already in use" in text or "addrinuse" in text:
        return f" (port {port} on {host} is taken: pass --port with another number)"
    if "lock" in text:
        return (
            " (another process holds the store open read-write: stop it, "
            "or serve read-only, which RocksDB allows alongside other readers)"
        )
    return ""
