"""Build the RDF dataset: curated entities, documents, glossary, mentions, figures.

A generator from stage outputs to quads, yielded in batches so that the store can take
them as they come and the whole dataset is never held in memory. Curated facts go to one named
graph per curation file; everything the build derives from text goes to its own graphs,
each ``prov:wasGeneratedBy`` the run recorded in the provenance graph. The vocabulary
contract is in ``docs/vocabulary.md`` (DESIGN.md §2).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad

from . import __version__, vocab
from .curation import UNITS
from .errors import CurationError, Errors, Problem
from .gazetteer import headword_key
from .model import Candidate, Curation, Document, Entity, Fact, Figure, Mention, Observation, Span, Statement
from .text import slugify
from .vocab import BASE, UNIT, WD, doc_iri, entity_iri, graph_iri, year_iri


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

__all__ = ["BuildInputs", "GlossaryIndex", "build_quads", "glossary_index", "iter_quads", "locate_observations"]

QUOTE_CONTEXT = 16
# quads handed on at a time: large enough to amortise the hand-over, small enough to stay
# a few megabytes whatever the corpus size
BATCH = 20_000
KIND_ZH = {"actual": "实际", "target": "目标"}

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
KIND_CLASS = {"work-report": TX.WorkReport, "work-plan": TX.WorkPlan, "news": TX.NewsArticle}
CONTAINED_TYPES = frozenset(
    {"country", "province", "prefecture-city", "county-city", "district", "town",
     "subdistrict", "village", "community", "park", "landmark"}
)  # fmt: skip
SPATIAL_TYPES = frozenset({"government-body", "policy", "programme"})


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


# ---------------------------------------------------------------- glossary


@dataclass(frozen=True)
class GlossaryIndex:
    """Every glossary headword resolved to a concept id (curated term or auto-minted)."""

    concept_of: dict[tuple[str, int], str]  # (doc id, entry index) → term id
    concepts: dict[str, tuple[str, tuple[str, ...]]]  # term id → (label, headwords as written)
    gazetteer_targets: dict[str, str]  # name → mention target


def glossary_index(curation: Curation, documents: Sequence[Document]) -> GlossaryIndex:
    by_key: dict[str, str] = {}
    for term in curation.terms.values():
        for name in (term.label, *term.aliases):
            by_key.setdefault(headword_key(name), term.id)
    concept_of: dict[tuple[str, int], str] = {}
    headwords: dict[str, list[str]] = defaultdict(list)
    labels: dict[str, str] = {t.id: t.label for t in curation.terms.values()}
    for doc in documents:
        for index, entry in enumerate(doc.glossary):
            key = headword_key(entry.headword)
            term_id = by_key.get(key)
            if term_id is None:
                term_id = by_key[key] = slugify(key)
                labels.setdefault(term_id, key)
            concept_of[(doc.id, index)] = term_id
            if entry.headword not in headwords[term_id]:
                headwords[term_id].append(entry.headword)
    targets: dict[str, str] = {}
    for term_id, label in labels.items():
        curated = curation.terms.get(term_id)
        target = (curated.focus if curated and curated.focus else None) or f"term:{term_id}"
        names = [label, *(curated.aliases if curated else ()), *headwords.get(term_id, ())]
        for name in names:
            targets.setdefault(name, target)
            targets.setdefault(name.strip("“”\"'"), target)
    concepts = {tid: (labels[tid], tuple(headwords.get(tid, ()))) for tid in labels}
    return GlossaryIndex(concept_of, concepts, targets)


# ---------------------------------------------------------------- observations


@dataclass(frozen=True)
class LocatedObservation:
    observation: Observation
    doc_id: str
    span: Span


def locate_observations(curation: Curation, documents: Sequence[Document]) -> list[LocatedObservation]:
    """Find each observation's quote in the documents; a quote found nowhere is a
    curation error pointing at the observation's line."""
    located: list[LocatedObservation] = []
    problems: list[Problem] = []
    for obs in curation.observations:
        hits = [(d.id, pos) for d in documents if (pos := d.text.find(obs.quote)) >= 0]
        if not hits:
            problems.append(
                Problem(
                    obs.source.path, obs.source.line, obs.source.column, "E016", Errors.E016.format(value=obs.quote)
                )
            )
            continue
        doc_id, pos = hits[0]
        located.append(LocatedObservation(obs, doc_id, Span(pos, pos + len(obs.quote))))
    if problems:
        raise CurationError(problems)
    return located


