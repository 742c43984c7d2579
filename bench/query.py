"""Query latency of the saved queries (``queries/*.rq``): three engines, two graph sizes.

Engines, all over the same data and all with the union of the named graphs as the
default graph (what ``tx-graph query`` and ``tx-graph serve`` give):

* **oxigraph** – the embedded store (``pyoxigraph``, read-only, on disk), through
  :func:`tx_graph.query.run_query`, rows materialised;
* **http** – ``tx-graph serve``'s server (``oxigraph serve-read-only``) on the same store,
  a POST from this process over loopback, the SPARQL JSON answer read and parsed: the
  latency a client sees;
* **rdflib** – rdflib's default in-memory store (``Dataset(default_union=True)``) loaded
  from an N-Quads dump, ``Dataset.query`` with the same prefixes, rows materialised. Its
  queries run in a forked child of a process that loaded the graph once, so a query
  that overruns ``--rdflib-timeout`` is killed and reported as "> N s" without
  reloading.

Graphs: the bundled corpus, and the smallest SYNTHETIC graph from :mod:`bench.scale`
with at least 1M triples (built here if missing). Each timing is the median of
``--runs`` runs after one warm-up run. A query counts as multi-join when its algebra has
at least 3 triple patterns or paths.

    .venv/bin/python -m bench.query --runs 5
"""

from __future__ import annotations

import argparse
import json
import os
import select
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from .common import (
    CACHE,
    PYTHON,
    ROOT,
    code_fingerprint,
    load_average,
    median,
    project_copy,
    read_result,
    rerun_command,
    write_result,
)
from .synth import SEED

MULTI_JOIN = 3
# rdflib only: a first run this slow is measured rather than thrown away as a warm-up
# (warming matters for milliseconds, not seconds), which saves a long run per slow query
WARMUP_ENOUGH_S = 5.0


# ------------------------------------------------------------------ rdflib worker (child)


def rdflib_worker(nquads: str) -> None:
    """Load once, then answer {"query", "runs", "timeout"} lines on stdin, one JSON line each.

    Each query runs in a forked child (the loaded graph shared copy-on-write) that reports
    after every run; a run that overruns the timeout gets the child killed."""
    from rdflib import Dataset

    from tx_graph.vocab import PREFIXES

    started = time.perf_counter()
    dataset = Dataset(default_union=True)
    dataset.parse(nquads, format="nquads")
    size = len(dataset)
    _reply({"loaded_s": time.perf_counter() - started, "quads": size})
    for line in sys.stdin:
        request = json.loads(line)
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: run, report each run, exit without cleanup
            os.close(read)
            try:
                runs = request["runs"] + 1  # + a warm-up run ...
                i = 0
                while i < runs:
                    i += 1
                    t0 = time.perf_counter()
                    rows = len(list(dataset.query(request["query"], initNs=PREFIXES)))
                    t = time.perf_counter() - t0
                    if i == 1 and t >= WARMUP_ENOUGH_S:
                        runs -= 1  # ... unless the first run was long enough to count as a measurement
                    os.write(write, (json.dumps({"t": t, "rows": rows}) + "\n").encode())
            except Exception as exc:
                os.write(write, (json.dumps({"error": f"{type(exc).__name__}: {exc}"[:500]}) + "\n").encode())
            os._exit(0)
        os.close(write)
        times: list[float] = []
        answer: dict[str, Any] = {}
        buffer = b""
        deadline = time.monotonic() + request["timeout"]
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                os.kill(pid, signal.SIGKILL)
                answer["timeout"] = True
                break
            ready, _, _ = select.select([read], [], [], left)
            if not ready:
                continue
            chunk = os.read(read, 1 << 16)
            if not chunk:
                break
            buffer += chunk
            while b"\n" in buffer:
                raw, buffer = buffer.split(b"\n", 1)
                item = json.loads(raw)
                if "error" in item:
                    answer["error"] = item["error"]
                else:
                    times.append(item["t"])
                    answer["rows"] = item["rows"]
                    deadline = time.monotonic() + request["timeout"]
        os.waitpid(pid, 0)
        os.close(read)
        answer["seconds"] = times
        _reply(answer)


