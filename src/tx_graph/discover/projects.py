"""``discover.invest.v1`` (总投资…的X, 年产…X as projects) and ``discover.glossary.v1`` (名词解释 headwords)."""

from __future__ import annotations

from ..model import Proposal, Span
from ..text import norm_label
from .document import _Doc, _leading_place, _type_from_suffix, _walk_left
from .ids import R_GLOSSARY, R_INVEST
from .tables import _ANNUAL, _INVEST, PUNCT


def _invest_proposals(d: _Doc) -> list[Proposal]:
    """总投资100亿元的X / 年产130万吨X: X is a project."""
    out: list[Proposal] = []
    norm = d.norm
    for m in _INVEST.finditer(norm, 0, d.body_end):
        s = m.end()
        e = _project_end(norm, s, s, 24)
        if e - s >= 3:
            out.append(_project_proposal(d, s, e, "总投资"))
    for m in _ANNUAL.finditer(norm, 0, d.body_end):
        first = d.token_at[m.start()]
        if first <= 0:
            continue
        s, _ = _walk_left(d, first - 1, 8, m.start()) if not d.is_break(first - 1) else (m.start(), False)
        e = _project_end(norm, m.end(), s, 30)
        if s < m.start() and e > m.end():
            out.append(_project_proposal(d, s, e, "年产"))
    return out


def _project_end(norm: str, e: int, start: int, max_len: int) -> int:
    """The name runs on to punctuation, 等 or the generic 项目/建设 that follows it."""
    while e < len(norm) and norm[e] not in PUNCT and norm[e] != "等" and e - start < max_len:
        if norm.startswith(("项目", "建设"), e):
            break
        e += 1
    return e


def _project_proposal(d: _Doc, s: int, e: int, cue: str) -> Proposal:
    surface = d.text[s:e]
    return Proposal(
        d.doc.id, Span(s, e), surface, norm_label(surface), "project", R_INVEST, 0.7, _leading_place(d, s, e), cue
    )


def _glossary_proposals(d: _Doc) -> list[Proposal]:
    out: list[Proposal] = []
    for entry in d.doc.glossary:
        s, e = entry.headword_span.start, entry.headword_span.end
        surface = d.text[s:e]
        etype = _type_from_suffix(norm_label(surface)) or "programme"
        out.append(
            Proposal(d.doc.id, Span(s, e), surface, norm_label(surface), etype, R_GLOSSARY, 0.75, None, "名词解释")
        )
    return out

