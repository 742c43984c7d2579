"""The statement layer of the real build: every statement carries its sentence, the direct
edges stay simple, and the shape checks what the contract promises."""

from __future__ import annotations

from pathlib import Path

from tx_graph.api import KnowledgeGraph


def test_statements_of_the_corpus_carry_their_sentence(kg: KnowledgeGraph) -> None:
    rows = kg.select(
        "SELECT ?s ?sentence ?doc WHERE { ?s a tx:Statement ; prov:wasDerivedFrom ?x ; dcterms:source ?doc . "
        "?x a tx:Sentence ; rdf:value ?sentence ; oa:hasSource ?doc }"
    )
    kinds = kg.select(
        "SELECT DISTINCT ?k WHERE { ?s a tx:Statement , ?k . FILTER(?k != tx:Statement && STRSTARTS(STR(?k), STR(tx:))) }"
    )
    assert {str(r["k"]).rsplit("#", 1)[1] for r in kinds} == {
        "AwardStatement", "PartnershipStatement", "ManagementStatement", "RenameStatement",
        "MilestoneStatement", "RoleStatement", "EventStatement", "FigureStatement",
    }  # fmt: skip
    total = kg.select("SELECT (COUNT(?s) AS ?n) WHERE { ?s a tx:Statement }")[0]["n"]
    assert len({r["s"] for r in rows}) == total >= 140


def test_direct_edges_stay_simple(kg: KnowledgeGraph) -> None:
    partners = kg.select(
        'SELECT ?p WHERE { ?c skos:prefLabel "库比蒂诺市"@zh ; tx:partnerOf/skos:prefLabel ?p . FILTER(LANG(?p) = "zh") }'
    )
    assert [r["p"] for r in partners] == ["桐乡市"]
    awards = kg.select('SELECT ?a WHERE { ?c skos:prefLabel "合众新能源汽车有限公司"@zh ; schema:award ?a }')
    assert [r["a"] for r in awards] == ["国家发改委第13张新能源汽车生产牌照"]


def test_statement_shape_wants_the_sentence_and_a_known_time_type() -> None:
    import rdflib

    from tx_graph.validate import validate_graph

    root = Path(__file__).resolve().parents[1] / "ontology"
    head = (
        "@prefix tx: <https://w3id.org/tx-graph/ontology#> . @prefix schema: <https://schema.org/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix prov: <http://www.w3.org/ns/prov#> .\n"
        "@prefix dcterms: <http://purl.org/dc/terms/> . @prefix foaf: <http://xmlns.com/foaf/0.1/> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix ex: <https://example.org/> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix oa: <http://www.w3.org/ns/oa#> .\n"
        "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
        'ex:doc a foaf:Document ; dcterms:title "标题"@zh ; dcterms:source "x.txt" ; schema:text "某事。" .\n'
        'ex:sent a tx:Sentence ; rdf:value "某事。"@zh ; oa:hasSource ex:doc .\n'
        'ex:town a schema:Place ; skos:prefLabel "某镇"@zh .\n'
    )
    good = (
        'ex:s a tx:Statement ; rdfs:label "某事"@zh ; tx:quote "某事"@zh ; dcterms:source ex:doc ; '
        'schema:agent ex:town ; prov:wasDerivedFrom ex:sent ; tx:rule "facts.award.v1" ; '
        'schema:startTime "2017-09"^^xsd:gYearMonth .\n'
    )
    bad = good.replace("prov:wasDerivedFrom ex:sent ;", "").replace("xsd:gYearMonth", "xsd:dateTime")

    def conforms(turtle: str) -> bool:
        graph = rdflib.Graph().parse(data=head + turtle, format="turtle")
        graph.parse(root / "tx.ttl")
        return bool(validate_graph(graph, root / "shapes.ttl")[0])

    assert conforms(good)
    assert not conforms(bad)