def _reply(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


class RdflibEngine:
    def __init__(self, nquads: Path) -> None:
        self.process = subprocess.Popen(
            [PYTHON, "-m", "bench.query", "--rdflib-worker", str(nquads)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
        )
        assert self.process.stdout is not None
        self.loaded = json.loads(self.process.stdout.readline())

    def run(self, sparql: str, runs: int, timeout: float) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        # warm-up run first, like the other engines; all in one child
        self.process.stdin.write(json.dumps({"query": sparql, "runs": runs + 1, "timeout": timeout}) + "\n")
        self.process.stdin.flush()
        answer: dict[str, Any] = json.loads(self.process.stdout.readline())
        if "error" in answer:
            return {"error": answer["error"], "median_s": None}
        times = answer["seconds"]
        if times and times[0] < WARMUP_ENOUGH_S:
            times = times[1:]
        if answer.get("timeout"):
            # a run past the timeout: the median is above it whatever the others took
            return {"timeout_s": timeout, "median_s": None, "completed_runs": answer["seconds"]}
        return {"seconds": times, "median_s": median(times), "rows": answer["rows"]}

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(30)


# ------------------------------------------------------------------ the other engines


def _oxigraph(store: Any, sparql: str, runs: int) -> dict[str, Any]:
    from tx_graph.query import run_query

    def once() -> int:
        return len(run_query(store, sparql))

    once()
    times, cpu, rows = [], [], 0
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        rows = once()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    # the embedded store evaluates in the calling thread: its CPU time is the wall time of a
    # quiet machine, and what to read when other processes load the cores
    return {"seconds": times, "median_s": median(times), "cpu_seconds": cpu, "cpu_median_s": median(cpu),
            "rows": rows, "answer": _answer(store, sparql)}


def _answer(store: Any, sparql: str) -> str:
    """A digest of the distinct rows (columns in order, GROUP_CONCAT parts sorted), to tell
    whether a rewritten query gives the original's answer."""
    import hashlib

    import pyoxigraph as ox

    from tx_graph.query import run_query

    result = run_query(store, sparql)
    rows = set()
    for row in result.rows:
        cells = []
        for term in row:
            text = "" if term is None else str(term)
            if isinstance(term, ox.Literal) and ", " in term.value:
                # sort inside the value (str(term) has quotes and a language or datatype)
                text = ", ".join(sorted(term.value.split(", "))) + f"|{term.language or term.datatype}"
            cells.append(text)
        rows.add("\t".join(cells))
    return hashlib.sha256("\n".join(sorted(rows)).encode()).hexdigest()[:12]


def _http(url: str, sparql: str, runs: int) -> dict[str, Any]:
    from tx_graph.vocab import sparql_prefixes

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    body = urllib.parse.urlencode({"query": sparql_prefixes() + sparql}).encode()

    def once() -> int:
        request = urllib.request.Request(url, data=body, headers={
            "Accept": "application/sparql-results+json", "Content-Type": "application/x-www-form-urlencoded"})
        with opener.open(request, timeout=120) as response:
            data = json.loads(response.read())
        return len(data["results"]["bindings"]) if "results" in data else 1

    once()
    times, rows = [], 0
    for _ in range(runs):
        t0 = time.perf_counter()
        rows = once()
        times.append(time.perf_counter() - t0)
    return {"seconds": times, "median_s": median(times), "rows": rows}


def triple_patterns(sparql: str) -> int:
    """Triple patterns and property paths in the query's algebra (a join count + 1)."""
    from rdflib.plugins.sparql import prepareQuery

    from tx_graph.vocab import PREFIXES

    algebra = prepareQuery(sparql, initNs=PREFIXES).algebra
    seen: set[int] = set()

    def walk(node: Any) -> int:
        if id(node) in seen:
            return 0
        seen.add(id(node))
        total = 0
        if isinstance(node, dict):
            if getattr(node, "name", None) == "BGP":
                total += len(node.get("triples", []))
            for value in node.values():
                total += walk(value)
        elif isinstance(node, list | tuple):
            for value in node:
                total += walk(value)
        return total

    return walk(algebra)


# ------------------------------------------------------------------ the benchmark


def _graphs(min_triples: int, curation: Path | None, synthetic: int | None) -> dict[str, Path]:
    """name → folder holding store/ and a .trig export."""
    graphs: dict[str, Path] = {}
    corpus = CACHE / "corpus"
    from tx_graph.config import Paths
    from tx_graph.pipeline import build

    with project_copy(curation) as root:
        if corpus.exists():
            import shutil

            shutil.rmtree(corpus)
        build(Paths.at(root, exports=corpus))
    graphs["corpus"] = corpus
    candidates = []
    for info in sorted(CACHE.glob("synthetic-*/INFO.json")):
        data = json.loads(info.read_text())
        if data["quads"] >= min_triples and (synthetic is None or data["synthetic_documents"] == synthetic):
            candidates.append((data["quads"], info.parent))
    if not candidates:
        size = synthetic or 1000
        print(f"no synthetic store with ≥ {min_triples:,} triples in {CACHE}: building {size} documents", flush=True)
        from .scale import run as scale_run

        scale_run([size], 1, curation, 12.0, SEED, True,
                  rerun_command("scale", ["--sizes", str(size), "--runs", "1"]))
        info = CACHE / f"synthetic-{size}" / "INFO.json"
        candidates.append((json.loads(info.read_text())["quads"], info.parent))
    _, folder = min(candidates)
    graphs[f"synthetic-{json.loads((folder / 'INFO.json').read_text())['synthetic_documents']}"] = folder
    return graphs


def _nquads(folder: Path) -> Path:
    import pyoxigraph as ox

    target = folder / "dump.nq"
    if not target.is_file():
        store = ox.Store.read_only(str(folder / "store"))
        store.dump(str(target), ox.RdfFormat.N_QUADS)
        del store
    return target


def run(runs: int, rdflib_runs: int, rdflib_timeout: float, curation: Path | None, min_triples: int,
        synthetic: int | None, only: list[str] | None, alternatives: bool = True,
        alt_rdflib_timeout: float = 30.0) -> dict[str, Any]:
    import pyoxigraph as ox

    from tx_graph.server import OxigraphServer, free_port

    queries = {p.stem: p.read_text(encoding="utf-8") for p in sorted((ROOT / "queries").glob("*.rq"))}
    if alternatives:
        # rewrites of slow saved queries (bench/alternatives/), timed beside the originals
        for p in sorted((ROOT / "bench" / "alternatives").glob("*.rq")):
            if p.stem in queries:
                queries[f"alt/{p.stem}"] = p.read_text(encoding="utf-8")
    if only:
        queries = {k: v for k, v in queries.items() if k in only or k.removeprefix("alt/") in only}
    result: dict[str, Any] = {"runs": runs, "rdflib_runs": rdflib_runs, "rdflib_timeout_s": rdflib_timeout,
                              "alt_rdflib_timeout_s": alt_rdflib_timeout,
                              "queries": {}, "graphs": {}, "code": code_fingerprint(), "load_before": load_average()}
    previous = read_result("query") if only else None
    if previous:
        # --only re-measures some queries: keep the others from the last full run
        result = previous
        result.setdefault("partial_reruns", []).append({"only": only, "code": code_fingerprint()})
    for name, sparql in queries.items():
        first = next((ln[1:].strip() for ln in sparql.splitlines() if ln.startswith("#")), "")
        try:
            patterns = triple_patterns(sparql)
        except Exception:  # rdflib cannot parse it: the other engines still can
            patterns = -1
        result["queries"][name] = {"title": first, "patterns": patterns, "multi_join": patterns >= MULTI_JOIN}
    for graph_name, folder in _graphs(min_triples, curation, synthetic).items():
        store = ox.Store.read_only(str(folder / "store"))
        entry: dict[str, Any] = {"quads": len(store), "folder": str(folder), "queries": {}}
        if previous and graph_name in previous["graphs"]:
            entry = previous["graphs"][graph_name]
        print(f"{graph_name}: {entry['quads']:,} quads", flush=True)
        rdflib_engine = RdflibEngine(_nquads(folder)) if rdflib_runs > 0 else None
        entry["rdflib_load_s"] = rdflib_engine.loaded["loaded_s"] if rdflib_engine else None
        with OxigraphServer(folder / "store", port=free_port(), timeout=600) as server:
            for name, sparql in queries.items():
                engines: dict[str, Any] = {
                    "oxigraph": _oxigraph(store, sparql, runs),
                    "http": _http(server.query_url, sparql, runs),
                    # the rewrites in bench/alternatives/ are Oxigraph-tuned and some of them crawl
                    # in rdflib: a shorter bound keeps them from dominating the run
                    "rdflib": rdflib_engine.run(sparql, rdflib_runs,
                                                min(rdflib_timeout, alt_rdflib_timeout) if name.startswith("alt/")
                                                else rdflib_timeout)
                    if rdflib_engine else {"skipped": "not measured (--rdflib-runs 0)"},
                }
                entry["queries"][name] = engines
                ox_s, rd = engines["oxigraph"]["median_s"], engines["rdflib"]
                speedup = (rd["median_s"] / ox_s) if rd.get("median_s") else None
                engines["speedup_vs_rdflib"] = speedup if speedup else (
                    f"> {rd['timeout_s'] / ox_s:,.0f}" if rd.get("timeout_s") else None)
                print(f"  {name}: oxigraph {ox_s * 1000:.1f} ms, http {engines['http']['median_s'] * 1000:.1f} ms, "
                      + (f"rdflib {rd['median_s'] * 1000:.0f} ms" if rd.get("median_s") else
                         f"rdflib > {rd['timeout_s']:.0f} s" if rd.get("timeout_s") else f"rdflib {rd}"),
                      flush=True)
        if rdflib_engine:
            rdflib_engine.close()
        del store
        result["graphs"][graph_name] = entry
        write_result("query", result)
    return result


def main(argv: list[str] | None = None) -> None:
    args_list = sys.argv[1:] if argv is None else argv
    if args_list and args_list[0] == "--rdflib-worker":
        rdflib_worker(args_list[1])
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="runs per query for Oxigraph and HTTP (default 5)")
    parser.add_argument("--rdflib-runs", type=int, default=3, help="runs per query for rdflib (default 3)")
    parser.add_argument("--rdflib-timeout", type=float, default=120.0, help="seconds per rdflib run (default 120)")
    parser.add_argument("--alt-rdflib-timeout", type=float, default=30.0,
                        help="seconds per rdflib run of a bench/alternatives/ rewrite (default 30)")
    parser.add_argument("--min-triples", type=int, default=1_000_000)
    parser.add_argument("--synthetic", type=int, help="use the synthetic store of this many documents")
    parser.add_argument("--only", help="comma-separated saved query names")
    parser.add_argument("--curation", type=Path)
    parser.add_argument("--no-alternatives", dest="alternatives", action="store_false",
                        help="skip the rewritten queries in bench/alternatives/")
    args = parser.parse_args(args_list)
    result = run(args.runs, args.rdflib_runs, args.rdflib_timeout, args.curation, args.min_triples,
                 args.synthetic, args.only.split(",") if args.only else None, args.alternatives,
                 args.alt_rdflib_timeout)
    if args.only:
        result.setdefault("partial_reruns", [])[-1]["command"] = rerun_command("query", args_list)
    else:
        result["command"] = rerun_command("query", args_list)
    print(write_result("query", result))


if __name__ == "__main__":
    main()
