"""The command line: exit codes 0 / 1 / 2 and messages that point at the problem."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tx_graph.cli import main
from tx_graph.config import Paths
from tx_graph.pipeline import BuildReport

ROOT = Path(__file__).resolve().parents[1]


def test_help_is_instant_and_lists_commands() -> None:
    # heavy libraries must not load for --help
    code = (
        "import sys, tx_graph.cli as c\n"
        "try:\n    c.main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('spacy', 'pyshacl', 'pyvis', 'networkx', 'rdflib', 'jieba') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "build" in out and "query" in out and "validate" in out
    assert "HEAVY []" in out


def test_query_and_validate_exit_codes(built: tuple[Paths, BuildReport], capsys: pytest.CaptureFixture[str]) -> None:
    exports = str(built[0].exports)
    assert main(["query", "--exports", exports, "towns-of-tongxiang", "--format", "csv"]) == 0
    assert "濮院镇,Puyuan Town" in capsys.readouterr().out
    assert main(["query", "--exports", exports, "SELECT ?x WHERE { ?x a }"]) == 1
    assert "SPARQL syntax error: error at 1:" in capsys.readouterr().err
    assert main(["validate", "--exports", exports]) == 0
    assert "Conforms" in capsys.readouterr().out
    assert main(["entity", "--exports", exports, "濮院"]) == 0
    assert "濮院镇  (town)" in capsys.readouterr().out


def test_validate_without_store_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--exports", str(tmp_path)]) == 1
    assert "run `tx-graph build` first" in capsys.readouterr().err


def test_build_with_broken_curation_exits_1_with_every_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    curation = tmp_path / "curation"
    shutil.copytree(ROOT / "curation", curation)
    places = curation / "places.yaml"
    text = places.read_text(encoding="utf-8")
    places.write_text(text.replace("type: town", "type: towm", 1), encoding="utf-8")
    line = text[: text.index("type: town")].count("\n") + 1
    code = main(
        ["--root", str(ROOT), "build", "--no-explore", "--curation", str(curation), "--exports", str(tmp_path / "out")]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert f"places.yaml:{line}:11: E006 unknown type 'towm'" in err
    assert not (tmp_path / "out" / "store").exists()


def test_build_warns_about_each_bad_file_and_builds_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "curation").mkdir()
    (tmp_path / "corpus").mkdir()
    (tmp_path / "curation" / "places.yaml").write_text(
        "entities:\n  - {id: tongxiang, type: county-city, label: 桐乡市, aliases: [桐乡]}\n"
        "  - {id: wuzhen, type: town, label: 乌镇镇, aliases: [乌镇], parent: 桐乡市}\n",
        encoding="utf-8",
    )
    shutil.copytree(ROOT / "ontology", tmp_path / "ontology")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    files: dict[str, bytes] = {
        "good.txt": "桐乡新闻\n乌镇承办大会。\n".encode(),
        "bom-crlf.txt": "\ufeff乌镇新闻\r\n乌镇举办活动。\r\n".encode(),
        "traditional.txt": "2021年烏鎮鎮政府工作報告\n各位代表:我代表鎮人民政府作報告。烏鎮發展很快。\n".encode(),
        "empty.txt": b"",
        "binary.txt": bytes(range(256)) * 8,
        "oneline.txt": ("桐乡" * 1_750_000).encode(),
        # not good.txt's text again: that would be the same document twice, counted once
        "mojibake.txt": "桐乡新闻\n".encode() + "乌镇举办大会。\n".encode("gbk"),
    }
    for name, data in files.items():
        (tmp_path / "corpus" / name).write_bytes(data)
    assert main(["--root", str(tmp_path), "build", "--no-explore"]) == 0
    out = capsys.readouterr().out
    assert "documents: 4\n" in out
    warnings = sorted(line for line in out.splitlines() if line.startswith("warning: corpus/"))
    assert [w.split(" E")[0] for w in warnings] == [
        "warning: corpus/binary.txt:1:",
        "warning: corpus/empty.txt:1:",
        "warning: corpus/mojibake.txt:2:",
        "warning: corpus/oneline.txt:1:1:",
    ]
    assert "E103 file looks binary (NUL bytes); expected UTF-8 text" in warnings[0]
    assert "(expected the title on the first line and the text on the lines after it)" in warnings[3]
    assert "line 2 read as GB18030/GBK instead (expected UTF-8" in warnings[2]


def test_query_missing_file_message(built: tuple[Paths, BuildReport], capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 12: `query <missing file>` said "SPARQL syntax error"."""
    exports = str(built[0].exports)
    for missing in ("queries/no-such-query.rq", "towns-of-tongxian"):
        assert main(["query", "--exports", exports, missing]) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"tx-graph: E211 query file '{missing}' does not exist and no saved query has that name")
        assert "towns-of-tongxiang" in err and "syntax error" not in err


def test_query_update_message(built: tuple[Paths, BuildReport], capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 12: an update given to `query` was called a syntax error."""
    exports = str(built[0].exports)
    for update in ("INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                   "PREFIX ex: <urn:x#>\n# remove them\ndelete where { ?s ex:p ?o }", "CLEAR ALL"):
        assert main(["query", "--exports", exports, update]) == 1
        err = capsys.readouterr().err
        assert err.startswith("tx-graph: E208 this is a SPARQL Update (") and "only queries are run here" in err
    # a query that merely mentions the words is a query
    assert main(["query", "--exports", exports, "SELECT ?delete WHERE { ?delete a tx:Town } LIMIT 1"]) == 0
    assert "(1 row)" in capsys.readouterr().out


def test_build_segmenter_option_keeps_pure_jieba_available(prepared: object) -> None:
    """`tx-graph build --segmenter jieba` reaches the extraction: the run records it, and
    the curated mentions are those of the default (rjieba) build."""
    from tx_graph.cli import build_parser
    from tx_graph.pipeline import prepare

    assert build_parser().parse_args(["build", "--segmenter", "jieba"]).segmenter == "jieba"
    assert build_parser().parse_args(["build"]).segmenter is None
    jieba = prepare(Paths.at(Path(__file__).resolve().parents[1]), segmenter="jieba")
    assert ("segmenter", "jieba") in jieba.inputs.tool_versions
    default = prepared.inputs  # type: ignore[attr-defined]
    assert ("segmenter", "rjieba") in default.tool_versions
    assert {(m.doc_id, m.span, m.target) for m in jieba.mentions} == {
        (m.doc_id, m.span, m.target) for m in default.mentions
    }
