"""The Python API over the embedded store: load, query, entity, to_networkx."""

from __future__ import annotations

import pytest

import tx_graph
from conftest import Listener
from tx_graph.api import KnowledgeGraph
from tx_graph.config import Paths
from tx_graph.errors import QueryError, StoreError
from tx_graph.pipeline import BuildReport


def test_load_opens_the_built_store(built: tuple[Paths, BuildReport]) -> None:
    kg = tx_graph.load(str(built[0].store))
    assert kg.select("SELECT (COUNT(*) AS ?n) WHERE { ?s a tx:Town }") == [{"n": 8}]


def test_load_without_a_build_is_a_clear_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(StoreError, match="run `tx-graph build` first"):
        tx_graph.load(str(tmp_path / "nowhere"))


def test_entity_by_short_name(kg: KnowledgeGraph) -> None:
    wuzhen = kg.entity("乌镇")
    assert (wuzhen.label, wuzhen.type, wuzhen.id) == ("乌镇镇", "town", "wuzhen")
    assert wuzhen.labels["en"] == ["Wuzhen Town"]
    assert "乌镇" in wuzhen.aliases
    assert [label for _, label in wuzhen.parents] == ["桐乡市", "嘉兴市", "浙江省", "中国"]
    assert "乌镇以色列信息产业园" in {label for _, label in wuzhen.children}
    assert len(wuzhen.mentions) == 13
    first = wuzhen.mentions[0]
    assert first.exact == "乌镇" and first.exact in first.sentence
    assert "【乌镇】" in first.highlighted()
    assert "乌镇镇  (town)" in wuzhen.describe()


def test_entity_by_id_and_glossary_definitions(kg: KnowledgeGraph) -> None:
    assert kg.entity("puyuan").label == "濮院镇"
    park = kg.entity("浙江濮院毛衫针织产业园区")
    assert park.type == "park"
    # the park is what 一园两区 names: both documents' definitions reach it through foaf:focus
    assert sorted(title for title, _, _ in park.definitions) == [
        "2017年桐乡市濮院镇政府工作报告",
        "2018年濮院镇政府工作报告",
    ]
    term = kg.entity("https://w3id.org/tx-graph/id/term/san-di")
    assert term.type == "term" and term.definitions[0][2].startswith("中国和世界互联网发展历程文化积淀地")


def test_entity_relations_and_observations(kg: KnowledgeGraph) -> None:
    jushi = kg.entity("巨石")
    assert jushi.type == "company"
    assert (
        "in",
        "developed by",
        "https://w3id.org/tx-graph/id/project/jushi-smart-manufacturing-base",
        "巨石新材料智能制造基地",
    ) in jushi.related
    city = kg.entity("桐乡市")
    assert len(city.observations) > 40
    assert any(o["label"].startswith("桐乡市 地区生产总值 2017 实际 802.6亿元") for o in city.observations)


def test_unknown_entity(kg: KnowledgeGraph) -> None:
    with pytest.raises(QueryError, match="no entity has the label, alias or id '火星'"):
        kg.entity("火星")


def test_to_networkx_matches_the_store(kg: KnowledgeGraph) -> None:
    graph = kg.to_networkx()
    curated = kg.select(
        """SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e skos:prefLabel ?l .
           FILTER(STRSTARTS(STR(?e), "https://w3id.org/tx-graph/id/") && !CONTAINS(STR(?e), "/id/scheme/")
                  && !CONTAINS(STR(?e), "/id/dataset/"))
           FILTER NOT EXISTS { ?e a tx:Candidate } }"""
    )[0]["n"]
    assert graph.number_of_nodes() == curated
    wuzhen = "https://w3id.org/tx-graph/id/place/wuzhen"
    assert graph.nodes[wuzhen] == {"label": "乌镇镇", "type": "town", "mentions": 13}
    assert graph.has_edge(wuzhen, "https://w3id.org/tx-graph/id/place/tongxiang")
    edge = graph.get_edge_data(
        "https://w3id.org/tx-graph/id/project/jushi-smart-manufacturing-base", "https://w3id.org/tx-graph/id/org/jushi"
    )
    assert [d["relation"] for d in edge.values()] == ["developed by"]
    kinds = {d["type"] for _, d in graph.nodes(data=True)}
    assert {"town", "company", "project", "programme", "term", "indicator", "year"} <= kinds
    assert graph.nodes["https://w3id.org/tx-graph/id/year/2017"]["type"] == "year"


def test_to_networkx_leaves_candidates_out_unless_asked(kg: KnowledgeGraph) -> None:
    pending = {row["c"] for row in kg.select("SELECT ?c WHERE { ?c a tx:Candidate }")}
    assert pending, "the bundled build proposes candidates"
    assert not pending & set(kg.to_networkx().nodes)
    with_candidates = kg.to_networkx(candidates=True)
    assert pending <= set(with_candidates.nodes)
    assert {with_candidates.nodes[c]["type"] for c in pending} == {"candidate"}


def test_entity_iri_injection_refused(kg: KnowledgeGraph, listener) -> None:  # type: ignore[no-untyped-def]
    """Issue 12: an argument starting with http was pasted into <…>, so it could close the
    IRI and go on as SPARQL (here: a SERVICE call to a port on this machine)."""
    injected = f"http://x> ?p ?l . SERVICE <{listener.url}> {{ ?s ?p ?o }} }} # "
    with pytest.raises(QueryError) as info:
        kg.entity(injected)
    assert str(info.value).startswith(f"E210 '{injected}' is not a valid IRI ('>' at position 9 cannot occur")
    for bad in ("http://x y", 'http://x"', "http://x{", "http://x\\u0041", "httpx"):
        with pytest.raises(QueryError, match="E210"):
            kg.entity(bad)
    # a name with quotes and line breaks is bound as a string literal, never pasted
    with pytest.raises(QueryError, match="no entity has the label"):
        kg.entity('乌镇" } SERVICE <' + listener.url + "> { ?s ?p ?o } #\n")
    listener.close()  # waits for the accept loop: any connection made is counted
    assert listener.connections == 0
    assert kg.entity("https://w3id.org/tx-graph/id/place/wuzhen").label == "乌镇镇"


def test_service_refused_without_allow_service(kg: KnowledgeGraph, listener) -> None:  # type: ignore[no-untyped-def]
    """Issue 12: SERVICE made the process send HTTP requests wherever a query said."""
    query = f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
    with pytest.raises(QueryError) as info:
        kg.query(query)
    assert str(info.value).startswith("E207 SERVICE at line 1, column 18 is refused")
    listener.close()
    assert listener.connections == 0
    # asked for, it is sent (and fails here, since the listener hangs up)
    allowed = Listener()
    try:
        with pytest.raises(QueryError):
            KnowledgeGraph(kg._store, allow_service=True).query(
                f"SELECT * WHERE {{ SERVICE <{allowed.url}> {{ ?s ?p ?o }} }}")
    finally:
        allowed.close()
    assert allowed.connections == 1
