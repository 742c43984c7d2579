"""Proposals grouped over all documents into scored :class:`Candidate` values (:func:`aggregate`),
and the test for a proposal that is only a form of a curated name (:func:`known_variant`)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from ..model import Candidate, Document, Mention, Proposal, Span
from ..text import CLOSE_QUOTES, OPEN_QUOTES, normalise
from .ids import R_REPEAT
from .lexicon import Lexicon
from .tables import _CUE_TAILS, ADMIN_TYPES, PROJECT_TAILS, STRONG_HEADS, VARIANT_WORDS


def known_variant(label: str, lexicon: Lexicon) -> str | None:
    """The entity a proposed label is a form of (a known name plus a cue word such as
    改革/行动/项目, or plus generic words: 上上城商业中心), or None. Such proposals are
    aliases to merge, not new entities."""
    for cut in range(len(label) - 1, 1, -1):
        head, rest = label[:cut], label[cut:]
        target = lexicon.lookup(head)
        if target is None or target.startswith("term:"):
            continue
        if lexicon.types.get(target) in ADMIN_TYPES | {"country", "prefecture-city"}:
            return None  # 濮院商业中心: a thing in a place, not another name of the place
        if any(h in rest for h in STRONG_HEADS) and not rest.startswith("主体"):
            return None  # 三治融合提升行动, 民生实事工程: a programme named after another thing
        rest = _strip_known(rest.lstrip("·"), lexicon)
        if rest and not _generic_words(rest):
            continue
        if lexicon.types.get(target) in ("landmark", "park", "organisation", "village", "town") and rest.endswith(
            PROJECT_TAILS
        ):
            return None  # 桐星大道工程, 永越大道提升工程: works on a place are a project of their own
        return target
    for tail in _CUE_TAILS:
        if label.endswith(tail) and len(label) > len(tail) + 1:
            target = lexicon.lookup(label[: -len(tail)])
            if target is not None and not target.startswith("term:"):
                return target
    for head in ("第一", "首届"):
        if label.startswith(head):
            target = lexicon.lookup(label[len(head) :])
            if target:
                return target
    return None


def _strip_known(text: str, lexicon: Lexicon) -> str:
    """``text`` without the curated names it starts with (上上城区块 → 区块)."""
    changed = True
    while changed and text:
        changed = False
        for cut in range(len(text), 1, -1):
            if lexicon.lookup(text[:cut]) is not None:
                text, changed = text[cut:].lstrip("·"), True
                break
    return text


def _generic_words(text: str) -> bool:
    """Can ``text`` be cut into generic words (商业中心, 主体工程, 区块)?"""
    if not text:
        return False
    words = VARIANT_WORDS
    ok = [True] + [False] * len(text)
    for i in range(len(text)):
        if ok[i]:
            for j in range(i + 1, min(len(text), i + 6) + 1):
                if text[i:j] in words:
                    ok[j] = True
    return ok[-1]


def aggregate(
    proposals: Iterable[Proposal],
    documents: Sequence[Document],
    lexicon: Lexicon,
    mentions: Iterable[Mention] = (),
    *,
    min_score: float = 0.0,
) -> list[Candidate]:
    """Group proposals by label over all documents; add the label's other occurrences;
    score; drop what curation knows or rejected. Sorted by score, best first."""
    groups: dict[str, list[Proposal]] = defaultdict(list)
    for p in proposals:
        if lexicon.lookup(p.label) is None and p.label not in lexicon.rejected:
            groups[p.label].append(p)
    if not groups:
        return []
    _add_repeats(groups, documents, mentions)
    _merge_short_forms(groups, lexicon)
    candidates: list[Candidate] = []
    used_ids: set[str] = set()
    for label, props in groups.items():
        ruled = [p for p in props if p.rule != R_REPEAT]
        if not ruled:
            continue
        types: Counter[str] = Counter()
        for p in ruled:
            types[p.type] += int(p.confidence * 1000)
        etype = types.most_common(1)[0][0]
        parents = Counter(p.parent for p in props if p.parent)
        rules = sorted({r for p in ruled for r in p.rule.split("+")})
        best = max(p.confidence for p in ruled)
        docs = {p.doc_id for p in props}
        score = best + 0.06 * min(len(props) - 1, 4) + 0.05 * (len(rules) - 1) + (0.05 if len(docs) > 1 else 0.0)
        score = round(min(score, 0.99), 3)
        if score < min_score:
            continue
        surfaces = sorted({p.surface for p in props if p.surface != label})
        cid = _candidate_id(label, used_ids)
        merge = known_variant(label, lexicon)
        candidates.append(
            Candidate(
                id=cid,
                label=label,
                type=etype,
                score=score,
                count=len(props),
                mentions=tuple(sorted(props, key=lambda p: (p.doc_id, p.span.start))),
                rules=tuple(rules),
                parent=parents.most_common(1)[0][0] if parents else None,
                aliases=tuple(surfaces),
                kind="alias" if merge else "entity",
            )
        )
    candidates.sort(key=lambda c: (-c.score, c.label))
    return candidates


_LEGAL_FORM = re.compile(r"(?:[(（][\u4e00-\u9fff]{2,4}[)）])?(?:股份有限公司|有限责任公司|集团有限公司|有限公司)$")
_PLACE_TYPES = frozenset({"country", "province", "prefecture-city", "county-city", "district", "town"})


def _core(label: str, lexicon: Lexicon) -> str:
    """A company's name without its legal form and the place it is registered in
    (浙江联洋新材料股份有限公司 → 联洋新材料; 墨卓生物科技(浙江)有限公司 → 墨卓生物科技)."""
    core = _LEGAL_FORM.sub("", label)
    for cut in (3, 2):
        target = lexicon.lookup(core[:cut])
        if target is not None and lexicon.types.get(target) in _PLACE_TYPES and len(core) - cut >= 2:
            return core[cut:]
    return core


def _merge_short_forms(groups: dict[str, list[Proposal]], lexicon: Lexicon) -> None:
    """A short company name and its …有限公司 form in the same document are one candidate:
    the short form's occurrences join the full name's group and it becomes an alias."""
    full = {
        label: _core(label, lexicon)
        for label, props in groups.items()
        if _LEGAL_FORM.search(label) and any(p.type == "company" for p in props)
    }
    for label, core in full.items():
        if len(core) < 2 or label not in groups:
            continue
        docs = {p.doc_id for p in groups[label]}
        for short in [s for s in groups if s != label and s not in full and 2 <= len(s) < len(label)]:
            props = groups[short]
            if core.startswith(short) and any(p.doc_id in docs for p in props) and all(
                p.type in ("company", "organisation", "project", "county-city") for p in props
            ):
                groups[label].extend(props)
                del groups[short]


def _add_repeats(groups: dict[str, list[Proposal]], documents: Sequence[Document], mentions: Iterable[Mention]) -> None:
    """Occurrences of a proposed label that no rule saw (no cue there) are mentions too,
    unless they sit inside a known name or another proposal."""
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for label in groups:
        automaton.add_word(label, label)
    automaton.make_automaton()
    covered: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for m in mentions:
        covered[m.doc_id].append((m.span.start, m.span.end))
    for props in groups.values():
        for p in props:
            covered[p.doc_id].append((p.span.start, p.span.end))
    import bisect

    for doc in documents:
        spans = sorted(covered.get(doc.id, []))
        starts = [a for a, _ in spans]
        longest = max((b - a for a, b in spans), default=0)
        norm = normalise(doc.text)
        for end_index, label in automaton.iter_long(norm):
            start, end = end_index - len(label) + 1, end_index + 1
            lo = bisect.bisect_left(starts, start - longest)
            hi = bisect.bisect_left(starts, end)
            if any(spans[k][0] < end and start < spans[k][1] for k in range(lo, hi)):
                continue
            if start > 0 and norm[start - 1] in OPEN_QUOTES and end < len(norm) and norm[end] in CLOSE_QUOTES:
                start, end = start - 1, end + 1
            proto = groups[label][0]
            groups[label].append(
                Proposal(doc.id, Span(start, end), doc.text[start:end], label, proto.type, R_REPEAT, 0.0, None, None)
            )
            k = bisect.bisect_left(starts, start)
            starts.insert(k, start)
            spans.insert(k, (start, end))


def _candidate_id(label: str, used: set[str]) -> str:
    from ..text import slugify

    base = slugify(label)[:60].strip("-") or "x"
    cid, n = base, 1
    while cid in used:
        n += 1
        cid = f"{base}-{n}"
    used.add(cid)
    return cid

