"""Curation loading: the real files load; broken files yield every problem with file:line:column."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tx_graph.curation import load_curation, resolve_name
from tx_graph.errors import CurationError

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"

EXPECTED_PROBLEMS = [
    "broken_curation/entities.yaml:5:9: E007 id 'Wuzhen Town' is not a lowercase slug (expected [a-z0-9] words joined by '-', e.g. wuzhen, jushi-smart-base)",
    "broken_curation/entities.yaml:11:13: E010 reference '浙江' matches no entity id, label or alias; did you mean '浙江省'?",
    "broken_curation/entities.yaml:12:15: E013 bad Wikidata id '12345' (expected Q followed by digits, e.g. Q148)",
    "broken_curation/entities.yaml:13:9: E008 duplicate id 'tongxiang' (first defined at broken_curation/entities.yaml:8:9)",
    "broken_curation/entities.yaml:17:11: E006 unknown type 'towm' (valid types: community, company, country, county-city, district, event, event-series, government-body, honour, landmark, organisation, park, policy, prefecture-city, programme, project, province, subdistrict, town, village); did you mean 'town'?",
    # the ambiguous reference it causes is folded under it (issue 12)
    "broken_curation/entities.yaml:22:15: E009 label/alias '浙江省' of 'jushi' is already used by 'zhejiang' "
    "(at broken_curation/entities.yaml:2:5); until it is fixed, 1 reference(s) to '浙江省' are ambiguous "
    "(broken_curation/entities.yaml:36:11)",
    "broken_curation/entities.yaml:23:5: E004 unknown key 'colour' in an item of entities (valid keys: id, type, label, aliases, parent, en, pinyin, wikidata, companies, part_of, years, notes, geo)",
    "broken_curation/entities.yaml:27:13: E012 'parent' of a project must point at community or country or county-city or district or landmark or park or prefecture-city or province or subdistrict or town or village, but '巨石集团' is a company",
    "broken_curation/entities.yaml:28:17: E012 'companies' of a project must point at company or government-body or organisation, but '桐乡市' is a county-city",
    "broken_curation/entities.yaml:29:5: E005 missing required key 'label' in an entity",
    "broken_curation/entities.yaml:35:16: E019 unknown indicator 'gdpp' (define it under indicators:; known: gdp); did you mean 'gdp'?",
    "broken_curation/entities.yaml:37:13: E018 '17' is not a year here (expected a four-digit year between 1900 and 2100)",
    "broken_curation/entities.yaml:39:11: E014 unknown unit '亿' (valid units: 元 万元 亿元 美元 万美元 亿美元 % 百分点 个 家 项 件 座 辆 亩 万亩 平方米 万平方米 公里 人 万人 吨 万吨); did you mean '亿元'?",
    "broken_curation/entities.yaml:40:11: E015 unknown kind 'planned' (valid kinds: actual, target)",
    "broken_curation/syntax.yaml:5:1: E002 YAML syntax error: while parsing a flow sequence expected ',' or ']', but got '<stream end>' (the construct began at line 4, column 12); a [list] is not closed, or an item in it holding ',' or ':' needs quotes",
]


def test_broken_curation_reports_every_problem_at_once() -> None:
    with pytest.raises(CurationError) as info:
        load_curation(FIXTURES / "broken_curation", FIXTURES)
    assert [str(p) for p in info.value.problems] == EXPECTED_PROBLEMS
    assert str(info.value).startswith("curation is invalid (15 problem(s)):\n  broken_curation/entities.yaml:5:9:")


def _load(tmp_path: Path, text: str) -> CurationError:
    (tmp_path / "c.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(CurationError) as info:
        load_curation(tmp_path, tmp_path)
    return info.value


def test_duplicate_keys_and_parent_cycles(tmp_path: Path) -> None:
    error = _load(
        tmp_path,
        "entities:\n"
        "  - {id: a, type: town, label: 甲镇, parent: b}\n"
        "  - {id: b, type: town, label: 乙镇, parent: a, label: 丙镇}\n",
    )
    assert [str(p) for p in error.problems] == [
        "c.yaml:2:44: E021 place 'a' is contained in itself through its parents (a → b → a)",
        "c.yaml:3:44: E021 place 'b' is contained in itself through its parents (b → a → b)",
        "c.yaml:3:47: E020 duplicate key 'label' in an item of entities (the later value would silently win)",
    ]


def test_top_level_must_be_a_mapping_and_bad_regex_is_reported(tmp_path: Path) -> None:
    (tmp_path / "list.yaml").write_text("- id: a\n", encoding="utf-8")
    (tmp_path / "noise.yaml").write_text("noise:\n  line_patterns: ['[unclosed']\n", encoding="utf-8")
    with pytest.raises(CurationError) as info:
        load_curation(tmp_path, tmp_path)
    messages = [str(p) for p in info.value.problems]
    assert messages[0].startswith("list.yaml:1:1: E003 expected a mapping with keys entities, terms")
    assert messages[1].startswith("noise.yaml:2:19: E022 invalid regular expression '[unclosed'")


@pytest.fixture(scope="module")
def curation():  # type: ignore[no-untyped-def]
    return load_curation(ROOT / "curation", ROOT)


def test_real_curation_loads_with_hundreds_of_entities(curation) -> None:  # type: ignore[no-untyped-def]
    counts = Counter(e.type for e in curation.entities.values())
    assert sum(counts.values()) >= 300
    for kind in (
        "town",
        "subdistrict",
        "village",
        "company",
        "government-body",
        "park",
        "project",
        "programme",
        "policy",
        "event",
    ):
        assert counts[kind] > 0, kind
    assert counts["town"] == 8 and counts["subdistrict"] == 3


def test_place_hierarchy_reaches_zhejiang(curation) -> None:  # type: ignore[no-untyped-def]
    chain = []
    entity = resolve_name("马鸣村", curation)
    while entity is not None:
        chain.append(entity.label)
        entity = curation.entities.get(entity.parent) if entity.parent else None
    assert chain == ["马鸣村", "洲泉镇", "桐乡市", "嘉兴市", "浙江省", "中国"]


def test_every_town_of_tongxiang_is_curated(curation) -> None:  # type: ignore[no-untyped-def]
    towns = {e.label for e in curation.entities.values() if e.type in ("town", "subdistrict")}
    assert {"乌镇镇", "濮院镇", "崇福镇", "洲泉镇", "大麻镇", "石门镇", "屠甸镇", "河山镇"} <= towns
    assert {"梧桐街道", "凤鸣街道", "高桥街道"} <= towns


def test_companies_have_their_projects(curation) -> None:  # type: ignore[no-untyped-def]
    by_company = Counter(c for e in curation.entities.values() if e.type == "project" for c in e.companies)
    for short in ("巨石", "桐昆", "新凤鸣", "华友"):
        company = resolve_name(short, curation)
        assert company is not None and company.type == "company", short
        assert by_company[company.id] >= 1, short


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "entities:\n  - id: a\n\ttype: town\n    label: 甲镇\n",
            "c.yaml:3:1: E002 YAML syntax error: while scanning for the next token found character '\\t' that cannot "
            "start any token; indent with spaces: YAML does not allow tabs in indentation",
        ),
        (
            "entities:\n  - id: a\n    type: town\n    label: 甲镇: 新区\n",
            "c.yaml:4:14: E002 YAML syntax error: mapping values are not allowed here; a value containing ': ' must be "
            'quoted, e.g. label: "甲: 乙"',
        ),
        (
            "entities:\n  - id: a\n    type: town\n   label: 甲镇\n",
            "c.yaml:4:4: E002 YAML syntax error: while parsing a block collection expected <block end>, but found "
            "'<block mapping start>' (the construct began at line 2, column 3); keys of one item must line up under "
            "each other (same number of spaces)",
        ),
        (
            'entities:\n  - id: a\n    type: town\n    label: "甲镇\n',
            "c.yaml:5:1: E002 YAML syntax error: while scanning a quoted scalar found unexpected end of stream "
            "(the construct began at line 4, column 12); a quote is opened and never closed",
        ),
    ],
)
def test_yaml_syntax_errors_say_where_and_what_to_do(tmp_path: Path, text: str, expected: str) -> None:
    assert [str(p) for p in _load(tmp_path, text).problems] == [expected]


def test_every_problem_of_every_file_at_once_with_a_hint(tmp_path: Path) -> None:
    """Wrong value shapes, unknown and duplicate keys, typos: one message each, all files."""
    (tmp_path / "a.yaml").write_text(
        "entities:\n"
        "  - id: a\n"
        "    type: twon\n"
        "    label: 甲镇\n"
        "    aliases: {short: 甲}\n"
        "    en: [Jia, Town]\n"
        "    years: [2017, twenty]\n"
        "    parnet: 桐乡\n"
        "  - id: b\n"
        "    type: village\n"
        "    label: [乙村]\n"
        "    label: 乙村\n"
        "entities:\n"
        "  - {id: c, type: town, label: 丙镇, parent: 甲}\n",
        encoding="utf-8",
    )
    (tmp_path / "b.yaml").write_text(
        "indicators:\n  - {id: gdp, label: 地区生产总值}\n"
        "observations:\n"
        "  - {indicator: gpd, area: 丙镇, period: 2017, value: 1O, unit: 亿, kind: actual, quote: 增长10亿元}\n",
        encoding="utf-8",
    )
    (tmp_path / "c.yaml").write_text("entities:\n\t- id: d\n", encoding="utf-8")
    # a BOM and CRLF line endings are not problems: positions stay right
    (tmp_path / "d.yaml").write_bytes("\ufeffentities:\r\n  - id: e\r\n    type: town\r\n    lable: 戊镇\r\n".encode())
    with pytest.raises(CurationError) as info:
        load_curation(tmp_path, tmp_path)
    assert [str(p) for p in info.value.problems] == [
        "a.yaml:3:11: E006 unknown type 'twon' (valid types: community, company, country, county-city, district, "
        "event, event-series, government-body, honour, landmark, organisation, park, policy, prefecture-city, programme, "
        "project, province, subdistrict, town, village); did you mean 'town'?",
        "a.yaml:5:14: E003 expected a list of values for 'aliases' here, found a mapping",
        "a.yaml:6:9: E003 expected a single value for 'en' here, found a list",
        "a.yaml:7:19: E018 'twenty' is not a year here (expected a four-digit year between 1900 and 2100)",
        "a.yaml:8:5: E004 unknown key 'parnet' in an item of entities (valid keys: id, type, label, aliases, parent, "
        "en, pinyin, wikidata, companies, part_of, years, notes, geo); did you mean 'parent' or 'part_of'?",
        "a.yaml:11:12: E003 expected a single value for 'label' here, found a list",
        "a.yaml:12:5: E020 duplicate key 'label' in an item of entities (the later value would silently win)",
        "a.yaml:13:1: E020 duplicate key 'entities' in the file (the later value would silently win)",
        "b.yaml:4:17: E019 unknown indicator 'gpd' (define it under indicators:; known: gdp); did you mean 'gdp'?",
        # 丙镇 is defined under the second, ignored `entities:` of a.yaml
        "b.yaml:4:28: E010 reference '丙镇' matches no entity id, label or alias",
        "b.yaml:4:53: E003 expected a decimal number here, found '1O'",
        "b.yaml:4:63: E014 unknown unit '亿' (valid units: 元 万元 亿元 美元 万美元 亿美元 % 百分点 个 家 项 件 座 辆 "
        "亩 万亩 平方米 万平方米 公里 人 万人 吨 万吨); did you mean '亿元'?",
        "c.yaml:2:1: E002 YAML syntax error: while scanning for the next token found character '\\t' that cannot "
        "start any token; indent with spaces: YAML does not allow tabs in indentation",
        "d.yaml:2:5: E005 missing required key 'label' in an entity",
        "d.yaml:4:5: E004 unknown key 'lable' in an item of entities (valid keys: id, type, label, aliases, parent, "
        "en, pinyin, wikidata, companies, part_of, years, notes, geo); did you mean 'label'?",
    ]


def test_towns_have_seat_coordinates_and_bad_ones_are_reported(curation, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Every town and subdistrict of 桐乡市 has a seat (geo: [lat, long]) inside the city's
    extent; a malformed pair is E040 at its file:line:column."""
    heads = [e for e in curation.entities.values() if e.type in ("town", "subdistrict") and e.parent == "tongxiang"]
    assert len(heads) == 11 and all(e.geo for e in heads)
    for e in heads:
        lat, long = (float(v) for v in e.geo)
        assert 30.4 < lat < 30.85 and 120.2 < long < 120.8, e.id
    assert curation.entities["wuzhen"].geo == ("30.7450", "120.4880")
    error = _load(
        tmp_path,
        "entities:\n  - {id: a, type: town, label: 甲镇, geo: [95, 120]}\n  - {id: b, type: town, label: 乙镇, geo: x}\n",
    )
    assert [str(p) for p in error.problems] == [
        "c.yaml:2:41: E040 bad coordinates [95, 120] (expected geo: [latitude, longitude] in decimal degrees, "
        "latitude -90..90 and longitude -180..180, e.g. geo: [30.6300, 120.5650])",
        "c.yaml:3:41: E040 bad coordinates [x] (expected geo: [latitude, longitude] in decimal degrees, "
        "latitude -90..90 and longitude -180..180, e.g. geo: [30.6300, 120.5650])",
    ]


