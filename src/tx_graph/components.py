"""The spaCy side of the pipeline: the tokenizer and the registered components.

spaCy forbids ``.`` in component factory names, so the factories are ``tx_<name>_v<N>``;
the rule recorded on what each finds is the dotted form (``tx.gazetteer.v1``). The
pipeline they make up is described, and assembled, in :mod:`tx_graph.nlp`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import spacy
from spacy.language import Language
from spacy.pipeline import SpanRuler
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token as SpacyToken
from spacy.util import filter_spans
from spacy.vocab import Vocab

from .discover import DEFAULT_SEGMENTER, SegToken, propose
from .gazetteer import Gazetteer
from .model import Document, Mention, Token
from .relations import extract as extract_relations
from .segment import _PUNCTUATION, MAX_SEGMENT_CHARS, _shifted, make_segmenter, pieces, segment
from .statistical import register as register_statistical
from .text import normalise

__all__ = [
    "COMPONENTS",
    "GAZETTEER_RULE",
    "RULER_RULE",
    "SPANS_KEY",
    "TAIL_TAG",
    "CuratedGazetteer",
    "Discovery",
    "Relations",
    "TxTokenizer",
    "create_tokenizer",
]

RULER_RULE = "tx.curated_ruler.v1"
GAZETTEER_RULE = "tx.gazetteer.v1"
SPANS_KEY = "tx_curated"
TAIL_TAG = "tx-unsegmented"
# spaCy forbids "." in component factory names, so factories are tx_<name>_v<N>; the rule
# recorded on what a component finds is the dotted form (tx.gazetteer.v1).
COMPONENTS = (
    "tx_curated_ruler_v1",
    "tx_gazetteer_v1",
    "tx_statistical_ner_v1",
    "tx_discovery_v1",
    "tx_relations_v1",
)
# Word segmentation is linear but slow (~150k chars/s with POS tags); a pathological

for _attr in ("tx_mentions", "tx_proposals", "tx_facts", "tx_figures"):
    if not Doc.has_extension(_attr):
        Doc.set_extension(_attr, default=())


def _token_freq(token: SpacyToken) -> int:
    tokens = token.doc.user_data.get("tx_tokens")
    return int(tokens[token.i].freq) if tokens is not None and token.i < len(tokens) else 0


if not SpacyToken.has_extension("tx_freq"):
    # the segmenter's dictionary frequency of the word (0: not a dictionary word); read
    # from the segmentation kept on the Doc rather than stored token by token
    SpacyToken.set_extension("tx_freq", getter=_token_freq)


class TxTokenizer:
    """spaCy tokenizer: segments the normalised text, returns tokens of the original.

    The segmentation (offsets, tags, frequencies) is also kept as plain
    :class:`~tx_graph.model.Token` values in ``doc.user_data["tx_tokens"]``: the rule
    components read those instead of walking spaCy ``Token`` objects one by one.
    """

    def __init__(self, vocab: Vocab, segmenter: Any) -> None:
        self.vocab = vocab
        self.segmenter = segmenter

    def __call__(self, text: str) -> Doc:
        norm = normalise(text)
        tokens: list[Any] = []
        limit = 0
        for start, end in pieces(norm, min(len(norm), MAX_SEGMENT_CHARS)):
            found = (
                self.segmenter.tokens(norm[start:end])
                if hasattr(self.segmenter, "tokens")
                else segment(self.segmenter, text[start:end])
            )
            tokens += found if not start else [_shifted(t, start) for t in found]
            limit = end
        if limit < len(text):
            tokens.append(SegToken(limit, len(text), TAIL_TAG, 0))  # the unsegmented rest, one token
        # whitespace stays a token of its own (no trailing-space flags), so token i of the
        # Doc is tokens[i] and doc.text == text
        doc = Doc(
            self.vocab,
            words=[text[t.start : t.end] for t in tokens],
            spaces=[False] * len(tokens),
            tags=[t.tag or "x" for t in tokens],
        )
        doc.user_data["tx_tokens"] = tokens
        doc.user_data["tx_text"] = text  # Doc.text joins every token again
        if norm != text:
            _set_norms(doc, tokens, text, norm)
        return doc

    # spaCy calls these when saving/loading a pipeline; the dictionary is rebuilt from
    # curation on every build, so there is nothing of ours to store
    def to_bytes(self, **_: Any) -> bytes:
        return b""

    def from_bytes(self, _data: bytes, **_: Any) -> TxTokenizer:
        return self


def _set_norms(doc: Doc, tokens: Sequence[Any], text: str, norm: str) -> None:
    """token.norm_ = the normalised form where it differs (the ruler matches on NORM).
    Nearly every document differs somewhere (full-width commas), so the differing
    characters are found with numpy rather than token by token; punctuation is skipped
    (no name is only punctuation)."""
    import numpy as np

    a = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    b = np.frombuffer(norm.encode("utf-32-le"), dtype=np.uint32)
    changed = np.flatnonzero(a != b)
    if not len(changed):
        return
    starts = np.fromiter((t.start for t in tokens), dtype=np.int64, count=len(tokens))
    for i in np.unique(np.searchsorted(starts, changed, side="right") - 1).tolist():
        t = tokens[i]
        folded = norm[t.start : t.end]
        if len(folded) == 1 and folded in _PUNCTUATION:
            continue
        doc[i].norm_ = folded


@spacy.registry.tokenizers("tx.tokenizer.v1")
def create_tokenizer(segmenter: str = DEFAULT_SEGMENTER) -> Callable[[Language], TxTokenizer]:
    def factory(nlp: Language) -> TxTokenizer:
        return TxTokenizer(nlp.vocab, make_segmenter(segmenter))

    return factory


# ---------------------------------------------------------------- components


def _longest_first(existing: Iterable[SpacySpan], new: Iterable[SpacySpan]) -> list[SpacySpan]:
    return filter_spans([*existing, *new])


@Language.factory("tx_curated_ruler_v1", default_config={"spans_key": SPANS_KEY})
def make_curated_ruler(nlp: Language, name: str, spans_key: str) -> SpanRuler:
    """A SpanRuler matching curated names on token NORMs; patterns come from curation
    (:func:`build_nlp`), each with ``id`` = the entity IRI and ``label`` = its type."""
    return SpanRuler(
        nlp,
        name,
        spans_key=spans_key,
        spans_filter=_longest_first,
        phrase_matcher_attr="NORM",
        overwrite=True,
        validate=False,
    )


class CuratedGazetteer:
    """Character-level leftmost-longest matching of curated names on the normalised text.

    The graph's mentions come from here (offsets must not depend on segmentation); each
    is credited to the ruler when the ruler found the same span, else to this component.
    """

    def __init__(
        self,
        names: Mapping[str, str] | None = None,
        types: Mapping[str, str] | None = None,
        iris: Mapping[str, str] | None = None,
    ) -> None:
        self.set_names(names or {}, types or {}, iris or {})

    def set_names(self, names: Mapping[str, str], types: Mapping[str, str], iris: Mapping[str, str]) -> None:
        normalised: dict[str, str] = {}
        for name, target in names.items():
            normalised[normalise(name)] = target  # last wins, as in Gazetteer
        self.gazetteer = Gazetteer(normalised, rule=GAZETTEER_RULE)
        self.types = dict(types)
        self.iris = dict(iris)

    def find(self, doc_id: str, text: str, ruler_spans: set[tuple[int, int, str]] | None = None) -> list[Mention]:
        norm = normalise(text)
        found: list[Mention] = []
        for m in self.gazetteer.find(doc_id, norm):
            iri = self.iris.get(m.target, m.target)
            rule = RULER_RULE if ruler_spans and (m.span.start, m.span.end, iri) in ruler_spans else GAZETTEER_RULE
            found.append(Mention(doc_id, m.span, m.target, text[m.span.start : m.span.end], rule))
        return found

    def __call__(self, doc: Doc) -> Doc:
        doc_id = doc.user_data.get("tx_doc_id", "<doc>")
        ruler = {(s.start_char, s.end_char, s.id_) for s in doc.spans.get(SPANS_KEY, [])}
        mentions = self.find(doc_id, doc.user_data.get("tx_text") or doc.text, ruler)
        doc._.tx_mentions = tuple(mentions)
        ents = []
        for m in mentions:
            span = doc.char_span(
                m.span.start,
                m.span.end,
                label=self.types.get(m.target, "term"),
                kb_id=self.iris.get(m.target, m.target),
            )
            if span is not None:
                ents.append(span)
        doc.ents = filter_spans(ents)
        return doc


@Language.factory("tx_gazetteer_v1")
def make_gazetteer(nlp: Language, name: str) -> CuratedGazetteer:
    return CuratedGazetteer()


class _DocumentComponent:
    """A stage that reads the whole Document (offsets, sentences) beside the spaCy Doc,
    and needs the lexicon that :func:`build_nlp` hands it after construction."""

    def __init__(self, lexicon: Any = None) -> None:
        self.lexicon = lexicon

    def __call__(self, doc: Doc) -> Doc:
        document = doc.user_data.get("tx_document")
        if document is not None and self.lexicon is not None:
            self.annotate(doc, document)
        return doc

    def annotate(self, doc: Doc, document: Document) -> None:
        raise NotImplementedError


class Discovery(_DocumentComponent):
    """Proposes names curation does not know (rules in :mod:`tx_graph.discover`)."""

    def annotate(self, doc: Doc, document: Document) -> None:
        model = doc.user_data.get("tx_model_spans", ())
        doc._.tx_proposals = tuple(propose(document, _tokens(doc), doc._.tx_mentions, self.lexicon, model))


register_statistical()  # tx_statistical_ner_v1: the trained model's spans (tx_graph.statistical)


@Language.factory("tx_discovery_v1")
def make_discovery(nlp: Language, name: str) -> Discovery:
    return Discovery()


class Relations(_DocumentComponent):
    """Relations, figures and years read from sentences (rules in :mod:`tx_graph.relations`)."""

    def annotate(self, doc: Doc, document: Document) -> None:
        facts, figures = extract_relations(document, doc._.tx_mentions, doc._.tx_proposals, self.lexicon)
        doc._.tx_facts = tuple(facts)
        doc._.tx_figures = tuple(figures)


@Language.factory("tx_relations_v1")
def make_relations(nlp: Language, name: str) -> Relations:
    return Relations()


def _tokens(doc: Doc) -> list[Token]:
    kept = doc.user_data.get("tx_tokens")
    if kept is not None:
        return [t for t in kept if t.tag != TAIL_TAG]
    return [
        Token(t.idx, t.idx + len(t.text), t.tag_, t._.tx_freq) for t in doc if not t.is_space and t.tag_ != TAIL_TAG
    ]
