"""The Python API: ``kg = tx_graph.load(); kg.query(...); kg.entity("乌镇"); kg.to_networkx()``.

The same object works over the embedded store and over any SPARQL 1.1 endpoint, since
every method is written as SPARQL against the vocabulary contract.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from .errors import Errors, QueryError, StoreError, TxGraphError
from .query import DEFAULT_TIMEOUT, QueryResult, check_query, run_query
from .vocab import BASE, PREFIXES

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["RELATIONS", "TYPE_NAMES", "EntityView", "KnowledgeGraph", "MentionView", "load"]

TYPE_NAMES: dict[str, str] = {
    "https://w3id.org/tx-graph/ontology#Country": "country",
    "https://w3id.org/tx-graph/ontology#Province": "province",
    "https://w3id.org/tx-graph/ontology#PrefectureCity": "prefecture-city",
    "https://w3id.org/tx-graph/ontology#CountyCity": "county-city",
    "https://w3id.org/tx-graph/ontology#District": "district",
    "https://w3id.org/tx-graph/ontology#Town": "town",
    "https://w3id.org/tx-graph/ontology#Subdistrict": "subdistrict",
    "https://w3id.org/tx-graph/ontology#Village": "village",
    "https://w3id.org/tx-graph/ontology#Community": "community",
    "https://w3id.org/tx-graph/ontology#IndustrialPark": "park",
    "https://w3id.org/tx-graph/ontology#Landmark": "landmark",
    "https://schema.org/GovernmentOrganization": "government-body",
    "https://schema.org/Corporation": "company",
    "https://schema.org/Organization": "organisation",
    "https://w3id.org/tx-graph/ontology#Policy": "policy",
    "https://w3id.org/tx-graph/ontology#Programme": "programme",
    "https://w3id.org/tx-graph/ontology#Honour": "honour",
    "https://w3id.org/tx-graph/ontology#Project": "project",
    "https://schema.org/Event": "event",
    "https://schema.org/EventSeries": "event-series",
    "https://w3id.org/tx-graph/ontology#Indicator": "indicator",
    "http://www.w3.org/2004/02/skos/core#Concept": "term",
    "http://www.w3.org/2006/time#DateTimeInterval": "year",
    "https://w3id.org/tx-graph/ontology#Candidate": "candidate",
}
# most specific first: a company is also an organisation, a series also an event
_TYPE_ORDER = list(TYPE_NAMES.values())

RELATIONS: dict[str, str] = {
    "https://schema.org/containedInPlace": "located in",
    "https://schema.org/location": "located in",
    "http://purl.org/dc/terms/spatial": "jurisdiction",
    "https://w3id.org/tx-graph/ontology#developer": "developed by",
    "http://purl.org/dc/terms/isPartOf": "part of",
    "https://schema.org/superEvent": "part of",
    "http://xmlns.com/foaf/0.1/focus": "names",
    "http://purl.org/dc/terms/temporal": "in year",
}


@dataclass(frozen=True)
class MentionView:
    document: str
    document_title: str
    start: int
    end: int
    exact: str
    sentence: str

    def highlighted(self, left: str = "【", right: str = "】") -> str:
        """The sentence with the mention marked, e.g. ``…位于【乌镇】的…``."""
        at = self.sentence.find(self.exact)
        if at < 0:
            return self.sentence
        return self.sentence[:at] + left + self.exact + right + self.sentence[at + len(self.exact) :]


@dataclass(frozen=True)
class EntityView:
    iri: str
    label: str
    type: str
    labels: dict[str, list[str]] = field(default_factory=dict)  # language → labels
    aliases: list[str] = field(default_factory=list)
    parents: list[tuple[str, str]] = field(default_factory=list)  # (iri, label), nearest first
    children: list[tuple[str, str]] = field(default_factory=list)
    related: list[tuple[str, str, str, str]] = field(default_factory=list)  # (direction, relation, iri, label)
    mentions: list[MentionView] = field(default_factory=list)
    definitions: list[tuple[str, str, str]] = field(default_factory=list)  # (document title, headword, text)
    observations: list[dict[str, Any]] = field(default_factory=list)
    same_as: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.iri.rsplit("/", 1)[-1]

    def describe(self) -> str:
        lines = [f"{self.label}  ({self.type})  <{self.iri}>"]
        if self.aliases:
            lines.append("  aliases: " + "、".join(self.aliases))
        for lang, values in sorted(self.labels.items()):
            if lang not in ("zh", ""):
                lines.append(f"  label@{lang}: " + "; ".join(values))
        if self.parents:
            lines.append("  in: " + " < ".join(label for _, label in self.parents))
        if self.children:
            lines.append(f"  contains ({len(self.children)}): " + "、".join(label for _, label in self.children[:30]))
        for direction, relation, _, label in self.related:
            lines.append(f"  {relation} {'→' if direction == 'out' else '←'} {label}")
        for title, headword, text in self.definitions:
            lines.append(f"  definition in {title} ({headword}): {text}")
        for obs in self.observations:
            lines.append(f"  figure: {obs['label']}")
        if self.same_as:
            lines.append("  same as: " + ", ".join(self.same_as))
        lines.append(f"  mentions: {len(self.mentions)}")
        for m in self.mentions[:10]:
            lines.append(f"    {m.document_title}: {m.highlighted()}")
        return "\n".join(lines)


class KnowledgeGraph:
    """A built graph, embedded (``store``) or remote (``endpoint``).

    ``timeout`` bounds every query, embedded or remote (``None``: no bound); ``SERVICE``
    is refused unless ``allow_service`` (it makes this process send HTTP requests)."""

    def __init__(
        self,
        store: ox.Store | None = None,
        *,
        endpoint: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        allow_service: bool = False,
    ) -> None:
        if (store is None) == (endpoint is None):
            raise TxGraphError("give exactly one of store or endpoint")
        self._store = store
        self.endpoint = endpoint
        self.timeout = timeout
        self.allow_service = allow_service

    # ------------------------------------------------------------ raw SPARQL
    def query(self, sparql: str) -> QueryResult:
        if self._store is not None:
            return run_query(self._store, sparql, timeout=self.timeout, allow_service=self.allow_service)
        check_query(sparql, allow_service=self.allow_service)
        return self._remote_query(sparql)

    def select(self, sparql: str) -> list[dict[str, Any]]:
        """Rows of a SELECT as dicts of Python values."""
        return self.query(sparql).dicts()

    def _remote_query(self, sparql: str) -> QueryResult:
        assert self.endpoint is not None
        # a remote endpoint does not know our predeclared prefixes: send the ones the
        # query does not declare itself (not all servers accept a prefix declared twice)
        declared = set(_PREFIX_DECL.findall(sparql))
        missing = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items() if p not in declared)
        body = urllib.parse.urlencode({"query": missing + sparql}).encode()
        request = urllib.request.Request(
            self.endpoint,
            data=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/sparql-results+json, application/n-triples;q=0.9",
            },
        )
        host = urllib.parse.urlsplit(self.endpoint).hostname or ""
        # a proxy from the environment cannot reach this machine's loopback
        loopback = host in ("localhost", "::1") or host.startswith("127.")
        handlers = [urllib.request.ProxyHandler({})] if loopback else []
        try:
            with urllib.request.build_opener(*handlers).open(request, timeout=self.timeout or None) as response:
                content_type = response.headers.get("Content-Type", "")
                payload = response.read()
        except urllib.error.HTTPError as exc:
            answer = exc.read().decode(errors="replace")[:500]
            raise QueryError(f"endpoint {self.endpoint} answered {exc.code}: {answer}") from exc
        except urllib.error.URLError as exc:
            raise StoreError(f"cannot reach endpoint {self.endpoint}: {exc.reason}") from exc
        except TimeoutError as exc:
            raise QueryError("E209 " + Errors.E209.format(seconds=self.timeout)) from exc
        try:
            if "n-triples" in content_type:
                # parse() yields quads (in the default graph); results carry triples, as embedded
                quads = ox.parse(payload, ox.RdfFormat.N_TRIPLES)
                triples = tuple(ox.Triple(q.subject, q.predicate, q.object) for q in quads)
                return QueryResult("graph", triples=triples)
            parsed = ox.parse_query_results(payload, ox.QueryResultsFormat.JSON)
            if isinstance(parsed, ox.QueryBoolean):
                return QueryResult("ask", boolean=bool(parsed))
            variables = tuple(v.value for v in parsed.variables)
            rows = tuple(tuple(s[v] for v in variables) for s in parsed)
            return QueryResult("select", variables, rows)
        except (SyntaxError, ValueError, OSError) as exc:
            # a bare Oxigraph server answers a query it cancels with a 200 whose body
            # ends in the cancellation message: a truncated answer, not results
            if b"has been cancelled" in payload[-512:]:
                raise QueryError(f"endpoint {self.endpoint} cancelled the query (its timeout)") from None
            raise QueryError(f"endpoint {self.endpoint} answered something that is not SPARQL results "
                             f"({exc})") from None

    # ------------------------------------------------------------ entities
    def resolve(self, name: str) -> str:
        """IRI of the entity with this id, zh label or alias (curated things before terms)."""
        literal = _string(name)
        rows = self.select(
            f"""SELECT DISTINCT ?e ?type WHERE {{
                {{ ?e skos:prefLabel|skos:altLabel|rdfs:label ?l . FILTER(STR(?l) = {literal}) }}
                UNION {{ ?e a ?t . FILTER(STRSTARTS(STR(?e), "{BASE}id/")
                                         && STRENDS(STR(?e), CONCAT("/", {literal}))) }}
                ?e a ?type .
            }}"""
        )
        if not rows:
            raise QueryError(Errors.E204.format(value=name))
        ranked = sorted(rows, key=lambda r: _rank(r["type"]))
        return str(ranked[0]["e"])

    def entity(self, name_or_iri: str) -> EntityView:
        iri = name_or_iri if name_or_iri.startswith("http") else self.resolve(name_or_iri)
        node = _iri(iri)
        label_rows = self.select(
            f"SELECT ?p ?l (LANG(?l) AS ?lang) WHERE {{ {node} ?p ?l . VALUES ?p {{ skos:prefLabel skos:altLabel }} }}"
        )
        labels: dict[str, list[str]] = {}
        aliases: list[str] = []
        label = iri.rsplit("/", 1)[-1]
        for row in label_rows:
            if row["p"].endswith("prefLabel"):
                labels.setdefault(row.get("lang", ""), []).append(row["l"])
                if row.get("lang") == "zh":
                    label = row["l"]
            elif row.get("lang") == "zh":
                aliases.append(row["l"])
        types = [r["t"] for r in self.select(f"SELECT ?t WHERE {{ {node} a ?t }}")]
        parents = [
            (r["p"], r["l"])
            for r in self.select(
                f"""SELECT ?p ?l (COUNT(?mid) AS ?depth) WHERE {{
                    {node} schema:containedInPlace+ ?p . ?p skos:prefLabel ?l . FILTER(LANG(?l) = "zh")
                    ?p schema:containedInPlace* ?mid . }} GROUP BY ?p ?l ORDER BY DESC(?depth)"""
            )
        ]
        children = [
            (r["c"], r["l"])
            for r in self.select(
                f"""SELECT ?c ?l WHERE {{ ?c schema:containedInPlace {node} ; skos:prefLabel ?l .
                    FILTER(LANG(?l) = "zh") }} ORDER BY ?l"""
            )
        ]
        related = self._related(node)
        mentions = [
            MentionView(r["doc"], r["title"], r["start"], r["end"], r["exact"], r.get("sentence", r["exact"]))
            for r in self.select(
                f"""SELECT ?doc ?title ?start ?end ?exact ?sentence WHERE {{
                    ?a a oa:Annotation ; oa:hasBody {node} ; oa:hasTarget ?t .
                    ?t oa:hasSource ?doc ; oa:hasSelector ?pos, ?q .
                    ?pos oa:start ?start ; oa:end ?end . ?q oa:exact ?exact .
                    ?doc dcterms:title ?title .
                    OPTIONAL {{ ?t dcterms:isPartOf ?s . ?s rdf:value ?sentence }}
                }} ORDER BY ?doc ?start"""
            )
        ]
        definitions = [
            (r["title"], r["headword"], r["text"])
            for r in self.select(
                f"""SELECT ?title ?headword ?text WHERE {{
                    {{ {node} skos:definition ?d }} UNION {{ ?c foaf:focus {node} ; skos:definition ?d }}
                    ?d rdf:value ?text ; dcterms:source ?doc ; tx:headword ?headword . ?doc dcterms:title ?title .
                }} ORDER BY ?title"""
            )
        ]
        observations = self.select(
            f"""SELECT ?obs ?label ?value ?unit ?year ?kind WHERE {{
                ?obs sdmx-dimension:refArea {node} ; rdfs:label ?label ; sdmx-measure:obsValue ?value ;
                     sdmx-attribute:unitMeasure ?unit ; sdmx-dimension:refPeriod ?y ; tx:figureKind ?kind .
                ?y rdfs:label ?year .
            }} ORDER BY ?year ?label"""
        )
        same_as = [r["o"] for r in self.select(f"SELECT ?o WHERE {{ {node} schema:sameAs|skos:exactMatch ?o }}")]
        return EntityView(
            iri=iri,
            label=label,
            type=_most_specific(types),
            labels=labels,
            aliases=sorted(set(aliases)),
            parents=parents,
            children=children,
            related=related,
            mentions=mentions,
            definitions=definitions,
            observations=observations,
            same_as=same_as,
        )

    def _related(self, node: str) -> list[tuple[str, str, str, str]]:
        values = " ".join(f"<{p}>" for p in RELATIONS if not p.endswith("containedInPlace"))
        rows = self.select(
            f"""SELECT ?dir ?p ?o ?l WHERE {{
                VALUES ?p {{ {values} }}
                {{ {node} ?p ?o . BIND("out" AS ?dir) }} UNION {{ ?o ?p {node} . BIND("in" AS ?dir) }}
                ?o skos:prefLabel ?l . FILTER(LANG(?l) = "zh")
            }} ORDER BY ?dir ?p ?l"""
        )
        return [(r["dir"], RELATIONS[r["p"]], r["o"], r["l"]) for r in rows]

    # ------------------------------------------------------------ networkx
    def to_networkx(self, *, candidates: bool = False) -> nx.MultiDiGraph:
        """Curated entities and glossary concepts as nodes (label, type, mentions),
        their relations as edges (``relation`` attribute, the property IRI as ``key``).

        Discovery candidates are unreviewed proposals, so they stay out unless
        ``candidates=True`` (a curator's view of what is still waiting for review)."""
        import networkx as nx

        graph = nx.MultiDiGraph()
        types = " ".join(f"<{t}>" for t, name in TYPE_NAMES.items() if candidates or name != "candidate")
        for row in self.select(
            f"""SELECT ?e ?t ?l (COUNT(DISTINCT ?a) AS ?mentions) WHERE {{
                VALUES ?t {{ {types} }} ?e a ?t ; skos:prefLabel ?l . FILTER(LANG(?l) = "zh")
                FILTER(STRSTARTS(STR(?e), "{BASE}id/"))
                OPTIONAL {{ ?a oa:hasBody ?e }}
            }} GROUP BY ?e ?t ?l"""
        ):
            kind = TYPE_NAMES[row["t"]]
            existing = graph.nodes.get(row["e"])
            if existing and _rank(TYPE_NAMES_INV[existing["type"]]) <= _rank(row["t"]):
                continue
            graph.add_node(row["e"], label=row["l"], type=kind, mentions=int(row["mentions"]))
        values = " ".join(f"<{p}>" for p in RELATIONS)
        for row in self.select(f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o }}"):
            if row["s"] in graph and row["o"] in graph:
                graph.add_edge(row["s"], row["o"], key=row["p"], relation=RELATIONS[row["p"]])
        return graph

    def close(self) -> None:
        self._store = None


