"""The front of ``tx-graph serve``: a guard and a supervisor before the Oxigraph server.

Clients never reach Oxigraph directly. A small HTTP server on the public address
checks every query and update before Oxigraph's parser sees it
(:func:`tx_graph.query.check_query`: size and nesting bounded, ``SERVICE`` refused
unless allowed) and forwards the rest to ``oxigraph serve-read-only`` on a private
loopback port. It holds three promises Oxigraph alone does not:

* **a deep query cannot kill the endpoint** — 3,000 nested ``{`` overflow the parser's
  stack and end the process; here they are a 400 before parsing;
* **a timeout is an error** — Oxigraph streams its 200 before it evaluates, so a
  cancelled query used to arrive as a 200 whose CSV's last row was the cancellation
  message; the answer is read whole here and a cancelled or late one becomes a 503. A
  query still running long after its deadline (Oxigraph cancels cooperatively, and an
  operator that must consume a huge input first can overrun it by minutes) gets the
  server restarted, so no query holds a CPU past ``timeout + 2 s + overrun`` (``overrun``
  defaults to ``max(timeout, 10 s)``);
* **the server comes back** — a supervisor thread restarts Oxigraph if it dies (at
  most ``max_restarts`` times a minute), answering 503 with ``Retry-After`` meanwhile.

Answers are buffered before they are sent (that is what lets a late failure become an
error status), so the gateway holds one answer in memory per request in flight.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
import urllib.parse
from collections import deque
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from .errors import QueryError, StoreError
from .query import check_query
from .server import DEFAULT_HOST, DEFAULT_TIMEOUT, EndpointUrls, OxigraphServer, free_port

__all__ = ["GRACE", "MAX_BODY", "Gateway"]

GRACE = 2.0  # seconds past the timeout before the gateway answers for Oxigraph
MAX_BODY = 2_000_000  # bytes of request body (a query is at most MAX_QUERY_CHARS characters)
# per RFC 9110 these describe one connection, not the message, so they are not forwarded
_HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
                         "trailer", "transfer-encoding", "upgrade", "host", "content-length"})
_CANCELLED = b"operation has been cancelled"


class Gateway(EndpointUrls):
    """Oxigraph behind the guard, with a supervisor. Use as a context manager, or call
    :meth:`start` and :meth:`stop`; :attr:`restarts` counts Oxigraph's restarts."""

    def __init__(
        self,
        location: Path,
        *,
        host: str = DEFAULT_HOST,
        port: int = 0,
        timeout: int | None = DEFAULT_TIMEOUT,
        allow_service: bool = False,
        read_only: bool = True,
        union_default_graph: bool = True,
        cors: bool = False,
        max_restarts: int = 5,
        overrun: float | None = None,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.host = host
        self.port = port or free_port(host if host not in ("0.0.0.0", "::") else DEFAULT_HOST)
        self.timeout = timeout or None
        self.allow_service = allow_service
        self.max_restarts = max_restarts
        # how long past its answer a timed-out query may keep Oxigraph busy before a restart
        self.overrun = overrun if overrun is not None else max(float(self.timeout or 0), 10.0)
        self.log = log or (lambda _: None)
        self.server = OxigraphServer(
            location, host="127.0.0.1", port=free_port(), read_only=read_only, timeout=self.timeout,
            union_default_graph=union_default_graph, cors=cors, log=log,
        )
        self.restarts = 0
        self.failed: str | None = None  # why the supervisor gave up
        self.stopped = threading.Event()
        self._recent: deque[float] = deque()
        self._wanted: tuple[str, Any] | None = None  # a restart asked for by another thread
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._threads: list[threading.Thread] = []

    def start(self) -> Gateway:
        self.server.start()
        try:
            httpd = _Httpd((self.host, self.port), _Handler, self)
        except OSError as exc:
            self.server.stop()
            raise StoreError(f"cannot listen on {self.host}:{self.port}: {exc.strerror} "
                             "(pass --port with another number; 0 picks a free one)") from exc
        self._httpd = httpd
        self._threads = [
            threading.Thread(target=httpd.serve_forever, name="tx-graph-gateway", daemon=True),
            threading.Thread(target=self._supervise, name="tx-graph-supervisor", daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        self.stopped.set()
        httpd, self._httpd = self._httpd, None  # whoever takes it closes it
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()
        with self._lock:
            self.server.stop()

    def __enter__(self) -> Gateway:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    # ------------------------------------------------------------ supervision
    def _supervise(self) -> None:
        # Every restart happens on this thread: Oxigraph is started with a parent-death
        # signal, and Linux sends it when the *thread* that started it ends, so a server
        # started from a short-lived thread would be killed as soon as that thread returns.
        while not self.stopped.wait(0.2):
            process = self.server.process
            if process is not None and process.poll() is not None and not self.stopped.is_set():
                self.restart(f"oxigraph exited with code {process.returncode}", process)
            with self._lock:
                wanted, self._wanted = self._wanted, None
            if wanted is not None:
                self.restart(*wanted)

    def restart(self, reason: str, process: Any = None) -> None:
        """Start Oxigraph again (killing it first if it still runs), unless it has been
        restarted ``max_restarts`` times in the last minute: then stop serving.
        ``process``: restart only if that is still the current process (two threads may
        notice the same death)."""
        with self._lock:
            if self.stopped.is_set() or (process is not None and self.server.process is not process):
                return
            now = time.monotonic()
            while self._recent and now - self._recent[0] > 60:
                self._recent.popleft()
            if len(self._recent) >= self.max_restarts:
                self.failed = f"{reason}; restarted {len(self._recent)} times in the last minute, giving up"
                self.log(self.failed)
                threading.Thread(target=self.stop, daemon=True).start()
                return
            self._recent.append(now)
            self.log(f"{reason}; restarting it")
            try:
                self.server.restart()
            except StoreError as exc:
                self.failed = f"{reason}; restart failed: {exc}"
                self.log(self.failed)
                threading.Thread(target=self.stop, daemon=True).start()
                return
            self.restarts += 1

    # ------------------------------------------------------------ one request
    def check(self, path: str, query: str, content_type: str, body: bytes) -> str | None:
        """The refusal message for a request whose SPARQL must not be forwarded, else None."""
        if path not in ("/query", "/update"):
            return None
        texts: list[str] = []
        params = urllib.parse.parse_qs(query, keep_blank_values=True)
        texts += params.get("query", []) + params.get("update", [])
        media = content_type.split(";")[0].strip().lower()
        if media == "application/x-www-form-urlencoded":
            form = urllib.parse.parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
            texts += form.get("query", []) + form.get("update", [])
        elif media in ("application/sparql-query", "application/sparql-update"):
            texts.append(body.decode("utf-8", errors="replace"))
        for text in texts:
            try:
                # Oxigraph answers an update sent to /query itself (400), as the protocol says
                check_query(text, allow_service=self.allow_service, refuse_updates=False)
            except QueryError as exc:
                return str(exc)
        return None

    def forward(self, method: str, target: str, headers: dict[str, str], body: bytes | None,
                sparql: bool) -> tuple[int, str, list[tuple[str, str]], bytes]:
        """Send the request to Oxigraph and read the whole answer: (status, reason, headers, body)."""
        # --timeout 0: no bound (a week stands for none); Graph Store downloads: 300 s
        unbounded = 7 * 86400.0
        wait = (self.timeout + GRACE if self.timeout else unbounded) if sparql else 300.0
        deadline = time.monotonic() + wait
        connection = http.client.HTTPConnection(self.server.host, self.server.port,
                                                timeout=max(0.1, deadline - time.monotonic()))
        try:
            connection.request(method, target, body=body, headers=headers)
            response = connection.getresponse()
            chunks: list[bytes] = []
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                if connection.sock is not None:
                    connection.sock.settimeout(remaining)
                chunk = response.read1(65536)
                if not chunk:
                    break
                chunks.append(chunk)
            data = b"".join(chunks)
            kept = [(k, v) for k, v in response.getheaders() if k.lower() not in _HOP_BY_HOP]
            if sparql and response.status == 200 and _CANCELLED in data[-512:]:
                return _error(503, self._late())
            return response.status, response.reason, kept, data
        except TimeoutError:
            self._reap(connection)
            connection = None  # type: ignore[assignment]
            return _error(503, self._late())
        except (ConnectionError, http.client.HTTPException, OSError) as exc:
            if self.stopped.is_set():
                return _error(503, "the server is stopping")
            return _error(503, f"the SPARQL server is not answering ({exc.__class__.__name__}); it is being "
                               "restarted: retry in a moment", retry_after=True)
        finally:
            if connection is not None:
                connection.close()

    def _late(self) -> str:
        return (f"E209 query did not finish within the endpoint's {self.timeout} s timeout and was cancelled "
                "(make it more selective, or ask whoever runs the endpoint for a longer --timeout)")

    def _reap(self, connection: http.client.HTTPConnection) -> None:
        """Oxigraph has not finished a query past its deadline: wait a little longer in the
        background, then restart it, since nothing else stops a query that overruns."""
        limit = self.overrun
        process = self.server.process

        def wait_then_restart() -> None:
            try:
                if connection.sock is not None:
                    connection.sock.settimeout(limit)
                    while connection.sock.recv(65536):
                        pass
                return
            except OSError:
                pass
            finally:
                connection.close()
            if not self.stopped.is_set():
                with self._lock:
                    self._wanted = (f"a query ran more than {limit:g} s past its {self.timeout} s timeout", process)

        threading.Thread(target=wait_then_restart, name="tx-graph-reaper", daemon=True).start()


def _error(status: int, message: str, retry_after: bool = False) -> tuple[int, str, list[tuple[str, str]], bytes]:
    headers = [("Content-Type", "text/plain; charset=utf-8")]
    if retry_after:
        headers.append(("Retry-After", "2"))
    return status, http.client.responses.get(status, ""), headers, message.encode("utf-8")


class _Httpd(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver's default backlog of 5 overflows under 20 eager clients, and the kernel
    # then resets connections that Oxigraph itself (backlog 128+) would have queued
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], gateway: Gateway) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.gateway = gateway
        super().__init__(address, handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Httpd

    def do_GET(self) -> None:
        self._proxy()

    do_POST = do_PUT = do_DELETE = do_HEAD = do_OPTIONS = do_PATCH = do_GET

    def _proxy(self) -> None:
        gateway = self.server.gateway
        split = urllib.parse.urlsplit(self.path)
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self._send(*_error(411, "send the request body with a Content-Length"))
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY:
            self._send(*_error(413, f"request bodies are limited to {MAX_BODY:,} bytes"))
            return
        body = self.rfile.read(length) if length else None
        refusal = gateway.check(split.path, split.query, self.headers.get("Content-Type", ""), body or b"")
        if refusal is not None:
            self._send(*_error(400, refusal))
            return
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        if body is not None:
            headers["Content-Length"] = str(len(body))
        sparql = split.path in ("/query", "/update")
        self._send(*gateway.forward(self.command, self.path, headers, body, sparql))

    def _send(self, status: int, reason: str, headers: list[tuple[str, str]], body: bytes) -> None:
        self.send_response(status, reason)
        for key, value in headers:
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # one line per request would drown the server's own output
