"""Scale: build time, peak memory and triples for SYNTHETIC corpora of growing size.

For each size, :mod:`bench.synth` writes the documents (seeded, so every run and every
machine gets the same text) into a temporary folder, and a fresh Python process builds
them with ``tx_graph.pipeline.build(Paths.at(root, corpus=…, exports=…))`` in a
throw-away project copy (cold caches). The parent measures wall time and the child's
peak resident memory (``wait4``), samples memory once a second, and kills the child if
it passes ``--max-rss-gb`` so that a size the build cannot handle ends as a reported
failure rather than an exhausted machine.

    .venv/bin/python -m bench.scale --sizes 100,400,1000,2500,10000 --runs 3
"""

from __future__ import annotations

import argparse
import itertools
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .common import (
    CACHE,
    PYTHON,
    code_fingerprint,
    load_average,
    median,
    project_copy,
    read_result,
    rerun_command,
    run_child,
    write_result,
)
from .synth import SEED, generate

QUERY_STORE_MIN_TRIPLES = 1_000_000


def worker(corpus: Path, root: Path, exports: Path) -> None:
    """In the child: build, then print one JSON line with what the build reported."""
    from tx_graph import pipeline
    from tx_graph.config import Paths

    started = time.perf_counter()
    original = pipeline._timed

    def announce(report: Any, name: str, fn: Any) -> Any:
        # stage boundaries on stderr, so the parent can tell where memory or time went
        print(f"stage {name} {time.perf_counter() - started:.2f}", file=sys.stderr, flush=True)
        return original(report, name, fn)

    pipeline._timed = announce
    report = pipeline.build(Paths.at(root, corpus=corpus, exports=exports))
    import resource

    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({
        # CPU seconds of the build and of its NLP worker processes: on a machine shared with
        # other work, what the build cost, whatever the wall time
        "cpu_s": own.ru_utime + own.ru_stime,
        "workers_cpu_s": workers.ru_utime + workers.ru_stime,
        "documents": report.documents,
        "mentions": report.mentions,
        "quads": report.quads,
        "timings": report.timings,
        "self_peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "problems": len(report.problems),
    }))


def _stages(stderr: str) -> list[tuple[str, float]]:
    out = []
    for line in stderr.splitlines():
        if line.startswith("stage "):
            _, name, at = line.split()
            out.append((name, float(at)))
    return out


def _peak_by_stage(stages: list[tuple[str, float]], samples: tuple[tuple[float, float], ...],
                   total: float) -> dict[str, float]:
    bounds = [*stages, ("end", total + 1)]
    peaks: dict[str, float] = {}
    for (name, start), (_, end) in itertools.pairwise(bounds):
        inside = [mb for t, mb in samples if start <= t < end]
        if inside:
            peaks[name] = max(inside)
    return peaks


def run(sizes: list[int], runs: int, curation: Path | None, max_rss_gb: float, seed: int,
        keep_store: bool, command: str) -> dict[str, Any]:
    result: dict[str, Any] = {"seed": seed, "runs": runs, "max_rss_gb": max_rss_gb, "sizes": {}}
    previous = read_result("scale")  # keep sizes measured by an earlier invocation
    if previous:
        result["sizes"].update(previous.get("sizes", {}))
    for size in sizes:
        tmp = Path(tempfile.mkdtemp(prefix=f"tx-synth-{size}-"))
        try:
            t0 = time.perf_counter()
            stats = generate(size, tmp / "corpus", seed=seed, curation=curation)
            generation = time.perf_counter() - t0
            entry: dict[str, Any] = {
                "synthetic_documents": size, "documents": stats.documents, "characters": stats.characters,
                "generate_s": generation, "runs": [], "command": command,
            }
            for i in range(runs):
                with project_copy(curation) as root:
                    exports = root / "exports"
                    load_before = load_average()
                    child = run_child(
                        [PYTHON, "-m", "bench.scale", "--worker", str(tmp / "corpus"), str(root), str(exports)],
                        max_rss_mb=max_rss_gb * 1024,
                    )
                    run_info: dict[str, Any] = {
                        "seconds": child.seconds, "peak_rss_mb": child.peak_rss_mb, "killed": child.killed,
                        "returncode": child.returncode, "load_before": load_before, "code": code_fingerprint(),
                    }
                    stages = _stages(child.stderr)
                    run_info["stage_starts"] = stages
                    run_info["peak_rss_by_stage_mb"] = _peak_by_stage(stages, child.rss_samples, child.seconds)
                    if child.returncode == 0 and not child.killed:
                        run_info.update(json.loads(child.stdout.strip().splitlines()[-1]))
                        if keep_store and i == 0:
                            _keep(size, exports, run_info["quads"])
                    else:
                        run_info["stderr"] = child.stderr[-1500:]
                    entry["runs"].append(run_info)
                    print(f"{size} docs run {i + 1}: {child.seconds:.1f} s, peak {child.peak_rss_mb:,.0f} MB"
                          + (f", {run_info.get('quads', 0):,} quads" if "quads" in run_info else "")
                          + (f" — STOPPED: {child.killed}" if child.killed else ""), flush=True)
                    if child.killed or child.returncode != 0:
                        break  # the same input would fail the same way: do not burn more time
            done = [r for r in entry["runs"] if "quads" in r]
            if done:
                entry["median_s"] = median([r["seconds"] for r in done])
                entry["median_peak_rss_mb"] = median([r["peak_rss_mb"] for r in done])
                entry["quads"] = done[0]["quads"]
                entry["mentions"] = done[0]["mentions"]
            result["sizes"][str(size)] = entry
            write_result("scale", result)  # partial results survive a later failure
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return result


def _keep(size: int, exports: Path, quads: int) -> None:
    """Keep the store (and an N-Quads dump for rdflib) for the query benchmark."""
    target = CACHE / f"synthetic-{size}"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copytree(exports / "store", target / "store")
    trig = exports / "tx_graph.trig"
    if trig.is_file():
        shutil.copy2(trig, target / "tx_graph.trig")
    (target / "INFO.json").write_text(json.dumps({"synthetic_documents": size, "quads": quads}), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    args_list = sys.argv[1:] if argv is None else argv
    if args_list and args_list[0] == "--worker":
        worker(Path(args_list[1]), Path(args_list[2]), Path(args_list[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated numbers of synthetic documents")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--curation", type=Path)
    parser.add_argument("--max-rss-gb", type=float, default=12.0,
                        help="kill a build whose resident memory passes this (default 12 GB)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--no-keep-store", dest="keep", action="store_false",
                        help="do not keep the stores for the query benchmark")
    args = parser.parse_args(args_list)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    result = run(sizes, args.runs, args.curation, args.max_rss_gb, args.seed, args.keep,
                 rerun_command("scale", args_list))
    print(write_result("scale", result))


if __name__ == "__main__":
    main()
