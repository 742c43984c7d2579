"""Concurrent load on ``tx-graph serve``'s endpoint, with and without hostile clients.

Everything on 127.0.0.1, bounded in requests and time. Over the built corpus store
(``exports/store``; ``--store`` for another):

* **normal** – ``--requests`` SELECTs (the saved queries, round robin) from
  ``--concurrency`` client threads, against the guarded endpoint (the gateway in front of
  ``oxigraph serve-read-only``, what ``tx-graph serve`` runs) and against the bare
  Oxigraph server on the same store, in alternating rounds: the gateway's cost is the
  ratio of the two in the same run;
* **hostile** – the same load with every tenth request a 3,000-deep query and every
  twentieth a ``SERVICE`` to a local port: every normal request must still be answered
  200, every hostile one 400, and Oxigraph must not have restarted;
* **killed** – the same load while Oxigraph is killed with SIGKILL once: how many
  requests were answered 503 (retry) and how long until the supervisor had it back.

    .venv/bin/python -m bench.endpoint --requests 200 --concurrency 20
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from .common import ROOT, load_average, machine, median, rerun_command, tx_graph_cmd, write_result

NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))
DEEP = "SELECT * WHERE " + "{" * 3000 + "}" * 3000


def _post(url: str, sparql: str) -> tuple[int, float]:
    body = urllib.parse.urlencode({"query": sparql}).encode()
    request = urllib.request.Request(url, data=body, headers={"Accept": "application/sparql-results+json"})
    start = time.perf_counter()
    try:
        with NO_PROXY.open(request, timeout=60) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        exc.read()
        status = exc.code
    except (urllib.error.URLError, ConnectionError):
        status = 0
    return status, time.perf_counter() - start


def _load(url: str, queries: list[str], requests: int, concurrency: int) -> list[tuple[int, float, int]]:
    """(status, seconds, index) of each request."""
    def one(i: int) -> tuple[int, float, int]:
        status, seconds = _post(url, queries[i % len(queries)])
        return status, seconds, i

    with ThreadPoolExecutor(concurrency) as pool:
        return list(pool.map(one, range(requests)))


class _Serve:
    """``tx-graph serve --port 0`` in a child process."""

    def __init__(self, store: Path) -> None:
        self.process = subprocess.Popen(
            [*tx_graph_cmd("serve", "--store", str(store), "--port", "0", "--timeout", "30")],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        assert self.process.stdout is not None
        port = None
        for line in self.process.stdout:
            if line.startswith("port: "):
                port = int(line.split()[1])
                break
        if port is None:
            error = self.process.stderr.read() if self.process.stderr else ""
            raise RuntimeError(f"tx-graph serve did not start: {error}")
        self.query_url = f"http://127.0.0.1:{port}/query"
        self.stderr: list[str] = []
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr.append(line)

    @property
    def restarts(self) -> int:
        return sum("restarting it" in line for line in self.stderr)

    def oxigraph_pid(self) -> int:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return int(children[0])

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(30)


def _percentiles(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    q = statistics.quantiles(ordered, n=100, method="inclusive") if len(ordered) > 1 else ordered * 99
    return {"p50_ms": round(q[49] * 1000, 1), "p99_ms": round(q[98] * 1000, 1), "max_ms": round(ordered[-1] * 1000, 1)}


def main(argv: list[str] | None = None) -> int:
    from tx_graph.server import OxigraphServer, free_port
    from tx_graph.vocab import sparql_prefixes

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", default=str(ROOT / "exports" / "store"))
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3, help="alternating gateway/direct rounds")
    args = parser.parse_args(argv)
    store = Path(args.store)
    saved = [sparql_prefixes() + p.read_text(encoding="utf-8") for p in sorted((ROOT / "queries").glob("*.rq"))]

    result: dict[str, Any] = {"machine": machine(), "command": rerun_command("endpoint", argv),
                              "requests": args.requests, "concurrency": args.concurrency,
                              "load_average_before": load_average()}
    # the gateway in its own process, as `tx-graph serve` runs it: in this process it
    # would share the GIL with the client threads and be measured slower than it is
    gateway = _Serve(store)
    direct = OxigraphServer(store, port=free_port(), timeout=30).start()
    try:
        timings: dict[str, list[float]] = {"gateway": [], "direct": []}
        errors = {"gateway": 0, "direct": 0}
        p50s: dict[str, list[float]] = {"gateway": [], "direct": []}
        for _ in range(args.rounds):
            for name, url in (("gateway", gateway.query_url), ("direct", direct.query_url)):
                answers = _load(url, saved, args.requests, args.concurrency)
                errors[name] += sum(1 for status, _, _ in answers if status != 200)
                seconds = [s for _, s, _ in answers]
                timings[name] += seconds
                p50s[name].append(_percentiles(seconds)["p50_ms"])
        result["normal"] = {
            name: {**_percentiles(timings[name]), "errors": errors[name], "answers": len(timings[name])}
            for name in timings
        }
        result["normal"]["p50_ratio_gateway_to_direct"] = round(median(p50s["gateway"]) / median(p50s["direct"]), 2)

        # hostile clients mixed in
        import socket

        trap = socket.socket()
        trap.bind(("127.0.0.1", 0))
        trap.listen(8)
        service = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{trap.getsockname()[1]}/> {{ ?s ?p ?o }} }}"
        mixed = [DEEP if i % 10 == 0 else service if i % 20 == 5 else saved[i % len(saved)]
                 for i in range(args.requests)]
        answers = _load(gateway.query_url, mixed, args.requests, args.concurrency)
        hostile = [(status, s) for status, s, i in answers if mixed[i % len(mixed)] in (DEEP, service)]
        normal = [(status, s) for status, s, i in answers if mixed[i % len(mixed)] not in (DEEP, service)]
        trap.settimeout(0.5)
        try:
            trap.accept()
            reached = True
        except OSError:
            reached = False
        trap.close()
        result["hostile"] = {
            "hostile_requests": len(hostile), "hostile_answered_400": sum(1 for st, _ in hostile if st == 400),
            "normal_requests": len(normal), "normal_answered_200": sum(1 for st, _ in normal if st == 200),
            **_percentiles([s for _, s in normal]), "service_reached_the_network": reached,
            "oxigraph_restarts": gateway.restarts,
        }

        # Oxigraph killed during the load
        statuses: list[tuple[float, int]] = []
        stop = threading.Event()

        def client() -> None:
            while not stop.is_set():
                status, _ = _post(gateway.query_url, saved[0])
                statuses.append((time.monotonic(), status))

        threads = [threading.Thread(target=client) for _ in range(args.concurrency)]
        for thread in threads:
            thread.start()
        time.sleep(1.0)
        killed_at = time.monotonic()
        os.kill(gateway.oxigraph_pid(), signal.SIGKILL)
        time.sleep(4.0)
        stop.set()
        for thread in threads:
            thread.join()
        # answers that arrive after the kill but were sent before it say nothing: count
        # from the first 503 to the first 200 after it
        first_503 = next((t for t, st in statuses if t >= killed_at and st == 503), None)
        back = next((t for t, st in statuses if first_503 is not None and t > first_503 and st == 200), None)
        result["killed"] = {
            "requests": len(statuses), "answered_200": sum(1 for _, st in statuses if st == 200),
            "answered_503": sum(1 for _, st in statuses if st == 503),
            "other": sum(1 for _, st in statuses if st not in (200, 503)),
            "seconds_until_answering_again": round(back - killed_at, 2) if back else None,
            "oxigraph_restarts": gateway.restarts,
        }
    finally:
        gateway.stop()
        direct.stop()
    result["load_average_after"] = load_average()
    path = write_result("endpoint", result)
    print(f"wrote {path}")
    for key in ("normal", "hostile", "killed"):
        print(key, result[key])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