# ---------------------------------------------------------------- the dataset


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


def _extraction(out: _Quads, inputs: BuildInputs, run: NamedNode, years: set[int]) -> Iterator[None]:
    """Candidates in graph ``candidates``; facts and figures in one graph per evidence
    sentence and rule (``…/graph/extracted/<doc>/s<n>/<rule>``), each described in the
    provenance graph: generated by the run, derived from the sentence, made by the rule.

    ``out.quads`` holds, on entry, the quads already stated about curated entities (so
    that nothing curated is stated twice); they are read and dropped. The generator
    yields whenever the caller may drain ``out`` (at scale the extraction is millions of
    quads, which must not all sit in memory). The same quad may be added twice (two
    rules, one span): the caller keeps the first."""

    curation = inputs.curation
    docs = {d.id: d for d in inputs.documents}
    by_label = {c.label: c for c in inputs.candidates}
    # a triple curation (or an earlier sentence) already states is not stated again: the
    # first evidence sentence carries it, and curated truth needs no second source
    stated = {(q.subject, q.predicate, q.object) for q in out.quads}
    del out.quads[:]
    # a candidate's occurrences are proposals, not identifications of curated things:
    # oa:tagging keeps them apart from the curated mentions (oa:identifying)
    tagging = _n("http://www.w3.org/ns/oa#tagging")

    def cand_node(cid: str) -> NamedNode:
        return _n(f"{BASE}id/candidate/{cid}")

    def ref(value: str) -> NamedNode | None:
        if value.startswith("candidate:"):
            c = by_label.get(value[len("candidate:") :])
            return cand_node(c.id) if c else None
        if value.startswith("year:"):
            years.add(int(value[5:]))
            return _n(year_iri(int(value[5:])))
        entity = curation.entities.get(value)
        return entity_node(entity) if entity else None

    # candidates: their own graph and type, never mixed with curated truth
    out.graph = _n(graph_iri("candidates"))
    for c in inputs.candidates:
        node = cand_node(c.id)
        out.add(node, RDF.type, _term(TX.Candidate))
        out.add(node, SKOS.prefLabel, _zh(c.label))
        out.add(node, RDFS.label, _zh(c.label))
        for alias in c.aliases:
            out.add(node, SKOS.altLabel, _zh(alias))
        out.add(node, TX.proposedType, _term(ENTITY_CLASSES[c.type][0]))
        out.add(node, TX.score, _typed(c.score, XSD.decimal))
        out.add(node, TX.mentionCount, _int(c.count))
        for rule in c.rules:
            out.add(node, TX.rule, Literal(rule))
        parent = ref(c.parent) if c.parent else None
        if parent is not None:
            out.add(node, DCTERMS.spatial, parent)
        out.add(node, PROV.wasGeneratedBy, run)
        for p in c.mentions:
            doc = docs.get(p.doc_id)
            if doc is None:
                continue
            ann = _n(f"{BASE}id/candidate-mention/{p.doc_id}/{p.span.start}-{p.span.end}")
            out.add(ann, RDF.type, _term(OA.Annotation))
            out.add(ann, OA.motivatedBy, tagging)
            out.add(ann, OA.hasBody, node)
            out.add(ann, TX.rule, Literal(p.rule))
            target = _selector(out, ann.value, _n(doc_iri(doc.id)), p.span, doc.text)
            out.add(ann, OA.hasTarget, target)
            index = doc.sentence_index(p.span.start)
            if index >= 0:
                out.add(target, DCTERMS.isPartOf, _n(sentence_iri(doc.id, index)))
        yield

    graphs: dict[NamedNode, tuple[str, str, int]] = {}

    def sentence_graph(doc_id: str, sentence: int, rule: str) -> NamedNode:
        return _n(graph_iri("extracted", doc_id, f"s{sentence + 1}", rule))

    def state(f: Fact, s: NamedNode, p: str, o: NamedNode | Literal) -> None:
        key = (s, _n(p), o)
        if key in stated:
            return
        stated.add(key)
        out.graph = sentence_graph(f.doc_id, f.sentence, f.rule)
        graphs[out.graph] = (f.rule, f.doc_id, f.sentence)
        out.add(s, p, o)

    for f in inputs.facts:
        subject, obj = ref(f.subject), None
        if subject is None or f.sentence < 0:
            continue
        if f.predicate == "investment":
            amount = _n(f"{BASE}id/amount/{f.doc_id}/{f.span.start}-{f.span.end}")
            state(f, subject, SDO.amount, amount)
            state(f, amount, RDF.type, _term(SDO.MonetaryAmount))
            state(f, amount, SDO.value, _typed(f.value, XSD.decimal))
            state(f, amount, SDO.currency, Literal(f.unit or "CNY"))
            if f.doc_id in docs:
                state(f, amount, RDFS.label, _zh(docs[f.doc_id].text[f.span.start : f.span.end]))
            continue
        obj = ref(f.object)
        if obj is None:
            continue
        if f.predicate == "containedInPlace":
            state(f, subject, SDO.containedInPlace, obj)
            state(f, obj, SDO.containsPlace, subject)
        elif f.predicate == "location":
            state(f, subject, SDO.location, obj)
        elif f.predicate == "developer":
            state(f, subject, TX.developer, obj)
        elif f.predicate == "temporal":
            state(f, subject, DCTERMS.temporal, obj)
        yield

    dataset = _n(f"{BASE}id/dataset/indicators")
    for fig in inputs.figures:
        if fig.area not in curation.entities or fig.indicator not in curation.indicators or fig.sentence < 0:
            continue
        out.graph = sentence_graph(fig.doc_id, fig.sentence, fig.rule)
        graphs[out.graph] = (fig.rule, fig.doc_id, fig.sentence)
        node = _n(f"{BASE}id/observation/extracted/{fig.doc_id}/{fig.span.start}-{fig.span.end}/{fig.indicator}")
        factor, unit = UNITS[fig.unit]
        value = format((Decimal(fig.value) * factor).normalize(), "f")
        years.add(fig.period)
        area = curation.entities[fig.area]
        out.add(node, RDF.type, _term(QB.Observation))
        out.add(node, QB.dataSet, dataset)
        out.add(node, SDMX_DIMENSION.refArea, entity_node(area))
        out.add(node, SDMX_DIMENSION.refPeriod, _n(year_iri(fig.period)))
        out.add(node, SDMX_MEASURE.obsValue, _typed(value, XSD.decimal))
        out.add(node, SDMX_ATTRIBUTE.unitMeasure, _term(str(UNIT[unit])))
        out.add(node, TX.indicator, _n(entity_iri("indicator", fig.indicator)))
        out.add(node, TX.figureKind, _n(TX.actual if fig.kind == "actual" else TX.target))
        out.add(node, TX.statedAs, _zh(f"{fig.value}{fig.unit}"))
        out.add(node, TX.rule, Literal(fig.rule))
        kind = "实际" if fig.kind == "actual" else "目标"
        label = f"{area.label} {fig.indicator_label} {fig.period} {kind} {fig.value}{fig.unit}"
        out.add(node, RDFS.label, _zh(label))
        out.add(node, PROV.wasDerivedFrom, _n(sentence_iri(fig.doc_id, fig.sentence)))
        yield

    out.graph = _n(graph_iri("provenance"))
    out.add(_n(graph_iri("candidates")), PROV.wasGeneratedBy, run)
    for g, (rule, doc_id, sentence) in sorted(graphs.items(), key=lambda x: (x[1][1], x[1][2], x[1][0])):
        out.add(g, PROV.wasGeneratedBy, run)
        out.add(g, PROV.wasDerivedFrom, _n(sentence_iri(doc_id, sentence)))
        out.add(g, TX.rule, Literal(rule))


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


