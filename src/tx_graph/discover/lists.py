"""``discover.list.v1``: items of enumerations (X、Y等N家企业), typed by the class noun or by the
curated items listed with them; items sharing a place tail (数字濮院、时尚濮院)."""

from __future__ import annotations

import re
from collections import Counter

from ..model import Proposal, Span
from ..text import QUOTES, norm_label
from .document import _Doc, _has_oov, _head_type, _leading_place, _name_end, _spec_tokens, _trim, _walk_left
from .ids import R_LIST
from .tables import _CLASS_RE, ADMIN_TYPES, CLASS_NOUNS, COARSE_OF, GENERIC, NAME_VERBS, PROPER_TAGS, PUNCT, STOP_WORDS


def _list_proposals(d: _Doc) -> list[Proposal]:
    """Items of X、Y、Z等(N家)企业 / X、Y3家企业, and unknown items listed with known ones."""
    out: list[Proposal] = []
    norm = d.norm
    for sent in d.doc.sentences:
        if sent.start >= d.body_end:
            break
        segment = norm[sent.start : sent.end]
        if "、" not in segment:
            continue
        for cm in re.finditer(
            r"(等|(?<=[^\d])(?=\d+[家个项所]))(?:(?:\d+|[一二两三四五六七八九十]+)[家个项所座条名批])?", segment
        ):
            pos = sent.start + cm.start()
            after = norm[sent.start + cm.end() : sent.start + cm.end() + 12]
            cls = _CLASS_RE.search(after)
            if cls is None or cls.start() > 4 or any(ch in PUNCT for ch in after[: cls.start()]):
                continue
            clause = max(norm.rfind(ch, sent.start, pos) for ch in ',，;；:：“”"') + 1
            etype = CLASS_NOUNS[cls.group(0)]
            items = _items_before(d, pos, max(clause, sent.start))
            # one item is a list too when an earlier enumeration ran into it (…等制造业项目、壳牌石油等服务业项目)
            if len(items) < 2 and not (items and items[0][0] > 0 and norm[items[0][0] - 1] == "、"):
                continue
            known_types = [
                d.lexicon.types.get(d.mentions[d.known_at[a]].target)
                for a, b in items
                if d.known_at[a] >= 0 and d.mentions[d.known_at[a]].span == Span(a, b)
            ]
            common = Counter(t for t in known_types if t).most_common(1)
            if common:
                etype = common[0][0]
            for a, b in items:
                if d.known_at[a] >= 0 and d.mentions[d.known_at[a]].span.end >= b:
                    continue
                surface = d.text[a:b]
                if len(surface) < 2 or len(surface) > 16 or any(ch in "，,。；;" for ch in surface):
                    continue
                k = d.known_at[b - 1]
                if (
                    k >= 0
                    and d.mentions[k].span.end == b
                    and d.mentions[k].span.start - a >= 2
                    and not _has_oov(d, a, d.mentions[k].span.start, strict=True)
                ):
                    continue  # 合理配置 + a known name: the item is the known name
                words = [w for w, _ in _spec_tokens(d, a, b)]
                if all(w in GENERIC or w in NAME_VERBS for w in words):
                    continue
                toks = _spec_tokens(d, a, b)
                if (
                    b - a == 2
                    and not any(tag in PROPER_TAGS for _, tag in toks)
                    and d.known_at[a] < 0
                    and not (known_types and _has_oov(d, a, b))
                ):
                    continue  # 路桥, 通讯, 网红: two-character common words
                if any(ch in "及和与" for ch in norm[a:b]) or (
                    toks and toks[-1][1] in ("v", "vn") and len(toks[-1][0]) > 1 and _head_type(norm[a:b]) is None
                ):
                    continue  # 绿化及景观, 项目攻坚: descriptions, not names
                specific = (
                    _has_oov(d, a, b, strict=True)
                    or any(tag in PROPER_TAGS for _, tag in toks)
                    or any(d.known_at[k] >= 0 for k in range(a, b))
                    or any(ch.isascii() and ch.isalnum() for ch in surface)
                )
                head = _head_type(norm[a:b])
                headed = (
                    head in (etype, COARSE_OF.get(etype))
                    or (etype.startswith("event") and head == "event")
                    or (etype == "project" and head == "programme")
                )
                if not (
                    specific or (headed and (known_types or len(norm[a:b]) >= 3)) or (known_types and _has_oov(d, a, b))
                ):
                    continue  # 技术、环境: common words listed, not names
                # a leading country or province is where the thing comes from: 德国EGLASS
                k = d.known_at[a]
                i0 = d.token_at[a]
                if (
                    k >= 0
                    and d.mentions[k].span.start == a
                    and d.mentions[k].span.end < b
                    and d.lexicon.types.get(d.mentions[k].target) == "country"
                ):
                    a = d.mentions[k].span.end
                    surface = d.text[a:b]
                elif (
                    i0 >= 0
                    and d.tokens[i0].tag == "ns"
                    and d.norm[d.tokens[i0].start : d.tokens[i0].end].endswith("国")
                    and d.tokens[i0].end < b - 1
                ):
                    a = d.tokens[i0].end
                    surface = d.text[a:b]
                if len(surface) < 2:
                    continue
                conf = 0.6 + (0.1 if known_types else 0.0)
                if d.known_at[a] >= 0 or d.known_at[b - 1] >= 0:
                    conf += 0.05  # contains a known name: 北京男装, 新凤鸣
                out.append(
                    Proposal(
                        d.doc.id,
                        Span(a, b),
                        surface,
                        norm_label(surface),
                        etype,
                        R_LIST,
                        round(conf, 3),
                        _leading_place(d, a, b),
                        cls.group(0),
                    )
                )
    return out


