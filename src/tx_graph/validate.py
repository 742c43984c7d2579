"""SHACL validation of the built graph with pySHACL.

Like ``pyshacl.validate`` it always returns ``(conforms, report_graph, report_text)``;
the CLI maps that to exit 0 (conforms) / 1 (does not) / 2 (crash).
"""

from __future__ import annotations

from pathlib import Path

import rdflib

from .store import open_store

__all__ = ["store_to_rdflib", "validate_graph", "validate_store"]


def store_to_rdflib(store_path: Path) -> rdflib.Graph:
    """The union of every named graph, as an rdflib graph (SHACL needs rdflib)."""
    import pyoxigraph as ox

    store = open_store(store_path)
    data = store.dump(format=ox.RdfFormat.N_QUADS)
    dataset = rdflib.Dataset()
    dataset.parse(data=data, format="nquads")
    union = rdflib.Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def validate_graph(data: rdflib.Graph, shapes_path: Path) -> tuple[bool, rdflib.Graph, str]:
    from pyshacl import validate

    shapes = rdflib.Graph().parse(shapes_path, format="turtle")
    conforms, report_graph, report_text = validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    return bool(conforms), report_graph, str(report_text)


def validate_store(store_path: Path, ontology_dir: Path) -> tuple[bool, rdflib.Graph, str]:
    return validate_graph(store_to_rdflib(store_path), ontology_dir / "shapes.ttl")
