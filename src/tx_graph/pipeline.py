"""The build, stage by stage: curation → ingest → gazetteer → RDF → store and exports.

Each stage is a plain function of the previous stages' values; this module only wires
them together, times them and reports. The RDF stage is a generator that the store
consumes as it goes, so its time is measured inside the store stage and reported apart.
When the inputs, code and libraries match the stamp of the last build, the store and
exports on disk are already what this build would write, and are left alone.

One build at a time per exports folder (:class:`~tx_graph.fsio.BuildLock`; a second
build waits, saying who holds the lock, or fails at once with ``wait=False``). The new
store generation, the export files and the stamp are written aside and put in place
by one :func:`~tx_graph.fsio.commit`, so after a kill at any instant the store, the
export files and the stamp either are all the previous build's or, once the commit is
rolled forward (by the next build or the next :func:`~tx_graph.store.open_store`), all
this build's; the explorer's state is dropped in the same commit, so its pages are
never taken for current pages of another graph.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pyoxigraph import Quad, Store

from .build import BuildInputs, glossary_index, iter_quads, locate_observations
from .config import Paths
from .curation import load_curation
from .errors import IngestError, Problem
from .export import (
    STAMP,
    RdfStream,
    build_mention_rows,
    build_stamp,
    pending_path,
    stamp_matches,
    write_exports,
    write_stamp,
)
from .fsio import BuildLock, commit, finish_commit, kill_point
from .ingest import corpus_files, ingest_corpus
from .model import Curation, Document, Mention, Statement
from .store import link_target, load_ontology, new_generation, remove_old_generations

if TYPE_CHECKING:
    from .extract import Extraction

__all__ = ["BuildReport", "build", "build_lock", "prepare"]

EXPLORER_STATE = "explorer/.tx-graph-explorer-state.json"  # tx_graph.explore.memo.STATE in its folder

T = TypeVar("T")


@dataclass
class BuildReport:
    documents: int = 0
    entities: Counter[str] = field(default_factory=Counter)
    terms: int = 0
    definitions: int = 0
    mentions: int = 0
    observations: int = 0
    quads: int = 0
    problems: list[Problem] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    candidates: int = 0  # extraction: proposed entities, extracted figures and facts
    figures: int = 0
    facts: int = 0
    statements: int = 0  # stated facts: curated and extracted (tx_graph.facts)
    reviewed: list[str] = field(default_factory=list)  # review decisions applied this build
    exports: dict[str, Path] = field(default_factory=dict)
    unchanged: bool = False  # store and exports already matched this build's stamp: not rewritten

    def summary(self) -> str:
        lines = [
            f"documents: {self.documents}",
            "entities: " + ", ".join(f"{t} {n}" for t, n in sorted(self.entities.items())),
            f"glossary: {self.terms} terms, {self.definitions} definitions",
            f"mentions: {self.mentions}; observations: {self.observations}; quads: {self.quads}",
            f"extracted: {self.candidates} candidates, {self.figures} figures, {self.facts} facts",
            f"statements: {self.statements} (curated and extracted facts)",
            "timings: " + ", ".join(f"{k} {v:.2f}s" for k, v in self.timings.items()),
        ]
        lines += [f"review: {line}" for line in self.reviewed]
        if self.unchanged:
            lines.append(f"unchanged: inputs, code and libraries match {STAMP}; store and exports not rewritten")
        else:
            lines += [f"wrote {path}" for path in self.exports.values()]
        lines += [f"warning: {p}" for p in self.problems]
        return "\n".join(lines)


@dataclass(frozen=True)
class Prepared:
    curation: Curation
    documents: tuple[Document, ...]
    mentions: tuple[Mention, ...]
    inputs: BuildInputs
    problems: tuple[Problem, ...]
    extraction: Extraction


def _timed(report: BuildReport, name: str, fn: Callable[[], T]) -> T:
    start = time.perf_counter()
    value = fn()
    report.timings[name] = report.timings.get(name, 0.0) + time.perf_counter() - start
    return value


def prepare(
    paths: Paths, report: BuildReport | None = None, *, segmenter: str | None = None, scheduler: Any = None
) -> Prepared:
    """Every stage up to (not including) RDF: what tests and the explorer reuse.

    ``scheduler`` (a Dask scheduler address or :class:`tx_graph.distributed.Cluster`)
    analyses the uncached documents on that cluster; the result is the same."""
    report = report or BuildReport()
    from .review import apply_decisions

    report.reviewed += _timed(report, "review", lambda: apply_decisions(paths.curation, paths.root))
    curation = _timed(report, "curation", lambda: load_curation(paths.curation, paths.root))
    files = corpus_files(paths.corpus)
    documents, problems = _timed(report, "ingest", lambda: ingest_corpus(files, curation.noise, paths.root))
    if not documents:
        raise IngestError(problems or [Problem(str(paths.corpus), None, None, "E102", "no *.txt documents found")])
    glossary = glossary_index(curation, documents)
    from .discover.ids import DEFAULT_SEGMENTER
    from .extract import extract, rejected_labels

    extraction = _timed(report, "nlp", lambda: extract(
        curation, documents, glossary.gazetteer_targets, cache_dir=paths.root / ".cache",
        rejected=rejected_labels(paths.curation), problems=problems, segmenter=segmenter or DEFAULT_SEGMENTER,
        scheduler=scheduler))
    mentions = list(extraction.mentions)
    located = _timed(report, "observations", lambda: locate_observations(curation, documents))
    statements = _timed(report, "facts", lambda: _statements(paths, curation, documents, mentions))
    curation_files = sorted(paths.curation.glob("*.yaml"))
    inputs = BuildInputs(
        curation=curation,
        documents=tuple(documents),
        mentions=tuple(mentions),
        glossary=glossary,
        observations=tuple(located),
        input_files=tuple(files) + tuple(curation_files),
        root=paths.root,
        tool_versions=extraction.tool_versions,
        candidates=extraction.emitted,
        facts=extraction.facts,
        figures=extraction.figures,
        statements=statements,
    )
    return Prepared(curation, tuple(documents), tuple(mentions), inputs, tuple(problems), extraction)


def _statements(
    paths: Paths, curation: Curation, documents: list[Document], mentions: list[Mention]
) -> tuple[Statement, ...]:
    """Curated facts found in their documents, then what the statement rules read that
    curation does not state and curators have not rejected."""
    from .errors import CurationError
    from .facts import extract_statements, locate_statements, rejected_statements, statement_key, uncurated

    curated, problems = locate_statements(curation.statements, documents)
    if problems:
        raise CurationError(problems)
    rejected = rejected_statements(paths.curation)
    extracted = [s for s in extract_statements(documents, mentions, curation) if statement_key(s) not in rejected]
    return (*curated, *uncurated(extracted, curated))


def build_lock(paths: Paths, *, wait: bool = True) -> BuildLock:
    """The project's build lock (``exports/.build.lock``); hold it around a build and its pages."""
    return BuildLock(paths.exports, wait=wait)


