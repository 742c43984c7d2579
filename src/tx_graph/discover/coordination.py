"""``discover.coordination.v1``: names in coordinated lists the list rule does not read.

- a list closed by a count and a class noun: 设定了A区、B区、C区和D区六大区块 (each item
  is a park), 形成X、Y两大平台;
- a list framed as examples of a kind: 以X、Y等为代表的…, 以X、Y为核心的… (organisations:
  what a list of companies is given as);
- a quoted list of theme names sharing a head: “招商引资突破年、项目推进加速年、环境建设提升年”.

Items are cut at 、 and a final 和/及/与; the first item starts after the clause's verb.
Every item must look like a name (2–16 characters, not only description words).
"""

from __future__ import annotations

import re

from ..model import Proposal, Span
from ..text import QUOTES, norm_label
from .document import _Doc, _has_oov, _walk_left
from .ids import R_COORD
from .tables import GENERIC, MODEL_WORDS, SUFFIXES

_CLAUSE = re.compile(r"[^,，。;；:：!！?？\n]+")
_COUNT_CLASS = re.compile(r"(?:等)?(?:[一二两三四五六七八九十]+|\d+)(?:大|个|家|项)([\u4e00-\u9fff]{2,3})")
_FRAME = re.compile(r"以(.+?)(?:等)?为(?:代表|核心|引领|龙头|主导)")
_QUOTED = re.compile(r"[“\"]([^“”\"\n]{9,60})[”\"]")


def _items(text: str, offset: int) -> list[tuple[int, int]]:
    out = []
    for m in re.finditer(r"[^、和及与]+", text):
        a, b = offset + m.start(), offset + m.end()
        out.append((a, b))
    return out


def _clean(d: _Doc, a: int, b: int) -> tuple[int, int]:
    while a < b and (d.norm[a] in QUOTES or d.norm[a].isspace()):
        a += 1
    while b > a and (d.norm[b - 1] in QUOTES or d.norm[b - 1].isspace()):
        b -= 1
    return a, b


def _namelike(d: _Doc, a: int, b: int) -> bool:
    name = d.norm[a:b]
    return 2 <= len(name) <= 16 and name not in GENERIC and not name.isdigit()


def _proposal(d: _Doc, a: int, b: int, etype: str, conf: float, cue: str) -> Proposal:
    return Proposal(d.doc.id, Span(a, b), d.text[a:b], norm_label(d.norm[a:b]), etype, R_COORD, conf, None, cue)


def _coordination_proposals(d: _Doc) -> list[Proposal]:
    out: list[Proposal] = []
    norm = d.norm
    classes = dict(zip(MODEL_WORDS["count_classes"][::2], MODEL_WORDS["count_classes"][1::2], strict=True))
    for c in _CLAUSE.finditer(norm, 0, d.body_end):
        clause = c.group(0)
        if "、" not in clause:
            continue
        m = _COUNT_CLASS.search(clause)
        if m is not None and m.group(1) in classes and "、" in clause[: m.start()]:
            etype = classes[m.group(1)]
            first = clause.find("、")
            # the first item starts after the clause's verb: walk left from the first comma
            i = d.token_at[c.start() + first - 1]
            start = _walk_left(d, i, 16, c.start() + first)[0] if i >= 0 else c.start()
            for a, b in _items(norm[start : c.start() + m.start()], start):
                a, b = _clean(d, a, b)
                if _namelike(d, a, b) and d.known_at[a] < 0:
                    out.append(_proposal(d, a, b, etype, 0.7, m.group(0)))
        for f in _FRAME.finditer(clause):
            if "、" not in f.group(1) and not f.group(0).startswith("以"):
                continue
            s = c.start() + f.start(1)
            for a, b in _items(f.group(1), s):
                a, b = _clean(d, a, b)
                # the item is the name before a description (中科曙光|高端服务器制造)
                org = [s for s in d.model_near(a, b) if s.label == "ORG" and s.start == a and s.end < b]
                if org:
                    b = org[0].end
                k = d.token_at[a]
                while k >= 0 and k + 1 < len(d.tokens) and d.tokens[k].end < b and d.tokens[k].end - a < 6:
                    if d.tokens[k + 1].freq >= 1000 and d.tokens[k].end - a >= 4:
                        b = d.tokens[k].end
                        break
                    k += 1
                if _namelike(d, a, b) and d.known_at[a] < 0 and (_has_oov(d, a, b) or norm[a:b].endswith(
                    tuple(s for s, v in SUFFIXES.items() if v[0] == "company")
                )):
                    out.append(_proposal(d, a, b, "company", 0.65, "为代表"))
    for q in _QUOTED.finditer(norm, 0, d.body_end):
        inner = q.group(1)
        parts = inner.split("、")
        if len(parts) < 2 or not all(4 <= len(p) <= 10 for p in parts):
            continue
        heads = tuple(MODEL_WORDS["theme_heads"])
        if all(p.endswith(heads) for p in parts) and len({p[-1] for p in parts}) == 1:
            pos = q.start(1)
            for p in parts:
                out.append(_proposal(d, pos, pos + len(p), "programme", 0.7, "“、”"))
                pos += len(p) + 1
    return out
