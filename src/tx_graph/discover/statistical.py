"""``model.<name>.v1``: names a trained model tags (:mod:`tx_graph.statistical`), fused with
what the rules and curation know, and the shape test every weak proposal must pass.

The model is a signal, not an oracle: LAC tags 福瑞泰克 and 嘉兴市生态环境局桐乡分局 as ORG
where no rule sees anything, but also 核心竞争力 as ORG and short company names as persons.
So a model span becomes a proposal only when it also *looks like a name*: an organisation
span that ends in an organisation word or is not a dictionary word; a place span that ends
in an administrative suffix or is a place word the segmenter tags ns; a media name (nz)
that ends in a media word (网/报/在线/发布). Its type comes from the suffix tables first and
from the model's label second; its confidence grows with the model's score.
"""

from __future__ import annotations

import re

from ..model import Proposal, Span
from ..text import norm_label
from .document import _Doc, _has_oov, _leading_place
from .suffix import _admin_ok
from .tables import GENERIC, MODEL_WORDS, NOT_PLACE_SPEC, ORG_TYPES, PUNCT, RARE, STOP_WORDS, SUFFIXES

_HAN = re.compile(r"[\u4e00-\u9fff]")
_ADMIN = (("街道", "subdistrict"), ("社区", "community"), ("村", "village"), ("镇", "town"), ("乡", "town"),
          ("县", "county-city"), ("市", "county-city"), ("区", "district"), ("省", "province"),
          ("州", "prefecture-city"))  # fmt: skip
_NUMBERISH = re.compile(r"[\d\s.\-—:/年月日号%％万亿元第]+")


def _tokens_in(d: _Doc, start: int, end: int) -> list[int]:
    i = d.token_at[start] if start < len(d.token_at) else -1
    out = []
    while 0 <= i < len(d.tokens) and d.tokens[i].start < end:
        out.append(i)
        i += 1
    return out


def _common_word(d: _Doc, start: int, end: int) -> bool:
    """One frequent dictionary word (核心竞争力, 高度, 梦想): a word, not a name."""
    toks = _tokens_in(d, start, end)
    return len(toks) == 1 and d.tokens[toks[0]].start == start and d.tokens[toks[0]].end == end and (
        d.tokens[toks[0]].freq >= RARE
    )


def _suffix_type(name: str) -> str | None:
    for n in range(min(len(name) - 1, 6), 0, -1):
        hit = SUFFIXES.get(name[-n:])
        if hit is not None:
            return hit[0]
    return None


def _org_type(name: str) -> str:
    if name.endswith(tuple(MODEL_WORDS["media"])):
        return "organisation"
    if name.endswith(tuple(MODEL_WORDS["government"])):
        return "government-body"
    t = _suffix_type(name)
    if t in ("company", "organisation", "government-body"):
        return t
    return "company"


def _admin_shape_ok(d: _Doc, start: int, end: int, suffix: str) -> bool:
    """The suffix rule's test of X镇/X市, except that the model, not the segmenter's tag,
    already says X is a place (德清|市: jieba tags 德清 as a person's name)."""
    if _admin_ok(d, start, end, suffix):
        return True
    if suffix not in ("市", "县", "省", "区", "乡"):
        return False
    spec = d.norm[start : end - len(suffix)]
    return (
        2 <= len(spec) <= 3
        and spec not in NOT_PLACE_SPEC
        and not any(ch in PUNCT for ch in spec)
        and not any(w in GENERIC for w in (spec, spec[:2], spec[-2:]))
    )


def _model_proposals(d: _Doc) -> list[Proposal]:
    out: list[Proposal] = []
    rule = d.model_rule
    for s in d.model:
        start, end = s.start, s.end
        while start < end and (d.norm[start] in PUNCT or d.norm[start].isspace()):
            start += 1
        while end > start and (d.norm[end - 1] in PUNCT or d.norm[end - 1].isspace()):
            end -= 1
        if end > d.body_end or end - start < 2:
            continue
        name = d.norm[start:end]
        if not _HAN.search(name) or _NUMBERISH.fullmatch(name) or name in GENERIC or name in STOP_WORDS:
            continue
        if any(w in name for w in MODEL_WORDS["not_in_names"]):
            continue
        etype: str | None = None
        conf = 0.0
        if s.label == "ORG":
            if _common_word(d, start, end) and _suffix_type(name) is None:
                continue  # 核心竞争力/ORG: a dictionary word, not a name
            if name.startswith(tuple(MODEL_WORDS["relative"])) and len(name) <= 4:
                continue  # 市委, 市旅委: relative references, not names
            suffixed = _suffix_type(name) in ORG_TYPES or name.endswith(
                tuple(MODEL_WORDS["media"]) + tuple(MODEL_WORDS["government"])
            )
            # without an organisation word, a name needs a word the dictionary hardly knows
            # (福瑞泰克, 中科曙光) and some length: 普惠, 新时代, 商贸物流 are words, not names
            if len(name) < 3:
                continue  # 政协, 普惠: too short to tell a name from a word
            toks = _tokens_in(d, start, end)
            one_word = len(toks) == 1 and (d.tokens[toks[0]].start, d.tokens[toks[0]].end) == (start, end)
            if not suffixed and (s.score < 0.6 or one_word or not _has_oov(d, start, end)):
                continue
            etype = _org_type(name)
            conf = 0.3 + 0.5 * s.score
        elif s.label == "LOC":
            admin = next((t for suf, t in _ADMIN if name.endswith(suf) and len(name) > len(suf) + 1), None)
            suffix = next((suf for suf, _ in _ADMIN if name.endswith(suf)), "")
            toks = _tokens_in(d, start, end)
            if admin is not None and _suffix_type(name) in (admin, None):
                if not _admin_shape_ok(d, start, end, suffix) or name.endswith(
                    tuple(MODEL_WORDS["not_place_endings"])
                ):
                    continue  # 国家卫生镇, 城中村, 安置小区, 长三角地区: titles, kinds and regions
                etype, conf = admin, 0.25 + 0.4 * s.score
            elif (
                2 <= len(name) <= 3
                and len(toks) == 1
                and d.tokens[toks[0]].tag in ("ns", "nr", "nrt")
                and (d.tokens[toks[0]].start, d.tokens[toks[0]].end) == (start, end)
                and 0 < d.tokens[toks[0]].freq < 1000
                and s.score >= 0.8
            ):
                # 德清, 海宁, 波士顿: a place word both the model and the dictionary know;
                # a very common one (江南, 亚洲) is a region, not a place to propose
                etype, conf = "county-city", 0.25 + 0.4 * s.score
            else:
                continue
        elif s.label in ("nz", "nw"):
            if name.endswith(tuple(MODEL_WORDS["media"])) and len(name) >= 4:
                etype, conf = "organisation", 0.3 + 0.4 * s.score  # 桐乡新闻网, 浙江在线, 杭州日报
            else:
                continue
        else:
            continue
        out.append(
            Proposal(
                d.doc.id,
                Span(start, end),
                d.text[start:end],
                norm_label(name),
                etype,
                rule,
                round(min(conf, 0.9), 3),
                _leading_place(d, start, end),
                s.label,
            )
        )
    return out


def model_says_name(d: _Doc, start: int, end: int) -> bool:
    """Does a model span of a name label cover exactly this stretch (give or take a quote)?"""
    for s in d.model_near(start, end):
        if s.label in ("ORG", "LOC", "nz", "nw") and abs(s.start - start) <= 1 and abs(s.end - end) <= 1:
            return True
    return False
