"""Run the benchmarks (``make bench``) and write bench/results/*.json.

Each benchmark runs in its own Python process (memory, CPU pinning and imports stay
separate), one after another so they do not compete for the machine's cores:

=========  ==============================================================  ============
step       what                                                            typical time
=========  ==============================================================  ============
build      ``tx-graph build`` of the bundled corpus, cold; rebuilds after   ~2 min
           one curation edit (:mod:`bench.build`)
extract    characters/second: jieba, Aho-Corasick, tx-graph's extraction   ~3 min
           (:mod:`bench.extract`)
scale      SYNTHETIC corpora of 1,000 and 10,000 documents: build time,    30-60 min
           peak memory, triples (:mod:`bench.scale`)
query      saved queries: embedded Oxigraph vs HTTP endpoint vs rdflib,    ~30 min
           at corpus size and ≥ 1M triples (:mod:`bench.query`)
serialise  per-quad cost of making, loading and writing the RDF: the quads    ~2 min
           in hand against ``Store.dump`` (:mod:`bench.serialise`)
explorer   the explorer pages (:mod:`bench.explorer`, when present)        varies
=========  ==============================================================  ============

Then :mod:`bench.report` rewrites the generated tables in docs/benchmarks.md.

    .venv/bin/python -m bench.run                       # everything
    .venv/bin/python -m bench.run --steps build,extract # some steps
    .venv/bin/python -m bench.run --quick               # 400 and 1,000 documents only, fewer runs
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .common import PYTHON, ROOT, machine, write_result

STEPS = ("build", "extract", "scale", "query", "serialise", "explorer", "distributed")


def _step_args(step: str, quick: bool, curation: str | None) -> list[str]:
    cur = ["--curation", curation] if curation else []
    if step == "build":
        return ["--runs", "3", *cur]
    if step == "extract":
        return ["--runs", "3" if quick else "5", *cur]
    if step == "scale":
        return ["--sizes", "400,1000" if quick else "100,400,1000,2500,10000", "--runs", "3", *cur]
    if step == "serialise":
        return ["--docs", "100", "--runs", "3"]
    if step == "distributed":
        return ["--size", "400" if quick else "1000", "--runs", "1" if quick else "3", *cur]
    if step == "query":
        return (["--runs", "3", "--rdflib-runs", "3", "--rdflib-timeout", "20"] if quick
                else ["--runs", "5", "--rdflib-runs", "3", "--rdflib-timeout", "120"]) + cur
    return []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", default=",".join(STEPS), help=f"comma-separated, from {', '.join(STEPS)}")
    parser.add_argument("--quick", action="store_true", help="smaller scale run and fewer repetitions")
    parser.add_argument("--curation", help="curation folder to benchmark with (default: the project's)")
    parser.add_argument("--no-snapshot", dest="snapshot", action="store_false",
                        help="run the live src/ instead of a copy taken at the start")
    args = parser.parse_args(argv)
    steps = [s.strip() for s in args.steps.split(",") if s.strip()]
    unknown = sorted(set(steps) - set(STEPS))
    if unknown:
        parser.error(f"unknown step(s) {', '.join(unknown)} (valid: {', '.join(STEPS)})")
    write_result("machine", machine())
    env = dict(os.environ)
    snapshot = None
    if args.snapshot:
        # one consistent code state for the whole (long) run, whatever is edited meanwhile
        snapshot = Path(tempfile.mkdtemp(prefix="tx-bench-src-"))
        shutil.copytree(ROOT / "src" / "tx_graph", snapshot / "tx_graph")
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(snapshot), env.get("PYTHONPATH")]))
        print(f"== measuring a copy of src/tx_graph in {snapshot}", flush=True)
    failed = []
    for step in steps:
        if importlib.util.find_spec(f"bench.{step}") is None:
            print(f"== {step}: bench/{step}.py is absent, skipped", flush=True)
            continue
        cmd = [PYTHON, "-m", f"bench.{step}", *_step_args(step, args.quick, args.curation)]
        print(f"== {step}: {' '.join(cmd[1:])}", flush=True)
        started = time.perf_counter()
        code = subprocess.call(cmd, cwd=ROOT, env=env)
        print(f"== {step}: exit {code} after {time.perf_counter() - started:.0f} s", flush=True)
        if code:
            failed.append(step)
    subprocess.call([PYTHON, "-m", "bench.report"], cwd=ROOT)
    if snapshot is not None:
        shutil.rmtree(snapshot, ignore_errors=True)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
