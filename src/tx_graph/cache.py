"""Incremental builds: per-document NLP results cached under ``.cache/nlp/``.

A document's :class:`~tx_graph.model.Analysis` (mentions, proposals, facts, figures) is
stored as JSON under a key made of the document's content hash, the pipeline version
(tx-graph, the NLP/discovery/relations rule versions, jieba's version, the segmenter)
and the curation fingerprint (names, types, indicators: mentions and proposals depend on
them). An unchanged document is read back without importing spaCy or jieba; a new or
changed one is analysed. One file per document id, overwritten when its key changes, so
the cache does not grow with edits.

>>> key_of_text("abc", "v1") == key_of_text("abc", "v1"), key_of_text("abc", "v1") == key_of_text("abd", "v1")
(True, False)
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .errors import Errors, Problem
from .model import Analysis, Document, Fact, Figure, Mention, Proposal, Span

__all__ = ["AnalysisCache", "analyse_cached", "key_of_text", "pipeline_version"]

FORMAT = 1


def pipeline_version(segmenter: str = "jieba") -> str:
    """Everything about the code that changes what a document's analysis contains."""
    import importlib.metadata as md

    from . import __version__
    from .discover import DISCOVER_VERSION, NLP_VERSION
    from .relations import RELATIONS_VERSION

    try:
        jieba = md.version("jieba")
    except md.PackageNotFoundError:
        jieba = "absent"
    return (
        f"tx-graph {__version__}|{NLP_VERSION}|{DISCOVER_VERSION}|{RELATIONS_VERSION}|jieba {jieba}|{segmenter}"
        f"|cache {FORMAT}|code {_code_digest()}"
    )


def _code_digest() -> str:
    """The rules are code: a changed rule must not be served from the cache even when
    nobody remembered to bump a version string."""
    here = Path(__file__).parent
    h = hashlib.sha256()
    for name in ("nlp.py", "discover.py", "relations.py", "gazetteer.py", "model.py"):
        path = here / name
        if path.is_file():
            h.update(path.read_bytes())
    return h.hexdigest()[:12]


def key_of_text(text: str, version: str) -> str:
    return hashlib.sha256(f"{version}\n{text}".encode()).hexdigest()


def _document_text(doc: Document) -> str:
    # everything the stages read from a document: its text and the fields derived from
    # its header (year, kind, publisher) that figures and relations use
    return "\x1f".join([doc.id, doc.title, doc.kind, str(doc.year), str(doc.issued), doc.publisher or "", doc.text])


class AnalysisCache:
    def __init__(self, folder: Path, version: str, fingerprint: str) -> None:
        self.folder = folder
        self.version = f"{version}|{fingerprint}"
        self.problems: list[Problem] = []
        self.hits = 0
        self.misses = 0

    def _path(self, doc_id: str) -> Path:
        return self.folder / (re.sub(r"[^A-Za-z0-9_.-]", "_", doc_id) + ".json")

    def key(self, doc: Document) -> str:
        return key_of_text(_document_text(doc), self.version)

    def get(self, doc: Document) -> Analysis | None:
        path = self._path(doc.id)
        if not path.is_file():
            self.misses += 1
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("key") != self.key(doc):
                self.misses += 1
                return None
            analysis = _analysis_from(data["analysis"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            self.problems.append(Problem(str(path), None, None, "E307", Errors.E307.format(path=path.name, reason=exc)))
            self.misses += 1
            return None
        self.hits += 1
        return analysis

    def put(self, doc: Document, analysis: Analysis) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(doc.id)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(
            json.dumps({"key": self.key(doc), "analysis": asdict(analysis)}, ensure_ascii=False), encoding="utf-8"
        )
        tmp.replace(path)


def _span(d: dict[str, int]) -> Span:
    return Span(int(d["start"]), int(d["end"]))


def _analysis_from(d: dict[str, Any]) -> Analysis:
    return Analysis(
        doc_id=d["doc_id"],
        mentions=tuple(
            Mention(m["doc_id"], _span(m["span"]), m["target"], m["surface"], m["rule"]) for m in d["mentions"]
        ),
        proposals=tuple(Proposal(**{**p, "span": _span(p["span"])}) for p in d["proposals"]),
        facts=tuple(Fact(**{**f, "span": _span(f["span"])}) for f in d["facts"]),
        figures=tuple(Figure(**{**f, "span": _span(f["span"])}) for f in d["figures"]),
        tokens=int(d["tokens"]),
        truncated=bool(d["truncated"]),
    )


def analyse_cached(
    documents: Sequence[Document],
    lexicon: Any,
    *,
    cache_dir: Path | None,
    segmenter: str = "jieba",
    problems: list[Problem] | None = None,
) -> tuple[list[Analysis], dict[str, int]]:
    """The analysis of every document, from the cache where its key matches; the spaCy
    pipeline is built (and spaCy imported) only when some document needs analysing."""
    cache = AnalysisCache(cache_dir / "nlp", pipeline_version(segmenter), lexicon.fingerprint) if cache_dir else None
    found: dict[str, Analysis] = {}
    missing: list[Document] = []
    for doc in documents:
        hit = cache.get(doc) if cache else None
        if hit is not None:
            found[doc.id] = hit
        else:
            missing.append(doc)
    if missing:
        from .nlp import MAX_SEGMENT_CHARS, analyse, build_nlp

        nlp = build_nlp(lexicon, segmenter=segmenter, cache_dir=cache_dir)
        for doc in missing:
            analysis = analyse(nlp, doc)
            found[doc.id] = analysis
            if cache:
                cache.put(doc, analysis)
            if analysis.truncated and problems is not None:
                problems.append(
                    Problem(
                        doc.source_path,
                        doc.source_line,
                        None,
                        "E302",
                        Errors.E302.format(length=len(doc.text), limit=MAX_SEGMENT_CHARS),
                    )
                )
    if cache and problems is not None:
        problems.extend(cache.problems)
    stats = {"cached": len(documents) - len(missing), "analysed": len(missing)}
    return [found[d.id] for d in documents], stats


def iter_mentions(analyses: Iterable[Analysis]) -> list[Mention]:
    return [m for a in analyses for m in a.mentions]