BOMB = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
entities:
  - id: x
    type: town
    label: 甲镇
    ? *f
    : 1
"""


def test_yaml_alias_bomb_bounded(tmp_path: Path) -> None:
    """Issue 12: aliases of aliases used as a mapping key were expanded when the key was
    printed (nine levels: 5 GB). Six levels here (531,441 nodes), so that the old code
    finishes, with the key's expansion in its message instead of this error."""
    error = _load(tmp_path, BOMB)
    assert [str(p) for p in error.problems] == [
        "c.yaml:6:8: E002 YAML syntax error: aliases expand to more than 100,000 nodes (an alias bomb?); "
        "write the values out instead of repeating anchors"
    ]
    error = _load(tmp_path, "entities:\n  - &x [1, *x]\n")
    assert [p.code for p in error.problems] == ["E002"] and "inside the node it names" in error.problems[0].message
    # a few aliases are fine
    (tmp_path / "c.yaml").write_text(
        "entities:\n  - {id: t, type: town, label: &town 甲镇}\n  - {id: u, type: village, label: 乙村, parent: *town}\n",
        encoding="utf-8")
    assert load_curation(tmp_path, tmp_path).entities["u"].parent == "t"


def test_alias_equal_to_label_folds_follow_on_errors(tmp_path: Path) -> None:
    """Issue 12: an alias equal to another entity's label gave the right error buried under
    one 'ambiguous reference' error per use of the name."""
    text = """\
entities:
  - {id: wuzhen, type: town, label: 乌镇镇, aliases: [乌镇, 濮院镇]}
  - {id: puyuan, type: town, label: 濮院镇}
"""
    text += "".join(f"  - {{id: v{i}, type: village, label: 村{i}, parent: 濮院镇}}\n" for i in range(14))
    error = _load(tmp_path, text)
    assert [str(p) for p in error.problems] == [
        "c.yaml:2:56: E009 label/alias '濮院镇' of 'wuzhen' is already used by 'puyuan' (at c.yaml:3:5); "
        "until it is fixed, 14 reference(s) to '濮院镇' are ambiguous (c.yaml:4:48, c.yaml:5:48, c.yaml:6:48 "
        "and 11 more)"
    ]
