"""``discover.project.v1``: long project names with the right left edge, and titled plans.

Project lists name projects by what they make: 年产10万套智能洗碗机、100万套洗碗机碗篮建设项目,
佑昌包装年产1万吨泡沫板…搬迁扩建项目, 桐乡中医医院迁建项目, X股份有限公司二期项目. The
suffix walker stops at the enumeration comma or the works verb inside such names; this rule
reads them whole: from 年产 (or the company written just before it) to the 项目 that closes
the clause's item, and from a works word (迁建, 二期 …) back over the organisation it
belongs to. A company name may hold a bracketed place: 华风(浙江)碳纤维材料有限公司.

It also reads titles in book-title marks that name a plan (《2022年桐乡市重大项目计划》).
"""

from __future__ import annotations

import re

from ..model import Proposal, Span
from ..text import norm_label
from .document import _Doc, _has_oov, _leading_place, _walk_left
from .ids import R_PROJECT
from .tables import HEAD_BREAKS, MODEL_WORDS, PUNCT, SINGLE_STOP, STOP_WORDS

_ANNUAL_START = re.compile(r"年产(?:能)?\d")
_CLAUSE_END = re.compile(r"[,，。;；:：!！?？\n]")
_TITLE = re.compile(r"《([^《》\n]{4,40})》")
_BRACKETED_PLACE = re.compile(r"[(（][\u4e00-\u9fff]{2,4}[)）]$")


def _left_edge(d: _Doc, pos: int, max_len: int, end: int) -> int:
    """Walk left from ``pos`` over the owner's name (a company, an institution)."""
    start = pos
    while start > 0:
        i = d.token_at[start - 1]
        if i < 0 or d.is_break(i):
            m = _BRACKETED_PLACE.search(d.norm, max(0, start - 6), start)
            if m is not None and m.end() == start and m.start() > 0 and d.token_at[m.start() - 1] >= 0:
                j = d.token_at[m.start() - 1]
                if not d.is_break(j):
                    new, _ = _walk_left(d, j, max_len, end)
                    if new < m.start():
                        start = new
                        continue
            break
        new, _ = _walk_left(d, i, max_len, end)
        if new >= start:
            break
        start = new
    return start


def _owner_before(d: _Doc, pos: int) -> int:
    """A short company name right before 年产 that the walker stopped at (佑昌|包装: jieba
    reads 包装 as a verb): tokens back to a stop word or punctuation, kept when the run ends
    in an owner word and holds a word the dictionary hardly knows."""
    start = pos
    i = d.token_at[pos - 1] if pos > 0 else -1
    while i >= 0 and pos - d.tokens[i].start <= 8:
        w = d.word(i)
        if w in STOP_WORDS or w in SINGLE_STOP or w in HEAD_BREAKS or any(ch in PUNCT for ch in w):
            break
        start = d.tokens[i].start
        i -= 1
    name = d.norm[start:pos]
    if len(name) >= 3 and name.endswith(tuple(MODEL_WORDS["owner_endings"])) and _has_oov(d, start, pos):
        return start
    return pos


def _project_names(d: _Doc) -> list[Proposal]:
    out: list[Proposal] = []
    norm = d.norm
    for m in _ANNUAL_START.finditer(norm, 0, d.body_end):
        clause = _CLAUSE_END.search(norm, m.start())
        limit = clause.start() if clause else len(norm)
        end = norm.find("项目", m.start(), limit)
        if end < 0 or end + 2 - m.start() > 70:
            continue
        end += 2
        cut = norm.find("等", m.start(), end)
        if cut >= 0:
            end = cut  # X等项目: 项目 is the class of a list, not the end of this name
        inner = norm[m.start() : end]
        if "年产" in inner[2:] and "项目" not in inner[:-2]:
            continue  # two products in one item would be two projects: leave it to the next match
        start = _left_edge(d, m.start(), 24, end)
        if start == m.start():
            start = _owner_before(d, m.start())
        prev = norm.rfind("项目", max(0, start - 2), m.start())
        if prev >= start:
            start = m.start()  # 项目、年产…: the previous item's end is not this one's owner
        out.append(_proposal(d, start, end, "年产", 0.85))
    for m in re.finditer(MODEL_WORDS["works_heads_re"][0], norm[: d.body_end]):
        w = m.start()
        if w == 0 or d.token_at[w - 1] < 0:
            continue
        end = m.end()
        start = _left_edge(d, w, 30, end)
        name = norm[start:w]
        if len(name) < 3 or start == w:
            continue
        k = d.known_at[start]
        known = k >= 0 and (
            d.mentions[k].span.end >= w
            or d.lexicon.types.get(d.mentions[k].target) in ("company", "organisation", "government-body")
        )  # 桐昆集团锅炉超低排放节能改造项目: a known company's works
        if not known and not any(name.endswith(x) for x in MODEL_WORDS["owner_endings"]):
            continue  # the owner must be a named organisation or place: 医院, 公司, 学校 …
        out.append(_proposal(d, start, end, m.group(0), 0.85))
    for m in _TITLE.finditer(norm, 0, d.body_end):
        title = m.group(1)
        if title.endswith(tuple(MODEL_WORDS["plan_titles"])):
            out.append(
                Proposal(
                    d.doc.id,
                    Span(m.start(1), m.end(1)),
                    d.text[m.start(1) : m.end(1)],
                    norm_label(title),
                    "programme",
                    R_PROJECT,
                    0.7,
                    None,
                    "《》",
                )
            )
    return out


def _proposal(d: _Doc, start: int, end: int, cue: str, conf: float) -> Proposal:
    surface = d.text[start:end]
    return Proposal(
        d.doc.id, Span(start, end), surface, norm_label(surface), "project", R_PROJECT, conf,
        _leading_place(d, start, end), cue,
    )  # fmt: skip
