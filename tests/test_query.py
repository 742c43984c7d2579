"""Every saved query in queries/ answers what its comment promises, on the real build."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from tx_graph.api import KnowledgeGraph
from tx_graph.config import Paths
from tx_graph.errors import QueryError
from tx_graph.pipeline import BuildReport
from tx_graph.query import format_result, read_query, run_query
from tx_graph.store import open_store

QUERIES = Path(__file__).resolve().parents[1] / "queries"


def rows(kg: KnowledgeGraph, name: str) -> list[dict]:  # type: ignore[type-arg]
    return kg.select(read_query(name, QUERIES))


def test_every_saved_query_has_a_comment_and_a_test() -> None:
    names = sorted(p.stem for p in QUERIES.glob("*.rq"))
    assert len(names) >= 12
    for path in QUERIES.glob("*.rq"):
        assert path.read_text(encoding="utf-8").startswith("# "), path.name
    tested = {name.removeprefix("test_").replace("_", "-") for name in globals() if name.startswith("test_")}
    # competency questions (first line "# Q<n>. …") are checked by tests/test_questions.py
    questions = {p.stem for p in QUERIES.glob("*.rq") if re.match(r"# Q\d+\. ", p.read_text(encoding="utf-8"))}
    assert set(names) - questions <= tested, set(names) - questions - tested


def test_towns_of_tongxiang(kg: KnowledgeGraph) -> None:
    answer = rows(kg, "towns-of-tongxiang")
    assert len(answer) == 11
    assert sorted(r["zh"] for r in answer if r["type"] == "subdistrict") == ["凤鸣街道", "梧桐街道", "高桥街道"]
    assert {(r["zh"], r.get("en")) for r in answer} >= {("濮院镇", "Puyuan Town"), ("乌镇镇", "Wuzhen Town")}


def test_located_in_wuzhen(kg: KnowledgeGraph) -> None:
    answer = {(r["label"], r["via"]) for r in rows(kg, "located-in-wuzhen")}
    assert ("乌镇以色列信息产业园", "contained in") in answer
    assert ("横港村", "contained in") in answer
    assert ("乌镇人民医院迁建工程", "located at") in answer
    assert len(answer) >= 8


def test_tuisan_jinji_mentions(kg: KnowledgeGraph) -> None:
    answer = rows(kg, "tuisan-jinji-mentions")
    assert len(answer) == 7
    assert all("退散进集" in r["sentence"] for r in answer)
    assert {r["title"] for r in answer} == {
        "2018年桐乡市政府工作报告",
        "2018年濮院镇政府工作报告",
        "2017年桐乡市濮院镇政府工作报告",
        "濮院镇2020年工作要点",
    }
    city = [r for r in answer if r["title"] == "2018年桐乡市政府工作报告"]
    assert city[0]["sentence"].startswith("深化“退散进集”“退低进高”,整治“低小散”企业(作坊)2281家")


def test_yi_yuan_liang_qu_definitions(kg: KnowledgeGraph) -> None:
    answer = rows(kg, "yi-yuan-liang-qu-definitions")
    assert [(r["year"], r["definition"]) for r in answer] == [
        ("2017", "“一园”指浙江濮院毛衫针织产业园区,“两区”指纺织产业集聚区和高新技术区。"),
        ("2018", "“一园”指濮院针织产业园区,“两区”指纺织产业集聚区和高新技术区。"),
    ]


def test_companies_and_projects(kg: KnowledgeGraph) -> None:
    answer = {(r["company"], r["project"]) for r in rows(kg, "companies-and-projects")}
    assert ("巨石集团有限公司", "巨石新材料智能制造基地") in answer
    assert ("桐昆集团股份有限公司", "桐昆年产130万吨绿色差别化纤维项目") in answer
    assert ("新凤鸣集团股份有限公司", "新凤鸣年产120万吨低碳差别化纤维项目") in answer
    assert ("浙江华友钴业股份有限公司", "华友锂电新能源材料项目") in answer
    assert len(answer) >= 9


def test_tongxiang_2017_indicators(kg: KnowledgeGraph) -> None:
    answer = {r["indicator"]: r for r in rows(kg, "tongxiang-2017-indicators")}
    assert len(answer) >= 30
    gdp = answer["地区生产总值"]
    assert gdp["value"] == Decimal("80260000000") and gdp["unit"] == "yuan (CNY)" and gdp["stated"] == "802.6亿元"
    assert "全年实现地区生产总值802.6亿元" in gdp["sentence"]
    assert answer["进出口总额增长"]["value"] == Decimal(24) and answer["进出口总额增长"]["unit"] == "percent"


def test_campaigns_by_place_and_year(kg: KnowledgeGraph) -> None:
    answer = {r["programme"]: r for r in rows(kg, "campaigns-by-place-and-year")}
    assert len(answer) >= 100
    tuisan = answer["退散进集"]
    assert tuisan["place"] == "桐乡市" and set(tuisan["years"].split(", ")) == {"2017", "2018", "2020"}
    # one mention per sentence that tuisan-jinji-mentions lists
    assert tuisan["mentions"] == len(rows(kg, "tuisan-jinji-mentions"))
    assert answer["农业两区建设"]["place"] == "濮院镇"
    counts = [r["mentions"] for r in rows(kg, "campaigns-by-place-and-year")]
    assert counts == sorted(counts, reverse=True) and all(isinstance(n, int) for n in counts)


def test_terms_defined_twice(kg: KnowledgeGraph) -> None:
    answer = {r["term"]: r for r in rows(kg, "terms-defined-twice")}
    assert {"一园两区", "三改一拆", "五水共治", "濮院指数", "四个平台", "两化融合"} <= set(answer)
    assert all(r["documents"] == 2 for r in answer.values())
    assert set(answer["四位一体"]["headwords"].split(" / ")) == {"四位一体", "“四位一体”管理"}


def test_documents(kg: KnowledgeGraph) -> None:
    answer = {r["title"]: r for r in rows(kg, "documents")}
    assert len(answer) == 11
    city = answer["2018年桐乡市政府工作报告"]
    assert (city["kind"], city["year"], city["publisher"], city["sentences"], city["definitions"]) == (
        "work report",
        "2018",
        "桐乡市人民政府",
        285,
        22,
    )
    town = answer["2018年濮院镇政府工作报告"]
    assert (str(town["issued"]), str(town["posted"]), town["publisher"]) == (
        "2018-01-29",
        "2025-07-16",
        "濮院镇人民政府",
    )
    assert answer["濮院镇2020年工作要点"]["kind"] == "work plan"


def test_place_hierarchy(kg: KnowledgeGraph) -> None:
    answer = {r["place"]: r for r in rows(kg, "place-hierarchy")}
    assert (answer["桐乡市"]["parent"], answer["桐乡市"]["depth"]) == ("嘉兴市", 2)
    assert (answer["马鸣村"]["parent"], answer["马鸣村"]["depth"], answer["马鸣村"]["type"]) == ("洲泉镇", 4, "village")
    assert (answer["濮院镇"]["parent"], answer["濮院镇"]["type"]) == ("桐乡市", "town")


def test_targets_and_actuals(kg: KnowledgeGraph) -> None:
    listed = [(r["area"], r["indicator"], r["kind"], r["year"], r["stated"]) for r in rows(kg, "targets-and-actuals")]
    answer = set(listed)
    assert ("桐乡市", "地区生产总值增长", "actual", "2017", "7.1%") in answer
    assert ("濮院镇", "羊毛衫市场成交额", "actual", "2017", "380亿元") in answer
    assert ("濮院镇", "羊毛衫市场成交额", "target", "2020", "1000亿元") in answer
    # one row per figure, and every (place, indicator) listed has figures of both kinds
    assert len(listed) == len(answer)
    kinds: dict[tuple[str, str], set[str]] = {}
    for area, indicator, kind, _, _ in listed:
        kinds.setdefault((area, indicator), set()).add(kind)
    assert kinds and all(k == {"actual", "target"} for k in kinds.values())


def test_most_mentioned(kg: KnowledgeGraph) -> None:
    answer = rows(kg, "most-mentioned")
    assert len(answer) == 25
    assert (answer[0]["label"], answer[0]["type"]) == ("桐乡市", "county-level city")
    assert [r["mentions"] for r in answer] == sorted((r["mentions"] for r in answer), reverse=True)
    assert all(1 <= r["documents"] <= min(r["mentions"], 11) for r in answer)
    assert {"濮院镇", "乌镇镇", "退散进集"} <= {r["label"] for r in answer}


def test_footnotes(kg: KnowledgeGraph) -> None:
    answer = rows(kg, "footnotes")
    assert [r["number"] for r in answer] == list(range(1, 23))
    assert (answer[0]["term"], answer[0]["definition"]) == (
        "一镇三村",
        "石门镇,崇福镇城郊村、洲泉镇马鸣村、大麻镇海华村。",
    )
    assert answer[8]["term"] == "六场战役"


def test_six_battles(kg: KnowledgeGraph) -> None:
    answer = {r["part"]: r for r in rows(kg, "six-battles")}
    assert set(answer) == {
        "退散进集大会战",
        "拔钉清障攻坚战",
        "精准招商持久战",
        "文明市创建(国卫复查)决胜战",
        "垃圾处置能力提升战",
        "出租房安全隐患歼灭战",
    }
    assert all(r["mentions"] >= 1 for r in answer.values())
    assert all("战" in r["example"] for r in answer.values())


def test_provenance(kg: KnowledgeGraph, built: tuple[Paths, BuildReport]) -> None:
    paths, _ = built
    answer = rows(kg, "provenance")
    inputs = {r["input"] for r in answer}
    assert {"corpus/000_a155daf28853f606.txt", "corpus/002_65f0b63b7198ad8a.txt", "curation/places.yaml"} <= inputs
    assert len(inputs) == len(list(paths.corpus.glob("*.txt"))) + len(list(paths.curation.glob("*.yaml")))
    assert all(len(r["sha256"]) == 64 for r in answer) and answer[0]["tool"].startswith("tx-graph ")


# ---------------------------------------------------------------- formats and errors


def test_formats(built: tuple[Paths, BuildReport]) -> None:
    store = open_store(built[0].store)
    result = run_query(store, read_query("towns-of-tongxiang", QUERIES))
    csv = format_result(result, "csv").splitlines()
    assert csv[0] == "place,type,zh,en" and len(csv) == 12
    tsv = format_result(result, "tsv").splitlines()
    assert tsv[0] == "?place\t?type\t?zh\t?en" and '"濮院镇"@zh' in "\n".join(tsv)
    data = json.loads(format_result(result, "json"))
    assert data["head"]["vars"] == ["place", "type", "zh", "en"] and len(data["results"]["bindings"]) == 11
    table = format_result(result, "table")
    assert table.splitlines()[0].startswith("place") and table.endswith("(11 rows)")
    assert format_result(run_query(store, "ASK { ?s a tx:Town }"), "table") == "true"
    turtle = format_result(run_query(store, "CONSTRUCT WHERE { ?s a tx:Town }"), "table")
    assert "tx:Town" in turtle


def test_malformed_query_reports_line_and_column(built: tuple[Paths, BuildReport]) -> None:
    store = open_store(built[0].store)
    with pytest.raises(QueryError) as info:
        run_query(store, "SELECT ?x WHERE {\n  ?x a \n}")
    assert str(info.value).startswith("SPARQL syntax error: error at 3:2")


# ---------------------------------------------------------------- issue 12: queries that cannot hurt


def test_deep_query_rejected_before_parsing(built: tuple[Paths, BuildReport]) -> None:
    """3,000 nested '{' (6 KB) overflowed Oxigraph's parser stack: `tx-graph query` and
    kg.query died with SIGSEGV (exit 139, no message). Run in child processes, since the
    old behaviour takes the process down."""
    import subprocess
    import sys

    deep = "SELECT * WHERE " + "{" * 3000 + "}" * 3000
    cli = subprocess.run(
        [sys.executable, "-m", "tx_graph.cli", "query", "--exports", str(built[0].exports), deep],
        capture_output=True, text=True, timeout=120,
    )
    assert cli.returncode == 1, cli.stderr[-500:]
    assert cli.stderr.startswith("tx-graph: E206 query nests '{' 101 deep at line 1, column 116; at most 100")
    api = subprocess.run(
        [sys.executable, "-c", "import sys, tx_graph\nfrom tx_graph.errors import QueryError\n"
         "kg = tx_graph.load(sys.argv[1])\n"
         "try:\n    kg.query('SELECT * WHERE ' + '{' * 3000 + '}' * 3000)\n"
         "except QueryError as exc:\n    print(exc)\n", str(built[0].store)],
        capture_output=True, text=True, timeout=120,
    )
    assert api.returncode == 0 and api.stdout.startswith("E206 "), api.stderr[-500:]
    # brackets in strings, IRIs and comments do not count; other brackets do
    store = open_store(built[0].store)
    quoted = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(?o != '" + "{(" * 200 + "') } # " + "{" * 200
    assert len(run_query(store, quoted)) == 1
    for nested in ("SELECT * WHERE { FILTER(" + "(" * 120 + "1" + ")" * 120 + ") }", "x" * 100_001):
        with pytest.raises(QueryError, match=r"E20[56]"):
            run_query(store, nested)


def test_query_timeout_and_ctrl_c_end_a_query(built: tuple[Paths, BuildReport]) -> None:
    """`tx-graph query` had no timeout and ignored Ctrl-C (a query ran for minutes)."""
    import signal
    import subprocess
    import sys
    import time

    from tx_graph import cli, query

    assert cli.DEFAULT_TIMEOUT == query.DEFAULT_TIMEOUT  # the CLI's copy (it must not import query for --help)
    cross = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }"  # ~10^14 rows
    command = [sys.executable, "-m", "tx_graph.cli", "query", "--exports", str(built[0].exports), cross]
    timed = subprocess.run([*command, "--timeout", "1"], capture_output=True, text=True, timeout=120)
    assert timed.returncode == 1
    assert timed.stderr.startswith("tx-graph: E209 query did not finish within 1 s and was abandoned")
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    time.sleep(3)  # past start-up, inside the query
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130 and "interrupted" in err
