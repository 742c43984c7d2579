"""SHACL shapes: inline good/bad Turtle pairs (the pySHACL way), and the CLI's exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

from tx_graph.validate import validate_graph

SHAPES = Path(__file__).resolve().parents[1] / "ontology" / "shapes.ttl"
TBOX = Path(__file__).resolve().parents[1] / "ontology" / "tx.ttl"
HEAD = """
@prefix tx: <https://w3id.org/tx-graph/ontology#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix ex: <https://example.org/> .
"""
TOWN = 'ex:town a tx:Town , schema:AdministrativeArea ; skos:prefLabel "某镇"@zh .\n'
DOC = 'ex:doc a foaf:Document ; dcterms:title "标题"@zh ; dcterms:source "x.txt" ; schema:text "某镇很好。" .\n'
MENTION = """ex:a a oa:Annotation ; oa:hasBody ex:town ; oa:hasTarget ex:t .
ex:t oa:hasSource ex:doc ; oa:hasSelector ex:p .
ex:p a oa:TextPositionSelector ; oa:start {start} ; oa:end {end} .
"""

CASES = {
    "town with one zh label": (TOWN, TOWN.replace('"某镇"@zh', '"某镇"@zh , "另一个"@zh'), "skos:prefLabel"),
    "town without a zh label": (TOWN, TOWN.replace('"某镇"@zh', '"Mou"@en'), "exactly one Chinese"),
    "one direct parent": (
        TOWN + 'ex:city a tx:CountyCity , schema:AdministrativeArea ; skos:prefLabel "某市"@zh .\n'
        "ex:town schema:containedInPlace ex:city .\n",
        TOWN + 'ex:city a tx:CountyCity , schema:AdministrativeArea ; skos:prefLabel "某市"@zh .\n'
        'ex:c2 a tx:CountyCity , schema:AdministrativeArea ; skos:prefLabel "另市"@zh .\n'
        "ex:town schema:containedInPlace ex:city , ex:c2 .\n",
        "at most one direct parent",
    ),
    "mention offsets in order": (
        TOWN + DOC + MENTION.format(start=0, end=2),
        TOWN + DOC + MENTION.format(start=2, end=0),
        "oa:start must be before oa:end",
    ),
    "wikidata sameAs only": (
        TOWN + "ex:town schema:sameAs <http://www.wikidata.org/entity/Q148> .\n",
        TOWN + "ex:town schema:sameAs <https://en.wikipedia.org/wiki/X> .\n",
        "Wikidata entity IRI",
    ),
    "document needs a title": (DOC, DOC.replace('dcterms:title "标题"@zh ;', ""), "dcterms:title"),
}


def _graph(body: str) -> rdflib.Graph:
    graph = rdflib.Graph().parse(data=HEAD + body, format="turtle")
    return graph + rdflib.Graph().parse(TBOX, format="turtle")


@pytest.mark.parametrize("name", sorted(CASES))
def test_good_conforms_and_bad_does_not(name: str) -> None:
    good, bad, message = CASES[name]
    conforms, _, text = validate_graph(_graph(good), SHAPES)
    assert conforms, text
    conforms, report, text = validate_graph(_graph(bad), SHAPES)
    assert not conforms
    assert message in text
    assert isinstance(report, rdflib.Graph) and len(report) > 0
