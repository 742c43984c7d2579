"""What the RDF stage's modules share: vocabulary terms, literals, the quad buffer,
selectors and labels, and the inputs the stage reads (:class:`BuildInputs`).

The stage is :mod:`tx_graph.build` (the entry points); the quads of curated things are
made in :mod:`tx_graph.rdf_curation`, of documents and mentions in
:mod:`tx_graph.rdf_documents`, of the extraction in :mod:`tx_graph.rdf_extraction`.
The underscored helpers are for those modules only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad

from . import vocab
from .model import Candidate, Curation, Document, Entity, Fact, Figure, Mention, Observation, Span, Statement
from .vocab import BASE, doc_iri, entity_iri


class _Terms:
    """A vocabulary namespace whose terms are looked up once. rdflib's DefinedNamespace
    checks every attribute access (a few µs), and the RDF stage reads several terms per
    quad: the first read stores the IRI as a plain attribute, later reads are free."""

    def __init__(self, namespace: Any) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> str:
        value = str(getattr(self._namespace, name))
        setattr(self, name, value)
        return value


DCTERMS, FOAF, OA, ORG, PROV, QB, RDF, RDFS = (
    _Terms(ns)
    for ns in (vocab.DCTERMS, vocab.FOAF, vocab.OA, vocab.ORG, vocab.PROV, vocab.QB, vocab.RDF, vocab.RDFS)
)
SDMX_ATTRIBUTE, SDMX_DIMENSION, SDMX_MEASURE, SDO, SKOS, TIME, TX, XSD = (
    _Terms(ns)
    for ns in (vocab.SDMX_ATTRIBUTE, vocab.SDMX_DIMENSION, vocab.SDMX_MEASURE, vocab.SDO, vocab.SKOS,
               vocab.TIME, vocab.TX, vocab.XSD)
)
# NamedNodes of vocabulary terms (predicates, classes, datatypes), made once per process
_TERM_NODES: dict[str, NamedNode] = {}

QUOTE_CONTEXT = 16
# quads handed on at a time: large enough to amortise the hand-over, small enough to stay
# a few megabytes whatever the corpus size
BATCH = 20_000

ENTITY_CLASSES: dict[str, tuple[str, ...]] = {
    "country": (TX.Country, SDO.Country),
    "province": (TX.Province, SDO.AdministrativeArea),
    "prefecture-city": (TX.PrefectureCity, SDO.AdministrativeArea),
    "county-city": (TX.CountyCity, SDO.AdministrativeArea),
    "district": (TX.District, SDO.AdministrativeArea),
    "town": (TX.Town, SDO.AdministrativeArea),
    "subdistrict": (TX.Subdistrict, SDO.AdministrativeArea),
    "village": (TX.Village, SDO.AdministrativeArea),
    "community": (TX.Community, SDO.AdministrativeArea),
    "park": (TX.IndustrialPark, SDO.Place),
    "landmark": (TX.Landmark, SDO.Place),
    "government-body": (ORG.Organization, SDO.GovernmentOrganization),
    "company": (ORG.FormalOrganization, SDO.Corporation),
    "organisation": (ORG.Organization, SDO.Organization),
    "policy": (TX.Policy, PROV.Plan),
    "programme": (TX.Programme, SDO.Project),
    "honour": (TX.Honour,),
    "project": (TX.Project, SDO.Project),
    "event": (SDO.Event,),
    "event-series": (SDO.EventSeries,),
}


def _n(iri: str) -> NamedNode:
    return NamedNode(str(iri))


def _term(iri: str) -> NamedNode:
    node = _TERM_NODES.get(iri)
    if node is None:
        node = _TERM_NODES[iri] = NamedNode(iri)
    return node


def _zh(text: str) -> Literal:
    return Literal(text, language="zh")


def _typed(value: object, datatype: str) -> Literal:
    return Literal(str(value), datatype=_term(datatype))


def _int(value: int) -> Literal:
    # xsd:integer, not nonNegativeInteger: Oxigraph stores derived integer types as
    # xsd:integer, and the store and the export files must agree (shapes check >= 0).
    return _typed(value, XSD.integer)


def pinyin_label(text: str) -> str:
    """Tone-marked pinyin, a label for users without Chinese input.

    >>> pinyin_label("乌镇镇")
    'Wūzhènzhèn'
    """
    from pypinyin import Style, pinyin

    syllables = "".join(s[0] for s in pinyin(text, style=Style.TONE))
    return syllables[:1].upper() + syllables[1:]


def entity_node(entity: Entity) -> NamedNode:
    from .model import ENTITY_TYPES

    return _n(entity_iri(ENTITY_TYPES[entity.type], entity.id))


@dataclass(frozen=True)
class GlossaryIndex:
    """Every glossary headword resolved to a concept id (curated term or auto-minted)."""

    concept_of: dict[tuple[str, int], str]  # (doc id, entry index) → term id
    concepts: dict[str, tuple[str, tuple[str, ...]]]  # term id → (label, headwords as written)
    gazetteer_targets: dict[str, str]  # name → mention target


@dataclass(frozen=True)
class LocatedObservation:
    observation: Observation
    doc_id: str
    span: Span


@dataclass(frozen=True)
class BuildInputs:
    curation: Curation
    documents: tuple[Document, ...]
    mentions: tuple[Mention, ...]
    glossary: GlossaryIndex
    observations: tuple[LocatedObservation, ...]
    input_files: tuple[Path, ...]
    root: Path
    tool_versions: tuple[tuple[str, str], ...] = ()
    # extraction (tx_graph.discover / tx_graph.relations): candidates, facts and figures
    candidates: tuple[Candidate, ...] = ()
    facts: tuple[Fact, ...] = ()
    figures: tuple[Figure, ...] = ()
    # stated facts (tx_graph.facts): curated ones located in their document, then the
    # extracted ones curation does not state
    statements: tuple[Statement, ...] = ()


class _Quads:
    def __init__(self) -> None:
        self.quads: list[Quad] = []
        self.graph: NamedNode | DefaultGraph = DefaultGraph()

    def add(self, s: NamedNode, p: str, o: NamedNode | Literal) -> None:
        self.quads.append(Quad(s, _term(p), o, self.graph))

    def drain(self, at_least: int = 0) -> list[Quad]:
        """The quads added since the last drain, once there are ``at_least`` of them."""
        if len(self.quads) < at_least:
            return []
        out, self.quads = self.quads, []
        return out


def _labels(out: _Quads, node: NamedNode, label: str, aliases: Iterable[str], en: str | None) -> None:
    out.add(node, SKOS.prefLabel, _zh(label))
    out.add(node, RDFS.label, _zh(label))
    for alias in aliases:
        out.add(node, SKOS.altLabel, _zh(alias))
    if en:
        out.add(node, SKOS.prefLabel, Literal(en, language="en"))
        out.add(node, RDFS.label, Literal(en, language="en"))


def _selector(out: _Quads, owner: str, source: NamedNode, span: Span, text: str | None) -> NamedNode:
    """A oa:SpecificResource on ``source`` with a position selector, and a quote selector
    when ``text`` (the document text) is given."""
    target = _n(owner + "/target") if text is not None else _n(owner)
    out.add(target, RDF.type, _term(OA.SpecificResource))
    out.add(target, OA.hasSource, source)
    pos = _n(owner + "/position")
    out.add(target, OA.hasSelector, pos)
    out.add(pos, RDF.type, _term(OA.TextPositionSelector))
    out.add(pos, OA.start, _int(span.start))
    out.add(pos, OA.end, _int(span.end))
    if text is not None:
        quote = _n(owner + "/quote")
        out.add(target, OA.hasSelector, quote)
        out.add(quote, RDF.type, _term(OA.TextQuoteSelector))
        out.add(quote, OA.exact, _zh(text[span.start : span.end]))
        out.add(quote, OA.prefix, _zh(text[max(0, span.start - QUOTE_CONTEXT) : span.start]))
        out.add(quote, OA.suffix, _zh(text[span.end : span.end + QUOTE_CONTEXT]))
    return target


def sentence_iri(doc_id: str, index: int) -> str:
    return f"{doc_iri(doc_id)}/sentence/{index + 1}"


def _target_node(target: str, curation: Curation) -> NamedNode:
    if target.startswith("term:"):
        return _n(entity_iri("term", target[5:]))
    if target.startswith("observation:"):
        return _n(f"{BASE}id/observation/{target[12:]}")
    return entity_node(curation.entities[target])


def _sentence_index(doc: Document, offset: int) -> int | None:
    index = doc.sentence_index(offset)
    return index if index >= 0 else None


def _decimal_text(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def graphed_figure(fig: Figure, curation: Curation) -> bool:
    """An extracted figure becomes an observation when its place and indicator are curated
    and it lies in a sentence (the statistics graph counts the same ones)."""
    return fig.area in curation.entities and fig.indicator in curation.indicators and fig.sentence >= 0
