"""Persist the dataset: the on-disk Oxigraph store and the export files.

The store is written to a fresh folder and swapped in at the end, so a failed build
never leaves a half-written store where the last good one was.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from .errors import Errors, StoreError
from .vocab import PREFIXES, graph_iri

__all__ = ["EXPORTS", "load_ontology", "open_store", "turtle_prefixes", "write_exports", "write_store"]

EXPORTS = {"trig": ox.RdfFormat.TRIG, "ttl": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD}


def load_ontology(ontology_dir: Path) -> list[ox.Quad]:
    """The TBox as quads in its own named graph (shapes stay out of the data)."""
    graph = ox.NamedNode(graph_iri("ontology"))
    with (ontology_dir / "tx.ttl").open("rb") as fh:
        return [ox.Quad(t.subject, t.predicate, t.object, graph) for t in ox.parse(fh, ox.RdfFormat.TURTLE)]


def write_store(quads: Iterable[ox.Quad], path: Path) -> ox.Store:
    tmp = path.with_name(path.name + ".new")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.parent.mkdir(parents=True, exist_ok=True)
    store = ox.Store(str(tmp))
    store.bulk_extend(quads)
    store.optimize()
    store.flush()
    del store
    if path.exists():
        shutil.rmtree(path)
    tmp.rename(path)
    return ox.Store(str(path))


def open_store(path: Path, *, read_only: bool = True) -> ox.Store:
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


def write_exports(quads: list[ox.Quad], exports: Path, stem: str = "tx_graph") -> dict[str, Path]:
    """``.trig`` all quads with their graphs, ``.ttl`` the union, ``.jsonld`` the dataset."""
    exports.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    prefixes = turtle_prefixes()
    trig = exports / f"{stem}.trig"
    ox.serialize(quads, str(trig), ox.RdfFormat.TRIG, prefixes=prefixes)
    written["trig"] = trig
    union = list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads))
    ttl = exports / f"{stem}.ttl"
    ox.serialize(union, str(ttl), ox.RdfFormat.TURTLE, prefixes=prefixes)
    written["ttl"] = ttl
    jsonld = exports / f"{stem}.jsonld"
    ox.serialize(quads, str(jsonld), ox.RdfFormat.JSON_LD)
    written["jsonld"] = jsonld
    return written
