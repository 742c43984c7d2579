"""The store on disk: generations behind an atomically re-pointed link, always one there."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest

from tx_graph.cli import main
from tx_graph.config import Paths
from tx_graph.store import generation, open_store, write_store

ROOT = Path(__file__).resolve().parents[1]


def build(paths: Paths, kill_at: str | None = None) -> int:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **({"TX_GRAPH_KILL_AT": kill_at} if kill_at else {})}
    command = [sys.executable, "-m", "tx_graph.cli", "--root", str(paths.root), "build", "--no-explore"]
    return subprocess.run(command, capture_output=True, env=env, timeout=600, check=False).returncode


def count(store: Path) -> int:
    graph = ox.Store.read_only(str(store))
    n = len(graph)
    del graph
    return n


def add_village(paths: Paths, n: int) -> None:
    with (paths.curation / "places.yaml").open("a", encoding="utf-8") as fh:
        fh.write(f"  - id: added-{n}\n    type: village\n    label: 新增{n}村\n    parent: 濮院镇\n")


def test_kill_at_store_swap_leaves_a_store(small_project: Callable[..., Paths], capsys: pytest.CaptureFixture[str]) -> None:
    paths = small_project()
    assert build(paths) == 0
    # just before the swap, just after it, and with the new store complete but not yet swapped
    for n, point in enumerate(("commit.step0", "commit.step1", "store.built"), 1):
        add_village(paths, n)
        assert build(paths, kill_at=point) == -signal.SIGKILL
        assert paths.store.is_symlink() and paths.store.is_dir()  # the path itself, no fallback needed
        assert count(paths.store) > 0
        assert main(["--root", str(paths.root), "query", "SELECT ?t WHERE { ?t a tx:Town }", "-f", "csv"]) == 0
        assert "id/place/puyuan" in capsys.readouterr().out
    # a project built before stores had generations: killed while its store folder is moved aside
    current = paths.store.resolve()
    paths.store.unlink()
    shutil.copytree(current, paths.store)
    add_village(paths, 9)
    assert build(paths, kill_at="commit.legacy") == -signal.SIGKILL
    assert not paths.store.exists()
    graph = open_store(paths.store)  # rolls the interrupted commit forward
    assert len(graph) > 0 and generation(paths.store) is not None
    del graph
    assert build(paths) == 0
    assert len(list((paths.exports / "store.d").iterdir())) == 1


def test_open_store_falls_back_to_the_newest_complete_generation(tmp_path: Path) -> None:
    store = tmp_path / "store"
    quad = ox.Quad(ox.NamedNode("http://x/a"), ox.NamedNode("http://x/p"), ox.Literal("一"), ox.DefaultGraph())
    write_store([quad], store).flush()
    (tmp_path / "store.d" / "new-20990101T000000-1-99999999").mkdir()  # an unfinished one: never opened
    target = store.resolve()
    store.unlink()
    assert len(open_store(store)) == 1
    assert Path(str(target)).is_dir()


def test_write_store_keeps_one_generation_and_replaces_an_old_folder(tmp_path: Path) -> None:
    store = tmp_path / "store"
    quad = ox.Quad(ox.NamedNode("http://x/a"), ox.NamedNode("http://x/p"), ox.Literal("一"), ox.DefaultGraph())
    store.mkdir()
    del_me = ox.Store(str(store))
    del_me.add(quad)
    del_me.flush()
    del del_me
    for n in range(3):
        graph = write_store([quad] * (n + 1), store)
        del graph
    assert store.is_symlink() and not os.path.isabs(os.readlink(store))  # relative: the folder may move
    assert [p.name for p in (tmp_path / "store.d").iterdir()] == [generation(store)]
