"""Incremental builds (per-document cache) and bad input that must not break a build."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tx_graph.cache import AnalysisCache, pipeline_version
from tx_graph.config import Paths
from tx_graph.ingest import ingest_text
from tx_graph.model import Document
from tx_graph.pipeline import Prepared, build, prepare

ROOT = Path(__file__).resolve().parents[1]

CURATION = """\
entities:
  - {id: tongxiang, type: county-city, label: 桐乡市, aliases: [桐乡]}
  - {id: puyuan, type: town, label: 濮院镇, aliases: [濮院], parent: 桐乡市}
  - {id: wuzhen, type: town, label: 乌镇镇, aliases: [乌镇], parent: 桐乡市}
"""
DOC_A = "桐乡新闻一\n桐乡市推进濮院时尚服饰生态科技园建设,乌镇承办大会。\n"
DOC_B = "桐乡新闻二\n濮院镇推出“桐贸贷”融资服务,桐贸贷覆盖小微企业。\n"


def make_project(root: Path, docs: dict[str, str | bytes]) -> Paths:
    (root / "curation").mkdir(parents=True)
    (root / "corpus").mkdir()
    (root / "curation" / "places.yaml").write_text(CURATION, encoding="utf-8")
    for name, content in docs.items():
        path = root / "corpus" / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    shutil.copytree(ROOT / "ontology", root / "ontology")
    (root / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    return Paths.at(root)


def test_unchanged_documents_come_from_the_cache(tmp_path: Path) -> None:
    paths = make_project(tmp_path, {"a.txt": DOC_A, "b.txt": DOC_B})
    first = prepare(paths).extraction
    assert first.stats == {"cached": 0, "analysed": 2}
    second = prepare(paths).extraction
    assert second.stats == {"cached": 2, "analysed": 0}
    assert second.mentions == first.mentions and second.candidates == first.candidates
    # a new document is analysed, the others are read back
    (paths.corpus / "c.txt").write_text("桐乡新闻三\n乌镇启动“千店孵化”计划。\n", encoding="utf-8")
    third = prepare(paths).extraction
    assert third.stats == {"cached": 2, "analysed": 1}
    assert "千店孵化计划" in {c.label for c in third.candidates}
    # a changed document is analysed again
    (paths.corpus / "a.txt").write_text(DOC_A.replace("乌镇", "濮院"), encoding="utf-8")
    assert prepare(paths).extraction.stats == {"cached": 2, "analysed": 1}


def test_a_name_edit_reanalyses_only_the_documents_it_occurs_in(tmp_path: Path) -> None:
    paths = make_project(tmp_path, {"a.txt": DOC_A, "b.txt": DOC_B})
    first = prepare(paths).extraction
    assert not any(m.target == "tongmaodai" for m in first.mentions)
    # a new name that occurs only in b.txt: b is analysed again, a comes from the cache
    with (paths.curation / "places.yaml").open("a", encoding="utf-8") as fh:
        fh.write("  - {id: tongmaodai, type: programme, label: 桐贸贷}\n")
    added = prepare(paths).extraction
    assert added.stats == {"cached": 1, "analysed": 1}
    found = [m for m in added.mentions if m.target == "tongmaodai"]
    assert [m.doc_id for m in found] and all(m.surface == "桐贸贷" for m in found)
    assert {m.doc_id for m in found} == {a.doc_id for a in added.analyses if any(x.surface == "濮院镇" for x in a.mentions)}
    # a new alias of a known entity found in the cached document a.txt
    text = (paths.curation / "places.yaml").read_text(encoding="utf-8")
    (paths.curation / "places.yaml").write_text(text.replace("aliases: [乌镇]", "aliases: [乌镇, 生态科技园]"), "utf-8")
    aliased = prepare(paths).extraction
    assert aliased.stats == {"cached": 1, "analysed": 1}
    assert any(m.surface == "生态科技园" and m.target == "wuzhen" for m in aliased.mentions)
    # the alias removed again: the mention disappears
    (paths.curation / "places.yaml").write_text(text, "utf-8")
    removed = prepare(paths).extraction
    assert removed.stats["analysed"] == 1
    assert not any(m.surface == "生态科技园" for m in removed.mentions)
    assert removed.mentions == added.mentions
    # a name that occurs nowhere (and a retyped entity that occurs nowhere) costs nothing
    with (paths.curation / "places.yaml").open("a", encoding="utf-8") as fh:
        fh.write("  - {id: nowhere, type: landmark, label: 无此地标}\n")
    assert prepare(paths).extraction.stats == {"cached": 2, "analysed": 0}


def test_retyping_a_name_reanalyses_the_documents_it_occurs_in(tmp_path: Path) -> None:
    paths = make_project(tmp_path, {"a.txt": DOC_A, "b.txt": DOC_B})
    prepare(paths)
    text = (paths.curation / "places.yaml").read_text(encoding="utf-8")
    (paths.curation / "places.yaml").write_text(text.replace("{id: wuzhen, type: town", "{id: wuzhen, type: landmark"),
                                                "utf-8")
    again = prepare(paths).extraction
    assert again.stats == {"cached": 1, "analysed": 1}  # 乌镇 occurs in a.txt only


def test_slices_key_documents_on_the_curation_they_contain() -> None:
    from tx_graph.cache import LexiconSlices
    from tx_graph.discover import Lexicon

    def lexicon(names: dict[str, str], rejected: frozenset[str] = frozenset()) -> Lexicon:
        from tx_graph.discover import norm_label

        types = {t: "town" for t in names.values()}
        return Lexicon(names, types, dict(types), keys={norm_label(n): t for n, t in names.items()}, rejected=rejected)

    doc = ingest_text("桐乡新闻\n濮院推出“桐贸贷”服务。\n", "a.txt")
    base = LexiconSlices(lexicon({"濮院": "puyuan"})).digest(doc)
    assert LexiconSlices(lexicon({"濮院": "puyuan", "乌镇": "wuzhen"})).digest(doc) == base
    assert LexiconSlices(lexicon({"濮院": "puyuan", "桐贸贷": "tmd"})).digest(doc) != base
    assert LexiconSlices(lexicon({"濮院": "wuzhen"})).digest(doc) != base
    # quotes do not hide a label from lookup: a rejected 桐贸贷服务 is in “桐贸贷”服务
    assert LexiconSlices(lexicon({"濮院": "puyuan"}, frozenset({"桐贸贷服务"}))).digest(doc) != base
    assert LexiconSlices(lexicon({"濮院": "puyuan"}, frozenset({"无此名"}))).digest(doc) == base


def test_a_corrupt_cache_entry_is_reported_and_recomputed(tmp_path: Path) -> None:
    paths = make_project(tmp_path, {"a.txt": DOC_A})
    prepare(paths)
    entry = next((tmp_path / ".cache" / "nlp").glob("*.json"))
    entry.write_text("{not json", encoding="utf-8")
    prepared = prepare(paths)
    assert prepared.extraction.stats == {"cached": 0, "analysed": 1}
    assert any(p.code == "E307" for p in prepared.problems)
    assert json.loads(entry.read_text(encoding="utf-8"))["key"]


def test_cache_keys_follow_text_version_and_curation(tmp_path: Path) -> None:
    doc = ingest_text(DOC_A, "a.txt")
    base = AnalysisCache(tmp_path, pipeline_version(), "f1").key(doc)
    assert base == AnalysisCache(tmp_path, pipeline_version(), "f1").key(doc)
    assert base != AnalysisCache(tmp_path, pipeline_version(), "f2").key(doc)
    assert base != AnalysisCache(tmp_path, pipeline_version("char"), "f1").key(doc)
    assert base != AnalysisCache(tmp_path, pipeline_version(), "f1").key(ingest_text(DOC_B, "a.txt"))


def test_a_fully_cached_build_does_not_import_spacy(tmp_path: Path) -> None:
    paths = make_project(tmp_path, {"a.txt": DOC_A})
    prepare(paths)
    code = (
        "import sys; from pathlib import Path; from tx_graph.config import Paths; from tx_graph.pipeline import prepare;"
        f"p = prepare(Paths.at(Path({str(tmp_path)!r}))); print(p.extraction.stats['cached'], 'spacy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["1", "False"]


# ---------------------------------------------------------------- bad input


def test_bad_files_are_reported_and_the_rest_is_built(tmp_path: Path) -> None:
    mojibake = "桐乡新闻四\n濮院镇推进建设。\n".encode("gbk")
    huge_line = ("桐乡" * 2_600_000).encode("utf-8")  # a 10 MB file of one line
    paths = make_project(
        tmp_path,
        {
            "a.txt": DOC_A,
            "empty.txt": "",
            "binary.txt": b"\x00\x01\x02\xff\xfe" * 1000,
            "oneline.txt": huge_line,
            "mojibake.txt": mojibake,
        },
    )
    assert (paths.corpus / "oneline.txt").stat().st_size >= 10_000_000
    report = build(paths, exports=False)
    codes = {(Path(p.path).name, p.code) for p in report.problems}
    assert ("empty.txt", "E102") in codes
    assert ("binary.txt", "E103") in codes
    assert ("oneline.txt", "E104") in codes
    assert ("mojibake.txt", "E101") in codes
    assert report.documents == 2  # a.txt, and the mojibake file read with replacement characters
    assert report.mentions >= 3


def test_a_very_long_document_is_segmented_in_part_with_a_warning(tmp_path: Path) -> None:
    from tx_graph.nlp import MAX_SEGMENT_CHARS

    body = "\n".join(["濮院镇推进濮院时尚服饰生态科技园建设。"] * (MAX_SEGMENT_CHARS // 18 + 500))
    paths = make_project(tmp_path, {"long.txt": "长文档\n" + body + "\n乌镇承办大会。\n"})
    prepared = prepare(paths)
    assert any(p.code == "E302" for p in prepared.problems)
    # the character gazetteer still reads the whole text: the last sentence's 乌镇 is found
    assert any(m.target == "wuzhen" for m in prepared.mentions)


@pytest.mark.parametrize("segmenter", ["char"])
def test_other_segmenters_still_give_the_curated_mentions(tmp_path: Path, segmenter: str) -> None:
    from tx_graph.build import glossary_index
    from tx_graph.curation import load_curation
    from tx_graph.extract import extract

    paths = make_project(tmp_path, {"a.txt": DOC_A})
    curation = load_curation(paths.curation)
    doc = ingest_text(DOC_A, "a.txt")
    result = extract(curation, [doc], glossary_index(curation, [doc]).gazetteer_targets, segmenter=segmenter)
    assert {m.target for m in result.mentions} == {"tongxiang", "puyuan", "wuzhen"}


def test_two_worker_processes_give_the_same_analyses_as_one(prepared: Prepared) -> None:
    from tx_graph.cache import analyse_cached

    lexicon = prepared.extraction.lexicon
    one, _ = analyse_cached(prepared.documents, lexicon, cache_dir=None, workers=1)
    two, stats = analyse_cached(prepared.documents, lexicon, cache_dir=None, workers=2)
    assert stats == {"cached": 0, "analysed": len(prepared.documents)}
    assert two == one
    assert sum(len(a.mentions) for a in two) == len(prepared.mentions) > 1000


def _length_of(nlp: object, doc: Document) -> int:
    return len(doc.text)


def test_a_pool_hands_out_the_longest_documents_first_and_answers_in_document_order() -> None:
    from tx_graph.cache import _analyse_many

    docs = [ingest_text("标题\n" + "桐乡" * n, f"d{i}.txt") for i, n in enumerate([3, 900, 1, 40, 2000, 7])]
    assert list(_analyse_many(None, docs, _length_of, 2)) == [len(d.text) for d in docs]


def test_an_analysis_is_written_as_asdict_would_write_it(prepared: Prepared) -> None:
    from dataclasses import asdict

    from tx_graph.cache import analyse_cached, plain

    analyses, _ = analyse_cached(prepared.documents, prepared.extraction.lexicon, cache_dir=None)
    for analysis in analyses:
        assert json.dumps(plain(analysis), ensure_ascii=False) == json.dumps(asdict(analysis), ensure_ascii=False)
    assert sum(len(a.mentions) for a in analyses) > 1000 and any(a.facts and a.proposals for a in analyses)
