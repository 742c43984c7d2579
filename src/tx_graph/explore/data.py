"""Everything the explorer pages show, read from a built graph in a dozen SPARQL queries.

Pages are generated for every entity, document, place and year, so the data is fetched
in bulk (one query per kind of thing, not one per entity) and grouped in Python: the
same code serves the 500-node corpus graph and a 10,000-node synthetic one.
Only :mod:`tx_graph.api` is used to read the graph (``to_networkx`` for the nodes and
relations, ``select`` for the rest).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from ..vocab import BASE
from .facts import Footnote, Source, Statement, edge_sources, footnotes, geo, statements
from .memo import digest

if TYPE_CHECKING:
    import networkx as nx

    from ..api import KnowledgeGraph
    from .memo import Memo

__all__ = ["Doc", "ExplorerData", "Figure", "Mention", "Node", "collect", "short_id"]

ID = BASE + "id/"
HEAD_TYPES = frozenset({"town", "subdistrict", "district"})
PLACE_TYPES = frozenset(
    {
        "country",
        "province",
        "prefecture-city",
        "county-city",
        "district",
        "town",
        "subdistrict",
        "village",
        "community",
        "park",
        "landmark",
    }
)
LOCATED_IN = "located in"
IN_YEAR = "in year"


def short_id(iri: str) -> str:
    """``…/id/place/wuzhen`` → ``place/wuzhen`` (what pages and scripts use as a key)."""
    return iri[len(ID) :] if iri.startswith(ID) else iri


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    type: str
    mentions: int
    en: str = ""
    pinyin: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def year(self) -> int | None:
        return int(self.id[5:]) if self.type == "year" and self.id[5:].isdigit() else None


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    relation: str  # api.RELATIONS name: located in, part of, …
    prop: str  # the property's local name: containedInPlace, location, …


@dataclass(frozen=True)
class Section:
    start: int
    end: int
    heading: str
    path: str


@dataclass(frozen=True)
class Doc:
    id: str
    title: str
    text: str
    kind: str = ""
    year: int | None = None
    issued: str = ""
    sections: tuple[Section, ...] = ()
    sentences: tuple[tuple[int, int], ...] = ()

    def sentence_at(self, offset: int) -> tuple[int, int]:
        """The sentence span holding ``offset`` (binary search; the text around it if none)."""
        import bisect

        i = bisect.bisect_right(self.sentences, (offset, 1 << 60)) - 1
        if 0 <= i < len(self.sentences) and self.sentences[i][0] <= offset < self.sentences[i][1]:
            return self.sentences[i]
        return max(0, offset - 40), min(len(self.text), offset + 40)


@dataclass(frozen=True)
class Mention:
    node: str
    doc: str
    start: int
    end: int


@dataclass(frozen=True)
class Definition:
    term: str
    doc: str
    headword: str
    text: str
    number: int | None


@dataclass(frozen=True)
class Figure:
    id: str
    area: str
    indicator: str
    value: Decimal
    unit: str
    year: int
    kind: str  # actual | target
    stated: str
    note: str = ""
    doc: str = ""
    start: int = -1
    end: int = -1
    qualifier: str = ""  # tx:qualifier when the graph states one (预计, 累计, 年均, part-year)
    curated: str = ""  # tx:curatedAt of a curated figure


@dataclass
class ExplorerData:
    nodes: dict[str, Node]
    edges: list[Edge]
    docs: dict[str, Doc]
    mentions: list[Mention]
    definitions: list[Definition]
    figures: list[Figure]
    same_as: dict[str, list[str]]
    edge_sources: dict[tuple[str, str, str], list[Source]] = field(default_factory=dict)
    statements: list[Statement] = field(default_factory=list)
    geo: dict[str, tuple[float, float, str]] = field(default_factory=dict)
    footnotes: list[Footnote] = field(default_factory=list)
    # derived, filled by ``derive``
    parents: dict[str, list[str]] = field(default_factory=dict)  # located in, direct
    children: dict[str, list[str]] = field(default_factory=dict)
    head: dict[str, str] = field(default_factory=dict)  # member → town-level place it collapses into
    towns: dict[str, list[str]] = field(default_factory=dict)  # node → town-level places it belongs to
    years: dict[str, list[int]] = field(default_factory=dict)  # node → years the sources tie it to
    mentions_of: dict[str, list[Mention]] = field(default_factory=dict)
    mentions_in: dict[str, list[Mention]] = field(default_factory=dict)
    degree: dict[str, int] = field(default_factory=dict)
    betweenness_rank: dict[str, int] = field(default_factory=dict)

    def ancestors(self, node: str) -> list[str]:
        """Located-in chain, nearest first (the first parent at each step; cycles cut)."""
        chain: list[str] = []
        seen = {node}
        current = node
        while self.parents.get(current):
            current = self.parents[current][0]
            if current in seen:
                break
            seen.add(current)
            chain.append(current)
        return chain

    def descendants(self, node: str) -> list[tuple[str, int]]:
        """Everything located in ``node``, transitively, depth-first with depths."""
        out: list[tuple[str, int]] = []
        seen = {node}

        def walk(n: str, depth: int) -> None:
            for c in self.children.get(n, ()):
                if c not in seen:
                    seen.add(c)
                    out.append((c, depth))
                    walk(c, depth + 1)

        walk(node, 1)
        return out


def collect(
    kg: KnowledgeGraph, graph: nx.MultiDiGraph | None = None, *, derived: bool = True, memo: Memo | None = None
) -> ExplorerData:
    """Read nodes, relations, documents, mentions, definitions and figures from ``kg``
    (and :func:`derive` the rest unless ``derived=False``)."""
    graph = graph if graph is not None else kg.to_networkx()
    labels = _labels(kg)
    nodes: dict[str, Node] = {}
    for iri, attrs in graph.nodes(data=True):
        sid = short_id(iri)
        extra = labels.get(iri) or _Names()
        nodes[sid] = Node(
            id=sid,
            label=attrs.get("label", sid),
            type=attrs.get("type", "thing"),
            mentions=int(attrs.get("mentions", 0)),
            en=extra.en,
            pinyin=extra.pinyin,
            aliases=tuple(sorted(set(extra.aliases) - {attrs.get("label", "")})),
        )
    edges = sorted(
        {
            Edge(short_id(s), short_id(o), data.get("relation", ""), _local(str(key)))
            for s, o, key, data in graph.edges(keys=True, data=True)
        },
        key=lambda e: (e.source, e.target, e.prop),
    )
    docs = _documents(kg)
    mentions = _mentions(kg, nodes, docs)
    definitions = [
        Definition(short_id(r["c"]), short_id(r["doc"]), r["headword"], r["text"], r.get("num"))
        for r in kg.select(
            """SELECT ?c ?doc ?headword ?text ?num WHERE {
                ?c skos:definition ?d . ?d rdf:value ?text ; dcterms:source ?doc ; tx:headword ?headword .
                OPTIONAL { ?d tx:glossaryNumber ?num } } ORDER BY ?c ?doc ?num"""
        )
    ]
    figures = _figures(kg, docs)
    same_as: dict[str, list[str]] = defaultdict(list)
    for r in kg.select("SELECT ?e ?o WHERE { ?e schema:sameAs|skos:exactMatch ?o } ORDER BY ?e ?o"):
        same_as[short_id(r["e"])].append(r["o"])
    from ..api import RELATIONS

    data = ExplorerData(
        nodes,
        edges,
        docs,
        mentions,
        definitions,
        figures,
        dict(same_as),
        edge_sources=edge_sources(kg, sorted(RELATIONS)),
        statements=statements(kg),
        geo=geo(kg),
        footnotes=footnotes(kg),
    )
    if derived:
        derive(data, memo)
    return data


def derive(data: ExplorerData, memo: Memo | None = None) -> None:
    """Hierarchy, collapse heads, towns, years, mention indexes and metrics."""

    parents: dict[str, list[str]] = defaultdict(list)
    children: dict[str, list[str]] = defaultdict(list)
    jurisdiction: dict[str, list[str]] = defaultdict(list)
    for e in data.edges:
        if e.relation == LOCATED_IN:
            # containedInPlace (the place hierarchy) ranks before location (where a thing is)
            if e.prop == "containedInPlace":
                parents[e.source].insert(0, e.target)
            else:
                parents[e.source].append(e.target)
            children[e.target].append(e.source)
        elif e.relation == "jurisdiction":
            jurisdiction[e.source].append(e.target)
    label = {k: (n.label, k) for k, n in data.nodes.items()}
    data.parents = {k: v for k, v in parents.items()}
    data.children = {k: sorted(v, key=lambda c: (data.nodes[c].type != "town", label[c])) for k, v in children.items()}
    for node in data.nodes:
        chain = data.ancestors(node)
        if not chain and jurisdiction.get(node):
            first = jurisdiction[node][0]
            chain = [first, *data.ancestors(first)]
        for up in chain:
            if data.nodes[up].type in HEAD_TYPES:
                if data.nodes[node].type not in HEAD_TYPES:
                    data.head[node] = up
                break
    # a node outside any town still belongs to the towns of what it is linked to
    towns: dict[str, set[str]] = defaultdict(set)
    for node, n in data.nodes.items():
        if n.type in HEAD_TYPES:
            towns[node].add(node)
        elif node in data.head:
            towns[node].add(data.head[node])
    for e in data.edges:
        if e.relation == IN_YEAR:
            continue
        for a, b in ((e.source, e.target), (e.target, e.source)):
            if not towns[a] and b in data.head and data.nodes[a].type not in PLACE_TYPES:
                towns[a].add(data.head[b])
    data.towns = {k: sorted(v) for k, v in towns.items() if v}
    mentions_of: dict[str, list[Mention]] = defaultdict(list)
    mentions_in: dict[str, list[Mention]] = defaultdict(list)
    for m in data.mentions:
        mentions_of[m.node].append(m)
        mentions_in[m.doc].append(m)
    data.mentions_of = dict(mentions_of)
    data.mentions_in = {k: sorted(v, key=lambda m: (m.start, -m.end)) for k, v in mentions_in.items()}
    years: dict[str, set[int]] = defaultdict(set)
    for e in data.edges:
        if e.relation == IN_YEAR and data.nodes[e.target].year:
            years[e.source].add(data.nodes[e.target].year or 0)
    for m in data.mentions:
        year = data.docs[m.doc].year if m.doc in data.docs else None
        if year:
            years[m.node].add(year)
    for f in data.figures:
        years[f.area].add(f.year)
        years[f.indicator].add(f.year)
    for k, n in data.nodes.items():
        if n.year:
            years[k].add(n.year)
    data.years = {k: sorted(v) for k, v in years.items()}
    # metrics on the relations that say what a thing is (years would make every dated thing a neighbour)
    adjacency: dict[str, set[str]] = {k: set() for k in data.nodes}
    for e in data.edges:
        if e.relation != IN_YEAR and e.source != e.target:
            adjacency[e.source].add(e.target)
            adjacency[e.target].add(e.source)
    data.degree = {k: len(v) for k, v in adjacency.items()}
    order = sorted(adjacency)
    key = digest(order, [sorted(adjacency[k]) for k in order])
    ranks = memo.get("betweenness", key, lambda: _betweenness_rank(adjacency)) if memo else _betweenness_rank(adjacency)
    data.betweenness_rank = dict(ranks)


def _betweenness_rank(adjacency: dict[str, set[str]]) -> dict[str, int]:
    """Rank by betweenness centrality (1 = the best bridge; nodes on no shortest path are
    left out): exact up to a thousand nodes; above, 32 sampled sources rank the hubs well
    enough (exact betweenness at 10,000 nodes takes minutes)."""
    import random

    order = sorted(adjacency)
    index = {k: i for i, k in enumerate(order)}
    neighbours = [sorted(index[m] for m in adjacency[k]) for k in order]
    n = len(order)
    sources = range(n) if n <= 1000 else sorted(random.Random(7).sample(range(n), 32))
    between = _brandes(neighbours, sources)
    ranked = sorted(range(n), key=lambda i: (-round(between[i], 9), -len(neighbours[i]), order[i]))
    return {order[i]: r + 1 for r, i in enumerate(ranked) if between[i] > 1e-12}


def _brandes(neighbours: list[list[int]], sources: Iterable[int]) -> list[float]:
    """Brandes' algorithm on an unweighted, undirected graph given as adjacency lists.

    Plain lists and integers (networkx's version spends most of its time in dict views);
    only the ranking is used, so the values are not normalised. A leaf (one neighbour
    ``u``) is never searched from: its shortest paths are ``u``'s, so it adds what ``u``
    adds to every other node, and to ``u`` one for each node beyond it. The place
    hierarchy is mostly leaves, so this skips most searches.

    >>> [round(x, 6) for x in _brandes([[1], [0, 2], [1]], range(3))]
    [0.0, 2.0, 0.0]
    >>> [round(x, 6) for x in _brandes([[1, 2], [0, 2, 3], [0, 1], [1]], range(4))]
    [0.0, 4.0, 0.0, 0.0]
    """
    n = len(neighbours)
    between = [0.0] * n
    chosen = set(sources)
    # leaves whose single neighbour has more than one: searched through that neighbour
    riders = [0] * n
    for s in chosen:
        if len(neighbours[s]) == 1 and len(neighbours[neighbours[s][0]]) > 1:
            riders[neighbours[s][0]] += 1
    for s in range(n):
        own = s in chosen and not (len(neighbours[s]) == 1 and len(neighbours[neighbours[s][0]]) > 1)
        weight = (1 if own else 0) + riders[s]
        if not weight:
            continue
        sigma = [0] * n
        dist = [-1] * n
        sigma[s] = 1
        dist[s] = 0
        order = [s]
        preds: list[list[int]] = [[] for _ in range(n)]
        i = 0
        while i < len(order):
            v = order[i]
            i += 1
            dv = dist[v] + 1
            sv = sigma[v]
            for w in neighbours[v]:
                if dist[w] < 0:
                    dist[w] = dv
                    order.append(w)
                if dist[w] == dv:
                    sigma[w] += sv
                    preds[w].append(v)
        delta = [0.0] * n
        for w in reversed(order):
            coeff = (1.0 + delta[w]) / sigma[w]
            for v in preds[w]:
                delta[v] += sigma[v] * coeff
        for w in order:
            if w != s:
                between[w] += delta[w] * weight
        # each riding leaf reaches every node of the component but itself and s through s
        # (and a leaf lies on no path, so its own delta above was 0)
        between[s] += riders[s] * (len(order) - 2)
    return between


# ---------------------------------------------------------------- queries


def _local(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]


@dataclass
class _Names:
    en: str = ""
    pinyin: str = ""
    aliases: list[str] = field(default_factory=list)


def _labels(kg: KnowledgeGraph) -> dict[str, _Names]:
    out: dict[str, _Names] = defaultdict(_Names)
    for r in kg.select(
        f"""SELECT ?e ?p ?l (LANG(?l) AS ?lang) WHERE {{
            VALUES ?p {{ skos:prefLabel skos:altLabel }} ?e ?p ?l .
            FILTER(STRSTARTS(STR(?e), "{ID}")) }}"""
    ):
        entry = out[r["e"]]
        lang = r.get("lang", "")
        if lang.lower() == "zh-latn-pinyin":  # language tags compare case-insensitively
            entry.pinyin = r["l"]
        elif lang == "en" and r["p"].endswith("prefLabel"):
            entry.en = r["l"]
        elif lang == "zh" and r["p"].endswith("altLabel"):
            entry.aliases.append(r["l"])
    return out


def _documents(kg: KnowledgeGraph) -> dict[str, Doc]:
    rows = kg.select(
        """SELECT ?d ?title ?text ?issued ?year ?kind WHERE {
            ?d a foaf:Document ; dcterms:title ?title ; schema:text ?text .
            OPTIONAL { ?d dcterms:issued ?issued }
            OPTIONAL { ?d dcterms:temporal ?y . ?y rdfs:label ?year }
            OPTIONAL { ?d a ?kind . VALUES ?kind { tx:WorkReport tx:WorkPlan tx:NewsArticle } }
        } ORDER BY ?d"""
    )
    sections: dict[str, list[Section]] = defaultdict(list)
    for r in kg.select(
        """SELECT ?doc ?s ?heading ?start ?end WHERE {
            ?s a tx:Section ; dcterms:title ?heading ; oa:hasSource ?doc ; oa:hasSelector ?p .
            ?p oa:start ?start ; oa:end ?end } ORDER BY ?doc ?start DESC(?end)"""
    ):
        path = r["s"].rsplit("/section/", 1)[-1]
        sections[r["doc"]].append(Section(int(r["start"]), int(r["end"]), r["heading"], path))
    sentences: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for r in kg.select(
        """SELECT ?doc ?start ?end WHERE {
            ?s a tx:Sentence ; oa:hasSource ?doc ; oa:hasSelector ?p . ?p oa:start ?start ; oa:end ?end }"""
    ):
        sentences[r["doc"]].append((int(r["start"]), int(r["end"])))
    docs: dict[str, Doc] = {}
    kinds = {"WorkReport": "work report", "WorkPlan": "work plan", "NewsArticle": "news"}
    for r in rows:
        sid = short_id(r["d"])
        if sid in docs:
            continue
        year = r.get("year")
        docs[sid] = Doc(
            id=sid,
            title=r["title"],
            text=r["text"],
            kind=kinds.get(_local(r.get("kind", "")), ""),
            year=int(year) if year and str(year).isdigit() else None,
            issued=str(r.get("issued", "")),
            sections=tuple(sections.get(r["d"], ())),
            sentences=tuple(sorted(set(sentences.get(r["d"], ())))),
        )
    return docs


def _mentions(kg: KnowledgeGraph, nodes: dict[str, Node], docs: dict[str, Doc]) -> list[Mention]:
    mentions: list[Mention] = []
    for r in kg.select(
        """SELECT ?body ?doc ?start ?end WHERE {
            ?a a oa:Annotation ; oa:hasBody ?body ; oa:hasTarget ?t .
            ?t oa:hasSource ?doc ; oa:hasSelector ?p . ?p a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
        }"""
    ):
        body, doc = short_id(r["body"]), short_id(r["doc"])
        if doc in docs and body in nodes:
            mentions.append(Mention(body, doc, int(r["start"]), int(r["end"])))
    mentions.sort(key=lambda m: (m.doc, m.start, m.node))
    return mentions


def _figures(kg: KnowledgeGraph, docs: dict[str, Doc]) -> list[Figure]:
    """Every observation with its evidence: an annotation on the quoted words (curated
    figures) or the sentence it was read from (extracted ones, ``prov:wasDerivedFrom`` a
    ``tx:Sentence``: the stated value is marked inside it)."""
    evidence: dict[str, tuple[str, int, int]] = {}
    for r in kg.select(
        """SELECT ?o ?doc ?start ?end WHERE { ?o a qb:Observation ; prov:wasDerivedFrom ?ev .
            { ?ev oa:hasTarget ?t . ?t oa:hasSource ?doc ; oa:hasSelector ?p }
            UNION { ?ev a tx:Sentence ; oa:hasSource ?doc ; oa:hasSelector ?p }
            ?p a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end }"""
    ):
        evidence.setdefault(r["o"], (short_id(r["doc"]), int(r["start"]), int(r["end"])))
    figures: list[Figure] = []
    for r in kg.select(
        """SELECT ?o ?area ?ind ?value ?unit ?year ?kind ?stated ?note ?qual ?cur WHERE {
            ?o a qb:Observation ; sdmx-dimension:refArea ?area ; tx:indicator ?ind ;
               sdmx-measure:obsValue ?value ; sdmx-attribute:unitMeasure ?unit ;
               sdmx-dimension:refPeriod ?y ; tx:figureKind ?kind . ?y rdfs:label ?year .
            OPTIONAL { ?o tx:statedAs ?stated } OPTIONAL { ?o skos:note ?note }
            OPTIONAL { ?o tx:qualifier ?qual } OPTIONAL { ?o tx:curatedAt ?cur }
        } ORDER BY ?o"""
    ):
        oid = short_id(r["o"])
        doc, start, end = evidence.get(r["o"], ("", -1, -1))
        stated = str(r.get("stated", ""))
        if doc in docs and stated:
            # a sentence as evidence: mark the figure inside it when it is written there
            at = docs[doc].text.find(stated, start, end)
            if at >= 0:
                start, end = at, at + len(stated)
        value = r["value"]
        qual = str(r.get("qual", ""))
        figures.append(
            Figure(
                id=oid,
                area=short_id(r["area"]),
                indicator=short_id(r["ind"]),
                value=value if isinstance(value, Decimal) else Decimal(str(value)),
                unit=_local(r["unit"]),
                year=int(r["year"]),
                kind=_local(r["kind"]),
                stated=stated,
                note=r.get("note", ""),
                doc=doc,
                start=start,
                end=end,
                qualifier=_local(qual) if qual.startswith("http") else qual,
                curated=str(r.get("cur", "")),
            )
        )
    return figures


def plain_pinyin(text: str) -> str:
    """Pinyin without tones or spaces, as people type it.

    >>> plain_pinyin("Wūzhènzhèn")
    'wuzhenzhen'
    """
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().replace(" ", "")
