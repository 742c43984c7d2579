"""RDF of the documents (metadata, sections, sentences), the curated names' mentions in
them, and the counts the reports read (graph ``statistics``). Part of the RDF stage
(:mod:`tx_graph.build`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from pyoxigraph import Literal, NamedNode

from .model import Span
from .rdf_common import (
    DCTERMS,
    FOAF,
    OA,
    RDF,
    RDFS,
    SDO,
    TX,
    XSD,
    BuildInputs,
    _int,
    _n,
    _Quads,
    _selector,
    _sentence_index,
    _target_node,
    _term,
    _typed,
    _zh,
    entity_node,
    graphed_figure,
    sentence_iri,
)
from .vocab import BASE, doc_iri, entity_iri, graph_iri, year_iri

KIND_CLASS = {"work-report": TX.WorkReport, "work-plan": TX.WorkPlan, "news": TX.NewsArticle}


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
    entity the years (``tx:mentionedInYear``) of the documents it is mentioned in; per
    indicator the places it has figures of both kinds for (``tx:targetAndActualIn``: the
    plan-against-actual report starts from these few pairs instead of grouping every
    observation)."""
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
    for indicator, area in _target_and_actual_pairs(inputs):
        out.add(_n(indicator), TX.targetAndActualIn, _n(area))
    for doc in inputs.documents:
        node = _n(doc_iri(doc.id))
        out.add(node, TX.mentionCount, _int(len(per_doc.get(doc.id, ()))))
        out.add(node, TX.sentenceCount, _int(len(doc.sentences)))
        out.add(node, TX.definitionCount, _int(len(doc.glossary)))


def _target_and_actual_pairs(inputs: BuildInputs) -> list[tuple[str, str]]:
    """(indicator IRI, place IRI) of every indicator with both a target and an actual
    figure for that place, among the observations the graph states (curated, and extracted
    ones that become observations)."""
    kinds: dict[tuple[str, str], set[str]] = defaultdict(set)
    curation = inputs.curation
    stated = [(o.observation.indicator, o.observation.area, o.observation.kind) for o in inputs.observations]
    stated += [(f.indicator, f.area, f.kind) for f in inputs.figures if graphed_figure(f, curation)]
    for indicator, area, kind in stated:
        place = entity_node(curation.entities[area]).value
        kinds[(entity_iri("indicator", indicator), place)].add("actual" if kind == "actual" else "target")
    return sorted(pair for pair, seen in kinds.items() if len(seen) > 1)
