"""The build as a whole under adversity: killed at many points, run twice at once.

Builds run on a small invented project (tests/conftest.py ``small_project``) so that the
dozen-odd builds these tests make stay within a CI budget. Each build is a real
``tx-graph build`` process, killed with SIGKILL either by itself at a named point
(``TX_GRAPH_KILL_AT``, see :func:`tx_graph.fsio.kill_point`) or by the test after a
seeded random delay.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from tx_graph.cli import main
from tx_graph.config import Paths
from tx_graph.explore.memo import STATE
from tx_graph.export import STAMP
from tx_graph.fsio import BuildLock
from tx_graph.store import generation

ROOT = Path(__file__).resolve().parents[1]
MARK = "标记村"
KILL_POINTS = [
    "build.rdf",  # quads streaming into the new store and the export files
    "store.built",  # the new store generation complete, nothing committed
    "build.commit",  # the pending stamp written, the commit not begun
    "commit.start",  # the commit record written, no step done
    "commit.step0",  # the explorer's state dropped: at the store swap
    "commit.step1",  # just after the store swap, before any export file
    "commit.step4",  # half of the export files in place
    "commit.step8",  # every file and the stamp in place, the commit record not yet removed
    "write:explorer/index.html",  # page generation, before the worker is forked
    "explore.forked",  # page generation, the worker just forked
]
TIMED_KILLS = 5
SEED = 12


def run_build(root: Path, *args: str, log: Path, kill_at: str | None = None, kill_after: float | None = None) -> int:
    """``tx-graph --root ROOT build ARGS`` in its own process; its exit code, -9 if killed."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    if kill_at:
        env["TX_GRAPH_KILL_AT"] = kill_at
    with log.open("a", encoding="utf-8") as out:
        out.write(f"---- build {args} kill_at={kill_at} kill_after={kill_after}\n")
        out.flush()
        command = [sys.executable, "-m", "tx_graph.cli", "--root", str(root), "build", *args]
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
        if kill_after is not None:
            try:
                proc.wait(timeout=kill_after)
            except subprocess.TimeoutExpired:
                proc.kill()
        return proc.wait(timeout=600)


def add_marker(paths: Paths, n: int) -> None:
    """A new curated village: every build after it has something new to write everywhere."""
    with (paths.curation / "places.yaml").open("a", encoding="utf-8") as fh:
        fh.write(f"  - id: marker-{n}\n    type: village\n    label: {MARK}{n}\n    parent: 濮院镇\n")


def markers(text: str) -> set[int]:
    return {int(n) for n in re.findall(rf"{MARK}(\d+)", text)}


def store_markers(store: Path) -> set[int]:
    graph = ox.Store.read_only(str(store))
    rows = graph.query(
        f'SELECT DISTINCT ?l WHERE {{ ?s ?p ?l FILTER(isLiteral(?l) && STRSTARTS(STR(?l), "{MARK}")) }}',
        use_default_graph_as_union=True,
    )
    assert isinstance(rows, ox.QuerySolutions)
    found = {int(str(row["l"].value)[len(MARK) :]) for row in rows}
    del graph
    return found


def check_agree(paths: Paths) -> set[int]:
    """The store, the export files and (if they claim to be complete) the pages are of
    one build; returns the markers that build holds."""
    exports = paths.exports
    stamp = json.loads((exports / STAMP).read_text(encoding="utf-8"))
    assert stamp["store"] == generation(paths.store)
    for name, size, mtime in stamp["files"].values():
        info = (exports / name).stat()
        assert [info.st_size, info.st_mtime_ns] == [size, mtime], name
    found = store_markers(paths.store)
    for name in ("tx_graph.trig", "tx_graph.ttl", "tx_graph-entities.csv"):
        assert markers((exports / name).read_text(encoding="utf-8-sig")) == found, name
    explorer = exports / "explorer"
    if (explorer / STATE).is_file():  # the pages say they are complete: then they are of this graph
        assert markers((explorer / "assets" / "search-index.js").read_text(encoding="utf-8")) == found
    assert not (exports / ".commit.json").exists()
    return found


