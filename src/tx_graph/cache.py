"""Incremental builds: per-document NLP results cached under ``.cache/nlp/``.

A document's :class:`~tx_graph.model.Analysis` (mentions, proposals, facts, figures) is
stored as JSON under a key made of the document's content hash, the pipeline version
(tx-graph, the NLP/discovery/relations rule versions, jieba's version, the segmenter)
and the curation *that occurs in the document* (:class:`LexiconSlices`: the curated
names, lookup keys and rejected labels found in its text, with their types, plus the
indicators). An unchanged document is read back without importing spaCy or jieba; a new
or changed one, or one in which a curated name was added, removed or retyped, is
analysed. One file per document id, overwritten when its key changes, so
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
from dataclasses import fields, is_dataclass
from functools import partial
from pathlib import Path
from typing import Any

from .errors import Errors, Problem
from .fsio import atomic_write, die_with_parent
from .gloss import analyse_glossed, gloss_view, is_glossed
from .model import Analysis, Document, Fact, Figure, Mention, Proposal, Span
from .versions import pipeline_version

__all__ = ["AnalysisCache", "LexiconSlices", "analyse_cached", "key_of_text", "pipeline_version"]



def key_of_text(text: str, version: str) -> str:
    return hashlib.sha256(f"{version}\n{text}".encode()).hexdigest()


def _document_text(doc: Document) -> str:
    # everything the stages read from a document: its text and the fields derived from
    # its header (year, kind, publisher) that figures and relations use
    return "\x1f".join([doc.id, doc.title, doc.kind, str(doc.year), str(doc.issued), doc.publisher or "", doc.text])


class LexiconSlices:
    """The part of the curation one document's analysis can depend on.

    Every per-document stage reads curation only through strings found in the document:
    names matched (gazetteer, ruler, the segmenter's user words), ``Lexicon.lookup`` of
    labels cut from the text, rejected labels, and the types/IRIs of what was matched. So
    a document's analysis is a function of its text and of the curated names, keys and
    rejected labels that *occur in it* (plus the indicators, which are kept whole). A
    name added or removed elsewhere leaves the document's key unchanged; one that occurs
    in it changes the key. Occurrence is tested on the normalised text (names) and on the
    normalised text without quotes and spaces (the form ``norm_label`` looks up), both
    with every overlapping match, so the slice is a superset of what a stage can read.
    """

    def __init__(self, lexicon: Any) -> None:
        import ahocorasick

        from .text import norm_label, normalise

        self._norm_label = norm_label
        self._normalise = normalise
        entries: list[str] = []
        automaton = ahocorasick.Automaton()
        by_string: dict[str, list[int]] = {}

        def add(string: str, entry: str) -> None:
            if not string:
                return
            by_string.setdefault(string, []).append(len(entries))
            entries.append(entry)

        def describe(target: str) -> str:
            return f"{target}\t{lexicon.types.get(target, '')}\t{lexicon.iri(target)}"

        for name, target in lexicon.names.items():  # in curation order: where two names fold together the last wins
            add(normalise(name), f"n\t{name}\t{describe(target)}")
        for key, target in lexicon.keys.items():
            add(key, f"k\t{key}\t{describe(target)}")
        for label in sorted(lexicon.rejected):
            add(label, f"r\t{label}")
        for string, indices in by_string.items():
            automaton.add_word(string, tuple(indices))
        self._automaton = automaton if by_string else None
        if by_string:
            automaton.make_automaton()
        self._entries = entries
        h = hashlib.sha256()
        for label in sorted(lexicon.indicators):
            h.update(f"i\t{label}\t{lexicon.indicators[label]}\n".encode())
        self._global = h.hexdigest()[:16]

    def digest(self, doc: Document) -> str:
        """A digest of the curation entries that occur in the document (header included)."""
        text = self._normalise(_document_text(doc))
        if is_glossed(doc.text):  # the stages read the gloss-free view: so does the slice
            text += "\x1f" + self._normalise(gloss_view(doc.text)[0])
        found: set[int] = set()
        if self._automaton is not None:
            for source in (text, self._norm_label(text)):
                for _end, indices in self._automaton.iter(source):
                    found.update(indices)
        h = hashlib.sha256(self._global.encode())
        for index in sorted(found):
            h.update(self._entries[index].encode())
            h.update(b"\n")
        return h.hexdigest()[:16]


class AnalysisCache:
    """``fingerprint`` is either one string for every document (the old, coarse key) or
    :class:`LexiconSlices`, which keys each document on the curation it contains."""

    def __init__(self, folder: Path, version: str, fingerprint: str | LexiconSlices) -> None:
        self.folder = folder
        self.slices = fingerprint if isinstance(fingerprint, LexiconSlices) else None
        self.version = version if self.slices is not None else f"{version}|{fingerprint}"
        self.problems: list[Problem] = []
        self.hits = 0
        self.misses = 0
        self._keys: dict[str, str] = {}

    def _path(self, doc_id: str) -> Path:
        return self.folder / (re.sub(r"[^A-Za-z0-9_.-]", "_", doc_id) + ".json")

    def key(self, doc: Document) -> str:
        key = self._keys.get(doc.id)
        if key is None:
            version = self.version if self.slices is None else f"{self.version}|{self.slices.digest(doc)}"
            key = self._keys[doc.id] = key_of_text(_document_text(doc), version)
        return key

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
        atomic_write(
            self._path(doc.id), json.dumps({"key": self.key(doc), "analysis": plain(analysis)}, ensure_ascii=False)
        )


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def plain(value: Any) -> Any:
    """What ``dataclasses.asdict`` gives for the JSON of an analysis (dataclasses as dicts,
    tuples and lists as lists), without its deep copies: asdict was a tenth of a large
    build's own time."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (tuple, list)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if is_dataclass(value) and not isinstance(value, type):
        names = _FIELD_NAMES.get(type(value))
        if names is None:
            names = _FIELD_NAMES[type(value)] = tuple(f.name for f in fields(value))
        return {name: plain(getattr(value, name)) for name in names}
    return value


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
    segmenter: str | None = None,
    problems: list[Problem] | None = None,
    workers: int | None = None,
    scheduler: Any = None,
) -> tuple[list[Analysis], dict[str, int]]:
    """The analysis of every document, from the cache where its key matches; the spaCy
    pipeline is built (and spaCy imported) only when some document needs analysing.

    ``workers`` processes share the uncached documents (default: ``TX_GRAPH_WORKERS``
    or the CPU count); the answer is the same for any number of workers. With
    ``scheduler`` (a Dask scheduler address or :class:`tx_graph.distributed.Cluster`)
    they are analysed on that cluster instead, with the same answer."""
    from .discover import DEFAULT_SEGMENTER

    segmenter = segmenter or DEFAULT_SEGMENTER
    version = pipeline_version(segmenter)
    slices = LexiconSlices(lexicon)
    cache = AnalysisCache(cache_dir / "nlp", version, slices) if cache_dir else None
    found: dict[str, Analysis] = {}
    missing: list[Document] = []
    for doc in documents:
        hit = cache.get(doc) if cache else None
        if hit is not None:
            found[doc.id] = hit
        else:
            missing.append(doc)
    if missing:
        from .nlp import analyse, build_nlp
        from .segment import MAX_SEGMENT_CHARS

        analyses: Iterable[Analysis]
        if scheduler is not None:
            from .distributed import analyse_on_cluster

            keys = cache or AnalysisCache(Path(), version, slices)  # tasks are keyed like cache entries
            analyses = analyse_on_cluster(missing, [keys.key(d) for d in missing], lexicon, segmenter, version,
                                          scheduler)
        else:
            nlp = build_nlp(lexicon, segmenter=segmenter, cache_dir=cache_dir)
            read = partial(analyse_glossed, analyse)  # glossed pages are read without their glosses
            analyses = _analyse_many(nlp, missing, read, workers)
        for doc, analysis in zip(missing, analyses, strict=True):
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