def _labels(out: _Quads, node: NamedNode, label: str, aliases: Iterable[str], en: str | None) -> None:
    out.add(node, SKOS.prefLabel, _zh(label))
    out.add(node, RDFS.label, _zh(label))
    for alias in aliases:
        out.add(node, SKOS.altLabel, _zh(alias))
    if en:
        out.add(node, SKOS.prefLabel, Literal(en, language="en"))
        out.add(node, RDFS.label, Literal(en, language="en"))


def _curated_entities(out: _Quads, curation: Curation, years: set[int]) -> None:
    nodes = {e.id: entity_node(e) for e in curation.entities.values()}
    for e in curation.entities.values():
        out.graph = _n(graph_iri("curation", e.file))
        node = nodes[e.id]
        for cls in ENTITY_CLASSES[e.type]:
            out.add(node, RDF.type, _term(cls))
        _labels(out, node, e.label, e.aliases, e.en)
        out.add(node, SKOS.altLabel, Literal(e.pinyin or pinyin_label(e.label), language="zh-Latn-pinyin"))
        out.add(node, TX.curatedAt, Literal(str(e.source)))
        if e.parent:
            parent = nodes[e.parent]
            if e.type in CONTAINED_TYPES:
                out.add(node, SDO.containedInPlace, parent)
                out.add(parent, SDO.containsPlace, node)
            elif e.type in SPATIAL_TYPES:
                out.add(node, DCTERMS.spatial, parent)
            else:
                out.add(node, SDO.location, parent)
        for company in e.companies:
            if e.type == "park":
                out.add(nodes[company], SDO.location, node)
            else:
                out.add(node, TX.developer, nodes[company])
        for whole in e.part_of:
            if e.type == "event" and curation.entities[whole].type in ("event", "event-series"):
                out.add(node, SDO.superEvent, nodes[whole])
                out.add(nodes[whole], SDO.subEvent, node)
            else:
                out.add(node, DCTERMS.isPartOf, nodes[whole])
                out.add(nodes[whole], DCTERMS.hasPart, node)
        for year in e.years:
            years.add(year)
            out.add(node, DCTERMS.temporal, _n(year_iri(year)))
        if e.wikidata:
            out.add(node, SDO.sameAs, _n(WD[e.wikidata]))
        if e.geo:
            # a point (the seat of a town's government), not a boundary
            point = _n(node.value + "/geo")
            out.add(node, SDO.geo, point)
            out.add(point, RDF.type, _n(SDO.GeoCoordinates))
            # the canonical form (30.532, not 30.5320): what the store keeps, so the
            # exports say the same as the store
            out.add(point, SDO.latitude, _typed(_decimal_text(Decimal(e.geo[0])), XSD.decimal))
            out.add(point, SDO.longitude, _typed(_decimal_text(Decimal(e.geo[1])), XSD.decimal))
            out.add(point, SDO.description, Literal("seat", language="en"))
        if e.notes:
            # curators write notes in either language: no language tag rather than a wrong one
            out.add(node, SKOS.note, Literal(e.notes))


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