TYPE_NAMES_INV = {v: k for k, v in TYPE_NAMES.items()}
_PREFIX_DECL = re.compile(r"(?i)\bPREFIX\s+([A-Za-z][\w.-]*)?\s*:")


def _rank(type_iri: str) -> int:
    name = TYPE_NAMES.get(type_iri)
    if name is None:
        return len(_TYPE_ORDER) + 1
    return _TYPE_ORDER.index(name)


def _most_specific(types: list[str]) -> str:
    known = [t for t in types if t in TYPE_NAMES]
    return TYPE_NAMES[min(known, key=_rank)] if known else "thing"


def _string(text: str) -> str:
    """``text`` as a SPARQL string literal: N-Triples escaping (quotes, backslashes, line
    breaks, control characters), which SPARQL reads the same way."""
    return str(ox.Literal(text))


# IRIREF excludes these (SPARQL 1.1 grammar [139]); with any of them a value could close
# the <…> and go on as SPARQL
_NOT_IN_IRI = re.compile(r'[<>"{}|^`\\\x00-\x20]')


def _iri(value: str) -> str:
    """``<value>`` for SPARQL, or :class:`QueryError` if ``value`` is not one IRI.

    >>> _iri("https://w3id.org/tx-graph/id/wuzhen")
    '<https://w3id.org/tx-graph/id/wuzhen>'
    >>> _iri("http://x> . SERVICE <http://evil> {")
    Traceback (most recent call last):
    ...
    tx_graph.errors.QueryError: E210 'http://x> . SERVICE <http://evil> {' is not a valid IRI ('>' at position 9 \
cannot occur in an IRI); expected an absolute IRI such as https://w3id.org/tx-graph/id/wuzhen
    """
    bad = _NOT_IN_IRI.search(value)
    if bad:
        reason = f"{bad.group()!r} at position {bad.start() + 1} cannot occur in an IRI"
        raise QueryError("E210 " + Errors.E210.format(value=value, reason=reason))
    try:
        return str(ox.NamedNode(value))
    except ValueError as exc:
        raise QueryError("E210 " + Errors.E210.format(value=value, reason=str(exc))) from exc


def load(path: str | Path | None = None, *, endpoint: str | None = None) -> KnowledgeGraph:
    """Open the embedded store (default ``exports/store`` of the project) or an endpoint."""
    if endpoint is not None:
        return KnowledgeGraph(endpoint=endpoint)
    from .config import Paths
    from .store import open_store

    store_path = Path(path) if path is not None else Paths.at().store
    return KnowledgeGraph(open_store(store_path))


_ = PREFIXES  # re-exported for users composing their own queries
