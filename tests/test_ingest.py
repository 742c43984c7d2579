"""Ingestion: documents, metadata, noise, offsets, sentences, sections, glossary, footnotes."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from tx_graph.ingest import corpus_files, ingest_corpus, ingest_file, ingest_text
from tx_graph.model import Document, NoiseRules
from tx_graph.pipeline import Prepared

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
NOISE = NoiseRules(
    strings=("侯卫东官场笔记",),
    footer_lines=("有想补充的信息?点我投稿", "- 联系我们", "- 企业入驻"),
    line_patterns=(re.compile(r"^[\s|｜]*$"),),
    trailing_patterns=(re.compile(r"[\s|｜]+$"),),
)


@pytest.fixture(scope="module")
def docs() -> dict[str, Document]:
    documents, problems = ingest_corpus(corpus_files(CORPUS), NOISE, CORPUS.parent)
    assert problems == []
    return {d.id: d for d in documents}


def test_every_article_becomes_a_document(docs: dict[str, Document]) -> None:
    assert len(docs) == 11
    assert [d.source_line for d in docs.values()][:10] == [2, 6, 10, 14, 18, 22, 26, 30, 34, 38]
    kinds = [d.kind for d in docs.values()]
    assert kinds.count("work-report") == 3 and kinds.count("work-plan") == 1 and kinds.count("news") == 7


def test_titles_keep_site_tags_apart(docs: dict[str, Document]) -> None:
    city = docs["000_a155daf28853f606-07"]
    assert city.title == "2018年桐乡市政府工作报告"
    assert city.site_tag == "投资桐乡市"
    assert docs["000_a155daf28853f606-01"].site_tag is None
    assert not any("【" in d.title for d in docs.values())


def test_posting_date_is_apart_from_the_documents_own_date(docs: dict[str, Document]) -> None:
    town_2018 = docs["000_a155daf28853f606-08"]
    assert town_2018.posted == date(2025, 7, 16)
    assert town_2018.issued == date(2018, 1, 29)
    assert town_2018.year == 2018
    assert town_2018.speaker == "徐华君"
    assert town_2018.occasion == "濮院镇第十七届人民代表大会第三次会议"
    town_2017 = docs["000_a155daf28853f606-09"]
    assert (town_2017.issued, town_2017.speaker) == (date(2017, 1, 11), "徐华君")
    assert town_2017.occasion == "濮院镇第十七届人民代表大会第一次会议"
    city = docs["000_a155daf28853f606-07"]
    assert (city.posted, city.issued, city.year) == (date(2025, 7, 19), None, 2018)


def test_publishers_where_the_text_states_them(docs: dict[str, Document]) -> None:
    assert docs["000_a155daf28853f606-07"].publisher == "桐乡市人民政府"
    assert docs["000_a155daf28853f606-08"].publisher == "濮院镇人民政府"
    assert docs["000_a155daf28853f606-09"].publisher == "濮院镇人民政府"
    assert docs["000_a155daf28853f606-01"].publisher is None


def test_disclosure_page_header(docs: dict[str, Document]) -> None:
    plan = docs["002_65f0b63b7198ad8a-01"]
    assert plan.title == "濮院镇2020年工作要点"
    assert plan.kind == "work-plan"
    assert plan.issued == date(2020, 4, 1)
    assert plan.publisher == "濮院镇"
    assert dict(plan.metadata)["索引号"] == "001008004005091/2020-92978"
    assert plan.text.startswith("一、总体要求")
    assert "|" not in plan.text
    assert plan.text.endswith("打造清正廉洁的政治生态。")


def test_noise_is_gone_and_offsets_rebuild_the_raw_text(docs: dict[str, Document]) -> None:
    raw_lines = (CORPUS / "000_a155daf28853f606.txt").read_text(encoding="utf-8").split("\n")
    for doc in docs.values():
        assert "侯卫东官场笔记" not in doc.text and "点我投稿" not in doc.text and "联系我们" not in doc.text
        if doc.source_path.endswith("000_a155daf28853f606.txt"):
            rebuilt = doc.text
            for offset, removed in reversed(doc.removed):
                rebuilt = rebuilt[:offset] + removed + rebuilt[offset:]
            assert rebuilt == raw_lines[doc.source_line].strip()
    assert [r for d in docs.values() for r in d.removed] == [(10983, "侯卫东官场笔记"), (8193, "侯卫东官场笔记")]


def test_sentences_cover_the_text(docs: dict[str, Document]) -> None:
    for doc in docs.values():
        covered = "".join(doc.text[s.start : s.end] for s in doc.sentences)
        assert covered == re.sub(r"\s+", "", doc.text)
        assert all(s.end > s.start for s in doc.sentences)
    city = docs["000_a155daf28853f606-07"]
    assert len(city.sentences) == 285
    first = city.sentences[0]
    assert (
        city.text[first.start : first.end]
        == "各位代表:现在,我代表市人民政府向大会作工作报告,请予审议,并请市政协委员和其他列席人员提出意见。"
    )


def test_sections_are_recovered_in_order(docs: dict[str, Document]) -> None:
    plan = docs["002_65f0b63b7198ad8a-01"]
    heads = [(s.path, s.number, s.heading) for s in plan.sections[:6]]
    assert heads == [
        ("1", "一、", "总体要求"),
        ("2", "二、", "预期目标"),
        ("3", "三、", "主要任务"),
        ("3.1", "(一)", "更加突出创新驱动"),
        ("3.1.1", "1.", "深化数字赋能"),
        ("3.1.2", "2.", "提升平台能级"),
    ]
    city = docs["000_a155daf28853f606-07"]
    assert [s.heading for s in city.sections if s.level == 1] == [
        "2017年工作回顾",
        "2018年目标任务和主要工作",
        "加强政府自身建设坚持把提高政府工作质量",
        "名词解释",
    ]


GLOSSARY_COUNTS = {"000_a155daf28853f606-07": 22, "000_a155daf28853f606-08": 10, "000_a155daf28853f606-09": 15}


def test_every_glossary_entry_verbatim(docs: dict[str, Document]) -> None:
    raw = (CORPUS / "000_a155daf28853f606.txt").read_text(encoding="utf-8")
    for doc_id, count in GLOSSARY_COUNTS.items():
        entries = docs[doc_id].glossary
        assert len(entries) == count
        for e in entries:
            assert docs[doc_id].text[e.headword_span.start : e.headword_span.end] == e.headword
            assert docs[doc_id].text[e.definition_span.start : e.definition_span.end] == e.definition
            assert f"{e.headword}:{e.definition}" in raw
    assert sum(len(d.glossary) for d in docs.values()) == 47
    numbered = docs["000_a155daf28853f606-09"].glossary
    assert [e.number for e in numbered] == list(range(1, 16))
    assert numbered[0].headword == "两化融合"  # the injected noise before it is gone
    unnumbered = docs["000_a155daf28853f606-08"].glossary
    assert all(e.number is None for e in unnumbered)
    assert [e.headword for e in unnumbered][:3] == ["五位一体", "四个全面", "一园两区"]
    assert unnumbered[-1].definition.endswith("景气指数、时尚指数。")


def test_same_term_keeps_both_definitions(docs: dict[str, Document]) -> None:
    defs = {
        doc_id: next(e.definition for e in docs[doc_id].glossary if e.headword == "一园两区")
        for doc_id in ("000_a155daf28853f606-08", "000_a155daf28853f606-09")
    }
    assert defs["000_a155daf28853f606-08"] == "“一园”指濮院针织产业园区,“两区”指纺织产业集聚区和高新技术区。"
    assert defs["000_a155daf28853f606-09"] == "“一园”指浙江濮院毛衫针织产业园区,“两区”指纺织产业集聚区和高新技术区。"


def test_footnote_marks_link_to_their_entries(docs: dict[str, Document]) -> None:
    city = docs["000_a155daf28853f606-07"]
    assert [f.number for f in city.footnotes] == list(range(1, 23))
    for ref in city.footnotes:
        assert ref.entry_index == ref.number - 1
        assert city.text[ref.span.start : ref.span.end] == f"[{ref.number}]"
        assert ref.anchor is not None and ref.anchor.end <= ref.span.start
    first = city.footnotes[0]
    assert first.anchor is not None
    assert city.text[first.anchor.start : first.anchor.end] == "一镇三村"
    assert city.text[first.anchor.end : first.span.end] == "”[1]"


# ---------------------------------------------------------------- bad input


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


ARTICLE = "-\n【站】标题一\n正文一。侯卫东官场笔记第二句。\n2024-01-02\n-\n标题二\n正文二。\n2024-02-03\n"


def test_empty_and_binary_files_are_reported(tmp_path: Path) -> None:
    docs, problems = ingest_file(_write(tmp_path, "empty.txt", b"  \n"), NOISE, tmp_path)
    assert docs == [] and [str(p) for p in problems] == [
        "empty.txt:1: E102 file is empty (expected UTF-8 text: a title line, then the body)"
    ]
    docs, problems = ingest_file(_write(tmp_path, "bin.txt", b"abc\n\x00\x01\x02"), NOISE, tmp_path)
    assert docs == [] and [str(p) for p in problems] == [
        "bin.txt:2: E103 file looks binary (NUL bytes); expected UTF-8 text"
    ]


def test_bad_bytes_in_one_article_lose_no_other_article(tmp_path: Path) -> None:
    data = ARTICLE.encode("utf-8").replace("正文二".encode(), b"\xff\xfe" + "正文二".encode())
    docs, problems = ingest_file(_write(tmp_path, "mixed.txt", data), NOISE, tmp_path)
    assert [d.title for d in docs] == ["标题一", "标题二"]
    assert [p.code for p in problems] == ["E101"] and problems[0].line == 7
    assert docs[0].text == "正文一。第二句。"


def test_unclosed_article_and_stray_text_are_reported_and_kept(tmp_path: Path) -> None:
    data = ("stray line\n" + ARTICLE.replace("2024-02-03\n", "")).encode()
    docs, problems = ingest_file(_write(tmp_path, "open.txt", data), NOISE, tmp_path)
    assert [d.title for d in docs] == ["标题一", "标题二"]
    assert [str(p) for p in problems] == [
        "open.txt:1:1: E106 text outside any article: 'stray line' (expected '-' to open an article, "
        "or a footer line listed in curation noise)",
        "open.txt:7:1: E105 article is not closed by a date line (expected YYYY-MM-DD after its body)",
    ]


def test_plain_text_document() -> None:
    doc = ingest_text("某镇2021年工作要点\n一、总体要求 稳中求进。\n二、主要任务 抓好项目。")
    assert doc.kind == "work-plan" and doc.year == 2021
    assert [s.heading for s in doc.sections] == ["总体要求", "主要任务"]


def test_prepared_build_has_no_ingest_problems(prepared: Prepared) -> None:
    assert prepared.problems == ()
    assert len(prepared.documents) == 11


def test_binary_junk_without_nul_bytes_is_reported_not_read(tmp_path: Path) -> None:
    junk = bytes(range(0x80, 0x100)) * 40 + b"\n" + bytes(range(0x80, 0xA0)) * 10
    docs, problems = ingest_file(_write(tmp_path, "junk.bin.txt", junk), NOISE, tmp_path)
    assert docs == []
    assert [str(p) for p in problems] == [
        "junk.bin.txt:1: E103 file looks binary (undecodable bytes); expected UTF-8 text"
    ]


def test_a_ten_megabyte_single_line_says_what_was_expected(tmp_path: Path) -> None:
    line = ("桐乡" * 1_750_000).encode("utf-8")
    assert len(line) >= 10_000_000
    docs, problems = ingest_file(_write(tmp_path, "oneline.txt", line), NOISE, tmp_path)
    assert docs == []
    assert [str(p) for p in problems] == [
        "oneline.txt:1:1: E104 document has a title but no body: its title line (3,500,000 characters) is the "
        "last line (expected the title on the first line and the text on the lines after it)"
    ]


def test_gbk_lines_in_a_utf8_file_are_read_and_reported(tmp_path: Path) -> None:
    data = ARTICLE.encode("utf-8").replace("正文二。".encode(), "濮院镇推进建设。".encode("gbk"))
    docs, problems = ingest_file(_write(tmp_path, "gbk.txt", data), NOISE, tmp_path)
    assert [d.text for d in docs] == ["正文一。第二句。", "濮院镇推进建设。"]
    assert [str(p) for p in problems] == [
        "gbk.txt:7: E101 not valid UTF-8 at byte 90: invalid continuation byte; line 7 read as GB18030/GBK instead "
        "(expected UTF-8: re-save the file as UTF-8)"
    ]
    whole = "桐乡新闻\n濮院镇推进建设。\n乌镇承办大会。\n".encode("gbk")
    docs, problems = ingest_file(_write(tmp_path, "all-gbk.txt", whole), NOISE, tmp_path)
    assert [(d.title, d.text) for d in docs] == [("桐乡新闻", "濮院镇推进建设。\n乌镇承办大会。")]
    assert [(p.line, p.code) for p in problems] == [(1, "E101")] and "3 lines from line 1" in problems[0].message


def test_bom_crlf_and_utf16_read_like_plain_utf8(tmp_path: Path) -> None:
    expected = [(d.title, d.text, d.posted) for d in ingest_file(_write(tmp_path, "a.txt", ARTICLE.encode()), NOISE)[0]]
    assert len(expected) == 2
    crlf = ARTICLE.replace("\n", "\r\n")
    variants = {
        "bom.txt": b"\xef\xbb\xbf" + ARTICLE.encode("utf-8"),
        "crlf.txt": crlf.encode("utf-8"),
        "bom-crlf.txt": b"\xef\xbb\xbf" + crlf.encode("utf-8"),
        "utf16.txt": b"\xff\xfe" + crlf.encode("utf-16-le"),
        # two exports concatenated: the second one's BOM sits mid-file before its separator
        "joined.txt": ARTICLE.split("-\n标题二")[0].encode()
        + b"\xef\xbb\xbf-\n"
        + "标题二\n正文二。\n2024-02-03\n".encode(),
    }
    for name, data in variants.items():
        docs, problems = ingest_file(_write(tmp_path, name, data), NOISE, tmp_path)
        assert problems == [], name
        assert [(d.title, d.text, d.posted) for d in docs] == expected, name


TRADITIONAL_ARTICLES = """\
-
【投資桐鄉】2021年桐鄉市梧桐街道政府工作報告
2021年1月20日在梧桐街道第一屆人民代表大會第五次會議上 張明華 各位代表:現在,我代表街道人民政府向大會作工作報告。 \
一、2020年工作回顧 全年實現地區生產總值120.5億元。侯衛東官場筆記 (一)產業發展 推進“雙鏈融合”[1]工程。 \
二、2021年主要任務 確保完成目標。 名詞解釋: 1.雙鏈融合:產業鏈與創新鏈融合發展。 2.三改一拆:舊住宅區、舊廠區改造。
2025-07-01
-
鳳鳴街道舉辦2021年招商推介會
鳳鳴街道召開會議,部署全年工作。
2025-07-02
有想補充的信息?點我投稿
"""


def test_traditional_articles_are_read_like_simplified_ones(tmp_path: Path) -> None:
    docs, problems = ingest_file(_write(tmp_path, "trad.txt", TRADITIONAL_ARTICLES.encode()), NOISE, tmp_path)
    assert problems == []
    report, news = docs
    assert (report.title, report.site_tag) == ("2021年桐鄉市梧桐街道政府工作報告", "投資桐鄉")
    assert (report.kind, report.year, report.issued) == ("work-report", 2021, date(2021, 1, 20))
    assert report.publisher == "梧桐街道人民政府"
    assert (report.occasion, report.speaker) == ("梧桐街道第一届人民代表大会第五次会议", "张明华")
    # the traditional copy of the curated noise string is removed too, and remembered as written
    assert "侯衛東" not in report.text and [r for _, r in report.removed] == ["侯衛東官場筆記"]
    assert [(s.path, s.heading) for s in report.sections] == [
        ("1", "2020年工作回顧"),
        ("1.1", "產業發展"),
        ("2", "2021年主要任務"),
        ("3", "名词解释"),
    ]
    assert [(e.number, e.headword, e.definition) for e in report.glossary] == [
        (1, "雙鏈融合", "產業鏈與創新鏈融合發展。"),
        (2, "三改一拆", "舊住宅區、舊廠區改造。"),
    ]
    (ref,) = report.footnotes
    assert ref.entry_index == 0 and ref.anchor is not None
    assert report.text[ref.anchor.start : ref.anchor.end] == "雙鏈融合"
    # a footer in traditional characters belongs to no article
    assert news.kind == "news" and news.text == "鳳鳴街道召開會議,部署全年工作。"


TRADITIONAL_DISCLOSURE = """\
索引號: | 001008004005091/2021-00001 | 發布機構: | 梧桐街道 | 公開方式: | 主動公開 |
發文日期: | ２０２１－０３－０２ | 組配分類: | 計劃總結 | 文件編號: | |
梧桐街道2021年工作要點
梧桐街道2021年工作要點
| | |
一、總體要求 穩中求進。 二、主要任務 (一)產業升級 1.推進數字賦能。 2.提升平臺能級。 |
"""


def test_traditional_disclosure_page_header_and_sections(tmp_path: Path) -> None:
    docs, problems = ingest_file(_write(tmp_path, "plan.txt", TRADITIONAL_DISCLOSURE.encode()), NOISE, tmp_path)
    assert problems == []
    (plan,) = docs
    assert (plan.title, plan.kind, plan.year) == ("梧桐街道2021年工作要點", "work-plan", 2021)
    assert (plan.issued, plan.publisher) == (date(2021, 3, 2), "梧桐街道")
    assert dict(plan.metadata)["索引号"] == "001008004005091/2021-00001"
    assert [(s.path, s.number, s.heading) for s in plan.sections] == [
        ("1", "一、", "總體要求"),
        ("2", "二、", "主要任務"),
        ("2.1", "(一)", "產業升級"),
        ("2.1.1", "1.", "推進數字賦能"),
        ("2.1.2", "2.", "提升平臺能級"),
    ]
    assert plan.text.endswith("提升平臺能級。")


def test_traditional_plain_text_report() -> None:
    doc = ingest_text("某鎮２０２２年工作計劃\n一、總體要求 穩中求進！二、主要任務 抓好項目？")
    assert (doc.kind, doc.year) == ("work-plan", 2022)
    assert [s.heading for s in doc.sections] == ["總體要求", "主要任務"]
    assert [doc.text[s.start : s.end] for s in doc.sentences] == [
        "一、總體要求",
        "穩中求進！",
        "二、主要任務",
        "抓好項目？",
    ]


# ---------------------------------------------------------------- issue 12: no input stops the build


def test_nul_bytes_removed_with_warning(tmp_path: Path) -> None:
    # NULs past the first 64 KB used to pass into the TriG; earlier ones lost the whole file
    filler = "桐乡市推进乌镇建设。" * 8000  # ~240 KB of UTF-8
    text = ARTICLE.replace("正文二。", "正\x00文二。") + "-\n标题三\n" + filler + "\x00末句。\n2024-03-04\n"
    docs, problems = ingest_file(_write(tmp_path, "nul.txt", text.encode("utf-8")), NOISE, tmp_path)
    assert [d.title for d in docs] == ["标题一", "标题二", "标题三"]
    assert docs[1].text == "正文二。" and docs[2].text.endswith("末句。")
    assert not any("\x00" in d.text or "\x00" in d.title for d in docs)
    assert [str(p) for p in problems] == [
        "nul.txt:7: E108 2 NUL byte(s) removed (line 7 and 1 more line(s)); expected text without NUL bytes"
    ]


def test_utf16_without_bom_detected(tmp_path: Path) -> None:
    expected = [(d.title, d.text, d.posted) for d in ingest_file(_write(tmp_path, "a.txt", ARTICLE.encode()), NOISE)[0]]
    chinese_only = "桐乡市政府工作报告\n乌镇镇推进数字经济发展。濮院镇建设时尚古镇。\n"
    for codec in ("utf-16-le", "utf-16-be"):
        docs, problems = ingest_file(_write(tmp_path, f"{codec}.txt", ARTICLE.encode(codec)), NOISE, tmp_path)
        assert [(d.title, d.text, d.posted) for d in docs] == expected, codec
        assert [str(p) for p in problems] == [
            f"{codec}.txt:1: E110 read as {codec.upper()} without a byte-order mark "
            "(expected UTF-8: re-save the file as UTF-8)"
        ]
        # no ASCII at all, so no NUL bytes to give it away
        docs, problems = ingest_file(_write(tmp_path, f"zh-{codec}.txt", chinese_only.encode(codec)), NOISE, tmp_path)
        assert [d.title for d in docs] == ["桐乡市政府工作报告"] and [p.code for p in problems] == ["E110"], codec
    # GBK is not mistaken for UTF-16 (it has an even length here too)
    gbk = "桐乡市政府工作报告\n乌镇镇推进数字经济发展。\n".encode("gb18030")
    assert len(gbk) % 2 == 0
    docs, problems = ingest_file(_write(tmp_path, "gbk.txt", gbk), NOISE, tmp_path)
    assert [d.title for d in docs] == ["桐乡市政府工作报告"] and [p.code for p in problems] == ["E101"]


def test_duplicate_document_counted_once(tmp_path: Path) -> None:
    first = _write(tmp_path, "a.txt", ARTICLE.encode())
    copy = _write(tmp_path, "copy-of-a.txt", ARTICLE.replace("\n", "\r\n").encode())
    other = _write(tmp_path, "b.txt", "标题三\n正文三。\n".encode())
    docs, problems = ingest_corpus([first, copy, other], NOISE, tmp_path)
    assert [d.id for d in docs] == ["a-01", "a-02", "b-01"]
    assert [str(p) for p in problems] == [
        "copy-of-a.txt:2: E109 same text as a.txt:2 (document a-01); counted once",
        "copy-of-a.txt:6: E109 same text as a.txt:6 (document a-02); counted once",
    ]