def _documents(out: _Quads, inputs: BuildInputs, years: set[int]) -> Iterator[None]:
    from .curation import resolve_name

    out.graph = _n(graph_iri("documents"))
    for doc in inputs.documents:
        node = _n(doc_iri(doc.id))
        out.add(node, RDF.type, _term(FOAF.Document))
        out.add(node, RDF.type, _term(KIND_CLASS[doc.kind]))
        out.add(node, DCTERMS.title, _zh(doc.title))
        out.add(node, RDFS.label, _zh(doc.title))
        out.add(node, DCTERMS.source, Literal(doc.source_path))
        out.add(node, TX.sourceLine, _int(doc.source_line))
        out.add(node, SDO.text, _zh(doc.text))
        if doc.site_tag:
            out.add(node, TX.siteTag, _zh(doc.site_tag))
        if doc.posted:
            out.add(node, TX.postedOn, _typed(doc.posted.isoformat(), XSD.date))
        if doc.issued:
            out.add(node, DCTERMS.issued, _typed(doc.issued.isoformat(), XSD.date))
        if doc.year:
            years.add(doc.year)
            out.add(node, DCTERMS.temporal, _n(year_iri(doc.year)))
        if doc.publisher:
            publisher = resolve_name(doc.publisher, inputs.curation)
            out.add(node, DCTERMS.publisher, entity_node(publisher) if publisher else _zh(doc.publisher))
        if doc.speaker:
            out.add(node, TX.speaker, _zh(doc.speaker))
        if doc.occasion:
            occasion = resolve_name(doc.occasion, inputs.curation)
            out.add(node, TX.occasion, entity_node(occasion) if occasion else _zh(doc.occasion))
        for key, value in doc.metadata:
            if key == "索引号":
                out.add(node, DCTERMS.identifier, Literal(value))
        section_nodes: list[tuple[Span, NamedNode]] = []
        for section in doc.sections:
            sec = _n(f"{doc_iri(doc.id)}/section/{section.path}")
            _selector(out, sec.value, node, section.span, None)
            out.add(sec, RDF.type, _term(TX.Section))
            out.add(sec, TX.sectionNumber, _zh(section.number or section.heading))
            out.add(sec, DCTERMS.title, _zh(section.heading))
            parent_path = section.path.rpartition(".")[0]
            out.add(sec, DCTERMS.isPartOf, _n(f"{doc_iri(doc.id)}/section/{parent_path}") if parent_path else node)
            section_nodes.append((section.span, sec))
        for index, span in enumerate(doc.sentences):
            sent = _n(sentence_iri(doc.id, index))
            _selector(out, sent.value, node, span, None)
            out.add(sent, RDF.type, _term(TX.Sentence))
            out.add(sent, RDF.value, _zh(doc.text[span.start : span.end]))
            out.add(sent, DCTERMS.isPartOf, _innermost(section_nodes, span) or node)
        yield


