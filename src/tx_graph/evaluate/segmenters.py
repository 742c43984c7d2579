"""How well each segmenter's tokens line up with the gold names, and how fast it is."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..model import Document
from .gold import GoldSet
from .scores import _resolve


def segmenter_comparison(
    gold: GoldSet, documents: Sequence[Document], lexicon: Any, cache_dir: Path | None
) -> list[dict[str, Any]]:
    """How each segmenter treats names: the share of gold mentions whose both edges fall
    on token boundaries (curated names with the user dictionary loaded, and names curation
    does not know), how many come out as exactly one token, and speed."""
    from ..segment import make_segmenter
    from ..text import normalise

    rows: list[dict[str, Any]] = []
    gold_docs = [d for d in documents if d.id in gold.docs]
    user_words = {normalise(n): "nz" for n in lexicon.names}
    setups: list[tuple[str, str, Mapping[str, str] | None]] = [
        ("rjieba (jieba-rs) + POS, curated names matched first (the default)", "rjieba", user_words),
        ("jieba + POS, curated names in user dictionary", "jieba", user_words),
        ("jieba + POS, no user dictionary", "jieba", None),
        ("jieba (cut only), curated names in user dictionary", "jieba-cut", user_words),
        ("jieba-bmm: backward maximum matching over jieba's dictionary, curated names first", "jieba-bmm", user_words),
        ("characters (spaCy's default for zh)", "char", None),
    ]
    for name, kind, words in setups:
        start = time.perf_counter()
        seg = make_segmenter(kind, words, cache_dir)
        load = time.perf_counter() - start
        rows.append(_segment_stats(name, seg, gold, gold_docs, lexicon, load))
    rows.append(_pkuseg_row(gold, documents, lexicon))
    return rows


def _segment_stats(
    name: str, seg: Any, gold: GoldSet, docs: Sequence[Document], lexicon: Any, load: float
) -> dict[str, Any]:
    from ..segment import segment

    aligned: Counter[str] = Counter()  # curated / new → aligned mentions
    whole: Counter[str] = Counter()
    total: Counter[str] = Counter()
    chars = 0
    start = time.perf_counter()
    for doc in docs:
        tokens = segment(seg, doc.text)
        chars += len(doc.text)
        starts = {t.start for t in tokens}
        ends = {t.end for t in tokens}
        spans = {(t.start, t.end) for t in tokens}
        g = gold.docs[doc.id]
        for span, i in g.spans(doc.text):
            kind = "curated" if _resolve(g.entities[i], lexicon) else "new"
            total[kind] += 1
            if span.start in starts and span.end in ends:
                aligned[kind] += 1
            if (span.start, span.end) in spans:
                whole[kind] += 1
    elapsed = time.perf_counter() - start
    return {
        "segmenter": name,
        "curated aligned": aligned["curated"] / max(total["curated"], 1),
        "curated one token": whole["curated"] / max(total["curated"], 1),
        "new aligned": aligned["new"] / max(total["new"], 1),
        "chars/s": chars / elapsed if elapsed else 0.0,
        "load s": load,
        "mentions": dict(total),
    }


def _pkuseg_row(gold: GoldSet | None = None, documents: Sequence[Document] = (), lexicon: Any = None) -> dict[str, Any]:
    """pkuseg's published models are downloaded from GitHub at first use, which this
    project may not do; what can be measured is a pkuseg model trained here, on the
    non-gold documents segmented by jieba with the curated names (silver data)."""
    try:
        import spacy_pkuseg
    except ImportError:
        return {"segmenter": "pkuseg (spacy-pkuseg)", "note": "not installed (pip install spacy-pkuseg to measure)"}
    if gold is None or lexicon is None:
        return {"segmenter": "pkuseg (spacy-pkuseg)", "note": "installed; its models download from GitHub"}
    import os
    import tempfile

    from ..segment import make_segmenter, segment
    from ..text import normalise

    work = Path(tempfile.mkdtemp(prefix="tx-pkuseg-"))
    jieba = make_segmenter("jieba", {normalise(n): "nz" for n in lexicon.names})
    lines = []
    for doc in documents:
        if doc.id in gold.docs:
            continue
        for span in doc.sentences:
            text = doc.text[span.start : span.end]
            words = [text[t.start : t.end] for t in segment(jieba, text) if text[t.start : t.end].strip()]
            if words:
                lines.append(" ".join(words))
    (work / "train.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (work / "user.txt").write_text("\n".join(normalise(n) for n in lexicon.names) + "\n", encoding="utf-8")
    here = Path.cwd()
    start = time.perf_counter()
    try:
        os.chdir(work)  # pkuseg's trainer writes its temporary files to the working folder
        spacy_pkuseg.train(str(work / "train.txt"), str(work / "train.txt"), str(work / "model"), train_iter=10)
    finally:
        os.chdir(here)
    trained = time.perf_counter() - start
    start = time.perf_counter()
    model = spacy_pkuseg.pkuseg(model_name=str(work / "model"), user_dict=str(work / "user.txt"))
    load = time.perf_counter() - start

    class Aligned:
        name = "pkuseg"

        def freq(self, word: str) -> int:
            return 0

        def cut(self, text: str) -> list[tuple[str, str]]:
            out: list[tuple[str, str]] = []
            pos = 0
            for word in model.cut(text):  # pkuseg drops spaces: put them back as tokens
                at = text.find(word, pos)
                if at < 0:
                    continue
                if at > pos:
                    out.append((text[pos:at], "x"))
                out.append((word, "x"))
                pos = at + len(word)
            if pos < len(text):
                out.append((text[pos:], "x"))
            return out

    gold_docs = [d for d in documents if d.id in gold.docs]
    row = _segment_stats(
        "pkuseg trained here on jieba silver data, curated names in user dictionary",
        Aligned(),
        gold,
        gold_docs,
        lexicon,
        load,
    )
    row["note"] = f"trained {trained:.0f} s on {sum(len(x) for x in lines):,} characters"
    return row
