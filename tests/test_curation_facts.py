"""The facts: section of curation: every problem with file:line:column and a hint."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_facts import make_project  # the invented report and its entities
from tx_graph.curation_facts import summary
from tx_graph.errors import CurationError
from tx_graph.pipeline import prepare

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


def test_summary_is_made_from_the_participants() -> None:
    assert summary("management", {"agent": ["甲医院"], "object": ["乙医院"]}) == "甲医院托管乙医院"
    assert (
        summary("rename", {"object": ["乙医院"]}, former_name="丙卫生院", time="2016") == "丙卫生院更名为乙医院(2016)"
    )