def _innermost(sections: list[tuple[Span, NamedNode]], span: Span) -> NamedNode | None:
    best: tuple[int, NamedNode] | None = None
    for sec_span, node in sections:
        if sec_span.start <= span.start and span.end <= sec_span.end:
            size = sec_span.end - sec_span.start
            if best is None or size < best[0]:
                best = (size, node)
    return best[1] if best else None


def _target_node(target: str, curation: Curation) -> NamedNode:
    if target.startswith("term:"):
        return _n(entity_iri("term", target[5:]))
    if target.startswith("observation:"):
        return _n(f"{BASE}id/observation/{target[12:]}")
    return entity_node(curation.entities[target])


def _glossary(out: _Quads, inputs: BuildInputs) -> Iterator[None]:
    curation = inputs.curation
    scheme = _n(f"{BASE}id/scheme/glossary")
    out.graph = _n(graph_iri("glossary"))
    out.add(scheme, RDF.type, _term(SKOS.ConceptScheme))
    _labels(out, scheme, "名词解释", (), "Glossary of terms defined in the documents")
    for term_id, (label, headwords) in inputs.glossary.concepts.items():
        term = curation.terms.get(term_id)
        node = _n(entity_iri("term", term_id))
        out.graph = _n(graph_iri("curation", term.file)) if term else _n(graph_iri("glossary"))
        out.add(node, RDF.type, _term(SKOS.Concept))
        out.add(node, SKOS.inScheme, scheme)
        aliases = list(term.aliases) if term else []
        aliases += [h for h in headwords if h != label and h not in aliases]
        _labels(out, node, label, aliases, term.en if term else None)
        if term and term.focus:
            out.add(node, FOAF.focus, entity_node(curation.entities[term.focus]))
        if term:
            out.add(node, TX.curatedAt, Literal(str(term.source)))
    out.graph = _n(graph_iri("glossary"))
    for doc in inputs.documents:
        doc_node = _n(doc_iri(doc.id))
        definitions: dict[int, NamedNode] = {}
        for index, entry in enumerate(doc.glossary):
            term_id = inputs.glossary.concept_of[(doc.id, index)]
            definition = _n(f"{BASE}id/definition/{doc.id}/{index + 1}")
            definitions[index] = definition
            concept = _n(entity_iri("term", term_id))
            out.add(concept, SKOS.definition, definition)
            out.add(definition, RDF.type, _term(TX.Definition))
            out.add(definition, RDF.value, _zh(entry.definition))
            out.add(definition, DCTERMS.source, doc_node)
            out.add(definition, TX.headword, _zh(entry.headword))
            if entry.number is not None:
                out.add(definition, TX.glossaryNumber, _int(entry.number))
            if doc.year:
                out.add(definition, DCTERMS.temporal, _n(year_iri(doc.year)))
            _selector(out, definition.value + "/evidence", doc_node, entry.definition_span, doc.text)
            out.add(definition, PROV.wasDerivedFrom, _n(definition.value + "/evidence/target"))
        for ref in doc.footnotes:
            note = _n(f"{doc_iri(doc.id)}/footnote/{ref.number}")
            out.add(note, RDF.type, _term(TX.Footnote))
            out.add(note, RDF.type, _term(OA.Annotation))
            out.add(note, OA.motivatedBy, _term(OA.linking))
            out.add(note, TX.footnoteNumber, _int(ref.number))
            if ref.entry_index is not None:
                out.add(note, OA.hasBody, definitions[ref.entry_index])
            target = _selector(out, note.value, doc_node, ref.anchor or ref.span, doc.text)
            out.add(note, OA.hasTarget, target)
        yield


