"""Statements: the rules of tx_graph.facts on an invented report, the review of proposed
facts, and the statement RDF of the real build."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tx_graph.api import KnowledgeGraph
from tx_graph.config import Paths
from tx_graph.errors import CurationError
from tx_graph.facts import extract_statements, finest_time, statement_key, uncurated
from tx_graph.model import Span, Statement
from tx_graph.pipeline import BuildReport, prepare

ENTITIES = """\
entities:
  - id: qinghe
    type: county-city
    label: 青禾县
  - id: beihu
    type: county-city
    label: 北湖市
  - id: yuanshan
    type: company
    label: 远山集团有限公司
    aliases: [远山集团]
    parent: 青禾县
  - id: miit
    type: government-body
    label: 中华人民共和国工业和信息化部
    aliases: [工信部]
  - id: qinghe-hospital
    type: organisation
    label: 青禾县人民医院
    aliases: [青禾医院]
    parent: 青禾县
  - id: qinghe-second-hospital
    type: organisation
    label: 青禾县第二医院
    aliases: [南岭卫生院]
    parent: 青禾县
  - id: xinghe-park
    type: park
    label: 星河产业园
    parent: 青禾县
  - id: qinghe-expo-3
    type: event
    label: 第三届青禾博览会
    parent: 青禾县
"""
REPORT = """\
2018年青禾县政府工作报告
一、2017年工作回顾 远山集团获评工信部绿色工厂示范企业。与北湖市缔结友好交流关系。青禾医院托管青禾县第二医院。\
南岭卫生院更名为青禾县第二医院。星河产业园开工建设。成功举办第三届青禾博览会。
二、2018年工作任务 加快形成以星河产业园为主平台的格局。
"""


def make_project(tmp_path: Path, facts: str | None = None) -> Paths:
    (tmp_path / "curation").mkdir()
    (tmp_path / "corpus").mkdir()
    (tmp_path / "curation" / "entities.yaml").write_text(ENTITIES, encoding="utf-8")
    if facts is not None:
        (tmp_path / "curation" / "facts.yaml").write_text(facts, encoding="utf-8")
    (tmp_path / "corpus" / "report.txt").write_text(REPORT, encoding="utf-8")
    return Paths.at(tmp_path)


@pytest.fixture(scope="module")
def invented(tmp_path_factory: pytest.TempPathFactory) -> list[Statement]:
    prepared = prepare(make_project(tmp_path_factory.mktemp("facts")))
    return extract_statements(prepared.documents, prepared.mentions, prepared.curation)


def by_kind(statements: list[Statement], kind: str) -> list[Statement]:
    return [s for s in statements if s.kind == kind]


def test_finest_time() -> None:
    assert finest_time("2018年1月29日在某会议上") == "2018-01-29"
    assert finest_time("2017年7月,启动对接") == "2017-07"
    assert finest_time("同年9月,签约", previous_year=2017) == "2017-09"
    assert finest_time("同年9月,签约") is None  # no year before it: not guessed
    assert finest_time("2017年,建成") == "2017"
    assert finest_time("9月份成功引进一个项目") is None


def test_award_rule_names_holder_title_grantor_and_review_year(invented: list[Statement]) -> None:
    [award] = by_kind(invented, "award")
    assert award.roles == (("agent", "yuanshan"), ("participant", "miit"))
    assert award.detail == "工信部绿色工厂示范企业"
    assert (award.time, award.qualifier, award.rule) == ("2017", "achieved", "facts.award.v1")
    assert award.label == "远山集团有限公司获评工信部绿色工厂示范企业(中华人民共和国工业和信息化部)"


def test_partnership_without_a_subject_is_the_documents_place(invented: list[Statement]) -> None:
    [partnership] = by_kind(invented, "partnership")
    assert partnership.roles == (("agent", "qinghe"), ("participant", "beihu"))
    assert partnership.quote == "与北湖市缔结友好交流关系"


def test_management_and_rename_rules(invented: list[Statement]) -> None:
    [custody] = by_kind(invented, "management")
    assert custody.roles == (("agent", "qinghe-hospital"), ("object", "qinghe-second-hospital"))
    [rename] = by_kind(invented, "rename")
    assert rename.roles == (("object", "qinghe-second-hospital"),)
    assert rename.former_name == "南岭卫生院"


def test_milestone_event_and_role_rules(invented: list[Statement]) -> None:
    [milestone] = by_kind(invented, "milestone")
    assert (milestone.roles, milestone.detail, milestone.time) == (
        (("object", "xinghe-park"),),
        "groundbreaking",
        "2017",
    )
    [event] = by_kind(invented, "event")
    assert event.roles == (("object", "qinghe-expo-3"), ("agent", "qinghe"))
    assert (event.detail, event.edition, event.qualifier) == ("exhibition", 3, "achieved")
    [role] = by_kind(invented, "role")
    assert (role.roles, role.detail, role.time, role.qualifier) == (
        (("object", "xinghe-park"),),
        "主平台",
        "2018",
        "planned",
    )


def test_a_curated_fact_states_the_rules_proposal(invented: list[Statement]) -> None:
    [award] = by_kind(invented, "award")
    assert award.span is not None
    curated = Statement("award", (("agent", "yuanshan"),), "", doc_id=award.doc_id,
                        span=Span(award.span.start, award.span.start + 4))  # fmt: skip
    assert award not in uncurated(invented, [curated])
    assert len(uncurated(invented, [curated])) == len(invented) - 1
    assert statement_key(award) == "award|miit+yuanshan|工信部绿色工厂示范企业"


FACTS_BAD = """\
facts:
  - kind: awrd
    agent: 远山集团
    title: 某奖
    quote: 远山集团获评工信部绿色工厂示范企业
  - kind: milestone
    object: 星河产业
    stage: opend
    time: 2017-13
    quote: 星河产业园开工建设
  - kind: figure
    object: 青禾县
    measure: 投资
    amount: "5"
    unit: 亿元
    year_stated: maybe
    quote: 星河产业园开工建设
  - kind: award
    agent: 远山集团
    quote: 远山集团获评工信部绿色工厂示范企业
