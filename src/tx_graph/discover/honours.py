"""``discover.honour.v1``: named honours and titles (国家卫生镇, 浙江省森林城镇, “流动红旗奖”).

A place or an organisation *is given* an honour: the items of a list after a giving verb
(被授予, 荣获, 获评 …) or before 等荣誉/称号, and quoted titles followed by 称号/荣誉 or ending
in 奖 or in a title head (“中国绢纺织名镇”). An item must look like a title: a scope at its
start (国家, 全国, 浙江省, 省级 …) or a title head at its end (强镇, 名镇, 示范村, 先进集体 …).
They are their own kind (``honour``), not places: 国家卫生镇 is not a town.
"""

from __future__ import annotations

import re

from ..model import Proposal, Span
from ..text import QUOTES, norm_label
from .document import _Doc
from .ids import R_HONOUR
from .tables import MODEL_WORDS

_CLAUSE = re.compile(r"[^,，。;；:：!！?？\n]+")
_QUOTED = re.compile(r"[“\"]([^“”\"\n]{2,20})[”\"]")


def _looks_like_title(item: str) -> bool:
    return len(item) >= 3 and (
        item.startswith(tuple(MODEL_WORDS["honour_scopes"])) or item.endswith(tuple(MODEL_WORDS["honour_heads"]))
    )


def _honour(d: _Doc, a: int, b: int, cue: str, conf: float) -> Proposal:
    return Proposal(d.doc.id, Span(a, b), d.text[a:b], norm_label(d.norm[a:b]), "honour", R_HONOUR, conf, None, cue)


def _honour_proposals(d: _Doc) -> list[Proposal]:
    out: list[Proposal] = []
    norm = d.norm
    triggers = sorted(MODEL_WORDS["honour_triggers"], key=len, reverse=True)
    tails = sorted(MODEL_WORDS["honour_tails"], key=len, reverse=True)
    for c in _CLAUSE.finditer(norm, 0, d.body_end):
        clause = c.group(0)
        lo, hi, cue = -1, len(clause), ""
        for t in triggers:
            k = clause.find(t)
            if k >= 0:
                lo, cue = k + len(t), t
                break
        for t in tails:
            k = clause.find(t, max(lo, 0))
            if k >= 0:
                hi, cue = k, cue or t
                break
        if lo < 0 and hi == len(clause):
            continue
        lo = max(lo, 0)
        body = clause[lo:hi]
        if lo == 0 and "、" not in body:
            continue  # a tail without a giving verb needs a list (X、Y等荣誉)
        pos = c.start() + lo
        for m in re.finditer(r"[^、和及与]+", body):
            a, b = pos + m.start(), pos + m.end()
            q = _QUOTED.search(norm, a, b)
            if q is not None:
                a, b = q.start(1), q.end(1)  # 省级“平安金鼎奖”: the quoted title is the name
            while a < b and (norm[a] in QUOTES or norm[a].isspace()):
                a += 1
            while b > a and (norm[b - 1] in QUOTES or norm[b - 1].isspace()):
                b -= 1
            item = norm[a:b]
            known = d.known_at[a] >= 0 and d.mentions[d.known_at[a]].span.end >= b
            if 3 <= len(item) <= 20 and _looks_like_title(item) and not known:
                out.append(_honour(d, a, b, cue, 0.85))
    for m in _QUOTED.finditer(norm, 0, d.body_end):
        inner = m.group(1)
        after = norm[m.end() : m.end() + 4]
        if after.startswith(("称号", "荣誉")) or inner.endswith(tuple(MODEL_WORDS["award_heads"])) or (
            _looks_like_title(inner) and inner.startswith(tuple(MODEL_WORDS["honour_scopes"]))
        ):
            out.append(_honour(d, m.start(1), m.end(1), "“”", 0.8))
    return out
