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
