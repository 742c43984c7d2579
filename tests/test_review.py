"""The review loop: candidates.yaml out, decisions applied to curation YAML as text."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tx_graph.cli import main
from tx_graph.config import Paths
from tx_graph.curation import load_curation
from tx_graph.pipeline import build, prepare
from tx_graph.review import ReviewError, _add_aliases, _append_to_section, apply_decisions, read_rejected

ROOT = Path(__file__).resolve().parents[1]

PLACES = """\
# Places of the test corpus: curators' comments must survive every edit.
entities:
  # the city
  - id: tongxiang
    type: county-city
    label: 桐乡市
    aliases: [桐乡]   # short form
    en: Tongxiang

  - id: puyuan
    type: town
    label: 濮院镇
    aliases:
      - 濮院
    parent: 桐乡市
"""
POLICIES = """\
entities:
  - id: waimao
    type: policy
    label: 外贸证照联办
    notes: a policy without aliases yet
"""
INDICATORS = """\
indicators:
  - id: gdp
    label: 地区生产总值
"""
CORPUS = """\
2018年濮院镇政府工作报告
各位代表:现在我代表镇人民政府作报告。 一、2017年工作回顾 全年实现地区生产总值96.67亿元。推出“桐贸贷”融资服务,桐贸贷覆盖小微企业。\
启动濮院时尚服饰生态科技园建设。深化“外贸证照联办”改革,“外贸联办”改革成效明显。
"""


def make_project(tmp_path: Path) -> Paths:
    (tmp_path / "curation").mkdir()
    (tmp_path / "corpus").mkdir()
    (tmp_path / "curation" / "places.yaml").write_text(PLACES, encoding="utf-8")
    (tmp_path / "curation" / "policies.yaml").write_text(POLICIES, encoding="utf-8")
    (tmp_path / "curation" / "indicators.yaml").write_text(INDICATORS, encoding="utf-8")
    (tmp_path / "corpus" / "report.txt").write_text(CORPUS, encoding="utf-8")
    shutil.copytree(ROOT / "ontology", tmp_path / "ontology")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    return Paths.at(tmp_path)


def queue(paths: Paths) -> dict:
    return yaml.safe_load((paths.curation / "candidates.yaml").read_text(encoding="utf-8"))


def decide(paths: Paths, which: str, decision: str, **edits: str) -> None:
    """Set one candidate's decision the way a curator would: editing the file's text."""
    path = paths.curation / "candidates.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    label = next(i for i, ln in enumerate(lines) if ln.strip() in (f"label: {which}", f'label: "{which}"'))
    start = max(i for i in range(label) if lines[i].startswith("  - "))  # the item's first line
    for i in range(start, len(lines)):
        for key, value in edits.items():
            if lines[i].strip().removeprefix("- ").startswith(f"{key}:"):
                lines[i] = f"{lines[i][: lines[i].index(key)]}{key}: {value}"
        if lines[i].strip() == "decision:":
            lines[i] = f"    decision: {decision}"
            break
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Paths:
    paths = make_project(tmp_path)
    assert main(["--root", str(tmp_path), "candidates"]) == 0
    return paths


def test_candidates_file_is_grouped_sorted_and_undecided(project: Paths) -> None:
    text = (project.curation / "candidates.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Review queue")
    assert "  # ---- report-01 2018年濮院镇政府工作报告" in text
    data = queue(project)
    labels = [c["label"] for c in data["candidates"]]
    assert {"桐贸贷", "濮院时尚服饰生态科技园"} <= set(labels)
    scores = [c["score"] for c in data["candidates"]]
    assert scores == sorted(scores, reverse=True)
    assert all(c["decision"] is None and c["evidence"] for c in data["candidates"])
    assert data["rejected"] == []


def test_accept_merge_reject_apply_on_the_next_build(project: Paths) -> None:
    places_before = (project.curation / "places.yaml").read_text(encoding="utf-8")
    decide(project, "濮院时尚服饰生态科技园", "accept", type="park", parent="濮院镇")
    decide(project, "桐贸贷", "accept", id="tong-mao-dai", type="programme")
    decide(project, "外贸联办", "{merge: waimao}")
    report = build(project, exports=False)
    assert any("accepted 桐贸贷" in line for line in report.reviewed)
    curation = load_curation(project.curation)
    park = next(e for e in curation.entities.values() if e.label == "濮院时尚服饰生态科技园")
    assert park.type == "park" and park.parent == "puyuan" and park.file == "accepted"
    assert curation.entities["tong-mao-dai"].type == "programme"
    assert "外贸联办" in curation.entities["waimao"].aliases
    # the curators' files keep their comments; only the merged entity's block changed
    assert (project.curation / "places.yaml").read_text(encoding="utf-8") == places_before
    policies = (project.curation / "policies.yaml").read_text(encoding="utf-8")
    assert "    aliases: [外贸联办, “外贸联办”]\n" in policies and "notes: a policy without aliases yet" in policies
    # decided entries left the queue; the accepted names are now mentions, not candidates
    prepared = prepare(project)
    assert not {"桐贸贷", "濮院时尚服饰生态科技园", "外贸联办"} & {c.label for c in prepared.extraction.candidates}
    assert any(m.target == "tong-mao-dai" for m in prepared.mentions)


def test_rejections_are_remembered_and_never_proposed_again(project: Paths) -> None:
    decide(project, "桐贸贷", "reject")
    assert main(["--root", str(project.root), "candidates"]) == 0
    data = queue(project)
    assert [r["label"] for r in data["rejected"]] == ["桐贸贷"]
    assert "桐贸贷" not in [c["label"] for c in data["candidates"]]
    assert read_rejected(project.curation / "candidates.yaml") == ["桐贸贷"]
    # and a rewrite of the queue keeps the memory
    assert main(["--root", str(project.root), "candidates"]) == 0
    assert [r["label"] for r in queue(project)["rejected"]] == ["桐贸贷"]


def test_figures_can_be_accepted_into_observations(project: Paths) -> None:
    data = queue(project)
    assert data["figures"], "the report's GDP is not curated: it is proposed"
    path = project.curation / "candidates.yaml"
    text = path.read_text(encoding="utf-8")
    head, _, tail = text.partition("figures:")
    path.write_text(head + "figures:" + tail.replace("    decision:", "    decision: accept", 1), encoding="utf-8")
    build(project, exports=False)
    curation = load_curation(project.curation)
    assert [(o.indicator, o.period, o.value, o.kind) for o in curation.observations] == [
        ("gdp", 2017, "96.67", "actual")
    ]


def test_an_invalid_decision_changes_nothing(project: Paths) -> None:
    before = {p.name: p.read_text(encoding="utf-8") for p in project.curation.glob("*.yaml")}
    decide(project, "桐贸贷", "accept", type="towm")
    with pytest.raises(ReviewError, match="E305 unknown type 'towm'"):
        apply_decisions(project.curation)
    decide(project, "濮院时尚服饰生态科技园", "{merge: nowhere}")
    with pytest.raises(ReviewError):
        apply_decisions(project.curation)
    after = {
        p.name: p.read_text(encoding="utf-8") for p in project.curation.glob("*.yaml") if p.name != "candidates.yaml"
    }
    assert after == {k: v for k, v in before.items() if k != "candidates.yaml"}
    assert not (project.curation / "accepted.yaml").exists()


def test_accepting_a_name_curation_already_has_is_refused(project: Paths) -> None:
    decide(project, "桐贸贷", "accept", label="濮院镇")
    with pytest.raises(ReviewError, match="E306"):
        apply_decisions(project.curation)


def test_bad_decisions_point_at_their_line_and_column_all_at_once(project: Paths) -> None:
    decide(project, "桐贸贷", "accept", type="towm")
    decide(project, "濮院时尚服饰生态科技园", "accept")
    decide(project, "外贸联办", "{merge: nowhere}")
    path = project.curation / "candidates.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()

    def item_start(label: str) -> int:
        start = next(i for i, ln in enumerate(lines) if ln.strip() == f"label: {label}")
        return max(i for i in range(start) if lines[i].startswith("  - id:"))

    park = item_start("濮院时尚服饰生态科技园")
    lines[park] = "  - id: Puyuan Park"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def at(label: str, key: str) -> str:
        start = item_start(label)
        row = next(i for i in range(start, len(lines)) if lines[i].strip().lstrip("- ").startswith(f"{key}:"))
        return f"curation/candidates.yaml:{row + 1}:{lines[row].index(key + ':') + len(key) + 3}"

    with pytest.raises(ReviewError) as info:
        apply_decisions(project.curation, project.root)
    assert sorted(str(p) for p in info.value.problems) == sorted(
        [
            f"{at('桐贸贷', 'type')}: E305 unknown type 'towm' in an accepted candidate (valid types: community, "
            "company, country, county-city, district, event, event-series, government-body, honour, landmark, organisation, "
            "park, policy, prefecture-city, programme, project, province, subdistrict, town, village)",
            f"{at('濮院时尚服饰生态科技园', 'id')}: E007 id 'Puyuan Park' is not a lowercase slug (expected [a-z0-9] "
            "words joined by '-', e.g. wuzhen, jushi-smart-base)",
            f"{at('外贸联办', 'decision')}: E304 merge target 'nowhere' is not a curated entity id, label or alias",
        ]
    )
    path.write_text(
        path.read_text(encoding="utf-8").replace("    decision: accept", "    decision: maybe", 1), encoding="utf-8"
    )
    with pytest.raises(ReviewError, match=r"candidates.yaml:\d+:\d+: E303 unknown decision 'maybe'"):
        apply_decisions(project.curation, project.root)


def test_text_edits_keep_everything_else() -> None:
    text = "entities:\n  - id: a\n    type: town\n    label: 甲\n  # next\n  - id: b\n    type: town\n    label: 乙\n"
    added = _add_aliases(text, "a", ["甲镇"])
    assert added == text.replace("    label: 甲\n", "    label: 甲\n    aliases: [甲镇]\n")
    assert _add_aliases(added, "a", ["A"]).count("aliases: [甲镇, A]") == 1
    block = "entities:\n  - id: c\n    aliases:\n      - 丙\n    label: 丙镇\n"
    assert "      - 丙丙\n" in _add_aliases(block, "c", ["丙丙"])
    appended = _append_to_section(
        "# head\nentities:\n  - id: x\n\n# tail comment\nterms: []\n", "entities", ["  - id: y"]
    )
    assert appended.index("  - id: y") < appended.index("# tail comment")
    created = _append_to_section("entities:\n  - id: x\n", "observations", ["  - indicator: gdp"])
    assert created.endswith("\nobservations:\n  - indicator: gdp\n")
    with pytest.raises(ValueError, match="not found"):
        _add_aliases(text, "zz", ["x"])


TRADITIONAL_REPORT = """\
-
【桐鄉市招商】2021年某鎮政府工作報告
各位代表:現在,我代表鎮人民政府向大會作報告。 一、2020年工作回顧 全年實現地區生產總值45.2億元,增長6.1%。\
濮院鎮榮星村、匯豐社區獲評省級示範。引進浙江恒力紡織有限公司、華峰新材料等8家企業,總投資15億元的濮院智能裝備產業園開工建設。\
成功舉辦第三屆濮院梨花節。深入實施“五美濮院”三年行動計劃。 二、2021年目標任務 地區生產總值增長7%左右。
2021-03-01
"""


def test_a_new_report_in_traditional_characters_is_proposed_with_its_figures(tmp_path: Path) -> None:
    paths = make_project(tmp_path)
    (paths.corpus / "new.txt").write_text(TRADITIONAL_REPORT, encoding="utf-8")
    assert main(["--root", str(tmp_path), "candidates"]) == 0
    data = queue(paths)
    got = {c["label"]: c for c in data["candidates"]}
    assert got["浙江恒力纺织有限公司"]["type"] == "company"
    assert got["濮院智能装备产业园"]["type"] == "park" and got["濮院智能装备产业园"]["parent"] == "puyuan"
    assert got["荣星村"]["parent"] == "puyuan" and got["汇丰社区"]["type"] == "community"
    assert got["第三届濮院梨花节"]["type"] == "event"
    assert "五美濮院三年行动计划" in got
    # evidence quotes the original (traditional) text at its own offsets
    assert any("榮星村" in e for e in got["荣星村"]["evidence"])
    figures = {(f["indicator"], f["period"], str(f["value"]), f["kind"]) for f in data["figures"]}
    assert {("gdp", 2020, "45.2", "actual"), ("gdp", 2017, "96.67", "actual")} <= figures


# ---------------------------------------------------------------- issue 12: nothing a curator writes is lost


def _cli(root: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``tx-graph --root ROOT ARGS`` in its own process (so it can be killed like a real one)."""
    environ = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **env}
    return subprocess.run(
        [sys.executable, "-m", "tx_graph.cli", "--root", str(root), *args],
        capture_output=True, text=True, env=environ, timeout=600, check=False,
    )


