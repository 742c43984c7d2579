"""``discover.suffix.v1``: names ending in a type suffix (镇/村, …公司, …产业园, …大会, …行动),
editions of known event series, and place names the segmenter tags ns."""

from __future__ import annotations

import re

from ..model import Mention, Proposal, Span
from ..text import CLOSE_QUOTES, OPEN_QUOTES, QUOTES, norm_label
from .document import (
    _confidence,
    _Doc,
    _freq_at,
    _inside_quote_continuing,
    _inside_word,
    _leading_place,
    _only_place_or_generic,
    _quote_pair,
    _spec_tokens,
    _split_parent,
    _trim,
    _walk_left,
)
from .ids import R_SUFFIX
from .quoted import _honours_follow
from .tables import (
    _SUFFIX_RE,
    ADMIN_TYPES,
    CN_NUMERAL,
    GENERIC,
    NAME_VERBS,
    NOT_NAME_ENDINGS,
    NOT_PLACE_SPEC,
    NOUN_VERBS,
    ORDINAL,
    ORG_TYPES,
    PROPER_TAGS,
    PUNCT,
    QUOTE_CUES,
    RARE,
    STOP_WORDS,
    STRONG_CUES,
    SUFFIXES,
    TRIM_VERBS,
)


def _country_or_city(d: _Doc, s: int, e: int, suffix: str) -> Proposal | None:
    """德国, 韩国, 广州, 杭州: a whole place-name token ending in 国/州."""
    i = d.token_at[s]
    if i < 0:
        return None
    t = d.tokens[i]
    if t.end != e or t.tag != "ns" or not 2 <= e - t.start <= 3 or d.known_at[t.start] >= 0:
        return None
    word = d.norm[t.start : e]
    if word[:-1] in NOT_PLACE_SPEC or word[:1] in "全我各本该强大" or word[-2:-1] in "治强大全我各本中":
        return None
    etype = "country" if suffix == "国" else "prefecture-city"
    return Proposal(
        d.doc.id, Span(t.start, e), d.text[t.start : e], norm_label(word), etype, R_SUFFIX, 0.55, None, suffix
    )


def _admin_ok(d: _Doc, start: int, end: int, suffix: str) -> bool:
    """X镇/X村/X市 …: X must be a short proper name, not a qualifier (城镇, 示范村, 全市)."""
    spec = d.norm[start : end - len(suffix)].strip(QUOTES)
    if (
        not spec
        or spec in NOT_PLACE_SPEC
        or any(
            spec.endswith(w)
            for w in ("示范", "文明", "精品", "重点", "特色", "卫生", "美丽", "宜居", "强", "型", "城", "兴", "名")
        )
    ):
        return False
    if CN_NUMERAL.fullmatch(spec[:1]) and len(spec) <= 2:
        return False
    if not (2 <= len(spec) <= (4 if suffix in ("村", "社区") else 3)):
        return False
    if any(ch in PUNCT for ch in spec):
        return False
    toks = _spec_tokens(d, start, end - len(suffix))
    if suffix in ("市", "县", "省", "区", "乡"):
        # a city or county: the segmenter or curation must see a place name in it
        whole = d.tokens[d.token_at[start]]
        return any(tag in ("ns", "nrt", "j") for _, tag in toks) or whole.tag == "ns" or d.known_at[start] >= 0
    if suffix in ("村", "社区") and not any(
        tag in PROPER_TAGS or _freq_at(d, d.norm.find(w, start)) < RARE for w, tag in toks
    ):
        return False  # 无障碍社区, 示范村: a kind of village, not a village
    return not any(w in GENERIC and w not in ("新",) for w, _ in toks)


