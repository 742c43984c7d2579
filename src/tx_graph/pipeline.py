"""The build, stage by stage: curation → ingest → gazetteer → RDF → store and exports.

Each stage is a plain function of the previous stages' values; this module only wires
them together, times them and reports.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from .build import BuildInputs, build_quads, glossary_index, locate_observations
from .config import Paths
from .curation import load_curation
from .errors import IngestError, Problem
from .ingest import corpus_files, ingest_corpus
from .model import Curation, Document, Mention
from .store import load_ontology, write_exports, write_store

if TYPE_CHECKING:
    from .discover import Extraction

__all__ = ["BuildReport", "build", "prepare"]

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
    reviewed: list[str] = field(default_factory=list)  # review decisions applied this build
    exports: dict[str, Path] = field(default_factory=dict)

    def summary(self) -> str:
        lines = [
            f"documents: {self.documents}",
            "entities: " + ", ".join(f"{t} {n}" for t, n in sorted(self.entities.items())),
            f"glossary: {self.terms} terms, {self.definitions} definitions",
            f"mentions: {self.mentions}; observations: {self.observations}; quads: {self.quads}",
            f"extracted: {self.candidates} candidates, {self.figures} figures, {self.facts} facts",
            "timings: " + ", ".join(f"{k} {v:.2f}s" for k, v in self.timings.items()),
        ]
        lines += [f"review: {line}" for line in self.reviewed]
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


def prepare(paths: Paths, report: BuildReport | None = None) -> Prepared:
    """Every stage up to (not including) RDF: what tests and the explorer reuse."""
    report = report or BuildReport()
    from .review import apply_decisions

    report.reviewed += _timed(report, "review", lambda: apply_decisions(paths.curation, paths.root))
    curation = _timed(report, "curation", lambda: load_curation(paths.curation, paths.root))
    files = corpus_files(paths.corpus)
    documents, problems = _timed(report, "ingest", lambda: ingest_corpus(files, curation.noise, paths.root))
    if not documents:
        raise IngestError(problems or [Problem(str(paths.corpus), None, None, "E102", "no *.txt documents found")])
    glossary = glossary_index(curation, documents)
    from .discover import extract, rejected_labels

    extraction = _timed(report, "nlp", lambda: extract(
        curation, documents, glossary.gazetteer_targets, cache_dir=paths.root / ".cache",
        rejected=rejected_labels(paths.curation), problems=problems))
    mentions = list(extraction.mentions)
    located = _timed(report, "observations", lambda: locate_observations(curation, documents))
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
    )
    return Prepared(curation, tuple(documents), tuple(mentions), inputs, tuple(problems), extraction)


def build(paths: Paths | None = None, *, exports: bool = True) -> BuildReport:
    """Build the graph into ``paths.exports`` (store + export files) and report."""
    paths = paths or Paths.at()
    report = BuildReport()
    prepared = prepare(paths, report)
    quads = _timed(report, "rdf", lambda: build_quads(prepared.inputs))
    quads += load_ontology(paths.ontology)
    _timed(report, "store", lambda: write_store(quads, paths.store))
    if exports:
        report.exports = _timed(report, "exports", lambda: write_exports(quads, paths.exports))
    report.documents = len(prepared.documents)
    report.entities = Counter(e.type for e in prepared.curation.entities.values())
    report.terms = len(prepared.inputs.glossary.concepts)
    report.definitions = sum(len(d.glossary) for d in prepared.documents)
    report.mentions = len(prepared.mentions)
    report.observations = len(prepared.inputs.observations)
    report.quads = len(quads)
    report.candidates = len(prepared.inputs.candidates)
    report.figures = len(prepared.inputs.figures)
    report.facts = len(prepared.inputs.facts)
    report.problems = list(prepared.problems)
    return report
