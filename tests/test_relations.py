"""Relations, figures and years read from sentences; every fact names its rule."""

from __future__ import annotations

from decimal import Decimal

import pytest
import spacy

from tx_graph.curation import load_curation
from tx_graph.discover import Lexicon
from tx_graph.ingest import ingest_text
from tx_graph.model import Analysis
from tx_graph.nlp import analyse, build_nlp
from tx_graph.relations import parse_amount

CURATION = """\
entities:
  - {id: tongxiang, type: county-city, label: 桐乡市, aliases: [桐乡]}
  - {id: puyuan, type: town, label: 濮院镇, aliases: [濮院], parent: 桐乡市}
  - {id: chongfu, type: town, label: 崇福镇, aliases: [崇福], parent: 桐乡市}
  - {id: zhouquan, type: town, label: 洲泉镇, aliases: [洲泉], parent: 桐乡市}
  - {id: dianjietang, type: village, label: 店街塘村, aliases: [崇福店街塘村]}
  - {id: maming, type: village, label: 马鸣村}
  - {id: jushi, type: company, label: 巨石集团有限公司, aliases: [巨石]}
  - {id: jushi-base, type: project, label: 巨石新材料智能制造基地}
  - {id: eda, type: park, label: 浙江桐乡经济开发区, aliases: [开发区], parent: 桐乡市}
  - {id: wic, type: event-series, label: 世界互联网大会}
indicators:
  - {id: gdp, label: 地区生产总值}
  - {id: gdp-growth, label: 地区生产总值增长}
  - {id: fiscal-revenue, label: 财政总收入}
  - {id: fiscal-revenue-growth, label: 财政总收入增长}
  - {id: budget-revenue, label: 一般公共预算收入}
  - {id: budget-revenue-growth, label: 一般公共预算收入增长}
  - {id: new-hundred-million-enterprises, label: 新增亿元企业}
  - {id: exports, label: 出口}
  - {id: rd-share, label: R&D占比}
"""

REPORT = (
    "2018年桐乡市政府工作报告\n"
    "各位代表:现在,我代表市人民政府向大会作工作报告。 一、2017年工作回顾 "
    "全年实现地区生产总值802.6亿元,按可比价计算,增长7.1%;财政总收入108.3亿元,其中一般公共预算收入61.7亿元,"
    "同比分别增长7.8%和5.1%。新增亿元企业15家,R&D占比达2.97%。 二、2018年目标任务和主要工作 "
    "建议今年全市经济社会发展主要预期目标为:地区生产总值增长7%左右。"
)


@pytest.fixture(scope="module")
def nlp(tmp_path_factory: pytest.TempPathFactory) -> spacy.language.Language:
    folder = tmp_path_factory.mktemp("curation")
    (folder / "entities.yaml").write_text(CURATION, encoding="utf-8")
    curation = load_curation(folder)
    return build_nlp(Lexicon.from_curation(curation))


def run(nlp: spacy.language.Language, text: str, title: str = "新闻") -> Analysis:
    return analyse(nlp, ingest_text(f"{title}\n{text}"))


def facts(analysis: Analysis, predicate: str) -> set[tuple[str, str]]:
    return {(f.subject, f.object) for f in analysis.facts if f.predicate == predicate}


# ---------------------------------------------------------------- places


def test_a_place_written_before_a_place_contains_it(nlp: spacy.language.Language) -> None:
    a = run(nlp, "崇福店街塘村、洲泉镇马鸣村晋级省级美丽宜居示范村。")
    assert {("dianjietang", "chongfu"), ("maming", "zhouquan")} <= facts(a, "containedInPlace")
    assert all(f.rule == "relations.place-prefix.v1" for f in a.facts if f.predicate == "containedInPlace")


def test_settling_somewhere_is_a_location(nlp: spacy.language.Language) -> None:
    a = run(nlp, "德国EGLASS、伊芙丽等制造业项目成功落户濮院。在位于开发区的外贸转型示范基地形成闭环。")
    located = facts(a, "location") | facts(a, "containedInPlace")
    assert ("candidate:EGLASS", "puyuan") in located and ("candidate:伊芙丽", "puyuan") in located
    assert ("candidate:外贸转型示范基地", "eda") in located or not any(s.endswith("示范基地") for s, _ in located)
    assert {f.rule for f in a.facts if f.predicate == "location"} <= {"relations.settle.v1", "relations.place-prefix.v1"}


