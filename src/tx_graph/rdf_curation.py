"""RDF of what curation states: entities, glossary concepts and definitions, indicators
and observations (each in its curation file's named graph), and the years they refer to.
Part of the RDF stage (:mod:`tx_graph.build`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from decimal import Decimal

from pyoxigraph import Literal, NamedNode

from .curation import UNITS
from .errors import CurationError, Errors, Problem
from .gazetteer import headword_key
from .model import Curation, Document, Observation, Span
from .rdf_common import (
    DCTERMS,
    ENTITY_CLASSES,
    FOAF,
    OA,
    PROV,
    QB,
    RDF,
    RDFS,
    SDMX_ATTRIBUTE,
    SDMX_DIMENSION,
    SDMX_MEASURE,
    SDO,
    SKOS,
    TIME,
    TX,
    XSD,
    BuildInputs,
    GlossaryIndex,
    LocatedObservation,
    _decimal_text,
    _int,
    _labels,
    _n,
    _Quads,
    _selector,
    _sentence_index,
    _term,
    _typed,
    _zh,
    entity_node,
    pinyin_label,
    sentence_iri,
)
from .text import slugify
from .vocab import BASE, UNIT, WD, doc_iri, entity_iri, graph_iri, year_iri

KIND_ZH = {"actual": "实际", "target": "目标"}
CONTAINED_TYPES = frozenset(
    {"country", "province", "prefecture-city", "county-city", "district", "town",
     "subdistrict", "village", "community", "park", "landmark"}
)  # fmt: skip
SPATIAL_TYPES = frozenset({"government-body", "policy", "programme"})


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
