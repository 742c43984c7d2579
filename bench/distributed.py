"""Distributed extraction: the same synthetic corpus built locally and through a Dask
``LocalCluster`` of one and of two workers, cold caches, alternating the modes run by run
so that a change in the machine's load hits every mode alike.

Modes: ``local-1`` (``TX_GRAPH_WORKERS=1``: one process), ``local`` (the default: forked
NLP workers, one per core), ``dask-1`` and ``dask-2`` (``build --scheduler`` against a
``LocalCluster(n_workers=N, processes=True, threads_per_worker=1)`` started by the build's
process; its start-up counts in the wall time and is also reported apart). Each build
runs in a fresh Python process in a throw-away project copy; each records a digest of its
sorted N-Quads (run timestamps left out), and the step fails if two modes disagree.

    .venv/bin/python -m bench.distributed --size 1000 --runs 3
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .common import (
    PYTHON,
    code_fingerprint,
    load_average,
    median,
    project_copy,
    rerun_command,
    run_child,
    write_result,
)
from .synth import SEED, generate

MODES = ("local-1", "local", "dask-1", "dask-2")
RUN_TIMES = ("http://www.w3.org/ns/prov#startedAtTime", "http://www.w3.org/ns/prov#endedAtTime")


def worker(mode: str, corpus: Path, root: Path, exports: Path) -> None:
    """In the child: one build in ``mode``, then one JSON line on stdout."""
    import resource

    import pyoxigraph as ox

    from tx_graph.config import Paths
    from tx_graph.pipeline import build

    info: dict[str, Any] = {"mode": mode}
    paths = Paths.at(root, corpus=corpus, exports=exports)
    build_started = time.perf_counter()
    if mode.startswith("local"):
        if mode == "local-1":
            os.environ["TX_GRAPH_WORKERS"] = "1"
        report = build(paths, exports=True)
    else:
        from distributed import LocalCluster

        from tx_graph.distributed import Cluster

        started = time.perf_counter()
        with LocalCluster(n_workers=int(mode.split("-")[1]), processes=True, threads_per_worker=1,
                          dashboard_address=":0") as cluster:
            info["cluster_start_s"] = time.perf_counter() - started
            report = build(paths, exports=True, scheduler=Cluster(cluster.scheduler_address))
    # the build's own time and peak memory, before the digest below (sorting every N-Quads
    # line in memory) adds minutes and gigabytes of its own to the child's totals
    info["build_s"] = time.perf_counter() - build_started
    info["build_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    info.update(
        documents=report.documents, mentions=report.mentions, quads=report.quads, timings=report.timings,
        nquads_sha256=_sorted_nquads_digest(ox.Store.read_only(str(paths.store)), root / "digest"),
    )
    print(json.dumps(info))


def _sorted_nquads_digest(store: Any, scratch: Path) -> str:
    """SHA-256 of the store's N-Quads lines (run times left out), sorted by GNU sort on
    disk: sorting 28.6M lines in Python's memory (10,000 documents) took over 12 GB."""
    scratch.mkdir(parents=True, exist_ok=True)
    unsorted = scratch / "quads.nq"
    with unsorted.open("w", encoding="utf-8") as fh:
        for quad in store:
            if quad.predicate.value not in RUN_TIMES:
                fh.write(f"{quad}\n")
    digest = hashlib.sha256()
    with subprocess.Popen(["sort", "-S", "512M", "-T", str(scratch), str(unsorted)], stdout=subprocess.PIPE,
                          env={**os.environ, "LC_ALL": "C"}) as sorting:
        assert sorting.stdout is not None
        for chunk in iter(lambda: sorting.stdout.read(1 << 20), b""):  # type: ignore[union-attr]
            digest.update(chunk)
    if sorting.returncode != 0:
        raise RuntimeError(f"sort failed with {sorting.returncode}")
    unsorted.unlink()
    return digest.hexdigest()


def result_name(size: int) -> str:
    """bench/results/distributed.json for the default 1,000 documents; other sizes keep
    their own file (distributed-10000.json), so one size never overwrites another."""
    return "distributed" if size == 1000 else f"distributed-{size}"


def run(size: int, runs: int, modes: list[str], curation: Path | None, seed: int, command: str) -> dict[str, Any]:
    result: dict[str, Any] = {"size": size, "seed": seed, "runs": runs, "command": command, "modes": {},
                              "code": code_fingerprint()}
    tmp = Path(tempfile.mkdtemp(prefix=f"tx-dist-{size}-"))
    try:
        stats = generate(size, tmp / "corpus", seed=seed, curation=curation)
        result.update(documents=stats.documents, characters=stats.characters)
        for i in range(runs):
            for mode in modes:
                with project_copy(curation) as root:
                    load_before = load_average()
                    child = run_child([PYTHON, "-m", "bench.distributed", "--worker", mode, str(tmp / "corpus"),
                                       str(root), str(root / "exports")], env=dict(os.environ))
                entry = result["modes"].setdefault(mode, {"runs": []})
                info: dict[str, Any] = {"seconds": child.seconds, "peak_rss_mb": child.peak_rss_mb,
                                        "load_before": load_before, "returncode": child.returncode}
                if child.returncode == 0:
                    info.update(json.loads(child.stdout.strip().splitlines()[-1]))
                else:
                    info["stderr"] = child.stderr[-1500:]
                entry["runs"].append(info)
                done = [r for r in entry["runs"] if r["returncode"] == 0]
                if done:
                    entry["median_s"] = median([r["seconds"] for r in done])
                    entry["median_nlp_s"] = median([r["timings"].get("nlp", 0.0) for r in done])
                    entry["median_peak_rss_mb"] = median([r["peak_rss_mb"] for r in done])
                print(f"run {i + 1} {mode}: {child.seconds:.1f} s"
                      + (f" (nlp {info['timings'].get('nlp', 0):.1f} s)" if "timings" in info else " FAILED"),
                      flush=True)
                write_result(result_name(size), result)
        digests = {r["nquads_sha256"] for m in result["modes"].values() for r in m["runs"] if "nquads_sha256" in r}
        result["identical"] = len(digests) == 1
        base = result["modes"].get("dask-1", {}).get("median_s")
        if base:
            result["speedup_vs_dask_1"] = {m: base / e["median_s"] for m, e in result["modes"].items()
                                           if e.get("median_s")}
        write_result(result_name(size), result)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return result


def main(argv: list[str] | None = None) -> int:
    args_list = sys.argv[1:] if argv is None else argv
    if args_list and args_list[0] == "--worker":
        worker(args_list[1], Path(args_list[2]), Path(args_list[3]), Path(args_list[4]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1000, help="synthetic documents (default 1000)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--modes", default=",".join(MODES), help=f"comma-separated, from {', '.join(MODES)}")
    parser.add_argument("--curation", type=Path)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(args_list)
    modes = [m for m in args.modes.split(",") if m]
    result = run(args.size, args.runs, modes, args.curation, args.seed, rerun_command("distributed", args_list))
    print(json.dumps({m: e.get("median_s") for m, e in result["modes"].items()}))
    if not result.get("identical", False):
        print("the modes' datasets differ (or a run failed)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