def test_invalid_decision_yaml_is_not_rewritten(project: Paths, capsys: pytest.CaptureFixture[str]) -> None:
    decide(project, "桐贸贷", "reject")
    assert main(["--root", str(project.root), "build", "--no-explore"]) == 0
    path = project.curation / "candidates.yaml"
    # what the old header invited: `merge: <entity>` after `decision:`, which is not YAML
    decide(project, "外贸联办", "merge: waimao")
    before = path.read_bytes()
    row = next(n for n, ln in enumerate(before.decode().splitlines(), 1) if "decision: merge: waimao" in ln)
    capsys.readouterr()
    assert main(["--root", str(project.root), "build", "--no-explore"]) == 1
    err = capsys.readouterr().err
    assert f"curation/candidates.yaml:{row}:" in err and "E002 YAML syntax error in the review queue" in err
    assert "write `decision: merge <entity>`" in err and "was not changed" in err
    assert main(["--root", str(project.root), "candidates"]) == 1
    assert path.read_bytes() == before  # decisions and the rejected list are still there
    assert yaml.safe_load(before.decode().replace("merge: waimao", "merge waimao"))["rejected"][0]["label"] == "桐贸贷"
    assert "外贸联办" not in load_curation(project.curation).entities["waimao"].aliases


def test_merge_is_written_as_the_queue_header_shows_it(project: Paths) -> None:
    path = project.curation / "candidates.yaml"
    header = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.startswith("#")]
    shown = next(ln for ln in header if "decision: merge" in ln).split("(")[0].strip("# ").strip()
    assert shown == "decision: merge wuzhen"
    assert yaml.safe_load(shown) == {"decision": "merge wuzhen"}
    decide(project, "外贸联办", "merge waimao")
    decide(project, "桐贸贷", "merge:waimao")  # valid YAML too (no space after the colon): accepted
    report = build(project, exports=False)
    assert sum("into waimao" in line for line in report.reviewed) == 2
    assert {"外贸联办", "桐贸贷"} <= set(load_curation(project.curation).entities["waimao"].aliases)


