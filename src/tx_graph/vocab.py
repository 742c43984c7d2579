"""Vocabularies and IRI minting.

Every namespace is a closed :class:`rdflib.namespace.DefinedNamespace`, so a typo such
as ``TX.Twon`` fails at import time rather than producing a silently wrong IRI. IRIs of
things are minted here only, from curation ids and document ids, never from counters.

>>> entity_iri("place", "wuzhen")
'https://w3id.org/tx-graph/id/place/wuzhen'
>>> str(TX.Town)
'https://w3id.org/tx-graph/ontology#Town'
"""

from __future__ import annotations

from rdflib.namespace import (
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    QB,
    RDF,
    RDFS,
    SDO,
    SH,
    SKOS,
    TIME,
    XSD,
    DefinedNamespace,
    Namespace,
)
from rdflib.term import URIRef

__all__ = [
    "BASE",
    "DCTERMS",
    "FOAF",
    "OA",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "QB",
    "RDF",
    "RDFS",
    "SDMX_ATTRIBUTE",
    "SDMX_DIMENSION",
    "SDMX_MEASURE",
    "SDO",
    "SH",
    "SKOS",
    "TIME",
    "TX",
    "UNIT",
    "WD",
    "XSD",
    "doc_iri",
    "entity_iri",
    "graph_iri",
    "sparql_prefixes",
    "year_iri",
]

BASE = "https://w3id.org/tx-graph/"


class TX(DefinedNamespace):
    """The tx-graph ontology; every term is a sub-class/-property of a standard one (ontology/tx.ttl)."""

    _NS = Namespace(BASE + "ontology#")
    _fail = True

    # places
    Country: URIRef
    Province: URIRef
    PrefectureCity: URIRef
    CountyCity: URIRef
    District: URIRef
    Town: URIRef
    Subdistrict: URIRef
    Village: URIRef
    Community: URIRef
    IndustrialPark: URIRef
    Landmark: URIRef
    # things done
    Policy: URIRef
    Programme: URIRef
    Honour: URIRef
    Project: URIRef
    # text
    WorkReport: URIRef
    WorkPlan: URIRef
    NewsArticle: URIRef
    Section: URIRef
    Sentence: URIRef
    Definition: URIRef
    Footnote: URIRef
    # figures
    Indicator: URIRef
    FigureKind: URIRef
    actual: URIRef
    target: URIRef
    # extraction
    Candidate: URIRef
    BuildRun: URIRef
    # properties
    developer: URIRef
    indicator: URIRef
    figureKind: URIRef
    siteTag: URIRef
    postedOn: URIRef
    speaker: URIRef
    occasion: URIRef
    sectionNumber: URIRef
    sha256: URIRef
    toolVersion: URIRef
    modelVersion: URIRef
    footnoteNumber: URIRef
    glossaryNumber: URIRef
    headword: URIRef
    mentionCount: URIRef
    documentCount: URIRef
    sentenceCount: URIRef
    definitionCount: URIRef
    mentionedIn: URIRef
    targetAndActualIn: URIRef
    mentionedInYear: URIRef
    rule: URIRef
    score: URIRef
    proposedType: URIRef
    statedAs: URIRef
    sourceLine: URIRef
    curatedAt: URIRef
    # statements (tx_graph.statements, docs/vocabulary.md "statements")
    Statement: URIRef
    AwardStatement: URIRef
    PartnershipStatement: URIRef
    ManagementStatement: URIRef
    RenameStatement: URIRef
    MilestoneStatement: URIRef
    RoleStatement: URIRef
    EventStatement: URIRef
    FigureStatement: URIRef
    Qualifier: URIRef
    Stage: URIRef
    EventKind: URIRef
    planned: URIRef
    expected: URIRef
    cumulative: URIRef
    annualAverage: URIRef
    achieved: URIRef
    signing: URIRef
    settling: URIRef
    groundbreaking: URIRef
    completion: URIRef
    productionStart: URIRef
    operationStart: URIRef
    opening: URIRef
    inUse: URIRef
    reviewPassed: URIRef
    launch: URIRef
    conference: URIRef
    festival: URIRef
    contest: URIRef
    exhibition: URIRef
    tradeFair: URIRef
    signingCeremony: URIRef
    congressSession: URIRef
    yearStated: URIRef
    period: URIRef
    qualifier: URIRef
    edition: URIRef
    sharesThemeWith: URIRef
    quote: URIRef
    awardedBy: URIRef
    partnerOf: URIRef
    manages: URIRef
    roleName: URIRef
    stage: URIRef
    eventKind: URIRef
    measure: URIRef
    formerName: URIRef


class OA(DefinedNamespace):
    """W3C Web Annotation vocabulary (the terms tx-graph uses)."""

    _NS = Namespace("http://www.w3.org/ns/oa#")
    _fail = True

    Annotation: URIRef
    SpecificResource: URIRef
    TextPositionSelector: URIRef
    TextQuoteSelector: URIRef
    hasBody: URIRef
    hasTarget: URIRef
    hasSource: URIRef
    hasSelector: URIRef
    start: URIRef
    end: URIRef
    exact: URIRef
    prefix: URIRef
    suffix: URIRef
    motivatedBy: URIRef
    identifying: URIRef
    linking: URIRef
    describing: URIRef


class SDMX_DIMENSION(DefinedNamespace):
    _NS = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
    _fail = True
    refArea: URIRef
    refPeriod: URIRef


class SDMX_MEASURE(DefinedNamespace):
    _NS = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
    _fail = True
    obsValue: URIRef


class SDMX_ATTRIBUTE(DefinedNamespace):
    _NS = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
    _fail = True
    unitMeasure: URIRef


UNIT = Namespace(BASE + "unit/")
WD = Namespace("http://www.wikidata.org/entity/")


PREFIXES: dict[str, str] = {
    "tx": str(TX._NS),
    "txid": BASE + "id/",
    "txg": BASE + "graph/",
    "txunit": str(UNIT),
    "rdf": str(RDF._NS),
    "rdfs": str(RDFS._NS),
    "owl": str(OWL._NS),
    "xsd": str(XSD._NS),
    "skos": str(SKOS._NS),
    "schema": str(SDO._NS),
    "org": str(ORG._NS),
    "prov": str(PROV._NS),
    "dcterms": str(DCTERMS._NS),
    "foaf": str(FOAF._NS),
    "time": str(TIME._NS),
    "qb": str(QB._NS),
    "oa": str(OA._NS),
    "sh": str(SH._NS),
    "sdmx-dimension": str(SDMX_DIMENSION._NS),
    "sdmx-measure": str(SDMX_MEASURE._NS),
    "sdmx-attribute": str(SDMX_ATTRIBUTE._NS),
    "wd": str(WD),
}


def sparql_prefixes() -> str:
    """The PREFIX block for every namespace above, for queries and docs."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def entity_iri(kind: str, slug: str) -> str:
    """IRI of a curated thing: ``…/id/<kind>/<slug>`` (kind: place, org, policy, term, …)."""
    return f"{BASE}id/{kind}/{slug}"


def doc_iri(doc_id: str) -> str:
    return f"{BASE}id/doc/{doc_id}"


def year_iri(year: int) -> str:
    return f"{BASE}id/year/{year}"


def graph_iri(*parts: str) -> str:
    """Named graph IRI, e.g. ``graph_iri("curation", "places")``."""
    return BASE + "graph/" + "/".join(parts)