def _mentions(out: _Quads, inputs: BuildInputs) -> Iterator[None]:
    out.graph = _n(graph_iri("mentions"))
    docs = {d.id: d for d in inputs.documents}
    for m in inputs.mentions:
        doc = docs[m.doc_id]
        ann = _n(f"{BASE}id/mention/{m.doc_id}/{m.span.start}-{m.span.end}")
        out.add(ann, RDF.type, _term(OA.Annotation))
        out.add(ann, OA.motivatedBy, _term(OA.identifying))
        out.add(ann, OA.hasBody, _target_node(m.target, inputs.curation))
        out.add(ann, TX.rule, Literal(m.rule))
        target = _selector(out, ann.value, _n(doc_iri(doc.id)), m.span, doc.text)
        out.add(ann, OA.hasTarget, target)
        sentence = _sentence_index(doc, m.span.start)
        if sentence is not None:
            out.add(target, DCTERMS.isPartOf, _n(sentence_iri(doc.id, sentence)))
        yield


def _statistics(out: _Quads, inputs: BuildInputs, years: set[int]) -> None:
    """Counts the whole-graph reports need, precomputed in graph ``statistics`` so that a
    report reads one triple per entity or document instead of counting every mention
    (docs/vocabulary.md): per mentioned entity (or glossary concept) its identifying
    mentions, the documents they are in and one ``tx:mentionedIn`` per such document; per
    document its identifying mentions, sentences and glossary definitions; per mentioned
    entity the years (``tx:mentionedInYear``) of the documents it is mentioned in."""
    out.graph = _n(graph_iri("statistics"))
    mentions: dict[str, set[tuple[str, int, int]]] = defaultdict(set)
    in_docs: dict[str, set[str]] = defaultdict(set)
    per_doc: dict[str, set[tuple[int, int]]] = defaultdict(set)
    for m in inputs.mentions:
        body = _target_node(m.target, inputs.curation).value
        # an annotation is one per span (…/mention/<doc>/<start>-<end>), as SPARQL counts them
        mentions[body].add((m.doc_id, m.span.start, m.span.end))
        in_docs[body].add(m.doc_id)
        per_doc[m.doc_id].add((m.span.start, m.span.end))
    doc_year = {d.id: d.year for d in inputs.documents if d.year}
    for body in sorted(mentions):
        node = _n(body)
        out.add(node, TX.mentionCount, _int(len(mentions[body])))
        out.add(node, TX.documentCount, _int(len(in_docs[body])))
        for doc_id in sorted(in_docs[body]):
            out.add(node, TX.mentionedIn, _n(doc_iri(doc_id)))
        for year in sorted({doc_year[d] for d in in_docs[body] if d in doc_year}):
            years.add(year)
            out.add(node, TX.mentionedInYear, _n(year_iri(year)))
    for doc in inputs.documents:
        node = _n(doc_iri(doc.id))
        out.add(node, TX.mentionCount, _int(len(per_doc.get(doc.id, ()))))
        out.add(node, TX.sentenceCount, _int(len(doc.sentences)))
        out.add(node, TX.definitionCount, _int(len(doc.glossary)))


def _sentence_index(doc: Document, offset: int) -> int | None:
    index = doc.sentence_index(offset)
    return index if index >= 0 else None


def observation_id(obs: Observation, seen: dict[str, int]) -> str:
    base = f"{obs.area}-{obs.indicator}-{obs.period}-{obs.kind}"
    seen[base] = seen.get(base, 0) + 1
    return base if seen[base] == 1 else f"{base}-{seen[base]}"


