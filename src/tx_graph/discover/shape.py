"""The precision filter: a proposal must look like a name, by shape, context and model.

Rules fire on cues that also occur around slogans, figures of speech, numbers and dates
(“高度”, “开工”, “3060”, 2022-05-18项目, 年度计划). Whatever rule proposed it, a proposal is
dropped when:

- its label is a number, a date or a count with nothing else (3060, 两百, 2022-05-18项目);
- it is a bare quoted term (no cue word) that is one common dictionary word or an idiom
  (“高度”, “梦想”, “最后一公里”) and the model does not tag it as a name;
- what precedes its type suffix is only description words (年度计划, 市重大项目);
- it lies inside a span the model tags as a person (徐国 in 徐国洪).
"""

from __future__ import annotations

import re

from ..model import Proposal
from .document import _Doc
from .ids import R_GLOSSARY, R_NUMERAL, R_QUOTED, R_SOURCE
from .statistical import _tokens_in, model_says_name
from .tables import MODEL_WORDS, RARE, SUFFIXES

_NUMBER = re.compile(r"[\d\s.,，、\-—–:/年月日号%％万亿千百十元个项家批]+")  # “4+1” is a coinage
# a count with a magnitude (两百, 三千万); 十三五 and 一园两区 are names
_CN_NUMBER = re.compile(r"[一二两三四五六七八九十]*[百千万亿零〇][一二两三四五六七八九十百千万亿零〇]*")
_DATE = re.compile(r"\d{2,4}[-/.年]\d{1,2}(?:[-/.月]\d{1,2}日?)?")


def _numberish(text: str) -> bool:
    return bool(_NUMBER.fullmatch(text) or _CN_NUMBER.fullmatch(text) or _DATE.match(text))


def _suffix_of(label: str) -> str:
    for n in range(min(len(label) - 1, 6), 0, -1):
        if label[-n:] in SUFFIXES:
            return label[-n:]
    return ""


COMMON = 1000  # a dictionary word this frequent is a word, not a name (通讯, 高度, 梦想)


def _one_token(d: _Doc, start: int, end: int, tags: tuple[str, ...]) -> bool:
    """Is the stretch (quotes aside) exactly one segmenter token (with one of ``tags``, if given)?"""
    while start < end and d.norm[start] in "“”\"'‘’「」『』":
        start += 1
    while end > start and d.norm[end - 1] in "“”\"'‘’「」『』":
        end -= 1
    i = d.token_at[start] if start < len(d.token_at) else -1
    if i < 0 or (d.tokens[i].start, d.tokens[i].end) != (start, end):
        return False
    return not tags or d.tokens[i].tag in tags


def looks_like_name(d: _Doc, p: Proposal) -> bool:
    label = p.label
    suffix = _suffix_of(label)
    head = label[: len(label) - len(suffix)] if suffix else label
    if _numberish(label) or (suffix and head and (_numberish(head) or _DATE.fullmatch(head))):
        return False
    if p.rule == R_QUOTED and p.cue is None and not _CN_NUMBER.match(label[:1]):
        inner_start = p.span.start + (1 if d.norm[p.span.start : p.span.start + 1] in "“\"'‘「『" else 0)
        inner_end = p.span.end - (1 if d.norm[p.span.end - 1 : p.span.end] in "”\"'’」』" else 0)
        toks = _tokens_in(d, inner_start, inner_end)
        one_word = (
            len(toks) == 1
            and (d.tokens[toks[0]].start, d.tokens[toks[0]].end) == (inner_start, inner_end)
            and (d.tokens[toks[0]].freq >= RARE or d.tokens[toks[0]].tag in ("l", "i", "v", "vn", "a", "ad"))
        )
        if one_word and not model_says_name(d, inner_start, inner_end):
            return False
    if p.rule == R_NUMERAL and _one_token(d, p.span.start, p.span.end, ("i", "l")):
        return False  # 多姿多彩, 三心二意: an idiom with numerals, not a coinage
    if (
        len(label) <= 3
        and not suffix
        and p.rule not in (R_GLOSSARY, R_NUMERAL, R_SOURCE)
        and _one_token(d, p.span.start, p.span.end, ())
        and d.tokens[d.token_at[p.span.start]].freq >= COMMON
        and not model_says_name(d, p.span.start, p.span.end)
    ):
        return False  # 通讯, 高度: a common word, whatever listed or quoted it
    if suffix and head and p.rule not in (R_GLOSSARY, R_NUMERAL):
        rest = head
        head_end = p.span.end - len(suffix)
        known = [k for k in range(p.span.start, head_end) if d.known_at[k] >= 0]
        if known and len(known) < head_end - p.span.start:
            # the places it names are where it is: 浙江|桐乡经济开发区|重大项目 describes
            rest = "".join(d.norm[k] for k in range(p.span.start, head_end) if d.known_at[k] < 0)
        for w in sorted(MODEL_WORDS["description"], key=len, reverse=True):
            rest = rest.replace(w, "")
        if not rest:
            return False  # 年度计划, 市重大项目: a description, whatever the suffix
    for s in d.model_near(p.span.start, p.span.end):
        if s.label == "PER" and s.start <= p.span.start and p.span.end <= s.end and (s.end - s.start) > (
            p.span.end - p.span.start
        ):
            return False  # 徐国 inside 徐国洪: part of a person's name
    return True