def test_applied_decisions_are_journalled_and_can_be_undone(
    project: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    queue_path, policies = project.curation / "candidates.yaml", project.curation / "policies.yaml"
    policies_before = policies.read_text(encoding="utf-8")
    decide(project, "外贸联办", "merge waimao")
    decide(project, "桐贸贷", "reject")
    build(project, exports=False)
    journal = yaml.safe_load((project.curation / "journal" / "journal.yaml").read_text(encoding="utf-8"))
    (entry,) = journal["entries"]
    assert entry["done"] == ["merged 外贸联办, “外贸联办” into waimao (policies.yaml)", "rejected 桐贸贷"]
    files = {f["file"]: f for f in entry["files"]}
    assert set(files) == {"policies.yaml", "candidates.yaml"}
    assert "+    aliases: [外贸联办, “外贸联办”]" in files["policies.yaml"]["diff"]
    assert "@@ -" in files["policies.yaml"]["diff"]  # line numbers of the change
    assert main(["--root", str(project.root), "undo"]) == 0
    assert "undid batch" in capsys.readouterr().out
    assert policies.read_text(encoding="utf-8") == policies_before
    data = queue(project)
    assert {"外贸联办", "桐贸贷"} <= {c["label"] for c in data["candidates"]}
    assert all(c["decision"] is None for c in data["candidates"]) and data["rejected"] == []
    assert build(project, exports=False).reviewed == []  # undone decisions are not applied again unseen
    assert main(["--root", str(project.root), "undo"]) == 1
    assert "nothing to undo" in capsys.readouterr().err
    assert queue_path.is_file()


def test_undo_refuses_files_edited_since(project: Paths, capsys: pytest.CaptureFixture[str]) -> None:
    decide(project, "外贸联办", "merge waimao")
    build(project, exports=False)
    policies = project.curation / "policies.yaml"
    edited = policies.read_text(encoding="utf-8") + "# a curator's later note\n"
    policies.write_text(edited, encoding="utf-8")
    assert main(["--root", str(project.root), "undo"]) == 1
    assert "policies.yaml changed since it was applied" in capsys.readouterr().err
    assert policies.read_text(encoding="utf-8") == edited


def test_kill_during_queue_write_keeps_curators_file(project: Paths) -> None:
    path = project.curation / "candidates.yaml"
    decide(project, "桐贸贷", "reject")
    decide(project, "外贸联办", "merge waimao")
    before = path.read_bytes()
    # the disk fills up while the queue is rewritten: the write fails a kilobyte in
    limited = subprocess.run(
        [sys.executable, "-c", "from tx_graph.review import apply_decisions; import sys, pathlib; "
         "apply_decisions(pathlib.Path(sys.argv[1]))", str(project.curation)],
        capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        preexec_fn=lambda: (signal.signal(signal.SIGXFSZ, signal.SIG_IGN),
                            resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))),
    )
    assert limited.returncode != 0 and "File too large" in limited.stderr
    assert path.read_bytes() == before
    # killed (kill -9) with the new queue written but not yet in place, then killed
    # right after the first curation edit: each time the next build applies the batch whole
    for point in ("write:curation/candidates.yaml", "review.edit"):
        killed = _cli(project.root, "build", "--no-explore", TX_GRAPH_KILL_AT=point)
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        assert yaml.safe_load(path.read_text(encoding="utf-8"))["rejected"] == []
        assert path.read_bytes() == before
    done = _cli(project.root, "build", "--no-explore")
    assert done.returncode == 0, done.stderr
    assert "rolled back" in done.stdout
    assert [r["label"] for r in queue(project)["rejected"]] == ["桐贸贷"]
    aliases = load_curation(project.curation).entities["waimao"].aliases
    assert aliases.count("外贸联办") == 1


def test_queue_alias_bomb_is_refused_and_not_rewritten(project: Paths, capsys: pytest.CaptureFixture[str]) -> None:
    """Regression: the queue was read with plain ``yaml.safe_load``, so an alias bomb in
    candidates.yaml was expanded; it is now bounded like curation and reported at the alias."""
    path = project.curation / "candidates.yaml"
    levels = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    bomb = "\n".join(levels) + "\n"
    path.write_text(path.read_text(encoding="utf-8") + bomb, encoding="utf-8")
    before = path.read_bytes()
    capsys.readouterr()
    assert main(["--root", str(project.root), "candidates"]) == 1
    err = capsys.readouterr().err
    assert "curation/candidates.yaml:" in err and "alias bomb" in err
    assert path.read_bytes() == before
