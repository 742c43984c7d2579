"""Every rule over one document, overlaps resolved and known names dropped (:func:`propose`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from ..model import Document, Mention, Proposal
from .coordination import _coordination_proposals
from .document import _Doc
from .honours import _honour_proposals
from .ids import R_GLOSSARY
from .lexicon import Lexicon, TokenLike
from .lists import _known_list_proposals, _list_proposals, _shared_tail_proposals
from .longnames import _project_names
from .numeral import _numeral_proposals
from .projects import _glossary_proposals, _invest_proposals
from .quoted import _quoted_proposals
from .shape import looks_like_name
from .sources import _source_proposals
from .statistical import _model_proposals
from .suffix import _place_name_proposals, _suffix_proposals

RULES = (
    _suffix_proposals,
    _quoted_proposals,
    _numeral_proposals,
    _list_proposals,
    _shared_tail_proposals,
    _known_list_proposals,
    _place_name_proposals,
    _invest_proposals,
    _glossary_proposals,
    _project_names,
    _honour_proposals,
    _source_proposals,
    _coordination_proposals,
)


def propose(
    doc: Document,
    tokens: Sequence[TokenLike],
    mentions: Sequence[Mention],
    lexicon: Lexicon,
    model: Sequence[Any] = (),
) -> list[Proposal]:
    """Every proposal of every rule for one document, overlaps resolved, known names dropped.
    ``model``: the trained model's spans (:class:`tx_graph.statistical.ModelSpan`), if any."""
    d = _Doc(doc, tokens, mentions, lexicon, model)
    raw = [p for rule in RULES for p in rule(d)]
    if d.model:
        raw += _model_proposals(d)
    raw = [p for p in raw if looks_like_name(d, p)]
    return _resolve(d, raw)


def _settle(kept: list[Proposal]) -> list[Proposal]:
    """One proposal per stretch of text: the most confident, then the longest; a proposal
    that contains another and is nearly as confident extends it (崇福店街 ⊂ 崇福店街塘村)."""

    def rank(p: Proposal) -> tuple[float, int, int]:
        longer = any(
            q is not p
            and q.span.start <= p.span.start
            and p.span.end <= q.span.end
            and q.span != p.span
            and q.confidence >= p.confidence - 0.15
            for q in kept
        )
        return (-(p.confidence - (0.2 if longer else 0.0)), -(p.span.end - p.span.start), p.span.start)

    ranked = sorted(kept, key=rank)
    taken: list[Proposal] = []
    for p in ranked:
        if not any(q.span.start < p.span.end and p.span.start < q.span.end for q in taken):
            taken.append(p)
    # two names crossing each other: the one ending later is the whole name (崇福店街塘村
    # holds 崇福店街 and 店街塘村; the village ends the name)
    crossing = {
        id(p)
        for p in kept
        for q in kept
        if p.span.start < q.span.start < p.span.end < q.span.end
        and q.rule == p.rule
        and q.confidence >= p.confidence - 0.15
    }
    taken = [p for p in taken if id(p) not in crossing]
    for p in ranked:
        if id(p) in crossing or any(p is q for q in taken):
            continue
        if not any(q.span.start < p.span.end and p.span.start < q.span.end for q in taken):
            taken.append(p)
    return taken


def _resolve(d: _Doc, proposals: list[Proposal]) -> list[Proposal]:
    kept: list[Proposal] = []
    for p in proposals:
        if not p.label or len(p.label) < 2:
            continue
        if d.lexicon.lookup(p.label) is not None or p.label in d.lexicon.rejected:
            continue
        # inside a known name: the longer known name is the thing (凤凰湖总部基地 ⊃ 总部基地)
        k = d.known_at[p.span.start]
        if k >= 0:
            m = d.mentions[k]
            if m.span.start <= p.span.start and p.span.end <= m.span.end:
                continue
            if m.span.start < p.span.start and p.rule != R_GLOSSARY:
                continue  # starts inside a known name: a boundary error
        k = d.known_at[p.span.end - 1]
        if k >= 0 and d.mentions[k].span.end > p.span.end:
            continue  # ends inside a known name
        kept.append(p)

    # overlapping proposals are settled among themselves: sweep them into clusters
    kept.sort(key=lambda p: (p.span.start, -p.span.end))
    clusters: list[list[Proposal]] = []
    reach = -1
    for p in kept:
        if clusters and p.span.start < reach:
            clusters[-1].append(p)
            reach = max(reach, p.span.end)
        else:
            clusters.append([p])
            reach = p.span.end
    taken: list[Proposal] = []
    for cluster in clusters:
        taken += _settle(cluster) if len(cluster) > 1 else cluster
    # agreeing rules on the same span raise its confidence
    support: dict[tuple[int, int], set[str]] = defaultdict(set)
    for p in kept:
        support[(p.span.start, p.span.end)].add(p.rule)
    out = []
    for p in taken:
        rules = support[(p.span.start, p.span.end)]
        if len(rules) > 1:
            p = Proposal(
                p.doc_id,
                p.span,
                p.surface,
                p.label,
                p.type,
                "+".join(sorted(rules)),
                round(min(0.95, p.confidence + 0.1 * (len(rules) - 1)), 3),
                p.parent,
                p.cue,
            )
        out.append(p)
    out.sort(key=lambda p: p.span.start)
    return out

