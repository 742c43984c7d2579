"""The statement rules of tx_graph.facts on an invented report, and the review of the
facts they propose (the facts: loader is tested in test_curation_facts.py, the RDF in
test_statements.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tx_graph.config import Paths
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


def test_regression_two_figures_about_one_place_are_both_kept() -> None:
    """uncurated() once keyed proposals by kind and participants only, so the second
    figure about 桐乡市 in an article silently replaced nothing and vanished."""
    one = Statement("figure", (("object", "tongxiang"),), "", detail="合同外资", value="3000", unit="万美元")
    two = Statement("figure", (("object", "tongxiang"),), "", detail="到资总额", value="3.05", unit="亿美元")
    assert uncurated([one, two, one], []) == [one, two]


def test_a_report_in_traditional_characters_gives_the_same_facts_in_its_own_words(tmp_path: Path) -> None:
    paths = make_project(tmp_path)
    (tmp_path / "corpus" / "report.txt").write_text(
        "2018年青禾縣政府工作報告\n一、2017年工作回顧 遠山集團獲評工信部綠色工廠示範企業。青禾醫院託管青禾縣第二醫院。\n",
        encoding="utf-8",
    )
    prepared = prepare(paths)
    found = extract_statements(prepared.documents, prepared.mentions, prepared.curation)
    [award] = by_kind(found, "award")
    assert award.roles == (("agent", "yuanshan"), ("participant", "miit"))
    assert award.quote == "遠山集團獲評工信部綠色工廠示範企業"
    assert award.detail == "工信部绿色工厂示范企业"  # the title as the rules read it: simplified


def test_cue_words_are_found_longest_first_without_overlaps() -> None:
    from tx_graph.facts import _finditer

    text = "产业园区和产业,园区园区"
    assert _finditer(["园区", "产业园区", "产业", ""], text) == [
        (0, 4, "产业园区"), (5, 7, "产业"), (8, 10, "园区"), (10, 12, "园区")]
    assert _finditer(["签约"], text) == []
