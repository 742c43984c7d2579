"""The spaCy pipeline: segmentation on the original text's offsets, traditional characters
and full-width forms matched through normalisation, curated mentions identical to the
character gazetteer, registered factories."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from tx_graph.build import glossary_index
from tx_graph.config import Paths
from tx_graph.curation import load_curation
from tx_graph.discover import Lexicon, normalise
from tx_graph.gazetteer import Gazetteer, gazetteer_names
from tx_graph.ingest import corpus_files, ingest_corpus, ingest_text
from tx_graph.nlp import (
    COMPONENTS,
    GAZETTEER_RULE,
    RULER_RULE,
    JiebaSegmenter,
    analyse,
    build_nlp,
    make_segmenter,
    segment,
)

ROOT = Path(__file__).resolve().parents[1]

SMALL = """\
entities:
  - {id: tongxiang, type: county-city, label: 桐乡市, aliases: [桐乡]}
  - {id: puyuan, type: town, label: 濮院镇, aliases: [濮院], parent: 桐乡市}
  - {id: fengming, type: subdistrict, label: 凤鸣街道, aliases: [凤鸣], parent: 桐乡市}
  - {id: xinfengming, type: company, label: 新凤鸣集团股份有限公司, aliases: [新凤鸣]}
  - {id: puyuan-fashion-center, type: landmark, label: 濮院时尚中心, parent: 濮院镇}
  - {id: g320, type: landmark, label: 320国道, parent: 桐乡市}