"""


def test_bad_facts_are_reported_with_file_line_column_and_hints(tmp_path: Path) -> None:
    paths = make_project(tmp_path, FACTS_BAD)
    with pytest.raises(CurationError) as info:
        prepare(paths)
    found = [str(p) for p in info.value.problems]
    expected = [
        "curation/facts.yaml:2:11: E030 unknown fact kind 'awrd'",
        "curation/facts.yaml:7:13: E010 reference '星河产业' matches no entity id, label or alias; did you mean '星河产业园'?",
        "curation/facts.yaml:8:12: E030 unknown stage 'opend'",
        "curation/facts.yaml:9:11: E031 '2017-13' is not a date here",
        "curation/facts.yaml:14:13: E017 value 5 does not occur in its quote",
        "curation/facts.yaml:16:18: E033 'maybe' is not true or false",
        "curation/facts.yaml:18:11: E032 a fact of kind 'award' needs title",
    ]
    for start in expected:
        assert any(line.startswith(start) for line in found), (start, found)
    assert any("did you mean 'award'?" in line for line in found)
    assert any("did you mean 'opened'?" in line for line in found)


def test_a_quote_found_in_no_document_is_E016(tmp_path: Path) -> None:
    facts = "facts:\n  - kind: award\n    agent: 远山集团\n    title: 某奖\n    quote: 远山集团获评某奖\n"
    with pytest.raises(CurationError) as info:
        prepare(make_project(tmp_path, facts))
    assert [p.code for p in info.value.problems] == ["E016"]
    assert str(info.value.problems[0]).startswith("curation/facts.yaml:2:5: E016")


def test_proposed_facts_are_reviewed_like_names(tmp_path: Path) -> None:
    from tx_graph.cli import main

    paths = make_project(tmp_path)
    assert main(["--root", str(tmp_path), "candidates"]) == 0
    queue = tmp_path / "curation" / "candidates.yaml"
    data = yaml.safe_load(queue.read_text(encoding="utf-8"))
    proposed = {item["key"]: item for item in data["statements"]}
    assert "award|miit+yuanshan|工信部绿色工厂示范企业" in proposed
    # accept the award, reject the partnership: the text edit keeps the queue valid YAML
    text = queue.read_text(encoding="utf-8").splitlines()
    decided, current = [], None
    for line in text:
        if line.strip().startswith("key: "):
            current = yaml.safe_load(line.strip()[5:])
        if line.strip() == "decision:" and current is not None and current.startswith(("award", "partnership")):
            line = line + (" accept" if current.startswith("award") else " reject")
        decided.append(line)
    queue.write_text("\n".join(decided) + "\n", encoding="utf-8")
    report = BuildReport()
    prepared = prepare(paths, report)  # applies the decisions, as every build does
    assert any(line.startswith("accepted fact award|") for line in report.reviewed)
    accepted = yaml.safe_load((tmp_path / "curation" / "accepted.yaml").read_text(encoding="utf-8"))
    [fact] = accepted["facts"]
    assert (fact["kind"], fact["agent"], fact["title"]) == ("award", "远山集团有限公司", "工信部绿色工厂示范企业")
    rejected = yaml.safe_load(queue.read_text(encoding="utf-8"))["rejected"]
    assert [r["statement"] for r in rejected] == ["partnership|beihu+qinghe|"]
    # neither is proposed again: one is curated now, the other rejected
    assert main(["--root", str(tmp_path), "candidates"]) == 0
    keys = {item["key"] for item in yaml.safe_load(queue.read_text(encoding="utf-8"))["statements"] or []}
    assert not any(k.startswith(("award|", "partnership|")) for k in keys)
    assert len(prepared.inputs.statements) >= 6


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