def _known_list_proposals(d: _Doc) -> list[Proposal]:
    """紫金路、兴业路、永越大道…: unknown items listed with curated names of one type are of
    that type when they end in one of its suffixes or look like names."""
    out: list[Proposal] = []
    for seg in re.finditer(r"[^,，;；。:：!！?？()（）\n“”\"]+", d.norm):
        if seg.group(0).count("、") < 1:
            continue
        parts = [(seg.start() + m.start(), seg.start() + m.end()) for m in re.finditer(r"[^、]+", seg.group(0))]
        items: list[tuple[int, int]] = []
        for n, (a, b) in enumerate(parts):
            if n == 0:
                i = d.token_at[b - 1]
                if i < 0:
                    continue
                a, _ = _walk_left(d, i, 16, b)
                a = _trim(d, a, b)
            cut = _name_end(d, a, b)
            if cut is not None and cut - a >= 2:
                items.append((a, cut))
        known = [
            d.lexicon.types.get(d.mentions[d.known_at[a]].target)
            for a, b in items
            if d.known_at[a] >= 0 and d.mentions[d.known_at[a]].span == Span(a, b)
        ]
        if not known or len(items) < 2:
            continue
        etype = Counter(t for t in known if t).most_common(1)[0][0]
        if etype in ("term",):
            continue
        for a, b in items:
            if d.known_at[a] >= 0 and d.mentions[d.known_at[a]].span.end >= b:
                continue
            if d.known_at[b - 1] >= 0:
                continue
            name = d.norm[a:b]
            head = _head_type(name)
            same = head == etype or (head is not None and COARSE_OF.get(head) == COARSE_OF.get(etype, etype))
            if not same and (
                etype in ADMIN_TYPES or head is not None or not _has_oov(d, a, b, strict=True) or b - a < 3
            ):
                continue
            surface = d.text[a:b]
            out.append(
                Proposal(
                    d.doc.id,
                    Span(a, b),
                    surface,
                    norm_label(surface),
                    etype,
                    R_LIST,
                    round(min(0.75, 0.5 + 0.05 * len(known)), 3),
                    _leading_place(d, a, b),
                    "、",
                )
            )
    return out


def _items_before(d: _Doc, pos: int, floor: int) -> list[tuple[int, int]]:
    """The 、-separated items ending at ``pos``, the first one bounded by the walker."""
    items: list[tuple[int, int]] = []
    end = pos
    norm = d.norm
    while end > floor:
        sep = norm.rfind("、", floor, end)
        if sep < 0:
            i = d.token_at[end - 1]
            if i < 0:
                break
            start, _ = _walk_left(d, i, 16, end)
            start = _trim(d, start, end)
            if end - start >= 2:
                items.append((start, end))
            break
        a = sep + 1
        if "等" in norm[a:end]:
            break  # the previous enumeration's tail (伊芙丽等制造业项目、壳牌石油等…)
        if end - a < 2 or end - a > 16 or any(ch in PUNCT for ch in norm[a:end].strip(QUOTES)):
            if items:
                break
            # the last item may carry a following descriptor; bound it by the walker
            i = d.token_at[end - 1]
            if i < 0:
                break
            a, _ = _walk_left(d, i, 16, end)
            if a <= sep:
                a = sep + 1
        items.append((a, end))
        end = sep
    items.reverse()
    return [(a, b) for a, b in items if b > a]


def _shared_tail_proposals(d: _Doc) -> list[Proposal]:
    """数字濮院、时尚濮院、美丽濮院: items sharing a place name as their tail are coined
    programme names (the place's slogans), not mentions of the place."""
    out: list[Proposal] = []
    for m in re.finditer(r"(?:[\u4e00-\u9fff]{2,4}、){1,}[\u4e00-\u9fff]{2,4}", d.norm):
        items = [(m.start() + k.start(), m.start() + k.end()) for k in re.finditer(r"[^、]+", m.group(0))]
        tails: Counter[str] = Counter()
        for a, b in items:
            k = d.known_at[b - 1]
            if (
                k >= 0
                and d.mentions[k].span.end == b
                and d.mentions[k].span.start > a
                and d.lexicon.types.get(d.mentions[k].target) in ADMIN_TYPES
            ):
                tails[d.mentions[k].target] += 1
        if not tails or tails.most_common(1)[0][1] < 2:
            continue
        tail = tails.most_common(1)[0][0]
        for a, b in items:
            k = d.known_at[b - 1]
            if k < 0 or d.mentions[k].target != tail or d.mentions[k].span.start <= a:
                continue
            head = d.norm[a : d.mentions[k].span.start]
            first = d.token_at[a]
            if (first >= 0 and d.is_break(first)) or head in STOP_WORDS:
                continue
            surface = d.text[a:b]
            out.append(
                Proposal(d.doc.id, Span(a, b), surface, norm_label(surface), "programme", R_LIST, 0.6, None, "、")
            )
    return out

