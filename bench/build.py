"""End-to-end build of the bundled corpus, and rebuilds after one curation edit.

Every number is the wall time of the real command (``tx-graph build``, a fresh Python
process: interpreter start and imports included) in a throw-away copy of the project
(see :func:`bench.common.project_copy`), so caches start cold where the text says cold.

    .venv/bin/python -m bench.build --runs 3
"""

from __future__ import annotations

import argparse
import importlib.util
import re
from pathlib import Path
from typing import Any

from .common import (
    code_fingerprint,
    load_average,
    median,
    project_copy,
    rerun_command,
    run_child,
    tx_graph_cmd,
    write_result,
)

_EDIT_N = 0


def _build(root: Path, *extra: str) -> tuple[float, dict[str, float]]:
    """Wall seconds and the stage timings; the child's CPU seconds go to ``_CPU``."""
    run = run_child(tx_graph_cmd("--root", str(root), "build", *extra), cwd=root)
    if run.returncode != 0:
        raise RuntimeError(f"build failed ({run.returncode}): {run.stderr[-2000:]}")
    timings: dict[str, float] = {}
    for line in run.stdout.splitlines():
        if line.startswith("timings:"):
            for part in line.removeprefix("timings:").split(","):
                name, _, value = part.strip().rpartition(" ")
                if value.endswith("s"):
                    timings[name] = float(value[:-1])
    _CPU.append(run.cpu_seconds)
    return run.seconds, timings


_CPU: list[float] = []


def add_landmark(curation: Path) -> str:
    """A name edit: a new landmark (new gazetteer name, so every document is re-matched)."""
    global _EDIT_N
    _EDIT_N += 1
    n = _EDIT_N
    digits = "零一二三四五六七八九"
    label = "基准测试" + "".join(digits[int(d)] for d in str(n)) + "号地标"
    with (curation / "places.yaml").open("a", encoding="utf-8") as fh:
        fh.write(f"\n  - id: bench-landmark-{n}\n    type: landmark\n    label: {label}\n    parent: 桐乡市\n")
    return f"added landmark {label} to places.yaml"


def change_english_label(curation: Path) -> str:
    """A non-name edit: one entity's English label (no gazetteer name changes)."""
    global _EDIT_N
    _EDIT_N += 1
    path = curation / "places.yaml"
    text = path.read_text(encoding="utf-8")
    new, count = re.subn(r"(?m)^(\s+en: )(.*)$", lambda m: f"{m.group(1)}{m.group(2)} (bench {_EDIT_N})", text,
                         count=1)
    if not count:
        raise RuntimeError("no `en:` line in places.yaml to edit")
    path.write_text(new, encoding="utf-8")
    return "changed the first en: label in places.yaml"


def run(runs: int, curation: Path | None) -> dict[str, Any]:
    explore = importlib.util.find_spec("tx_graph.explore") is not None
    result: dict[str, Any] = {"runs": runs, "curation": str(curation or "curation/"), "cases": {},
                              "code": code_fingerprint(), "load_before": load_average()}
    variants: list[tuple[str, tuple[str, ...]]] = [("build --no-explore (cold)", ("--no-explore",))]
    if explore:
        variants.append(("build, with explorer pages (cold)", ()))
    for name, extra in variants:
        times, cpu, stages = [], [], []
        for _ in range(runs):
            with project_copy(curation) as root:
                seconds, timings = _build(root, *extra)
            times.append(seconds)
            cpu.append(_CPU[-1])
            stages.append(timings)
        result["cases"][name] = {"seconds": times, "median": median(times), "cpu_seconds": cpu,
                                 "cpu_median": median(cpu), "stages": stages[len(stages) // 2]}
    for name, edit in (("rebuild after a name edit (new landmark)", add_landmark),
                       ("rebuild after a non-name edit (en label)", change_english_label),
                       ("rebuild with no change", None)):
        for extra_name, extra in variants:
            times, cpu, stages = [], [], []
            with project_copy(curation) as root:
                _build(root, *extra)  # the previous build the edit is made against
                what = "nothing changed"
                for _ in range(runs):
                    if edit is not None:
                        what = edit(root / "curation")
                    seconds, timings = _build(root, *extra)
                    times.append(seconds)
                    cpu.append(_CPU[-1])
                    stages.append(timings)
            label = f"{name}: {extra_name.split(' (')[0]}"
            result["cases"][label] = {"seconds": times, "median": median(times), "edit": what,
                                      "cpu_seconds": cpu, "cpu_median": median(cpu),
                                      "stages": stages[len(stages) // 2]}
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--curation", type=Path, help="curation folder to copy (default: the project's)")
    args = parser.parse_args(argv)
    result = run(args.runs, args.curation)
    result["command"] = rerun_command("build", argv)
    print(write_result("build", result))
    for name, case in result["cases"].items():
        print(f"{name}: median {case['median']:.2f} s of {case['seconds']}")


if __name__ == "__main__":
    main()
