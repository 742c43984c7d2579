"""The extraction stage on bad pages: nothing proposed from noise, nothing else lost."""

from __future__ import annotations

from pathlib import Path

from tx_graph.build import glossary_index
from tx_graph.curation import load_curation
from tx_graph.extract import extract
from tx_graph.ingest import corpus_files, ingest_corpus

CURATION = """\
entities:
  - {id: tongxiang, type: county-city, label: 桐乡市, aliases: [桐乡]}
  - {id: wuzhen, type: town, label: 乌镇镇, aliases: [乌镇], parent: 桐乡市}
"""
GOOD = "新闻\n福瑞泰克、佑驾科技等企业落户乌镇。河山镇被授予国家卫生镇、浙江省森林城镇等荣誉。\n"


def test_glosses_only_header_only_and_a_huge_line_yield_clear_problems_and_no_proposals(tmp_path: Path) -> None:
    (tmp_path / "curation").mkdir()
    (tmp_path / "curation" / "entities.yaml").write_text(CURATION, encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a_good.txt").write_text(GOOD, encoding="utf-8")
    (corpus / "b_glosses.txt").write_text(
        "标题\n(xiāng)(jīng)(jì)(kāi)(fā)(qū)(xiàng)(mù)(jiàn)(shè)\n(zī)(tóu)(fā)(zhǎn)\n", encoding="utf-8"
    )
    (corpus / "c_header.txt").write_text(
        "首页 热点 人文 教育 视听 公告 旅游 健康\n您当前的位置: 首页> 社区巡礼 > 工作动态\n返回顶部\n", encoding="utf-8"
    )
    (corpus / "d_huge.txt").write_text("桐乡" * 5_000_000 + "\n", encoding="utf-8")  # one 10 MB line
    cur = load_curation(tmp_path / "curation", tmp_path)
    documents, problems = ingest_corpus(corpus_files(corpus), cur.noise, tmp_path)
    assert any(p.code == "E104" and "d_huge.txt:1" in str(p) for p in problems)  # file:line, what was expected
    ids = {d.id for d in documents}
    assert {"a_good-01", "b_glosses-01", "c_header-01"} <= ids and not any(i.startswith("d_huge") for i in ids)
    got = extract(cur, documents, glossary_index(cur, documents).gazetteer_targets)
    by_doc: dict[str, set[str]] = {}
    for c in got.emitted:
        for p in c.mentions:
            by_doc.setdefault(p.doc_id, set()).add(c.label)
    assert not by_doc.get("b_glosses-01") and not by_doc.get("c_header-01")  # nothing from noise
    assert {"福瑞泰克", "佑驾科技", "国家卫生镇", "浙江省森林城镇"} <= by_doc["a_good-01"]  # nothing else lost
    assert any(m.doc_id == "a_good-01" and m.target == "wuzhen" for m in got.mentions)
