"""Where the RDF, store and export stages spend their time, and the two ways of writing
the RDF files: serialising the quads the build has in hand (what the build does, batch by
batch) against dumping them from the finished store (``Store.dump``).

On a SYNTHETIC corpus of ``--docs`` documents (bench/synth.py) built in a throw-away
project: the quads are made once by ``tx_graph.build.build_quads``, then, in turn, loaded
(``Store.bulk_extend`` from the Python quads and ``Store.bulk_load`` from N-Quads bytes),
serialised from the list (TriG, N-Quads, JSON-LD; the Turtle union with the build's
de-duplication) and dumped from the store (TriG, N-Quads, JSON-LD). Wall and CPU seconds,
medians of ``--runs``.

    .venv/bin/python -m bench.serialise --docs 100 --runs 3
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .common import code_fingerprint, load_average, median, project_copy, rerun_command, write_result


def _timed(fn: Callable[[], Any], runs: int) -> dict[str, Any]:
    wall, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return {"wall_s": wall, "cpu_s": cpu, "median_wall_s": median(wall), "median_cpu_s": median(cpu)}


def run(docs: int, runs: int) -> dict[str, Any]:
    import pyoxigraph as ox

    from tx_graph.build import build_quads
    from tx_graph.config import Paths
    from tx_graph.export import RdfStream
    from tx_graph.pipeline import prepare

    from .synth import generate

    result: dict[str, Any] = {"docs": docs, "runs": runs, "code": code_fingerprint(),
                              "load_before": load_average(), "cases": {}}
    cases = result["cases"]
    work = Path(tempfile.mkdtemp(prefix="tx-bench-serialise-"))
    try:
        corpus = work / "corpus"
        generate(docs, corpus)
        with project_copy(corpus=corpus) as root:
            prepared = prepare(Paths.at(root))
            quads: list[Any] = []

            def make() -> None:
                quads[:] = build_quads(prepared.inputs)

            cases["build quads (Python, tx_graph.build)"] = _timed(make, runs)
            result["quads"] = len(quads)
            result["mentions"] = len(prepared.mentions)
            nquads = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
            n = [0]

            def fresh() -> Any:
                n[0] += 1
                return ox.Store(str(work / f"store-{n[0]}"))

            cases["load: Store.bulk_extend(Python quads)"] = _timed(lambda: fresh().bulk_extend(quads), runs)
            cases["load: Store.bulk_load(N-Quads bytes)"] = _timed(
                lambda: fresh().bulk_load(nquads, format=ox.RdfFormat.N_QUADS), runs)
            store = ox.Store(str(work / "dumped"))
            store.bulk_extend(quads)
            for fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS, ox.RdfFormat.JSON_LD):
                target = work / f"out.{fmt.file_extension}"
                cases[f"serialise the quads in hand: {fmt.name}"] = _timed(
                    lambda fmt=fmt, target=target: ox.serialize(quads, str(target), fmt), runs)
                cases[f"Store.dump: {fmt.name}"] = _timed(
                    lambda fmt=fmt, target=target, store=store: store.dump(str(target), fmt), runs)

            def stream() -> None:
                out = work / "stream"
                shutil.rmtree(out, ignore_errors=True)
                rdf = RdfStream(out)
                for start in range(0, len(quads), 20_000):
                    rdf.write(quads[start : start + 20_000])
                rdf.close()

            cases["the build's export stream (TriG + N-Quads + Turtle union + JSON-LD, 20,000-quad batches)"] = (
                _timed(stream, runs))
            del store
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for case in cases.values():
        case["us_per_quad_cpu"] = case["median_cpu_s"] / max(result.get("quads", 1), 1) * 1e6
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    result = run(args.docs, args.runs)
    result["command"] = rerun_command("serialise", argv)
    print(write_result("serialise", result))
    print(f"{result['quads']:,} quads, {result['mentions']:,} mentions")
    for name, case in result["cases"].items():
        print(f"{name}: wall {case['median_wall_s']:.2f} s, CPU {case['median_cpu_s']:.2f} s "
              f"({case['us_per_quad_cpu']:.1f} µs/quad)")


if __name__ == "__main__":
    main()