def _suffix_proposals(d: _Doc) -> list[Proposal]:
    out: list[Proposal] = []
    norm = d.norm
    for m in _SUFFIX_RE.finditer(norm, 0, d.body_end):
        suffix = m.group(0)
        s, e = m.start(), m.end()
        # the name ends here only if a token ends here (or punctuation follows)
        if e not in d.token_ends and not (e >= len(norm) or norm[e] in PUNCT):
            continue
        if e < len(norm) and norm[e] in "化式型性" and suffix not in ("国", "州"):
            continue  # 项目化运作: the word goes on
        # a longer suffix ending here wins (产业园 over 园): skip if one matched
        etype, max_len, base = SUFFIXES[suffix]
        first = d.token_at[s]
        if first < 0:
            continue
        known = d.known_at[s]
        if known >= 0 and d.mentions[known].span.end >= e:
            edition = _edition(d, d.mentions[known], e)
            if edition is not None:
                out.append(edition)
            continue  # the suffix is inside a known name
        if suffix in ("国", "州"):
            p = _country_or_city(d, s, e, suffix)
            if p is not None:
                out.append(p)
            continue
        if _inside_word(d, s, suffix) or norm[max(0, e - 2) : e] in NOT_NAME_ENDINGS:
            continue
        head_token = d.tokens[d.token_at[s]] if d.token_at[s] >= 0 else None
        prefix = norm[head_token.start : s] if head_token is not None else ""
        if prefix in STOP_WORDS and prefix not in NOUN_VERBS | TRIM_VERBS | NAME_VERBS:
            continue  # 深化改革: a verb phrase the segmenter kept whole
        if _inside_quote_continuing(d, s, e) or _honours_follow(d, e):
            continue  # “中国商品市场百强”, “…试点园区”等荣誉: honours, not things
        start, hit = _walk_left(d, first, max_len, e)
        start = _trim(d, start, e, keep_scope=etype == "event")
        if e < len(norm) and norm[e] in CLOSE_QUOTES:
            opening = _quote_pair(norm, e)
            if opening is not None and opening < start:
                start, hit = opening + 1, False  # the quotes bound the name
        if etype not in ("programme", "policy", "event", "event-series") and re.match(
            r"[一二两三四五六七八九十]大", norm[start:e]
        ):
            start += 2  # 组建三大医疗集团: counting, not part of the name
        if e - start <= len(suffix) or (len(suffix) == 1 and e - start - 1 < 2 and etype not in ("town", "village")):
            continue  # 入园, 一园: one character before a one-character head names nothing
        if etype in ("town", "village", "subdistrict", "community", "county-city", "province", "district"):
            start, parent = _split_parent(d, start, e)
            if not _admin_ok(d, start, e, suffix):
                continue
        else:
            parent = _leading_place(d, start, e)
        if suffix in ("节", "周", "奖", "活动", "评选", "会议", "展会", "全会") and not _event_ok(d, start, e, suffix):
            continue
        if (
            norm[start : start + 1] in OPEN_QUOTES
            and norm[s - 1 : s] in CLOSE_QUOTES
            and suffix in QUOTE_CUES
            and suffix not in STRONG_CUES
        ):
            continue  # “外贸证照联办”改革 names 外贸证照联办: the quoted rule proposes it
        if etype not in ADMIN_TYPES | ORG_TYPES and _only_place_or_generic(d, start, e - len(suffix)):
            continue  # 以色列项目, 中国特色小镇, 上海示范区: a place and a description, not a name
        conf = _confidence(d, start, e, len(suffix), base, hit, etype)
        if conf <= 0:
            continue
        surface = d.text[start:e]
        out.append(
            Proposal(
                d.doc.id, Span(start, e), surface, norm_label(surface), etype, R_SUFFIX, round(conf, 3), parent, suffix
            )
        )
    return out


def _edition(d: _Doc, series: Mention, end: int) -> Proposal | None:
    """第五届 + a known event series: a new edition, an event of its own."""
    if series.span.end != end or d.lexicon.types.get(series.target) != "event-series":
        return None
    i = d.token_at[series.span.start] - 1 if d.token_at[series.span.start] > 0 else -1
    if i < 0:
        return None
    t = d.tokens[i]
    w = d.norm[t.start : t.end]
    if t.end != series.span.start or not ORDINAL.match(w):
        return None
    surface = d.text[t.start : end]
    return Proposal(d.doc.id, Span(t.start, end), surface, norm_label(surface), "event", R_SUFFIX, 0.8, None, "届")


def _event_ok(d: _Doc, start: int, end: int, suffix: str) -> bool:
    """节/周/奖/活动/会议 are common words; as event heads they need a named left part."""
    spec = d.norm[start : end - len(suffix)]
    if suffix == "节":
        return len(spec) >= 2 and not spec.endswith(("环", "季", "细", "关", "调", "章", "情"))
    if suffix == "会议":
        return "届" in spec or "次" in spec or "中央" in spec
    if suffix == "全会":
        return "届" in spec
    if suffix in ("活动", "评选"):
        return any(ch in QUOTES for ch in spec) or "届" in spec
    return len(spec) >= 2


def _place_name_proposals(d: _Doc) -> list[Proposal]:
    """Place names the segmenter's dictionary knows (tagged ns): listed together (意大利、
    韩国; 广州、北京) they are places of one kind; a long one alone (以色列) is a country."""
    out: list[Proposal] = []

    def place_like(i: int) -> bool:
        t = d.tokens[i]
        w = d.norm[t.start : t.end]
        return (
            t.tag == "ns" and t.freq >= 1000 and 2 <= len(w) <= 4 and w not in GENERIC and d.known_at[t.start] < 0
        ) or (t.tag == "ns" and w.endswith(("国", "州")) and 2 <= len(w) <= 3 and d.known_at[t.start] < 0)

    for i, t in enumerate(d.tokens):
        if t.tag != "ns" or t.start >= d.body_end or not place_like(i):
            continue
        w = d.norm[t.start : t.end]
        before = d.norm[t.start - 1 : t.start] if t.start else ""
        after = d.norm[t.end : t.end + 1]
        listed = (before == "、" and i > 1 and place_like(i - 2)) or (
            after == "、" and i + 2 < len(d.tokens) and place_like(i + 2)
        )
        neighbours = [j for j in (i - 2, i + 2) if 0 <= j < len(d.tokens) and d.known_at[d.tokens[j].start] >= 0]
        if listed:
            etype = "country" if w.endswith("国") else "prefecture-city"
            for j in neighbours:
                known = d.lexicon.types.get(d.mentions[d.known_at[d.tokens[j].start]].target)
                if known in ("country", "province", "prefecture-city", "county-city"):
                    etype = known
            conf = 0.6
        elif len(w) >= 3 and not w.endswith(("国", "州")):
            etype, conf = "country", 0.45
        else:
            continue
        surface = d.text[t.start : t.end]
        out.append(
            Proposal(d.doc.id, Span(t.start, t.end), surface, norm_label(surface), etype, R_SUFFIX, conf, None, "ns")
        )
    return out