# Below this many uncached characters a pool costs more than it saves: forking, and each
# worker loading the model and warming its caches, is ~0.3 s; the default pipeline reads
# ~30k characters a second with the model (docs/benchmarks.md), so 20k characters is
# ~0.7 s of work in one process.
MIN_CHARACTERS_PER_POOL = 20_000
_POOL_NLP: Any = None
_POOL_ANALYSE: Any = None


def default_workers() -> int:
    configured = os.environ.get("TX_GRAPH_WORKERS", "").strip()
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def _worker_start(parent: int) -> None:
    # a killed build must not leave its workers running (and holding its stdout)
    die_with_parent(parent)


def _analyse_in_worker(doc: Document) -> Analysis:
    return _POOL_ANALYSE(_POOL_NLP, doc)


def _analyse_many(nlp: Any, docs: list[Document], analyse: Any, workers: int | None) -> Iterable[Analysis]:
    """Analyses in document order. The pipeline is built once and inherited by forked
    workers (building it per worker would cost the jieba dictionary load each time);
    where fork is not available the documents are analysed in this process."""
    import multiprocessing

    if workers is None:
        characters = sum(len(doc.text) for doc in docs)
        workers = default_workers() if characters >= MIN_CHARACTERS_PER_POOL else 1
    workers = min(workers, len(docs))
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return (analyse(nlp, doc) for doc in docs)
    global _POOL_NLP, _POOL_ANALYSE
    _POOL_NLP, _POOL_ANALYSE = nlp, analyse
    # the longest documents are handed out first, so that one long document started last
    # does not leave the other workers idle at the end (results are put back in order)
    longest_first = sorted(range(len(docs)), key=lambda i: -len(docs[i].text))
    try:
        with multiprocessing.get_context("fork").Pool(workers, _worker_start, (os.getpid(),)) as pool:
            # chunks of a few documents keep pickling overhead low while leaving the
            # pool enough pieces to balance
            chunk = max(1, len(docs) // (workers * 8))
            results = pool.map(_analyse_in_worker, [docs[i] for i in longest_first], chunksize=chunk)
    finally:
        _POOL_NLP = _POOL_ANALYSE = None
    in_order: list[Analysis] = [None] * len(docs)  # type: ignore[list-item]
    for i, analysis in zip(longest_first, results, strict=True):
        in_order[i] = analysis
    return in_order


def iter_mentions(analyses: Iterable[Analysis]) -> list[Mention]:
    return [m for a in analyses for m in a.mentions]