"""


@pytest.fixture(scope="module")
def small_lexicon(tmp_path_factory: pytest.TempPathFactory) -> Lexicon:
    folder = tmp_path_factory.mktemp("curation")
    (folder / "places.yaml").write_text(SMALL, encoding="utf-8")
    return Lexicon.from_curation(load_curation(folder))


@pytest.fixture(scope="module")
def small_nlp(small_lexicon: Lexicon) -> spacy.language.Language:
    return build_nlp(small_lexicon)


@pytest.fixture(scope="module")
def corpus() -> tuple[object, list, Lexicon]:
    paths = Paths.at(ROOT)
    curation = load_curation(paths.curation, paths.root)
    documents, _ = ingest_corpus(corpus_files(paths.corpus), curation.noise, paths.root)
    targets = glossary_index(curation, documents).gazetteer_targets
    return curation, documents, Lexicon.from_curation(curation, targets)


def test_normalise_keeps_length_and_folds_width_and_script() -> None:
    text = "濮院鎮（２０１８）發展“一園兩區”ＡＢＣ"
    folded = normalise(text)
    assert len(folded) == len(text)
    assert folded == "濮院镇(2018)发展“一园两区”ABC"
    assert normalise("") == "" and normalise("abc") == "abc"


def test_factories_are_registered_with_versioned_names(small_nlp: spacy.language.Language) -> None:
    assert small_nlp.pipe_names == list(COMPONENTS)
    for name in COMPONENTS:
        assert name in spacy.language.Language.factories
    assert "tx.tokenizer.v1" in spacy.registry.tokenizers.get_all()
    assert small_nlp.lang == "zh"


def test_tokens_are_slices_of_the_original_text(small_nlp: spacy.language.Language) -> None:
    text = "濮院鎮推進濮院時尚中心建設，ＧＤＰ增長７％。"
    doc = small_nlp.make_doc(text)
    assert "".join(t.text_with_ws for t in doc) == text
    for token in doc:
        assert text[token.idx : token.idx + len(token.text)] == token.text
    # the segmenter saw simplified, half-width text: the curated name is one token
    assert "濮院時尚中心" in [t.text for t in doc]
    assert any(t.norm_ == "濮院时尚中心" for t in doc)


def test_curated_names_are_kept_whole_by_the_user_dictionary() -> None:
    text = "推进濮院时尚中心建设"
    plain = [text[t.start : t.end] for t in segment(make_segmenter("jieba"), text)]
    loaded = [text[t.start : t.end] for t in segment(JiebaSegmenter({"濮院时尚中心": "ns"}), text)]
    assert "濮院时尚中心" not in plain
    assert "濮院时尚中心" in loaded


def test_ruler_spans_carry_entity_iris(small_nlp: spacy.language.Language, small_lexicon: Lexicon) -> None:
    doc = ingest_text("新闻\n濮院镇推进濮院时尚中心建设。")
    analysis = analyse(small_nlp, doc)
    ruled = [m for m in analysis.mentions if m.rule == RULER_RULE]
    assert {m.target for m in ruled} >= {"puyuan", "puyuan-fashion-center"}
    spacy_doc = small_nlp(doc.text)
    ids = {s.id_ for s in spacy_doc.spans["tx_curated"]}
    assert small_lexicon.iri("puyuan-fashion-center") in ids
    assert {e.kb_id_ for e in spacy_doc.ents} >= {small_lexicon.iri("puyuan")}


def test_fengming_inside_xinfengming_is_not_fengming(small_nlp: spacy.language.Language) -> None:
    analysis = analyse(small_nlp, ingest_text("新闻\n新凤鸣在洲泉,凤鸣要与主城区联动发展。"))
    found = [(m.surface, m.target) for m in analysis.mentions]
    assert ("新凤鸣", "xinfengming") in found and ("凤鸣", "fengming") in found
    assert [m.span.start for m in analysis.mentions if m.target == "fengming"] == [analysis.mentions[-1].span.start]


def test_a_name_split_by_the_segmenter_is_still_found_and_credited_to_the_gazetteer(
    small_nlp: spacy.language.Language,
) -> None:
    # "320国道改建" — whichever way jieba cuts the digits, the character matcher finds the name
    analysis = analyse(small_nlp, ingest_text("新闻\n启动320国道改造项目,建设320创意广场。"))
    g320 = [m for m in analysis.mentions if m.target == "g320"]
    assert len(g320) == 1 and g320[0].surface == "320国道"
    assert g320[0].rule in (RULER_RULE, GAZETTEER_RULE)
    assert not any(m.surface.startswith("320创意") for m in analysis.mentions)


def test_pipeline_mentions_equal_the_character_gazetteer_on_the_corpus(corpus: tuple[object, list, Lexicon]) -> None:
    curation, documents, lexicon = corpus
    nlp = build_nlp(lexicon, components=("tx_curated_ruler_v1", "tx_gazetteer_v1"))
    targets = glossary_index(curation, documents).gazetteer_targets  # type: ignore[arg-type]
    reference = Gazetteer(gazetteer_names(curation, targets))  # type: ignore[arg-type]
    for doc in documents:
        ours = [(m.span, m.target, m.surface) for m in analyse(nlp, doc).mentions]
        theirs = [(m.span, m.target, m.surface) for m in reference.find(doc.id, doc.text)]
        assert ours == theirs, doc.id
        assert all(doc.text[s.start : s.end] == surface for s, _, surface in ours)


def test_traditional_characters_give_the_same_mentions_at_the_original_offsets(
    corpus: tuple[object, list, Lexicon],
) -> None:
    import opencc

    _, documents, lexicon = corpus
    nlp = build_nlp(lexicon, components=("tx_curated_ruler_v1", "tx_gazetteer_v1"))
    source = next(d for d in documents if "濮院时尚中心" in d.text)
    paragraph = source.text[: 1500]
    traditional = opencc.OpenCC("s2t").convert(paragraph)
    assert traditional != paragraph and len(traditional) == len(paragraph)
    simple = analyse(nlp, ingest_text("新闻\n" + paragraph))
    trad = analyse(nlp, ingest_text("新聞\n" + traditional))
    assert [(m.span, m.target) for m in trad.mentions] == [(m.span, m.target) for m in simple.mentions]
    assert all(traditional[m.span.start : m.span.end] == m.surface for m in trad.mentions)
    assert len(trad.mentions) > 10


def test_full_width_variants_match(small_nlp: spacy.language.Language) -> None:
    analysis = analyse(small_nlp, ingest_text("新闻\n启动３２０国道改造。"))
    assert [(m.surface, m.target) for m in analysis.mentions] == [("３２０国道", "g320")]


def test_unknown_segmenter_is_a_coded_error() -> None:
    with pytest.raises(ValueError, match=r"E301 unknown segmenter 'pkuseg' \(valid segmenters: rjieba, jieba,"):
        make_segmenter("pkuseg")


def test_char_segmenter_is_the_spacy_default_baseline() -> None:
    tokens = segment(make_segmenter("char"), "濮院镇")
    assert [(t.start, t.end) for t in tokens] == [(0, 1), (1, 2), (2, 3)]


# ---------------------------------------------------------------- jieba-bmm and the kept segmentation


@pytest.fixture(scope="module")
def bmm() -> object:
    return make_segmenter("jieba-bmm", {"新凤鸣": "nt", "濮院时尚中心": "ns"}, ROOT / ".cache")


def _words(seg: object, text: str) -> list[str]:
    return [w for w, _ in seg.cut(text)]  # type: ignore[attr-defined]


def test_bmm_matches_backward_and_keeps_curated_names_whole(bmm: object) -> None:
    # forward matching would give 推进物|流 and 原物|流
    assert _words(bmm, "推进物流仓储中心") == ["推进", "物流", "仓储", "中心"]
    assert _words(bmm, "原物流中心") == ["原", "物流", "中心"]
    # a curated name is one token even where dictionary words overlap its edges
    assert "新凤鸣" in _words(bmm, "支持新凤鸣发展") and "濮院时尚中心" in _words(bmm, "在濮院时尚中心举行")


def test_bmm_joins_unknown_characters_and_keeps_number_runs(bmm: object) -> None:
    tokens = bmm.tokens("环贸中心在2018年增长7.1%,的确")  # type: ignore[attr-defined]
    words = ["环贸中心在2018年增长7.1%,的确"[t.start : t.end] for t in tokens]
    assert words[:2] == ["环贸", "中心"] and tokens[0].freq == 0  # 环|贸: one unknown word
    assert "2018" in words and "7.1%" in words
    # function characters are never joined into an unknown word
    assert "在" in words
    # the tokens tile the text exactly
    assert [t.start for t in tokens[1:]] == [t.end for t in tokens[:-1]] and tokens[-1].end == len("环贸中心在2018年增长7.1%,的确")


def test_bmm_gives_dictionary_tags_and_frequencies(bmm: object) -> None:
    tokens = {("推进物流"[t.start : t.end]): t for t in bmm.tokens("推进物流")}  # type: ignore[attr-defined]
    assert tokens["推进"].tag.startswith("v") and tokens["推进"].freq > 0
    assert bmm.freq("物流") > 0 and bmm.freq("环贸") == 0  # type: ignore[attr-defined]


def test_the_doc_keeps_the_segmentation_token_for_token(small_lexicon: Lexicon) -> None:
    for segmenter in ("rjieba", "jieba", "jieba-bmm"):
        nlp = build_nlp(small_lexicon, segmenter=segmenter, cache_dir=ROOT / ".cache")
        text = "濮院鎮（２０１８）推進\n新鳳鳴 項目"
        doc = nlp.make_doc(text)
        kept = doc.user_data["tx_tokens"]
        assert doc.text == text and len(doc) == len(kept)
        for token, seg in zip(doc, kept, strict=True):
            assert (token.idx, token.idx + len(token.text)) == (seg.start, seg.end)
            assert token.tag_ == (seg.tag or "x") and token._.tx_freq == seg.freq
        # the ruler matches on NORM: traditional and full-width forms carry the normalised one
        assert any(t.text == "濮院鎮" and t.norm_ == "濮院镇" for t in doc) or any(t.norm_ == "濮院" for t in doc)
        assert any(t.norm_ == "新凤鸣" for t in doc)


def test_document_over_a_million_chars_is_analysed_in_pieces(tmp_path: Path) -> None:
    """Issue 12: spaCy's make_doc refused a text over 1,000,000 characters (E088) and the
    whole build stopped; now it is segmented in sentence-aligned pieces, read whole by
    the character gazetteer, and the other documents are built beside it."""
    import shutil
    from itertools import pairwise

    from tx_graph.pipeline import prepare

    (tmp_path / "curation").mkdir()
    (tmp_path / "corpus").mkdir()
    (tmp_path / "curation" / "places.yaml").write_text(SMALL, encoding="utf-8")
    shutil.copytree(ROOT / "ontology", tmp_path / "ontology")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    sentence = "濮院镇推进时尚产业发展,建设一批重点项目。"  # 21 characters
    body = sentence * (1_050_000 // len(sentence)) + "\n凤鸣街道承办大会。"
    (tmp_path / "corpus" / "long.txt").write_text("长文档\n" + body + "\n", encoding="utf-8")
    (tmp_path / "corpus" / "short.txt").write_text("短文档\n新凤鸣在桐乡市投资。\n", encoding="utf-8")

    prepared = prepare(Paths.at(tmp_path))

    docs = {d.id: d for d in prepared.documents}
    assert len(docs["long-01"].text) > 1_050_000
    by_doc: dict[str, list] = {}
    for m in prepared.mentions:
        by_doc.setdefault(m.doc_id, []).append(m)
    long_text = docs["long-01"].text
    # every 濮院 of the long text, and the 凤鸣 after the last piece, at the right offsets
    assert sum(m.target == "puyuan" for m in by_doc["long-01"]) == long_text.count("濮院")
    last = max(by_doc["long-01"], key=lambda m: m.span.start)
    assert last.target == "fengming" and long_text[last.span.start : last.span.end] == "凤鸣街道"
    assert all(long_text[m.span.start : m.span.end] == m.surface for m in by_doc["long-01"])
    assert sorted(m.target for m in by_doc["short-01"]) == ["tongxiang", "xinfengming"]
    assert [p.code for p in prepared.problems] == ["E302"]
    # the pieces end at sentence ends and cover the segmented part without gaps
    from tx_graph.nlp import MAX_SEGMENT_CHARS, PIECE_CHARS, pieces

    cuts = list(pieces(normalise(long_text), MAX_SEGMENT_CHARS))
    assert cuts[0][0] == 0 and all(a[1] == b[0] for a, b in pairwise(cuts))
    assert all(end - start <= PIECE_CHARS and long_text[end - 1] == "。" for start, end in cuts)


# ---------------------------------------------------------------- rjieba (the default)


@pytest.fixture(scope="module")
def rjieba_seg() -> object:
    return make_segmenter("rjieba", {"新凤鸣": "nt", "濮院时尚中心": "ns", "中国·濮院时尚周": "nz"}, ROOT / ".cache")


def test_rjieba_is_the_default_segmenter() -> None:
    from tx_graph.discover import DEFAULT_SEGMENTER
    from tx_graph.nlp import SEGMENTERS

    assert DEFAULT_SEGMENTER == "rjieba" and SEGMENTERS[0] == "rjieba" and "jieba" in SEGMENTERS


def test_rjieba_keeps_curated_names_whole_with_their_tags(rjieba_seg: object) -> None:
    text = "支持新凤鸣发展,在濮院时尚中心举行中国·濮院时尚周"
    tokens = {text[t.start : t.end]: t for t in rjieba_seg.tokens(text)}  # type: ignore[attr-defined]
    assert tokens["新凤鸣"].tag == "nt" and tokens["濮院时尚中心"].tag == "ns"
    # a name jieba's user dictionary cannot take (the middle dot) is still one token
    assert tokens["中国·濮院时尚周"].tag == "nz" and tokens["中国·濮院时尚周"].freq > 0


def test_rjieba_cuts_like_jieba_posseg_with_tags_and_frequencies(rjieba_seg: object) -> None:
    jieba = make_segmenter("jieba", {"新凤鸣": "nt", "濮院时尚中心": "ns"}, ROOT / ".cache")
    text = normalise("桐乡市推进物流仓储中心建设，新凤鸣2018年投资3.5亿元")
    fast = [(text[t.start : t.end], t.tag, t.freq) for t in rjieba_seg.tokens(text)]  # type: ignore[attr-defined]
    slow = [(w, tag, jieba.freq(w)) for w, tag in jieba.cut(text)]
    assert fast == slow
    assert ("推进", "v", jieba.freq("推进")) in fast and jieba.freq("推进") > 0


def test_rjieba_hmm_word_keeps_numerals_and_grammar_characters_apart(rjieba_seg: object) -> None:
    # regression: jieba-rs's HMM joined 等七大 and 周等 into unknown words, so discovery lost
    # 七大品质提升工程 (a numeral it reads as the start of a name) that jieba.posseg gives
    text = "环境等七大品质提升工程全线推进,时尚周等活动,聚晟环贸公司"
    tokens = rjieba_seg.tokens(text)  # type: ignore[attr-defined]
    words = [text[t.start : t.end] for t in tokens]
    assert words[:5] == ["环境", "等", "七", "大", "品质"] and tokens[2].tag == "m"
    assert words[words.index("周") + 1] == "等"
    assert "聚晟环贸" in words and tokens[words.index("聚晟环贸")].freq == 0  # an unknown word stays one
    assert "".join(words) == text
