"""Persist the dataset: the on-disk Oxigraph store and the export files.

Stores are generations: each build writes a complete store into a fresh folder under
``exports/store.d/`` and ``exports/store`` is a symbolic link to the current one,
re-pointed in a single atomic rename (:func:`tx_graph.fsio.point_link`). So at every
instant, a kill included, ``exports/store`` is some complete store; the previous
generation is removed only after the link points at the new one. :func:`open_store`
also rolls forward a build commit that a kill interrupted (when no build is running),
and, should ``exports/store`` be missing altogether (a store from before generations
being moved aside), opens the newest complete generation instead.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from .errors import Errors, StoreError
from .fsio import COMMIT, BuildLock, finish_commit, fsync_dir, fsync_tree, kill_point, point_link
from .vocab import PREFIXES, graph_iri

__all__ = [
    "generation",
    "load_ontology",
    "new_generation",
    "open_store",
    "remove_old_generations",
    "turtle_prefixes",
    "write_store",
]


def load_ontology(ontology_dir: Path) -> list[ox.Quad]:
    """The TBox as quads in its own named graph (shapes stay out of the data)."""
    graph = ox.NamedNode(graph_iri("ontology"))
    with (ontology_dir / "tx.ttl").open("rb") as fh:
        return [ox.Quad(t.subject, t.predicate, t.object, graph) for t in ox.parse(fh, ox.RdfFormat.TURTLE)]


def _generations(path: Path) -> Path:
    return path.with_name(path.name + ".d")


def new_generation(quads: Iterable[ox.Quad], path: Path) -> Path:
    """Write a complete store for ``path`` into a new generation folder, on disk, not yet
    current; the caller makes it current with a ``link`` commit step (or :func:`write_store`)."""
    folder = _generations(path)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = f"{time.strftime('%Y%m%dT%H%M%S')}-{time.time_ns() % 10**9:09d}-{os.getpid()}"
    tmp = folder / f"new-{stamp}"
    store = ox.Store(str(tmp))
    store.bulk_extend(quads)
    store.optimize()
    store.flush()
    del store
    fsync_tree(tmp)
    final = folder / stamp
    tmp.rename(final)  # complete: only now does it get a name open_store may fall back to
    fsync_dir(folder)
    kill_point("store.built")
    return final


def generation(path: Path) -> str | None:
    """The current generation's folder name (``None``: no store, or one from before generations)."""
    return Path(os.readlink(path)).name if path.is_symlink() else None


def link_target(path: Path, generation_folder: Path) -> str:
    """What the ``exports/store`` link holds for a generation: a path relative to its folder,
    so the exports folder can be moved or copied whole."""
    return os.path.relpath(generation_folder, path.parent)


def remove_old_generations(path: Path) -> None:
    """Generations other than the current one (and unfinished ones of dead builds)."""
    folder = _generations(path)
    if not folder.is_dir() or not path.is_symlink():
        return
    current = (path.parent / os.readlink(path)).resolve()
    for old in folder.iterdir():
        if old.resolve() == current:
            continue
        if old.name.startswith("new-") and _alive(old.name.rsplit("-", 1)[-1]):
            continue  # another process (not under the build lock: a benchmark) is still writing it
        shutil.rmtree(old, ignore_errors=True)
    legacy = path.with_name(path.name + ".new")  # the single temporary folder of older versions
    if legacy.is_dir():
        shutil.rmtree(legacy, ignore_errors=True)


def _alive(pid: str) -> bool:
    if not pid.isdigit() or int(pid) == os.getpid():
        return pid.isdigit()
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_store(quads: Iterable[ox.Quad], path: Path) -> ox.Store:
    """Write ``quads`` into a new generation and make it the store at ``path``."""
    built = new_generation(quads, path)
    if path.is_dir() and not path.is_symlink():
        # a store from before generations: moved aside first (open_store falls back to it)
        os.replace(path, _generations(path) / f"old-{time.time_ns()}")
    point_link(path, link_target(path, built))
    remove_old_generations(path)
    return ox.Store(str(path))


def _fallback(path: Path) -> Path:
    """``path`` if it is a store, else the newest complete generation (see the module docstring)."""
    if path.is_dir():
        return path
    folder = _generations(path)
    complete = sorted(
        (p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("new-")), key=lambda p: p.stat().st_mtime
    ) if folder.is_dir() else []
    return complete[-1] if complete else path


def open_store(path: Path, *, read_only: bool = True) -> ox.Store:
    if (path.parent / COMMIT).exists():
        # a build was killed while putting its results in place: finish it, unless a
        # build is running now (then it is that build's own commit, under way)
        with contextlib.suppress(OSError):  # a read-only exports folder: open what is there
            lock = BuildLock(path.parent)
            if not BuildLock.held_here(path.parent) and lock.try_enter():
                try:
                    if finish_commit(path.parent):
                        remove_old_generations(path)
                finally:
                    lock.__exit__(None, None, None)
    path = _fallback(path)
    if not path.is_dir() or not any(path.iterdir()):
        raise StoreError(Errors.E202.format(path=path))
    try:
        return ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
    except OSError as exc:
        raise StoreError(f"{Errors.E202.format(path=path)} ({exc})") from exc


def turtle_prefixes() -> dict[str, str]:
    """Prefixes for Turtle/TriG output. The id/graph namespaces are left out: their local
    names contain '/', which Turtle would have to escape (txid:place\\/wuzhen)."""
    return {k: v for k, v in PREFIXES.items() if "-" not in k and k not in ("txid", "txg")}