def test_a_road_named_after_a_town_is_not_in_that_town(nlp: spacy.language.Language) -> None:
    a = run(nlp, "加快打造乌镇大道科创集聚区。")
    assert not any(obj == "wuzhen" for _, obj in facts(a, "containedInPlace"))


# ---------------------------------------------------------------- companies and money


def test_a_project_named_after_a_company_is_its_project(nlp: spacy.language.Language) -> None:
    a = run(nlp, "加快推进总投资100亿元的巨石新材料智能制造基地建设。")
    assert ("jushi-base", "jushi") in facts(a, "developer")
    invest = [f for f in a.facts if f.predicate == "investment"]
    assert len(invest) == 1 and invest[0].subject == "jushi-base"
    assert Decimal(invest[0].value or "0") == Decimal(10) ** 10 and invest[0].unit == "CNY"
    assert invest[0].rule == "relations.investment.v1"


def test_amounts_in_base_units() -> None:
    assert parse_amount("1.5", "亿美元") == (Decimal("150000000.0"), "USD")
    assert parse_amount("20", "万元") == (Decimal(200000), "CNY")


# ---------------------------------------------------------------- years


def test_things_are_dated_by_the_years_their_sentences_name(nlp: spacy.language.Language) -> None:
    a = run(nlp, "2024年,桐乡市启动“云端拓市”专项行动。今年继续推进“云端拓市”专项行动。")
    dated = {(f.subject, f.object, f.rule) for f in a.facts if f.predicate == "temporal"}
    assert ("candidate:云端拓市专项行动", "year:2024", "relations.temporal.v1") in dated
    assert all(obj == "year:2024" for _, obj, _ in dated)


# ---------------------------------------------------------------- figures


def test_review_figures_are_actuals_of_the_reviewed_year(nlp: spacy.language.Language) -> None:
    a = analyse(nlp, ingest_text(REPORT))
    got = {(f.indicator, f.period, f.value, f.unit, f.kind) for f in a.figures}
    assert ("gdp", 2017, "802.6", "亿元", "actual") in got
    assert ("gdp-growth", 2017, "7.1", "%", "actual") in got
    assert ("fiscal-revenue", 2017, "108.3", "亿元", "actual") in got
    # 同比分别增长7.8%和5.1%: the rates of the two levels just listed, in order
    assert ("fiscal-revenue-growth", 2017, "7.8", "%", "actual") in got
    assert ("budget-revenue-growth", 2017, "5.1", "%", "actual") in got
    assert ("new-hundred-million-enterprises", 2017, "15", "家", "actual") in got
    assert ("rd-share", 2017, "2.97", "%", "actual") in got
    assert {f.area for f in a.figures} == {"tongxiang"}


def test_plan_figures_are_targets_of_the_report_year(nlp: spacy.language.Language) -> None:
    a = analyse(nlp, ingest_text(REPORT))
    targets = {(f.indicator, f.period, f.value, f.kind) for f in a.figures if f.kind == "target"}
    assert targets == {("gdp-growth", 2018, "7", "target")}
    assert all(f.rule == "relations.figure.v1" for f in a.figures)
    text = ingest_text(REPORT).text
    assert all(text[f.span.start : f.span.end].endswith(("%", "元", "家")) for f in a.figures)


def test_target_cues_outside_sections(nlp: spacy.language.Language) -> None:
    news = run(nlp, "桐乡市力争2025年地区生产总值增长8%。2024年桐乡市实现地区生产总值900亿元。")
    got = {(f.indicator, f.period, f.kind) for f in news.figures}
    assert ("gdp-growth", 2025, "target") in got and ("gdp", 2024, "actual") in got


def test_thresholds_and_other_indicators_are_not_figures(nlp: spacy.language.Language) -> None:
    a = run(nlp, "对出口200万美元以下小微企业提供免抵押信贷支持。新增规上企业18家,5亿元企业2家。")
    assert not a.figures
