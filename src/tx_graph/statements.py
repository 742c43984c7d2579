"""The statement layer as RDF: one node per stated fact, and the direct edge it implies.

Part of the RDF stage (called by :func:`tx_graph.build.iter_quads`); the contract is in
docs/vocabulary.md ("statements") and ``ontology/shapes.ttl`` (``txs:Statement``).
Curated statements go to their curation file's graph with ``tx:curatedAt``; extracted
ones to the graph of their sentence and rule, described in the provenance graph like
every other extracted fact. Both are ``prov:wasDerivedFrom`` their sentence.

>>> time_literal("2017-09").datatype.value
'http://www.w3.org/2001/XMLSchema#gYearMonth'
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from decimal import Decimal
from typing import Any

from pyoxigraph import Literal, NamedNode, Quad

from .curation import UNITS
from .model import ENTITY_TYPES, Curation, Document, Statement
from .vocab import BASE, DCTERMS, PROV, RDF, RDFS, SDO, TX, UNIT, XSD, doc_iri, entity_iri, graph_iri

__all__ = ["STATEMENT_CLASSES", "statement_iri", "statement_quads", "time_literal"]

# kind → (tx class, the schema.org Action it is)
STATEMENT_CLASSES: dict[str, tuple[str, str]] = {
    "award": (TX.AwardStatement, SDO.AchieveAction),
    "partnership": (TX.PartnershipStatement, SDO.JoinAction),
    "management": (TX.ManagementStatement, SDO.OrganizeAction),
    "rename": (TX.RenameStatement, SDO.UpdateAction),
    "milestone": (TX.MilestoneStatement, SDO.Action),
    "role": (TX.RoleStatement, SDO.AssignAction),
    "event": (TX.EventStatement, SDO.OrganizeAction),
    "figure": (TX.FigureStatement, SDO.Action),
}
ROLE_PROPERTY = {
    "agent": SDO.agent,
    "object": SDO.object,
    "participant": SDO.participant,
    "recipient": SDO.recipient,
    "location": SDO.location,
}
STAGE = {
    "signed": TX.signing, "settled": TX.settling, "groundbreaking": TX.groundbreaking, "completed": TX.completion,
    "production": TX.productionStart, "operation": TX.operationStart, "opened": TX.opening, "in-use": TX.inUse,
    "review-passed": TX.reviewPassed, "started": TX.launch,
}  # fmt: skip
EVENT_KIND = {
    "conference": TX.conference, "festival": TX.festival, "contest": TX.contest, "exhibition": TX.exhibition,
    "trade-fair": TX.tradeFair, "signing-ceremony": TX.signingCeremony, "congress-session": TX.congressSession,
}  # fmt: skip
QUALIFIER = {
    "planned": TX.planned, "expected": TX.expected, "cumulative": TX.cumulative,
    "annualAverage": TX.annualAverage, "achieved": TX.achieved,
}  # fmt: skip


Add = Callable[..., None]  # add(subject, predicate, object[, graph]): one quad, once


def _n(iri: str) -> NamedNode:
    return NamedNode(str(iri))


def _zh(text: str) -> Literal:
    return Literal(text, language="zh")


def time_literal(value: str) -> Literal:
    """A time as precise as written: xsd:gYear, xsd:gYearMonth or xsd:date."""
    datatype = {4: XSD.gYear, 7: XSD.gYearMonth}.get(len(value), XSD.date)
    return Literal(value, datatype=_n(datatype))


def statement_iri(st: Statement, seen: dict[str, int]) -> str:
    """``…/id/statement/<id>`` for a curated statement with an id; otherwise minted from
    its kind, document and quote offset (stable for the same inputs)."""
    if st.id:
        return f"{BASE}id/statement/{st.id}"
    where = f"{st.doc_id}/{st.span.start}-{st.span.end}" if st.span else "x"
    first = st.ids()[0] if st.roles else "none"
    base = f"{BASE}id/statement/{'curated' if st.source else 'extracted'}/{where}/{st.kind}-{first}"
    seen[base] = seen.get(base, 0) + 1
    return base if seen[base] == 1 else f"{base}-{seen[base]}"


def _ref(ref: str, curation: Curation) -> NamedNode | None:
    if ref.startswith("term:"):
        return _n(entity_iri("term", ref[5:]))
    entity = curation.entities.get(ref)
    return _n(entity_iri(ENTITY_TYPES[entity.type], entity.id)) if entity else None


def statement_quads(
    statements: Sequence[Statement],
    documents: Sequence[Document],
    curation: Curation,
    run: NamedNode,
    known: Collection[tuple[Any, Any, Any]] = (),
) -> Iterator[list[Quad]]:
    """Quads of every statement, in one batch per statement (statements are few). No
    triple is stated twice, in any graph: ``known`` holds the triples stated before (a
    direct edge curation already has), and the first statement to state one keeps it."""
    docs = {d.id: d for d in documents}
    seen_iris: dict[str, int] = {}
    done: set[tuple[Any, Any, Any]] = set(known)
    described: set[str] = set()
    for st in statements:
        doc = docs.get(st.doc_id or "")
        if doc is None or st.span is None:
            continue
        sentence = doc.sentence_index(st.span.start)
        if sentence < 0:
            continue
        if st.source is not None:
            graph = _n(graph_iri("curation", st.file or "facts"))
        else:
            graph = _n(graph_iri("extracted", doc.id, f"s{sentence + 1}", st.rule or "facts"))
        quads: list[Quad] = []

        def add(
            s: NamedNode, p: str, o: NamedNode | Literal, g: NamedNode = graph, sink: list[Quad] = quads
        ) -> None:
            triple = (s, _n(p), o)
            if triple not in done:
                done.add(triple)
                sink.append(Quad(s, _n(p), o, g))

        node = _n(statement_iri(st, seen_iris))
        tx_class, action = STATEMENT_CLASSES[st.kind]
        for cls in (TX.Statement, tx_class, action):
            add(node, RDF.type, _n(cls))
        add(node, RDFS.label, _zh(st.label))
        refs: dict[str, list[NamedNode]] = {}
        for role, ref in st.roles:
            target = _ref(ref, curation)
            if target is not None:
                refs.setdefault(role, []).append(target)
                add(node, ROLE_PROPERTY[role], target)
        if st.time:
            add(node, SDO.startTime, time_literal(st.time))
        if st.kind == "figure" or not st.year_stated:
            add(node, TX.yearStated, Literal("true" if st.year_stated else "false", datatype=_n(XSD.boolean)))
        if st.period:
            add(node, TX.period, _zh(st.period))
        if st.qualifier:
            add(node, TX.qualifier, _n(QUALIFIER[st.qualifier]))
        if st.edition is not None:
            add(node, TX.edition, Literal(str(st.edition), datatype=_n(XSD.integer)))
        if st.value is not None and st.unit is not None:
            _amount(add, node, st)
        _detail(add, node, st)
        related = [r for ref in st.related if (r := _ref(ref, curation)) is not None]
        for target in related:
            add(node, TX.sharesThemeWith, target)
        if st.quote:
            add(node, TX.quote, _zh(st.quote))
        add(node, DCTERMS.source, _n(doc_iri(doc.id)))
        sentence_node = _n(f"{doc_iri(doc.id)}/sentence/{sentence + 1}")
        add(node, PROV.wasDerivedFrom, sentence_node)
        if st.source is not None:
            add(node, TX.curatedAt, Literal(str(st.source)))
        else:
            add(node, TX.rule, Literal(st.rule or ""))
        _direct_edges(add, st, refs, related)
        if st.source is None and graph.value not in described:
            described.add(graph.value)
            provenance = _n(graph_iri("provenance"))
            add(graph, PROV.wasGeneratedBy, run, provenance)
            add(graph, PROV.wasDerivedFrom, sentence_node, provenance)
            add(graph, TX.rule, Literal(st.rule or ""), provenance)
        yield quads


def _amount(add: Add, node: NamedNode, st: Statement) -> None:
    assert st.value is not None and st.unit is not None
    factor, unit = UNITS[st.unit]
    amount = _n(node.value + "/amount")
    money = unit in ("yuan", "usd")
    add(node, SDO.amount, amount)
    add(amount, RDF.type, _n(SDO.MonetaryAmount if money else SDO.QuantitativeValue))
    value = format((Decimal(st.value) * factor).normalize(), "f")
    add(amount, SDO.value, Literal(value, datatype=_n(XSD.decimal)))
    add(amount, SDO.unitCode, _n(UNIT[unit]))
    if money:
        add(amount, SDO.currency, Literal("USD" if unit == "usd" else "CNY"))
    add(amount, TX.statedAs, _zh(f"{st.value}{st.unit}"))


def _detail(add: Add, node: NamedNode, st: Statement) -> None:
    if not st.detail:
        pass
    elif st.kind == "award":
        add(node, SDO.award, _zh(st.detail))
    elif st.kind == "role":
        add(node, TX.roleName, _zh(st.detail))
    elif st.kind == "milestone" and st.detail in STAGE:
        add(node, TX.stage, _n(STAGE[st.detail]))
    elif st.kind == "event" and st.detail in EVENT_KIND:
        add(node, TX.eventKind, _n(EVENT_KIND[st.detail]))
    elif st.kind == "figure":
        add(node, TX.measure, _zh(st.detail))
    if st.former_name:
        add(node, TX.formerName, _zh(st.former_name))


def _direct_edges(add: Add, st: Statement, refs: dict[str, list[NamedNode]], related: list[NamedNode]) -> None:
    """The edge between the entities a statement links, so simple queries stay simple."""
    agents, objects = refs.get("agent", []), refs.get("object", [])
    participants, places = refs.get("participant", []), refs.get("location", [])
    if st.kind == "award":
        for a in agents:
            if st.detail:
                add(a, SDO.award, _zh(st.detail))
            for p in participants:
                add(a, TX.awardedBy, p)
    elif st.kind == "partnership":
        for a in agents:
            for p in participants:
                add(a, TX.partnerOf, p)
                add(p, TX.partnerOf, a)
    elif st.kind == "management":
        for a in agents:
            for o in objects:
                add(a, TX.manages, o)
    elif st.kind == "rename":
        for o in objects:
            if st.former_name:
                add(o, SDO.alternateName, _zh(st.former_name))
            for p in participants:
                add(o, PROV.wasRevisionOf, p)
    elif st.kind == "milestone" and st.detail == "settled":
        for o in objects:
            for place in places:
                add(o, SDO.location, place)
    elif st.kind == "role":
        for o in objects:
            # a part of an entity's layout; a glossary concept (一轴两核四区) has no parts
            for whole in participants:
                if "/id/term/" not in whole.value:
                    add(o, DCTERMS.isPartOf, whole)
            for r in related:
                add(o, TX.sharesThemeWith, r)
    elif st.kind == "event":
        for o in objects:
            for a in agents:
                add(o, SDO.organizer, a)
            for place in places:
                add(o, SDO.location, place)
            if st.detail in EVENT_KIND:
                add(o, TX.eventKind, _n(EVENT_KIND[st.detail]))
            if st.edition is not None:
                add(o, TX.edition, Literal(str(st.edition), datatype=_n(XSD.integer)))
            if st.time and st.qualifier != "planned":
                add(o, SDO.startDate, time_literal(st.time))
