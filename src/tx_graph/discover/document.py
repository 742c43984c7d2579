"""One document as the rules read it: tokens and known mentions indexed by character, and the
helpers every rule shares (the left-edge walker, trimming, confidence)."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from typing import Any

from ..model import Document, Mention
from ..statistical import model_name, model_rule
from ..text import CLOSE_QUOTES, OPEN_QUOTES, QUOTES, normalise
from .lexicon import Lexicon, TokenLike
from .tables import (
    _SUFFIX_RE,
    _SUFFIXES_LONGEST_FIRST,
    ADMIN_TYPES,
    BREAK_TAGS,
    GENERIC,
    HEAD_BREAKS,
    MEASURES,
    NAME_ADJS,
    NAME_VERBS,
    NOUN_VERBS,
    ORDINAL,
    ORG_TYPES,
    PARENT_TYPES,
    PROPER_TAGS,
    PUNCT,
    RARE,
    SCOPE_WORDS,
    SINGLE_STOP,
    STOP_WORDS,
    SUFFIXES,
    TRIM_LEFT,
    TRIM_VERBS,
    WEAK_TAGS,
)


class _Doc:
    """A document with its tokens and known mentions indexed by character."""

    def __init__(
        self,
        doc: Document,
        tokens: Sequence[TokenLike],
        mentions: Sequence[Mention],
        lexicon: Lexicon,
        model: Sequence[Any] = (),
    ) -> None:
        self.doc = doc
        # the trained model's spans (tx_graph.statistical.ModelSpan), by start
        self.model = sorted(model)
        self.model_rule = model_rule(model_name()) if model else ""
        self.text = doc.text
        self.norm = normalise(doc.text)
        text = self.text
        # whitespace tokens are dropped; only tokens tagged x (or untagged) can be whitespace
        self.tokens = [t for t in tokens if t.tag not in ("x", "") or text[t.start : t.end].strip()]
        self.lexicon = lexicon
        n = len(self.text)
        token_at: list[int] = []
        extend = token_at.extend
        for i, t in enumerate(self.tokens):
            if t.start > len(token_at):
                extend([-1] * (t.start - len(token_at)))
            extend([i] * (min(t.end, n) - t.start))
        extend([-1] * (n + 1 - len(token_at)))
        self.token_at = token_at
        self.mentions = sorted(mentions, key=lambda m: m.span.start)
        self.known_at: list[int] = [-1] * (n + 1)
        for i, m in enumerate(self.mentions):
            for k in range(m.span.start, min(m.span.end, n)):
                self.known_at[k] = i
        self.definitions = [(e.definition_span.start, e.definition_span.end, e.headword) for e in doc.glossary]
        self.token_ends = {t.end for t in self.tokens}
        self.token_starts = {t.start for t in self.tokens}
        # only the segmented part of the text (a pathological document is segmented in part)
        self.body_end = self.tokens[-1].end if self.tokens else 0

    def model_near(self, start: int, end: int) -> list[Any]:
        """Model spans overlapping a stretch."""
        lo = bisect.bisect_left(self.model, (start - 60,))
        return [s for s in self.model[lo:] if s.start < end and start < s.end][:8] if self.model else []

    def in_definition(self, offset: int) -> bool:
        return any(a <= offset < b for a, b, _ in self.definitions)

    def headword_at(self, offset: int) -> str:
        return next((h for a, b, h in self.definitions if a <= offset < b), "")

    def word(self, i: int) -> str:
        t = self.tokens[i]
        return self.norm[t.start : t.end]

    def is_break(self, i: int) -> bool:
        """Does token ``i`` end a name that is being extended to the left?"""
        t = self.tokens[i]
        w = self.norm[t.start : t.end]
        if self.known_at[t.start] >= 0:
            return False
        if w in STOP_WORDS or w in HEAD_BREAKS or all(ch in PUNCT for ch in w):
            return True
        if t.tag == "l" and len(w) >= 4:
            return True  # an idiom
        if len(w) >= 3 and (w[-2:] in STOP_WORDS or w[:2] in STOP_WORDS) and w not in NAME_VERBS:
            return True  # 充分发挥, 深入开展: a verb phrase the segmenter kept whole
        if t.tag in BREAK_TAGS and not ORDINAL.match(w):
            return True
        if t.tag == "m" or w.isdigit():
            return not (ORDINAL.match(w) or re.fullmatch(r"\d{2,4}", w))
        if len(w) == 1:
            return w in SINGLE_STOP or w in MEASURES
        if t.tag in ("v", "vd", "vg") and w not in NAME_VERBS:
            return True
        return t.tag in WEAK_TAGS and w not in NAME_ADJS and w not in NAME_VERBS


def _walk_left(d: _Doc, first: int, max_len: int, end: int) -> tuple[int, bool]:
    """The start of a name whose first certain token is ``first`` and which ends at
    ``end``; True when the walk stopped at the length limit rather than at a break."""
    start = d.tokens[first].start
    passed_known = d.known_at[start] >= 0
    i = first - 1
    while i >= 0:
        t = d.tokens[i]
        w = d.norm[t.start : t.end]
        if t.end != start and d.text[t.end : start].strip():
            break
        # a quoted part inside a name: 高新技术企业“育苗造林”工程, “濮院杯”针织设计师大赛
        if (w in CLOSE_QUOTES and w != '"') or (w == '"' and _quote_pair(d.norm, t.start) is not None):
            opening = _quote_pair(d.norm, t.start)
            if opening is None or end - opening > max_len:
                break
            start = opening
            i = d.token_at[opening] - 1 if d.token_at[opening] >= 0 else i - 1
            while i >= 0 and d.tokens[i].start >= opening:
                i -= 1
            continue
        # the middle dot and hyphen join parts of one name: 中国·乌镇围棋峰会, 梅泾-雀屏杯
        if w in ("·", ".", "-") and i > 0 and not d.is_break(i - 1) and start < end:
            prev = d.tokens[i - 1]
            if end - prev.start > max_len:
                break
            start = prev.start
            i -= 2
            continue
        if i > 0 and (
            (w == "大" and re.fullmatch(r"[一二三四五六七八九十]+", d.word(i - 1)))
            or (w == "年" and re.fullmatch(r"\d{4}", d.word(i - 1)))
        ):
            # 七|大品质提升工程, 2018|年毛博会: a numeral the segmenter split off
            if end - d.tokens[i - 1].start > max_len:
                break
            start = d.tokens[i - 1].start
            i -= 2
            continue
        if d.is_break(i) and not (w in NOUN_VERBS and t.end == d.tokens[first].start):
            break
        if passed_known and t.tag.startswith("v") and d.known_at[t.start] < 0:
            break  # left of a known name only nouns continue it (发展|巨石美国玻纤项目)
        known = d.known_at[t.start]
        new_start = d.mentions[known].span.start if known >= 0 else t.start
        if end - new_start > max_len:
            return start, True
        start = new_start
        if known >= 0:
            passed_known = True
        i = d.token_at[new_start] - 1 if known >= 0 else i - 1
    return start, False


def _quote_pair(norm: str, close: int) -> int | None:
    """Offset of the opening quote that the closing quote at ``close`` pairs with."""
    window = norm[max(0, close - 24) : close]
    for k in range(len(window) - 1, -1, -1):
        ch = window[k]
        if ch in OPEN_QUOTES:
            return close - (len(window) - k)
        if ch in "。；;，,!！?？\n" or (ch in CLOSE_QUOTES and ch != '"'):
            return None
    return None


def _trim(d: _Doc, start: int, end: int, keep_scope: bool = False) -> int:
    """Drop qualifying words (全市, 首批, 省级 …) and stray punctuation off the left; an
    event keeps its scope (全省文化礼堂现场会)."""
    while start < end:
        i = d.token_at[start]
        if i < 0:
            start += 1
            continue
        t = d.tokens[i]
        w = d.norm[max(start, t.start) : t.end]
        if d.known_at[start] >= 0:
            break
        nxt = d.tokens[i + 1] if i + 1 < len(d.tokens) else None
        nxt_word = d.norm[nxt.start : nxt.end] if nxt is not None else ""
        # a scope word stays when a name follows it (全国知名品牌创建示范区), not a qualifier (全国首个…)
        scoped = w in SCOPE_WORDS and (keep_scope or (nxt_word not in TRIM_LEFT and end - t.end >= 6))
        if (w in TRIM_LEFT and not scoped) or w in TRIM_VERBS or all(ch in PUNCT and ch not in OPEN_QUOTES for ch in w):
            start = t.end
            continue
        break
    return start


def _spec_tokens(d: _Doc, start: int, end: int) -> list[tuple[str, str]]:
    out = []
    for i in range(d.token_at[start] if start < len(d.token_at) else -1, len(d.tokens)):
        if i < 0:
            break
        t = d.tokens[i]
        if t.start >= end:
            break
        out.append((d.norm[max(t.start, start) : min(t.end, end)], t.tag))
    return out


def _confidence(
    d: _Doc, start: int, end: int, suffix_len: int, base: float, hit_limit: bool, suffix_type: str = ""
) -> float:
    spec_end = end - suffix_len
    toks = [(w, tag) for w, tag in _spec_tokens(d, start, spec_end) if w.strip()]
    if not toks:
        return 0.0
    words = [w for w, _ in toks]
    stripped = [w.strip(QUOTES) for w in words if w.strip(QUOTES)]
    if stripped and all(w in GENERIC for w in stripped):
        return 0.0
    conf = base
    generic = sum(1 for w in stripped if w in GENERIC)
    # a leading 镇/市 is the document's own town or city: 镇文化艺术中心, 市公共服务中心
    anchored = any(d.known_at[k] >= 0 for k in range(start, spec_end)) or (
        d.norm[start : start + 1] in ("镇", "市") and spec_end - start >= 3
    )
    if anchored:
        conf += 0.15
    proper = any(
        tag in PROPER_TAGS
        and (_freq_at(d, d.norm.find(w, start)) < 500 or (tag == "ns" and suffix_type in ADMIN_TYPES | ORG_TYPES))
        for w, tag in toks
    )
    marked = any(ch.isdigit() or (ch.isascii() and ch.isalpha()) for ch in d.norm[start:spec_end])
    quoted = any(ch in QUOTES for ch in d.norm[start:end])
    oov = _has_oov(d, start, spec_end, strict=suffix_type == "project")
    if proper or marked:
        conf += 0.1
    if quoted:
        conf += 0.1
    if oov:
        conf += 0.1
    named = bool(
        re.match(
            r"(?:全省|全市|全国|全镇|首届|第[一二三四五六七八九十\d]+|\d{4}|[一二三四五六七八九十]大)",
            d.norm[start:end],
        )
    )
    if named:
        conf += 0.2 if suffix_type in ("event", "programme", "policy") else 0.1
    if not (anchored or proper or marked or quoted or oov or named):
        # dictionary words only: a description (托运市场, 现代农业园区), not a name; plans
        # are named in plain words, so a long one is let off lightly (青年干部成长工程)
        plan = spec_end - start >= 4 and len(stripped) >= 2 and generic / max(len(stripped), 1) <= 0.5
        conf -= 0.1 if plan and suffix_type in ("programme", "policy", "project") else 0.25
    verbs = sum(1 for w, tag in toks if tag == "v" and d.known_at[d.norm.find(w, start)] < 0)
    conf -= 0.08 * min(verbs, 3)
    if stripped and generic / len(stripped) >= 0.5 and not (anchored or oov or named):
        conf -= 0.15
    if hit_limit:
        conf -= 0.2
    return max(0.0, min(conf, 0.95))


def _has_oov(d: _Doc, start: int, end: int, strict: bool = False) -> bool:
    """Does the stretch hold a word the segmenter's dictionary does not know (or hardly
    knows)? Names (聚晟, 伊芙丽, 濮新, 紫金) mostly do; descriptions (托运市场) mostly do not."""
    i = d.token_at[start] if start < len(d.token_at) else -1
    while 0 <= i < len(d.tokens) and d.tokens[i].start < end:
        t = d.tokens[i]
        w = d.norm[t.start : t.end]
        if len(w) == 1 and i + 1 < len(d.tokens) and d.tokens[i + 1].start < end:
            nxt = d.norm[d.tokens[i + 1].start : d.tokens[i + 1].end]
            # two single characters in a row: a word the segmenter could not place (聚|晟)
            if len(nxt) == 1 and all("\u4e00" <= ch <= "\u9fff" and ch not in STOP_WORDS for ch in w + nxt):
                return True
        if (
            (t.freq == 0 if strict else t.freq < RARE)
            and w not in GENERIC
            and w not in NAME_VERBS
            and len(w) >= 2
            and not w.isdigit()
            and not all(ch in PUNCT for ch in w)
            and t.tag not in ("m", "x")
        ):
            return True
        i += 1
    return False


def _only_place_or_generic(d: _Doc, start: int, end: int) -> bool:
    """Is the part before the suffix only place names (of a country, province, city) and
    generic words? Known parks, towns and landmarks do not count as mere places."""
    toks = _spec_tokens(d, start, end)
    if not toks:
        return False
    places = 0
    pos = start
    for w, tag in toks:
        at = d.norm.find(w, pos)
        pos = at + len(w) if at >= 0 else pos
        k = d.known_at[at] if at >= 0 else -1
        if (
            k >= 0
            and d.lexicon.types.get(d.mentions[k].target)
            in (
                "country",
                "province",
                "prefecture-city",
                "county-city",
            )
        ) or (tag == "ns" and k < 0 and _freq_at(d, at) >= 200):
            places += 1
        elif w not in GENERIC:
            return False
    return places > 0


def _freq_at(d: _Doc, offset: int) -> int:
    i = d.token_at[offset] if offset >= 0 else -1
    return d.tokens[i].freq if i >= 0 else 0


def _inside_word(d: _Doc, s: int, suffix: str) -> bool:
    """Is the suffix the tail of a common word (布局, 城市, 乡村, 宅基地, 上市, 深化改革)?"""
    i = d.token_at[s]
    if i < 0:
        return False
    t = d.tokens[i]
    if t.start >= s or d.known_at[t.start] >= 0:
        return False
    # jieba tags some common words as place names (城市/ns, 上市/ns, 城镇/ns): a frequent
    # dictionary word is a common word whatever its tag
    if len(suffix) == 1 or suffix in ("基地", "市场", "城区", "新村", "中心"):
        return t.freq >= 200 or (t.freq > 0 and t.tag not in PROPER_TAGS)
    return t.freq >= 200 and t.tag not in PROPER_TAGS


def _inside_quote_continuing(d: _Doc, s: int, e: int) -> bool:
    opening = max(d.norm.rfind(q, max(0, s - 24), s) for q in OPEN_QUOTES)
    if opening < 0 or any(d.norm.find(q, opening + 1, s) >= 0 for q in CLOSE_QUOTES if q != '"'):
        return False
    closing = min((x for x in (d.norm.find(q, e, e + 24) for q in CLOSE_QUOTES) if x >= 0), default=-1)
    return closing > e and not any(ch in PUNCT for ch in d.norm[e:closing])


def _split_parent(d: _Doc, start: int, end: int) -> tuple[int, str | None]:
    """For a village/town: a leading known place is its parent (洲泉镇马鸣村 → 马鸣村 in 洲泉镇)."""
    k = d.known_at[start]
    if k >= 0:
        m = d.mentions[k]
        if m.span.end < end - 1 and d.lexicon.types.get(m.target) in (
            "town",
            "subdistrict",
            "county-city",
            "prefecture-city",
            "village",
            "district",
        ):
            return m.span.end, m.target
    return start, None


def _leading_place(d: _Doc, start: int, end: int) -> str | None:
    """A place named at the start of a name is where the thing is (濮院时尚中心 → 濮院镇)."""
    i = d.known_at[start]
    if i >= 0:
        m = d.mentions[i]
        if m.span.end < end and d.lexicon.types.get(m.target) in PARENT_TYPES:
            return m.target
    return None


def _extend_nouns(d: _Doc, start: int, max_chars: int) -> int:
    """Extend a quoted name left over nouns glued to it: 高新技术企业“育苗造林”工程."""
    i = d.token_at[start] - 1 if d.token_at[start] > 0 else -1
    new_start = start
    while i >= 0:
        t = d.tokens[i]
        w = d.norm[t.start : t.end]
        if (
            t.end != new_start
            or d.known_at[t.start] >= 0
            or t.tag not in ("n", "nz", "vn", "j", "b")
            or w in STOP_WORDS
            or w in TRIM_LEFT
        ):
            break
        if start - t.start > max_chars:
            break
        new_start = t.start
        i -= 1
    return new_start


def _type_from_suffix(name: str) -> str | None:
    for suffix in _SUFFIXES_LONGEST_FIRST:
        if name.endswith(suffix) and len(name) > len(suffix):
            etype = SUFFIXES[suffix][0]
            return None if etype in ("town", "village", "county-city", "district", "province") else etype
    return None


def _head_type(name: str) -> str | None:
    """The type a name's last word says it is (…市场 landmark, …节 event), if any."""
    for suffix in _SUFFIXES_LONGEST_FIRST:
        if name.endswith(suffix) and len(name) > len(suffix):
            return SUFFIXES[suffix][0]
    return None


def _name_end(d: _Doc, a: int, b: int) -> int | None:
    """Where a listed item's name ends: at a known name's end or a suffix's end, the
    first such point (宏苑路|延伸段, 永越大道|延伸段建成通车)."""
    k = d.known_at[a]
    if k >= 0 and d.mentions[k].span.start == a:
        return min(d.mentions[k].span.end, b)
    best = None
    for m in _SUFFIX_RE.finditer(d.norm, a, b):
        if m.end() in d.token_ends or m.end() == b:
            best = m.end()
            break
    return best