def query_answers(paths: Paths, capsys) -> int:  # type: ignore[no-untyped-def]
    capsys.readouterr()
    assert main(["--root", str(paths.root), "query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "-f", "csv"]) == 0
    return int(capsys.readouterr().out.split()[-1])


def test_kill_at_many_points_leaves_a_usable_consistent_project(
    small_project: Callable[..., Paths], tmp_path: Path, capsys  # type: ignore[no-untyped-def]
) -> None:
    paths = small_project(villages=60)
    log = tmp_path / "builds.log"
    assert run_build(paths.root, log=log) == 0, log.read_text(encoding="utf-8")
    assert check_agree(paths) == set()
    rng = random.Random(SEED)
    plan: list[tuple[str | None, float | None]] = [(p, None) for p in KILL_POINTS]
    plan += [(None, round(rng.uniform(1.0, 3.0), 2)) for _ in range(TIMED_KILLS)]
    rng.shuffle(plan)
    outcomes = {"old": 0, "new": 0}
    last: set[int] = set()
    for n, (point, delay) in enumerate(plan, 1):
        add_marker(paths, n)
        code = run_build(paths.root, log=log, kill_at=point, kill_after=delay)
        if point is not None:
            assert code == -signal.SIGKILL, (point, log.read_text(encoding="utf-8")[-3000:])
        assert query_answers(paths, capsys) > 0, (point, delay)  # rolls an interrupted commit forward
        found = check_agree(paths)
        # either the previous build's data, all of it, or this build's, all of it
        assert found in (last, set(range(1, n + 1))), (point, delay, found)
        outcomes["new" if n in found else "old"] += 1
        last = found
    assert run_build(paths.root, log=log) == 0, log.read_text(encoding="utf-8")[-3000:]
    assert check_agree(paths) == set(range(1, len(plan) + 1))
    assert (paths.exports / "explorer" / STATE).is_file()
    assert len(list((paths.exports / "store.d").iterdir())) == 1  # killed builds' generations are gone
    # named points both before and after the commit were hit
    assert outcomes["old"] >= 3 and outcomes["new"] >= 3, outcomes


def test_concurrent_builds_do_not_crash(small_project: Callable[..., Paths], tmp_path: Path) -> None:
    paths = small_project()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    command = [sys.executable, "-m", "tx_graph.cli", "--root", str(paths.root), "build"]
    assert subprocess.run(command, capture_output=True, env=env, timeout=600, check=False).returncode == 0
    add_marker(paths, 1)
    with BuildLock(paths.exports):  # held here: both builds must wait, naming this process
        busy = subprocess.run([*command, "--no-wait"], capture_output=True, text=True, env=env, timeout=600)
        assert busy.returncode == 1
        assert f"another build holds {paths.exports / '.build.lock'} (pid {os.getpid()} on" in busy.stderr
        runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)]
        add_marker(paths, 2)
        runs.append(subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env))
        waited = [r.stderr.readline() if r.stderr else "" for r in runs]  # each said whom it waits for
    results = [r.communicate(timeout=600) for r in runs]
    for run, (_out, err) in zip(runs, results, strict=True):
        assert run.returncode == 0, err
        assert "Traceback" not in err
    for line in waited:
        assert f"waiting for the build lock {paths.exports / '.build.lock'}: held by pid {os.getpid()}" in line
    assert check_agree(paths) == {1, 2}


def test_page_workers_die_with_parent(small_project: Callable[..., Paths]) -> None:
    """`tx-graph build | cat` returns after the build is killed while a page worker runs."""
    if (os.cpu_count() or 1) < 2 or sys.platform != "linux":
        import pytest

        pytest.skip("the explorer forks a page worker only on Linux with two cores")
    paths = small_project(villages=60)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "TX_GRAPH_KILL_AT": "explore.forked"}
    command = [sys.executable, "-m", "tx_graph.cli", "--root", str(paths.root), "build"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    out, _ = proc.communicate(timeout=300)  # EOF only once every process holding the pipe is gone
    assert proc.returncode == -signal.SIGKILL, out.decode()
    assert b"wrote" in out and (paths.exports / "explorer").is_dir()
    assert not (paths.exports / "explorer" / STATE).exists()  # pages not claimed complete
    # the worker was killed with its parent, not left to render the pages it had been given
    assert len(list((paths.exports / "explorer").rglob("*.html"))) < 30
