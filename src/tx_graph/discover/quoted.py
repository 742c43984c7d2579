"""``discover.quoted.v1``: quoted terms “…”, alone or with a cue (“…”计划/行动/改革…)."""

from __future__ import annotations

import re

from ..model import Proposal, Span
from ..text import norm_label
from .document import _Doc, _extend_nouns, _leading_place, _type_from_suffix
from .ids import R_QUOTED
from .tables import (
    _ADMIN_TAIL,
    _NUMERAL_ALT,
    _NUMERAL_HEAD,
    _NUMERAL_SHIFTED,
    _QUOTE_CUE_RE,
    _QUOTED,
    _SUFFIX_RE,
    CN_NUMERAL,
    PUNCT,
    QUOTE_CUES,
    STRONG_CUES,
)


def _quoted_proposals(d: _Doc) -> list[Proposal]:
    out: list[Proposal] = []
    norm = d.norm
    matches = [m for m in _QUOTED.finditer(norm, 0, d.body_end)]
    for idx, m in enumerate(matches):
        inner = m.group(1).strip()
        if len(inner) < 2 or "," in inner or "，" in inner or inner.count("、") > 3:
            continue
        qs, qe = m.start(), m.end()
        # “智慧市场”“智慧物流”“智慧仓储”建设: a run of quoted names, each one a name
        in_run = (idx > 0 and matches[idx - 1].end() >= qs - 1) or (
            idx + 1 < len(matches) and matches[idx + 1].start() <= qe + 1
        )
        numeral = bool(
            _NUMERAL_ALT.fullmatch(inner)
            or _NUMERAL_SHIFTED.fullmatch(inner)
            or _NUMERAL_HEAD.fullmatch(inner)
            or re.fullmatch(r"[\d+A-Za-z]+", inner)
            or (CN_NUMERAL.match(inner[:1]) and len(inner) <= 6)
        )
        cue = None
        end = qe
        if not in_run:
            cue_m = _QUOTE_CUE_RE.match(norm, qe)
            if cue_m is None:
                # a few name characters between quote and cue: “金凤凰”引才计划
                cue_m = _QUOTE_CUE_RE.search(norm, qe + 1, min(len(norm), qe + 7))
                if cue_m is not None:
                    between = norm[qe : cue_m.start()]
                    if any(ch in PUNCT for ch in between) or any(
                        w in between for w in ("的", "等", "和", "与", "及", "在")
                    ):
                        cue_m = None
            if cue_m is not None:
                cue = cue_m.group(0)
        if d.in_definition(qs) and (inner in d.headword_at(qs) or len(inner) <= 3):
            continue  # “一轴”“两核” in a glossary definition: parts of the headword explained
        if _ADMIN_TAIL.search(inner):
            continue  # “国家卫生镇”, “中国时尚第一镇”: titles and slogans, not places
        if norm.startswith(("区域品牌", "品牌", "商标"), qe) or _honours_follow(d, qe):
            continue  # “濮院毛衫”区域品牌, “…”等荣誉: brands and honours are not entities
        suffix_type = _type_from_suffix(inner)
        etype = QUOTE_CUES[cue] if cue else (suffix_type or "programme")
        conf = 0.7 if cue else 0.4
        if cue is None and suffix_type is not None and _SUFFIX_RE.search(inner[-4:]) is not None:
            conf = 0.7  # “数字经济提升行动”: the quoted words end in a type suffix themselves
        elif cue is None and in_run and len(inner) <= 6 and not _slogan_run(matches, idx):
            conf = 0.5  # “智慧市场”“智慧物流”“智慧仓储”: a list of coined names
        if numeral:
            conf += 0.2
        if (cue is None or cue not in STRONG_CUES) and (
            inner.endswith(("式", "型")) or ("、" in inner and inner.endswith("化"))
        ):
            continue  # “一站式”服务, “时尚化、国际化”: qualities, not names
        if (
            cue is None
            and not numeral
            and (len(inner) > 10 or any(w in inner for w in ("的", "了", "是", "也", "就", "、")))
        ):
            continue  # a quoted phrase of prose, not a name
        start = qs
        if cue is not None and cue in STRONG_CUES:
            end = norm.find(cue, qe) + len(cue)
            start = _extend_nouns(d, qs, 6)
        surface = d.text[start:end]
        label = norm_label(surface) if cue in STRONG_CUES else inner
        if cue and cue not in STRONG_CUES:
            surface = d.text[qs:qe]
            end = qe
        out.append(
            Proposal(
                d.doc.id,
                Span(start, end),
                surface,
                norm_label(label),
                etype,
                R_QUOTED,
                round(min(conf, 0.95), 3),
                _leading_place(d, start, end),
                cue,
            )
        )
    return out


def _honours_follow(d: _Doc, end: int) -> bool:
    """Is this item one of a list of honours (…“第二批…试点园区”等荣誉)?"""
    clause = d.norm[end : end + 60]
    stop = min((x for x in (clause.find(ch) for ch in "。；;,，") if x >= 0), default=len(clause))
    return any(w in clause[:stop] for w in ("荣誉", "称号", "奖项", "名单"))


def _slogan_run(matches: list[re.Match[str]], idx: int) -> bool:
    """“招商一批”“盘活一批”“管理一批”, “保姆型”“导师型”: a run whose items share a tail is
    a slogan, not a list of names."""
    run = [matches[idx].group(1)]
    j = idx
    while j > 0 and matches[j - 1].end() >= matches[j].start() - 1:
        j -= 1
        run.append(matches[j].group(1))
    j = idx
    while j + 1 < len(matches) and matches[j + 1].start() <= matches[j].end() + 1:
        j += 1
        run.append(matches[j].group(1))
    return len(run) > 1 and (len({r[-1] for r in run}) == 1 or any("而" in r for r in run))

