"""(a) mentions, (b) discovery leave-one-document-out, (c) relations and observations."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..model import Candidate, Document, Mention
from .gold import _CUES, COARSE, THRESHOLDS, ZERO, GoldEntity, GoldSet, Score


def mention_score(gold: GoldSet, documents: Sequence[Document], mentions: Iterable[Mention], lexicon: Any) -> Score:
    """Mentions of curated entities: span and entity must both agree. Glossary-term
    mentions (targets ``term:…``) and gold entities curation does not know are left out."""
    by_id = {d.id: d for d in documents}
    system: set[tuple[str, int, int, str]] = set()
    for m in mentions:
        if m.doc_id in gold.docs and not m.target.startswith("term:"):
            system.add((m.doc_id, m.span.start, m.span.end, m.target))
    expected: set[tuple[str, int, int, str]] = set()
    skip: set[tuple[str, int, int]] = set()
    for g in gold.docs.values():
        doc = by_id.get(g.document)
        if doc is None:
            continue
        for span, i in g.spans(doc.text):
            entity = g.entities[i]
            target = _resolve(entity, lexicon)
            if entity.type == "term" or target is None or target.startswith("term:"):
                skip.add((g.document, span.start, span.end))
                continue
            expected.add((g.document, span.start, span.end, target))
    system = {s for s in system if (s[0], s[1], s[2]) not in skip}
    tp = len(system & expected)
    return Score(tp, len(system), len(expected))


def _resolve(entity: GoldEntity, lexicon: Any) -> str | None:
    for name in (entity.label, *entity.surfaces):
        target = lexicon.lookup(name)
        if target is not None:
            return str(target)
    return None




@dataclass
class DiscoveryResult:
    by_threshold: dict[float, Score]
    typed: dict[float, Score]
    per_doc: dict[str, Score]
    errors: dict[str, list[str]] = field(default_factory=dict)  # doc → false positives / misses (at threshold)


UNANNOTATED_TYPES = frozenset({"honour"})  # kinds the gold guidelines leave out


def discovery_lodo(
    gold: GoldSet,
    documents: Sequence[Document],
    lexicon: Any,
    mentions: Sequence[Mention],
    *,
    threshold: float = 0.5,
    segmenter: str = "jieba",
    cache_dir: Path | None = None,
) -> DiscoveryResult:
    from ..discover import aggregate, norm_label
    from ..nlp import analyse, build_nlp

    named: dict[str, set[str]] = defaultdict(set)
    for m in mentions:
        named[m.target].add(m.doc_id)
    by_threshold = {t: ZERO for t in THRESHOLDS}
    typed = {t: ZERO for t in THRESHOLDS}
    per_doc: dict[str, Score] = {}
    errors: dict[str, list[str]] = {}
    for doc in documents:
        g = gold.docs.get(doc.id)
        if g is None:
            continue
        only_here = {t for t, ds in named.items() if ds == {doc.id}}
        reduced = replace(
            lexicon,
            names={n: t for n, t in lexicon.names.items() if t not in only_here},
            keys={k: t for k, t in lexicon.keys.items() if t not in only_here},
        )
        nlp = build_nlp(reduced, segmenter=segmenter, cache_dir=cache_dir)
        analysis = analyse(nlp, doc)
        # honours are not annotated in tests/gold/ (its guidelines): neither right nor wrong there
        candidates = [
            c
            for c in aggregate(analysis.proposals, [doc], reduced, analysis.mentions)
            if c.kind == "entity" and c.type not in UNANNOTATED_TYPES
        ]
        new = [
            e
            for e in g.entities
            if all(reduced.lookup(f) is None for f in (e.label, *e.surfaces))
            and not all(norm_label(f) in reduced.rejected for f in e.surfaces)
        ]
        for t in THRESHOLDS:
            score, type_score, fps, misses = _match([c for c in candidates if c.score >= t], new)
            by_threshold[t] = by_threshold[t] + score
            typed[t] = typed[t] + type_score
            if t == threshold:
                per_doc[doc.id] = score
                errors[doc.id] = [f"FP {c.label} ({c.type}, {c.score})" for c in fps] + [
                    f"FN {e.label} ({e.type})" for e in misses
                ]
    return DiscoveryResult(by_threshold, typed, per_doc, errors)


def _match(
    candidates: Sequence[Candidate], new: Sequence[GoldEntity]
) -> tuple[Score, Score, list[Candidate], list[GoldEntity]]:
    from ..discover import norm_label

    forms = [e.forms() for e in new]
    tp = typed_tp = 0
    found: set[int] = set()
    fps: list[Candidate] = []
    for c in candidates:
        keys = {c.label, *(norm_label(a) for a in c.aliases)}
        keys |= {k[: -len(cue)] for k in list(keys) for cue in _CUES if k.endswith(cue) and len(k) > len(cue) + 1}
        hit = next((i for i, f in enumerate(forms) if keys & f), None)
        if hit is None:
            fps.append(c)
            continue
        tp += 1
        found.add(hit)
        if COARSE.get(c.type) == COARSE.get(new[hit].type):
            typed_tp += 1
    misses = [e for i, e in enumerate(new) if i not in found]
    return (
        Score(tp, len(candidates), len(new), len(found)),
        Score(typed_tp, len(candidates), len(new), None),
        fps,
        misses,
    )




RELATION_GROUPS = {
    "containedInPlace": "place",
    "location": "place",
    "developer": "developer",
    "investment": "investment",
    "temporal": "temporal",
}
# temporal links are annotated for the news documents only (every sentence naming a year)
TEMPORAL_DOCS_KIND = "news"


def relation_scores(
    gold: GoldSet, documents: Sequence[Document], facts: Iterable[Any], lexicon: Any
) -> dict[str, Score]:
    by_id = {d.id: d for d in documents}

    def name(ref: str) -> str:
        if ref.startswith("candidate:"):
            return ref[len("candidate:") :]
        if ref.startswith("year:"):
            return ref[5:]
        return str(lexicon.labels.get(ref, ref))

    def canon(label: str) -> str:
        target = lexicon.lookup(label)
        return str(lexicon.labels.get(target, label)) if target else label

    system: dict[str, set[tuple[str, str, str, str]]] = defaultdict(set)
    for f in facts:
        doc = by_id.get(f.doc_id)
        if f.doc_id not in gold.docs or doc is None:
            continue
        group = RELATION_GROUPS.get(f.predicate, f.predicate)
        if group == "temporal" and (doc.kind != TEMPORAL_DOCS_KIND or f.rule.endswith("section-year.v1")):
            continue
        obj = f"{f.unit} {f.value}" if f.predicate == "investment" else name(f.object)
        predicate = "place" if group == "place" else f.predicate
        system[group].add((f.doc_id, name(f.subject), predicate, obj))
    expected: dict[str, set[tuple[str, str, str, str]]] = defaultdict(set)
    for g in gold.docs.values():
        doc = by_id.get(g.document)
        for s, p, o in g.relations:
            group = RELATION_GROUPS.get(p, p)
            if group == "temporal" and (doc is None or doc.kind != TEMPORAL_DOCS_KIND):
                continue
            predicate = "place" if group == "place" else p
            obj = o if p in ("temporal", "investment") else canon(o)
            expected[group].add((g.document, canon(s), predicate, obj))
    out = {}
    for group in ("place", "developer", "investment", "temporal"):
        tp = len(system[group] & expected[group])
        out[group] = Score(tp, len(system[group]), len(expected[group]))
    return out


def observation_scores(gold: GoldSet, figures: Iterable[Any]) -> tuple[Score, int, list[str]]:
    """Exact figures (indicator, area, period, value, unit, kind); also how many predicted
    figures had everything right but the actual/target kind."""
    docs = {o["document"] for o in gold.observations}

    def key(
        doc: str, ind: str, area: str, period: int, value: Any, unit: str
    ) -> tuple[str, str, str, int, Decimal, str]:
        return (doc, ind, area, int(period), Decimal(str(value)).normalize(), unit)

    expected = {
        key(o["document"], o["indicator"], o["area"], o["period"], o["value"], o["unit"]): o["kind"]
        for o in gold.observations
    }
    predicted = [f for f in figures if f.doc_id in docs]
    tp = wrong_kind = 0
    errors: list[str] = []
    for f in predicted:
        k = key(f.doc_id, f.indicator, f.area, f.period, f.value, f.unit)
        if k in expected and expected[k] == f.kind:
            tp += 1
        else:
            if k in expected:
                wrong_kind += 1
            errors.append(f"FP {f.doc_id} {f.indicator} {f.period} {f.value}{f.unit} {f.kind}")
    return Score(tp, len(predicted), len(expected)), wrong_kind, errors
