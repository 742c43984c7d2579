"""The spaCy pipeline for the corpus's Chinese: segmenter, curated matcher, discovery.

A blank ``zh`` pipeline whose tokenizer is jieba (see docs/extraction.md for the
jieba/pkuseg measurements), with every curated label and alias loaded into jieba's user
dictionary so that names come out as single tokens. Components are built by registered
factories with versioned names (the segmenters are in :mod:`tx_graph.segment`, the
tokenizer and the factories in :mod:`tx_graph.components`; this module assembles them):

spaCy forbids ``.`` in component factory names, so the factories are ``tx_<name>_v<N>``;
the rule recorded on what each finds is the dotted form (``tx.gazetteer.v1``).

=====================  ==================================================================
``tx.tokenizer.v1``    (registered tokenizer) jieba word segmentation + POS tags on the *normalised* text
                       (full-width → half-width, traditional → simplified, same length), so
                       token offsets are those of the original text
``tx_curated_ruler_v1``a :class:`spacy.pipeline.SpanRuler` over curated names (NORM
                       attribute), span ids = entity IRIs, in ``doc.spans["tx_curated"]``
``tx_gazetteer_v1``  the character-level leftmost-longest matcher (:mod:`tx_graph.gazetteer`)
                       that makes the mentions the graph records; a mention the ruler also
                       found is credited to the ruler, the others (names split by the
                       segmenter) to the gazetteer
``tx_discovery_v1``  candidate new entities (:mod:`tx_graph.discover`)
``tx_relations_v1``  relations, figures and years (:mod:`tx_graph.relations`)
=====================  ==================================================================

Importing this module imports spaCy; the rest of tx-graph imports it only inside
functions, so ``tx-graph --help`` stays instant.

>>> normalise("濮院鎮（２０１８）")
'濮院镇(2018)'
>>> len(normalise("發展")) == len("發展")
True
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language

# the components module registers the tokenizer and the factories on import
from .components import (
    COMPONENTS,
    GAZETTEER_RULE,
    RULER_RULE,
    SPANS_KEY,
    TAIL_TAG,
    CuratedGazetteer,
    Discovery,
    Relations,
    TxTokenizer,
)
from .discover import DEFAULT_SEGMENTER, NLP_VERSION
from .model import Analysis, Document, Span, Token
from .segment import (
    MAX_SEGMENT_CHARS,
    PIECE_CHARS,
    SEGMENTERS,
    CharSegmenter,
    DictSegmenter,
    JiebaSegmenter,
    RJiebaSegmenter,
    make_segmenter,
    pieces,
    segment,
)
from .text import normalise

__all__ = [
    "NLP_VERSION",
    "SEGMENTERS",
    "CharSegmenter",
    "JiebaSegmenter",
    "RJiebaSegmenter",
    "TxTokenizer",
    "analyse",
    "build_nlp",
    "normalise",
    "tool_versions",
]
# re-exported from their modules: callers import them from here, where they used to live
__all__ += [
    "COMPONENTS",
    "GAZETTEER_RULE",
    "MAX_SEGMENT_CHARS",
    "PIECE_CHARS",
    "RULER_RULE",
    "SPANS_KEY",
    "TAIL_TAG",
    "CuratedGazetteer",
    "DictSegmenter",
    "Discovery",
    "Relations",
    "make_segmenter",
    "pieces",
    "segment",
]


# ---------------------------------------------------------------- assembly


_USER_TAGS = {"place": "ns", "park": "ns", "org": "nt"}


def build_nlp(
    lexicon: Any,
    *,
    segmenter: str = DEFAULT_SEGMENTER,
    cache_dir: Path | None = None,
    components: Sequence[str] = COMPONENTS,
) -> Language:
    """The pipeline for one curation: ``lexicon`` (:class:`tx_graph.discover.Lexicon`)
    supplies the names for the user dictionary, the ruler and the gazetteer."""
    from .model import ENTITY_TYPES

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "tx.tokenizer.v1", "segmenter": "char"}}})
    user_words = {}
    for name, target in lexicon.names.items():
        kind = ENTITY_TYPES.get(lexicon.types.get(target, ""), "term")
        user_words[normalise(name)] = _USER_TAGS.get(kind, "nz")
    nlp.tokenizer = TxTokenizer(nlp.vocab, make_segmenter(segmenter, user_words, cache_dir))
    for component in components:
        nlp.add_pipe(component)
    if "tx_curated_ruler_v1" in components:
        ruler = nlp.get_pipe("tx_curated_ruler_v1")
        ruler.add_patterns(  # type: ignore[attr-defined]
            [
                {"label": lexicon.types.get(t, "term"), "pattern": n, "id": lexicon.iri(t)}
                for n, t in lexicon.names.items()
            ]
        )
    if "tx_gazetteer_v1" in components:
        gaz = nlp.get_pipe("tx_gazetteer_v1")
        gaz.set_names(lexicon.names, lexicon.types, {t: lexicon.iri(t) for t in set(lexicon.names.values())})  # type: ignore[attr-defined]
    for name in ("tx_discovery_v1", "tx_relations_v1"):
        if name in components:
            nlp.get_pipe(name).lexicon = lexicon  # type: ignore[attr-defined]
    nlp.meta["name"] = "tx_graph_zh"
    nlp.meta["version"] = NLP_VERSION.split(".v")[-1]
    return nlp


def analyse(nlp: Language, document: Document) -> Analysis:
    """Run the pipeline over one document and collect what every stage found."""
    # not nlp.make_doc: spaCy refuses a text over nlp.max_length (1,000,000 characters,
    # E088) for the memory of its own parsers; ours segments pieces of bounded size
    doc = nlp.tokenizer(document.text)
    doc.user_data["tx_doc_id"] = document.id
    doc.user_data["tx_document"] = document
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return Analysis(
        doc_id=document.id,
        mentions=tuple(doc._.tx_mentions),
        proposals=tuple(doc._.tx_proposals),
        facts=tuple(doc._.tx_facts),
        figures=tuple(doc._.tx_figures),
        tokens=len(doc),
        truncated=len(document.text) > MAX_SEGMENT_CHARS,
    )


def analyse_all(nlp: Language, documents: Iterable[Document]) -> Iterator[Analysis]:
    for document in documents:
        yield analyse(nlp, document)


def tool_versions(segmenter: str = DEFAULT_SEGMENTER) -> tuple[tuple[str, str], ...]:
    """Versions recorded on the build run (tx:modelVersion)."""
    import importlib.metadata as md

    def version(pkg: str) -> str:
        try:
            return md.version(pkg)
        except md.PackageNotFoundError:
            return "absent"

    return (
        ("tx-nlp", NLP_VERSION),
        ("spacy", spacy.__version__),
        ("segmenter", segmenter),
        ("jieba", version("jieba")),
        ("rjieba", version("rjieba")),
        ("opencc", version("opencc") if version("opencc") != "absent" else version("OpenCC")),
    )


def span_of(token: Token) -> Span:
    return Span(token.start, token.end)