def build(
    paths: Paths | None = None,
    *,
    exports: bool = True,
    wait: bool = True,
    segmenter: str | None = None,
    scheduler: Any = None,
) -> BuildReport:
    """Build the graph into ``paths.exports`` (store + export files) and report.
    ``wait=False``: fail with :class:`~tx_graph.fsio.LockBusy` if another build is running;
    ``segmenter`` picks the word segmenter (:data:`tx_graph.segment.SEGMENTERS`, default rjieba);
    ``scheduler``: run the document analysis on a Dask cluster (see :mod:`tx_graph.distributed`)."""
    paths = paths or Paths.at()
    with build_lock(paths, wait=wait):
        finish_commit(paths.exports)  # a build killed while committing: finish it first
        return _build(paths, exports, segmenter, scheduler)


def _build(paths: Paths, exports: bool, segmenter: str | None = None, scheduler: Any = None) -> BuildReport:
    report = BuildReport()
    prepared = prepare(paths, report, segmenter=segmenter, scheduler=scheduler)
    inputs = prepared.inputs
    stamp = _timed(
        report,
        "stamp",
        lambda: build_stamp(
            (*inputs.input_files, *sorted(paths.ontology.glob("*.ttl"))),
            paths.root,
            extra=[f"{name} {version}" for name, version in inputs.tool_versions],
        ),
    )
    previous = stamp_matches(paths.exports, stamp, need_exports=exports)
    if previous is not None:
        report.unchanged = True
        report.quads = int(previous.get("quads", 0))
        report.exports = {key: paths.exports / name for key, (name, *_) in previous.get("files", {}).items()}
    else:
        rdf, serialise = _Stopwatch(), _Stopwatch()
        stream = RdfStream(paths.exports) if exports else None

        def batches() -> Iterator[list[Quad]]:
            for n, batch in enumerate(chain(rdf.measure(iter_quads(inputs)), [load_ontology(paths.ontology)])):
                rdf.items += len(batch)
                if stream is not None:
                    serialise.run(stream.write, batch)
                if n == 1:
                    kill_point("build.rdf")
                yield batch

        try:
            generation = _timed(
                report, "store", lambda: new_generation((q for b in batches() for q in b), paths.store)
            )
            report.timings["rdf"] = rdf.seconds
            report.timings["store"] -= rdf.seconds + serialise.seconds
            report.quads = rdf.items
            written: dict[str, Path] = {}
            if stream is not None:
                rows = build_mention_rows(inputs)
                store = Store.read_only(str(generation))
                written = _timed(
                    report,
                    "exports",
                    lambda: write_exports(store, paths.exports, rdf=stream, mentions=rows, put_in_place=False),
                )
                del store
                report.timings["exports"] += serialise.seconds
        except BaseException:
            if stream is not None:
                stream.abort()
            raise
        write_stamp(paths.exports, stamp, report.quads, written, store=generation.name, pending=True)
        kill_point("build.commit")
        exports_dir = paths.exports

        def rel(path: Path) -> str:
            return path.relative_to(exports_dir).as_posix()

        commit(
            exports_dir,
            [
                ["unlink", EXPLORER_STATE],  # the pages say they are complete only once redone
                ["link", rel(paths.store), link_target(paths.store, generation)],
                *(["replace", rel(pending_path(p)), rel(p)] for p in written.values()),
                ["replace", rel(pending_path(exports_dir / STAMP)), STAMP],
            ],
        )
        remove_old_generations(paths.store)
        report.exports = written
    report.documents = len(prepared.documents)
    report.entities = Counter(e.type for e in prepared.curation.entities.values())
    report.terms = len(inputs.glossary.concepts)
    report.definitions = sum(len(d.glossary) for d in prepared.documents)
    report.mentions = len(prepared.mentions)
    report.observations = len(inputs.observations)
    report.candidates = len(inputs.candidates)
    report.figures = len(inputs.figures)
    report.facts = len(inputs.facts)
    report.statements = len(inputs.statements)
    report.problems = list(prepared.problems)
    return report


class _Stopwatch:
    """Time spent in one stage of a chain of generators, apart from the others' time."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.items = 0

    def run(self, fn: Callable[[T], object], arg: T) -> None:
        start = time.perf_counter()
        fn(arg)
        self.seconds += time.perf_counter() - start

    def measure(self, items: Iterable[T]) -> Iterator[T]:
        iterator = iter(items)
        while True:
            start = time.perf_counter()
            try:
                item = next(iterator)
            except StopIteration:
                self.seconds += time.perf_counter() - start
                return
            self.seconds += time.perf_counter() - start
            yield item
