"""Atomic writes, the build lock and workers that die with their parent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tx_graph.fsio import BuildLock, atomic_write, commit, finish_commit

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "places.yaml"
    atomic_write(path, "entities: []\n")
    os.chmod(path, 0o640)

    class Boom(Exception):
        pass

    with pytest.raises(Boom):
        from tx_graph.fsio import atomic_open

        with atomic_open(path) as fh:
            fh.write(b"entit")
            raise Boom
    assert path.read_text(encoding="utf-8") == "entities: []\n"
    atomic_write(path, "entities:\n")
    assert (path.stat().st_mode & 0o777) == 0o640  # a curator's file keeps its mode
    assert [p.name for p in tmp_path.iterdir()] == ["places.yaml"]


def test_a_second_holder_is_told_who_holds_the_lock(tmp_path: Path) -> None:
    with BuildLock(tmp_path), BuildLock(tmp_path):  # re-entrant in one process
        code = (
            "import sys, pathlib; from tx_graph.fsio import BuildLock\n"
            "try:\n    BuildLock(pathlib.Path(sys.argv[1]), wait=False).__enter__()\n"
            "except Exception as e:\n    print(e)\n"
        )
        out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, env=ENV)
        assert f"(pid {os.getpid()} on " in out.stdout and "not waiting (--no-wait)" in out.stdout
    with BuildLock(tmp_path, wait=False):  # released: free again
        pass



def test_a_lock_left_by_a_dead_build_is_taken_over(tmp_path: Path) -> None:
    # a build killed while holding the lock: its record is still in the file
    subprocess.run(
        [sys.executable, "-c", "import os, sys, pathlib, signal; from tx_graph.fsio import BuildLock\n"
         "BuildLock(pathlib.Path(sys.argv[1])).__enter__(); os.kill(os.getpid(), signal.SIGKILL)", str(tmp_path)],
        env=ENV, check=False,
    )
    assert json.loads((tmp_path / ".build.lock").read_text(encoding="utf-8"))["pid"] != os.getpid()
    with BuildLock(tmp_path, wait=False) as lock:
        assert json.loads(lock.path.read_text(encoding="utf-8"))["pid"] == os.getpid()


def test_an_interrupted_commit_is_rolled_forward(tmp_path: Path) -> None:
    (tmp_path / "a.new").write_text("new a", encoding="utf-8")
    (tmp_path / "b.new").write_text("new b", encoding="utf-8")
    (tmp_path / "a").write_text("old a", encoding="utf-8")
    (tmp_path / "b").write_text("old b", encoding="utf-8")
    steps = [["replace", "a.new", "a"], ["replace", "b.new", "b"]]
    code = "import sys, json, pathlib; from tx_graph.fsio import commit\ncommit(pathlib.Path(sys.argv[1]), json.loads(sys.argv[2]))"
    run = subprocess.run([sys.executable, "-c", code, str(tmp_path), json.dumps(steps)],
                         env={**ENV, "TX_GRAPH_KILL_AT": "commit.step0"}, check=False)
    assert run.returncode == -9
    assert (tmp_path / "a").read_text(encoding="utf-8") == "new a"
    assert (tmp_path / "b").read_text(encoding="utf-8") == "old b"
    assert finish_commit(tmp_path) and not finish_commit(tmp_path)
    assert (tmp_path / "b").read_text(encoding="utf-8") == "new b"
    commit(tmp_path, [["unlink", "a"]])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b"]


def test_nlp_workers_die_with_parent() -> None:
    """The NLP pool's workers (tx_graph.cache) hold the build's stdout: they must not
    outlive a killed build, or `tx-graph build | cat` never returns."""
    code = (
        "import os, signal, threading, time\n"
        "from tx_graph import cache\n"
        "threading.Timer(1.0, lambda: os.kill(os.getpid(), signal.SIGKILL)).start()\n"
        "from tx_graph.ingest import ingest_text\n"
        "docs = [ingest_text(f'标题\\n正文{i}', f'd{i}.txt') for i in range(4)]\n"
        "list(cache._analyse_many(None, docs, lambda nlp, doc: time.sleep(300), 2))\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, env=ENV)
    out, _ = proc.communicate(timeout=120)  # returns once no process holds the pipe
    assert proc.returncode == -9 and out == b""
