"""Where each relation, figure and statement comes from, plus coordinates and footnotes:
the queries behind "every relation one click from its sentence".

A relation's source is the named graph it was asserted in: an extracted graph
(``…/graph/extracted/<doc>/s<n>/<rule>``) is ``prov:wasDerivedFrom`` a ``tx:Sentence``;
a curation graph (``…/graph/curation/<file>``) says "curated", and the subject's
``tx:curatedAt`` says where. Statements (``a tx:Statement``) are read generically: any
participant property, an optional time and qualifier, and a sentence or a curation
position as their source; a graph without statements gives an empty list.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..vocab import BASE

if TYPE_CHECKING:
    from ..api import KnowledgeGraph

__all__ = ["Footnote", "Source", "Statement", "edge_sources", "footnotes", "geo", "statements"]

ID = BASE + "id/"
GRAPH = BASE + "graph/"
PARTICIPANTS = ("agent", "object", "participant", "recipient", "location")


def _short(iri: str) -> str:
    return iri[len(ID) :] if iri.startswith(ID) else iri


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


@dataclass(frozen=True, order=True)
class Source:
    """Where a fact was read: a sentence of a document (``doc``, ``start``, ``end``), or a
    curation entry (``curated`` = "file:line:column"), or only the graph it sits in."""

    doc: str = ""
    start: int = -1
    end: int = -1
    curated: str = ""
    rule: str = ""
    graph: str = ""  # the named graph's short name when nothing better is known


@dataclass(frozen=True)
class Statement:
    id: str
    label: str
    participants: tuple[tuple[str, str], ...]  # (role, node id)
    time: str = ""  # as typed: 2017, 2017-05, 2017-05-12
    qualifier: str = ""
    source: Source = Source()

    @property
    def year(self) -> int | None:
        return int(self.time[:4]) if self.time[:4].isdigit() else None


@dataclass(frozen=True)
class Footnote:
    doc: str
    number: int
    start: int  # the term before the mark
    end: int
    term: str  # the glossary term the definition belongs to ("" if unknown)
    definition: str  # the definition node's short id


def _sentences(kg: KnowledgeGraph, where: str) -> dict[str, Source]:
    """``?x`` → the sentence ``?s`` it was derived from (``where`` binds both)."""
    out: dict[str, Source] = {}
    for r in kg.select(
        f"""SELECT ?x ?doc ?start ?end ?rule WHERE {{ {where}
            ?s a tx:Sentence ; oa:hasSource ?doc ; oa:hasSelector ?p .
            ?p oa:start ?start ; oa:end ?end . OPTIONAL {{ ?x tx:rule ?rule }} }}"""
    ):
        out[r["x"]] = Source(_short(r["doc"]), int(r["start"]), int(r["end"]), rule=str(r.get("rule", "")))
    return out


def edge_sources(kg: KnowledgeGraph, props: list[str]) -> dict[tuple[str, str, str], list[Source]]:
    """(subject, property local name, object) → its sources, one per named graph that asserts it."""
    values = " ".join(f"<{p}>" for p in props)
    # what each extracted graph was read from is said in the provenance graph (asking
    # there, not of every prov:wasDerivedFrom in the store, is what keeps this quick)
    extracted = _sentences(kg, f"GRAPH <{GRAPH}provenance> {{ ?x prov:wasDerivedFrom ?s }}")
    curated = {r["e"]: str(r["c"]) for r in kg.select("SELECT ?e ?c WHERE { ?e tx:curatedAt ?c }")}
    out: dict[tuple[str, str, str], list[Source]] = defaultdict(list)
    for r in kg.select(f"SELECT ?s ?p ?o ?g WHERE {{ VALUES ?p {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"):
        g = r["g"]
        if g in extracted:
            source = extracted[g]
        elif g.startswith(GRAPH + "curation/"):
            # the entry that states the relation: the subject's, else the object's (a
            # park lists its companies, which become the companies' location)
            source = Source(curated=curated.get(r["s"]) or curated.get(r["o"]) or g[len(GRAPH) :] + ".yaml")
        else:
            source = Source(graph=g[len(GRAPH) :] if g.startswith(GRAPH) else g)
        key = (_short(r["s"]), _local(r["p"]), _short(r["o"]))
        if source not in out[key]:
            out[key].append(source)
    return {k: sorted(v) for k, v in out.items()}


def statements(kg: KnowledgeGraph) -> list[Statement]:
    """Every ``tx:Statement`` with its participants, time, qualifier and source."""
    base: dict[str, dict[str, str]] = {}
    for r in kg.select(
        """SELECT ?st ?label ?time ?qual ?cur WHERE { ?st a tx:Statement .
            OPTIONAL { ?st rdfs:label ?label } OPTIONAL { ?st schema:startTime ?time }
            OPTIONAL { ?st tx:qualifier ?qual } OPTIONAL { ?st tx:curatedAt ?cur } }"""
    ):
        entry = base.setdefault(r["st"], {})
        for key in ("label", "time", "qual", "cur"):
            if key in r and key not in entry:
                entry[key] = str(r[key])
    if not base:
        return []
    roles = " ".join(f"schema:{p}" for p in PARTICIPANTS)
    people: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in kg.select(f"SELECT ?st ?p ?e WHERE {{ VALUES ?p {{ {roles} }} ?st a tx:Statement ; ?p ?e }}"):
        if isinstance(r["e"], str) and r["e"].startswith(ID):
            people[r["st"]].append((_local(r["p"]), _short(r["e"])))
    sources = _sentences(kg, "?x a tx:Statement ; prov:wasDerivedFrom ?s .")
    out = []
    for st, entry in sorted(base.items()):
        qual = entry.get("qual", "")
        source = sources.get(st) or Source(curated=entry.get("cur", ""))
        out.append(
            Statement(
                id=_short(st),
                label=entry.get("label", _local(st)),
                participants=tuple(sorted(set(people.get(st, ())))),
                time=entry.get("time", "")[:10],
                qualifier=_local(qual) if qual.startswith("http") else qual,
                source=source,
            )
        )
    return out


def geo(kg: KnowledgeGraph) -> dict[str, tuple[float, float, str]]:
    """node → (latitude, longitude, what the point is, e.g. "town seat")."""
    out: dict[str, tuple[float, float, str]] = {}
    for r in kg.select(
        """SELECT ?e ?lat ?long ?what WHERE { ?e schema:geo ?g . ?g schema:latitude ?lat ; schema:longitude ?long .
            OPTIONAL { ?g schema:description ?what } } ORDER BY ?e"""
    ):
        out.setdefault(_short(r["e"]), (float(r["lat"]), float(r["long"]), str(r.get("what", ""))))
    return out


def footnotes(kg: KnowledgeGraph) -> list[Footnote]:
    """The documents' footnote marks: where the marked term is and which glossary entry the mark opens."""
    out = []
    for r in kg.select(
        """SELECT ?doc ?n ?start ?end ?d ?c WHERE {
            ?note a tx:Footnote ; tx:footnoteNumber ?n ; oa:hasTarget ?t .
            ?t oa:hasSource ?doc ; oa:hasSelector ?p . ?p a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
            OPTIONAL { ?note oa:hasBody ?d . OPTIONAL { ?c skos:definition ?d } } } ORDER BY ?doc ?n"""
    ):
        out.append(
            Footnote(
                _short(r["doc"]),
                int(r["n"]),
                int(r["start"]),
                int(r["end"]),
                _short(r.get("c", "")),
                _short(r.get("d", "")),
            )
        )
    return out