def _observations(out: _Quads, inputs: BuildInputs, years: set[int]) -> Iterator[None]:
    curation = inputs.curation
    docs = {d.id: d for d in inputs.documents}
    dataset = _n(f"{BASE}id/dataset/indicators")
    scheme = _n(f"{BASE}id/scheme/indicators")
    if curation.indicators or inputs.observations:
        out.graph = _n(
            graph_iri(
                "curation", next(iter(curation.indicators.values())).file if curation.indicators else "observations"
            )
        )
        out.add(dataset, RDF.type, _term(QB.DataSet))
        _labels(out, dataset, "指标", (), "Indicators and targets stated in the documents")
        out.add(scheme, RDF.type, _term(SKOS.ConceptScheme))
        _labels(out, scheme, "指标", (), "Indicators")
    for ind in curation.indicators.values():
        out.graph = _n(graph_iri("curation", ind.file))
        node = _n(entity_iri("indicator", ind.id))
        out.add(node, RDF.type, _term(TX.Indicator))
        out.add(node, RDF.type, _term(SKOS.Concept))
        out.add(node, SKOS.inScheme, scheme)
        _labels(out, node, ind.label, (), ind.en)
    seen: dict[str, int] = {}
    for located in inputs.observations:
        obs = located.observation
        out.graph = _n(graph_iri("curation", obs.file))
        oid = observation_id(obs, seen)
        node = _n(f"{BASE}id/observation/{oid}")
        factor, unit = UNITS[obs.unit]
        value = Decimal(obs.value) * factor
        area = curation.entities[obs.area]
        indicator = curation.indicators[obs.indicator]
        years.add(obs.period)
        out.add(node, RDF.type, _term(QB.Observation))
        out.add(node, QB.dataSet, dataset)
        out.add(node, SDMX_DIMENSION.refArea, entity_node(area))
        out.add(node, SDMX_DIMENSION.refPeriod, _n(year_iri(obs.period)))
        out.add(node, SDMX_MEASURE.obsValue, _typed(_decimal_text(value), XSD.decimal))
        out.add(node, SDMX_ATTRIBUTE.unitMeasure, _term(str(UNIT[unit])))
        out.add(node, TX.indicator, _n(entity_iri("indicator", obs.indicator)))
        out.add(node, TX.figureKind, _n(TX.actual if obs.kind == "actual" else TX.target))
        out.add(node, TX.statedAs, _zh(f"{obs.value}{obs.unit}"))
        out.add(
            node,
            RDFS.label,
            _zh(f"{area.label} {indicator.label} {obs.period} {KIND_ZH[obs.kind]} {obs.value}{obs.unit}"),
        )
        out.add(node, TX.curatedAt, Literal(str(obs.source)))
        if obs.note:
            out.add(node, SKOS.note, Literal(obs.note))
        # the evidence: an annotation on the quoted words, in the derived mentions graph
        doc = docs[located.doc_id]
        ann = _n(f"{BASE}id/evidence/{oid}")
        out.add(node, PROV.wasDerivedFrom, ann)
        out.graph = _n(graph_iri("mentions"))
        out.add(ann, RDF.type, _term(OA.Annotation))
        out.add(ann, OA.motivatedBy, _term(OA.describing))
        out.add(ann, OA.hasBody, node)
        target = _selector(out, ann.value, _n(doc_iri(doc.id)), located.span, doc.text)
        out.add(ann, OA.hasTarget, target)
        sentence = _sentence_index(doc, located.span.start)
        if sentence is not None:
            out.add(target, DCTERMS.isPartOf, _n(sentence_iri(doc.id, sentence)))
        yield


def _decimal_text(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def _years(out: _Quads, years: set[int]) -> None:
    out.graph = _n(graph_iri("years"))
    for year in sorted(years):
        node = _n(year_iri(year))
        out.add(node, RDF.type, _term(TIME.DateTimeInterval))
        out.add(node, RDFS.label, Literal(str(year)))
        out.add(node, SKOS.prefLabel, _zh(f"{year}年"))
        for edge, day in ((TIME.hasBeginning, f"{year}-01-01"), (TIME.hasEnd, f"{year}-12-31")):
            instant = _n(f"{year_iri(year)}/{'start' if edge == TIME.hasBeginning else 'end'}")
            out.add(node, edge, instant)
            out.add(instant, RDF.type, _term(TIME.Instant))
            out.add(instant, TIME.inXSDDate, _typed(day, XSD.date))
