"""Build the RDF dataset: curated entities, documents, glossary, mentions, figures.

A generator from stage outputs to quads, yielded in batches so that the store can take
them as they come and the whole dataset is never held in memory. Curated facts go to one named
graph per curation file; everything the build derives from text goes to its own graphs,
each ``prov:wasGeneratedBy`` the run recorded in the provenance graph. The vocabulary
contract is in ``docs/vocabulary.md`` (DESIGN.md §2).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad

from ._version import __version__
from .rdf_common import (
    BATCH,
    DCTERMS,
    PROV,
    RDF,
    RDFS,
    TX,
    XSD,
    BuildInputs,
    GlossaryIndex,
    _n,
    _Quads,
    _term,
    _typed,
    entity_node,
)
from .rdf_curation import _curated_entities, _glossary, _observations, _years, glossary_index, locate_observations
from .rdf_documents import _documents, _mentions, _statistics
from .rdf_extraction import _extraction
from .vocab import BASE, graph_iri

__all__ = ["BuildInputs", "GlossaryIndex", "build_quads", "glossary_index", "iter_quads", "locate_observations"]


def build_quads(inputs: BuildInputs) -> list[Quad]:
    """Every quad of the dataset as a list (small corpora, tests); see :func:`iter_quads`."""
    return [q for batch in iter_quads(inputs) for q in batch]


def iter_quads(inputs: BuildInputs) -> Iterator[list[Quad]]:
    """Every quad of the dataset, ontology excluded (the store stage loads it), in batches."""
    out = _Quads()
    run = _provenance(out, inputs)
    years: set[int] = set()
    _curated_entities(out, inputs.curation, years)
    # The extraction states a triple only if nothing before it did; what it could restate
    # always has a curated entity as subject, so those are the only quads it must see.
    entity_nodes = {entity_node(e) for e in inputs.curation.entities.values()}
    stated: list[Quad] = []

    def hand_on(batch: list[Quad]) -> list[Quad]:
        stated.extend(q for q in batch if q.subject in entity_nodes)
        return batch

    yield hand_on(out.drain())
    for section in (
        _documents(out, inputs, years),
        _glossary(out, inputs),
        _mentions(out, inputs),
        _observations(out, inputs, years),
    ):
        for _ in section:
            yield hand_on(out.drain(BATCH))
        yield hand_on(out.drain())
    yield from _statements(inputs, run, hand_on, stated)
    if inputs.candidates or inputs.facts or inputs.figures:
        extraction = _Quads()
        extraction.quads, stated = stated, []
        seen: set[bytes] = set()

        def first_time(batch: list[Quad]) -> list[Quad]:
            # two rules may state one quad; 16-byte digests keep this exact at scale
            fresh = []
            for quad in batch:
                digest = hashlib.blake2b(str(quad).encode(), digest_size=16).digest()
                if digest not in seen:
                    seen.add(digest)
                    fresh.append(quad)
            return fresh

        for _ in _extraction(extraction, inputs, run, years):
            if batch := extraction.drain(BATCH):
                yield first_time(batch)
        yield first_time(extraction.drain())
        del seen
    _statistics(out, inputs, years)
    yield out.drain()
    _years(out, years)
    derived = ("documents", "glossary", "mentions", "statistics", "years")
    out.graph = _n(graph_iri("provenance"))
    for name in derived:
        out.add(_n(graph_iri(name)), PROV.wasGeneratedBy, run)
    yield out.drain()


def _statements(
    inputs: BuildInputs, run: NamedNode, hand_on: Callable[[list[Quad]], list[Quad]], stated: list[Quad]
) -> Iterator[list[Quad]]:
    """The statement layer (tx_graph.statements), handed on like curated quads so that a
    relation rule does not restate its direct edges; a direct edge curation already
    states (``stated``: the quads about curated entities so far) is not stated again."""
    if not inputs.statements:
        return
    from .statements import statement_quads

    known = {(q.subject, q.predicate, q.object) for q in stated}
    batch: list[Quad] = []
    for quads in statement_quads(inputs.statements, inputs.documents, inputs.curation, run, known):
        batch += quads
        if len(batch) >= BATCH:
            yield hand_on(batch)
            batch = []
    yield hand_on(batch)


def _provenance(out: _Quads, inputs: BuildInputs) -> NamedNode:
    digests: list[tuple[str, str]] = []
    for path in inputs.input_files:
        digests.append(
            (
                path.relative_to(inputs.root).as_posix() if path.is_relative_to(inputs.root) else path.as_posix(),
                hashlib.sha256(path.read_bytes()).hexdigest(),
            )
        )
    inputs_digest = hashlib.sha256("\n".join(f"{p} {h}" for p, h in digests).encode()).hexdigest()[:16]
    # The run IRI depends on the inputs only: rebuilding the same inputs gives the same IRI.
    run = _n(f"{BASE}id/run/{inputs_digest}")
    out.graph = _n(graph_iri("provenance"))
    out.add(run, RDF.type, _term(PROV.Activity))
    out.add(run, RDF.type, _term(TX.BuildRun))
    out.add(run, RDFS.label, Literal(f"tx-graph build {inputs_digest}"))
    # "Z", not "+00:00": Oxigraph stores the canonical form, and the exports must say the same
    started = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    out.add(run, PROV.startedAtTime, _typed(started, XSD.dateTime))
    out.add(run, TX.toolVersion, Literal(f"tx-graph {__version__}"))
    for name, version in inputs.tool_versions:
        out.add(run, TX.modelVersion, Literal(f"{name} {version}"))
    for rel, digest in digests:
        node = _n(f"{BASE}id/input/{rel}")
        out.add(run, PROV.used, node)
        out.add(node, RDF.type, _term(PROV.Entity))
        out.add(node, DCTERMS.identifier, Literal(rel))
        out.add(node, TX.sha256, Literal(digest))
        if rel.startswith("curation/"):
            out.add(_n(graph_iri("curation", Path(rel).stem)), PROV.wasDerivedFrom, node)
    return run
