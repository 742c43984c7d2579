"""Statements read from sentences: awards, partnerships, custody, renames, milestones, roles,
events and news figures, each naming the rule that made it.

=============================  ===============================================================
rule                           what it reads
=============================  ===============================================================
``facts.award.v1``             A、B获评/荣获/入选/被认定为 <title>; the body giving it when the
                               title names one (工信部…示范企业); the document's place when
                               the clause names no one (成功创建省科普示范市)
``facts.partnership.v1``       (A)与B、C(等)…缔结友好交流关系 / 合作 / 共建 / 结对
``facts.management.v1``        A托管B
``facts.rename.v1``            A更名为B
``facts.milestone.v1``         A、B 签约/落户(Y)/开工/竣工/投产/投入运营/开业/建成启用/通过评审
``facts.role.v1``              以A为主平台,B、C为副平台; “一轴”即以A为主轴; a campaign's
                               glossary entry listing its parts (六场战役:A、B、…)
``facts.event.v1``             举办/承办/召开 A、B; 2018年1月29日在 <session> 上
``facts.figure.v1``            a news article's amounts and counts (实际利用外资近3.8亿美元),
                               with 1-9月, 预计 / 累计 / 年均, and the year only when stated
=============================  ===============================================================

Times are as fine as the sentence gives them (2017年7月 → ``2017-07``; 同年9月 takes the
year of the sentence before); a work report's section year dates what it reviews when the
sentence names none. Curated facts (``facts:``) are the truth: a rule's statement that a
curated fact already states (same kind, same participants) is dropped
(:func:`uncurated`), and the others are proposed for review.

>>> finest_time("2017年7月,桐乡启动…")
'2017-07'
>>> finest_time("2018年1月29日在濮院镇…")
'2018-01-29'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .errors import Errors, Problem
from .model import Curation, Document, Mention, Span, Statement

__all__ = [
    "cues",
    "extract_statements",
    "finest_time",
    "locate_statements",
    "rejected_statements",
    "statement_key",
    "uncurated",
]

CLAUSE = "，,；;。:：!！?？"
DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})年(?:(\d{1,2})月(?:(\d{1,2})日)?)?")
SAME_YEAR_MONTH = re.compile(r"同年(\d{1,2})月")
ZH_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九十")}
EDITION = re.compile(r"第([一二三四五六七八九十\d]+)届")
PLACES = frozenset({"country", "province", "prefecture-city", "county-city", "district", "town", "subdistrict",
                    "village", "community", "park", "landmark"})  # fmt: skip
ORGS = frozenset({"company", "organisation", "government-body"})
THINGS = frozenset({"project", "park", "landmark", "organisation", "company", "programme", "event"})
AREAS = frozenset({"prefecture-city", "county-city", "town", "subdistrict"})
PART_YEAR = re.compile(r"(?:(\d{1,2})[-—~至](\d{1,2})月|前(\d{1,2})个月|(?<![\d-])(\d{1,2})月份)")
AMOUNT = re.compile(
    r"(?:\([^)]{1,8}\))?(?:扩容至|超过|超|近|约|达到|达|为|突破|至)?(\d+(?:\.\d+)?)(亿美元|万美元|美元|亿元|万元|元|家|个|项)(?!及?以[上下])"
)


@cache
def cues() -> dict[str, Any]:
    """The cue word lists (``assets/fact_cues.yaml``)."""
    text = resources.files("tx_graph").joinpath("assets/fact_cues.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def finest_time(sentence: str, previous_year: int | None = None) -> str | None:
    """The most precise date a sentence gives: ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``."""
    m = DATE.search(sentence)
    if m:
        year, month, day = m.group(1), m.group(2), m.group(3)
        if month and 1 <= int(month) <= 12:
            if day and 1 <= int(day) <= 31:
                return f"{year}-{int(month):02d}-{int(day):02d}"
            return f"{year}-{int(month):02d}"
        return year
    m = SAME_YEAR_MONTH.search(sentence)
    if m and previous_year is not None:
        return f"{previous_year}-{int(m.group(1)):02d}"
    return None


def locate_statements(
    statements: Iterable[Statement], documents: Sequence[Document]
) -> tuple[list[Statement], list[Problem]]:
    """Each curated statement's quote found in its document (or the only one holding it):
    the statement gets the document and span; a quote found nowhere is E016 at its line."""
    out: list[Statement] = []
    problems: list[Problem] = []
    for s in statements:
        hits = [
            (d.id, pos)
            for d in documents
            if (s.doc_id is None or d.id == s.doc_id) and (pos := d.text.find(s.quote or "\0")) >= 0
        ]
        if not hits:
            where = s.source
            problems.append(
                Problem(
                    where.path if where else "curation",
                    where.line if where else None,
                    where.column if where else None,
                    "E016",
                    Errors.E016.format(value=s.quote),
                )
            )
            continue
        doc_id, pos = hits[0]
        out.append(replace(s, doc_id=doc_id, span=Span(pos, pos + len(s.quote or ""))))
    return out, problems


def uncurated(extracted: Iterable[Statement], curated: Iterable[Statement]) -> list[Statement]:
    """The extracted statements no curated statement already states, each once. A curated
    statement states a proposal when it is of the same kind, quotes an overlapping part
    of the same document and shares a participant (its wording and dates win)."""
    by_doc: dict[tuple[str | None, str], list[Statement]] = {}
    for c in curated:
        by_doc.setdefault((c.doc_id, c.kind), []).append(c)
    seen: set[tuple[Any, ...]] = set()
    out: list[Statement] = []
    for s in extracted:
        key = (s.kind, frozenset(s.ids()), s.detail, s.value, s.period)
        if key in seen:
            continue
        seen.add(key)
        if any(
            c.span
            and s.span
            and c.span.start < s.span.end
            and s.span.start < c.span.end
            and set(c.ids()) & set(s.ids())
            for c in by_doc.get((s.doc_id, s.kind), [])
        ):
            continue
        out.append(s)
    return out


def statement_key(st: Statement) -> str:
    """What identifies a proposed statement in the review queue and its ``rejected:`` list.

    >>> statement_key(Statement("award", (("agent", "b"), ("agent", "a")), "", detail="示范村"))
    'award|a+b|示范村'
    """
    return f"{st.kind}|{'+'.join(sorted(st.ids()))}|{st.detail or ''}"


def rejected_statements(curation_dir: Path) -> frozenset[str]:
    """Keys of the statements curators rejected (``rejected: - statement: <key>`` in
    candidates.yaml); an unreadable queue rejects nothing (the review stage reports it)."""
    path = curation_dir / "candidates.yaml"
    if not path.exists():
        return frozenset()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, OSError, UnicodeDecodeError):
        return frozenset()
    items = data.get("rejected") if isinstance(data, dict) else None
    return frozenset(str(r["statement"]) for r in items or [] if isinstance(r, dict) and r.get("statement"))


# ---------------------------------------------------------------- the rules


class _Sentence:
    """One sentence with the curated mentions in it, as the rules read it."""

    def __init__(self, doc: Document, index: int, mentions: list[Mention], types: dict[str, str]) -> None:
        span = doc.sentences[index]
        self.doc, self.index, self.start = doc, index, span.start
        self.text = doc.text[span.start : span.end]
        # offsets relative to the sentence; a term's mention keeps its "term:" target
        self.items = [(m.span.start - span.start, m.span.end - span.start, m.target) for m in mentions]
        self.types = types

    def type(self, target: str) -> str:
        return "term" if target.startswith("term:") else self.types.get(target, "")

    def clause(self, at: int) -> tuple[int, int]:
        start = max((self.text.rfind(c, 0, at) for c in CLAUSE), default=-1) + 1
        ends = [i for c in CLAUSE if (i := self.text.find(c, at)) >= 0]
        return start, min(ends) if ends else len(self.text)

    def between(self, start: int, end: int, types: frozenset[str]) -> list[str]:
        out: list[str] = []
        for s, e, target in self.items:
            if start <= s and e <= end and self.type(target) in types and target not in out:
                out.append(target)
        return out

    def span(self, start: int, end: int) -> Span:
        return Span(self.start + start, self.start + end)


def extract_statements(
    documents: Sequence[Document], mentions: Sequence[Mention], curation: Curation
) -> list[Statement]:
    """Every rule over every sentence of every document."""
    from .relations import _normalised

    types = {e.id: e.type for e in curation.entities.values()}
    labels = {e.id: e.label for e in curation.entities.values()}
    labels.update({f"term:{t.id}": t.label for t in curation.terms.values()})
    by_doc: dict[str, list[Mention]] = {}
    for m in mentions:
        by_doc.setdefault(m.doc_id, []).append(m)
    out: list[Statement] = []
    for raw in documents:
        doc = _normalised(raw)
        doc_mentions = sorted(by_doc.get(doc.id, []), key=lambda m: m.span.start)
        area = _area(doc, doc_mentions, curation)
        previous_year: int | None = None
        cursor = 0
        for index, span in enumerate(doc.sentences):
            in_sentence = []
            while cursor < len(doc_mentions) and doc_mentions[cursor].span.start < span.start:
                cursor += 1
            j = cursor
            while j < len(doc_mentions) and doc_mentions[j].span.end <= span.end:
                in_sentence.append(doc_mentions[j])
                j += 1
            s = _Sentence(doc, index, in_sentence, types)
            when = finest_time(s.text, previous_year) or _section_time(doc, span.start)
            for rule in (_awards, _partnerships, _management, _renames, _milestones, _roles, _events):
                out += rule(s, area, when)
            if doc.kind == "news":
                out += _figures(s, area, previous_year)
            dated = DATE.search(s.text)
            if dated:
                previous_year = int(dated.group(1))
    # the rules read the simplified text; the quote is the document's own words (same offsets)
    texts = {d.id: d.text for d in documents}
    seen: set[tuple[Any, ...]] = set()
    unique = []
    for st in out:
        key = (st.kind, st.roles, st.detail, st.doc_id, st.value)
        if key not in seen and st.span is not None:
            seen.add(key)
            quote = texts[st.doc_id or ""][st.span.start : st.span.end]
            unique.append(replace(st, label=_label(st, labels), quote=quote))
    return unique


def _section_time(doc: Document, offset: int) -> str | None:
    from .relations_common import _section_year

    year = _section_year(doc, offset)
    return str(year) if year is not None else None


def _area(doc: Document, mentions: Sequence[Mention], curation: Curation) -> str | None:
    """The place a document is about: its publisher's (a government's place), else the
    county or town it names most."""
    from .curation import resolve_name

    types = {e.id: e.type for e in curation.entities.values()}
    publisher = resolve_name(doc.publisher, curation) if doc.publisher else None
    if publisher is not None and publisher.type in AREAS:
        return publisher.id
    if publisher is not None and publisher.type == "government-body" and publisher.parent:
        return publisher.parent
    # a report's title names its place (2018年青禾县政府工作报告); the longest name wins
    titled = [(len(n), e.id) for e in curation.entities.values() if e.type in AREAS for n in e.names if n in doc.title]
    if titled:
        return max(titled)[1]
    counts: dict[str, int] = {}
    for m in mentions:
        if types.get(m.target) in AREAS:
            counts[m.target] = counts.get(m.target, 0) + 1
    return max(counts, key=lambda t: counts[t]) if counts else None


def _statement(s: _Sentence, kind: str, rule: str, roles: list[tuple[str, str]], start: int, end: int,
               **fields: Any) -> Statement:  # fmt: skip
    if fields.get("qualifier") is None and kind != "figure":
        fields["qualifier"] = _planned(s, start)
    return Statement(kind=kind, roles=tuple(roles), label="", quote=s.text[start:end], doc_id=s.doc.id,
                     span=s.span(start, end), rule=f"facts.{rule}.v1", **fields)  # fmt: skip


def _planned(s: _Sentence, at: int) -> str | None:
    """planned when the clause or the document's part sets a task; achieved in a review."""
    from .relations_common import _section_kind

    c_start, c_end = s.clause(at)
    section = _section_kind(s.doc, s.start + at)
    if (
        s.doc.kind == "work-plan"
        or section == "plan"
        or any(w in s.text[c_start:c_end] for w in cues()["planned_cues"])
    ):
        return "planned"
    return "achieved" if section == "review" else None


def _label(st: Statement, labels: dict[str, str]) -> str:
    from .curation_facts import summary

    names: dict[str, list[str]] = {}
    for role, ref in st.roles:
        names.setdefault(role, []).append(labels.get(ref, ref))
    return summary(st.kind, names, title=st.detail, stage=st.detail, measure=st.detail, time=st.time,
                   former_name=st.former_name, amount=st.value, unit=st.unit, period=st.period)  # fmt: skip


def _finditer(words: Iterable[str], text: str) -> list[tuple[int, int, str]]:
    """Non-overlapping occurrences of the words, the longest first where two start together."""
    hits: list[tuple[int, int, str]] = []
    for word in sorted(words, key=len, reverse=True):
        # str.find, not re.finditer(re.escape(word)): the same non-overlapping matches, and
        # most cue words are in no given sentence (a regex per word and sentence was most
        # of this stage's time at scale)
        at = text.find(word) if word else -1
        while at >= 0:
            end = at + len(word)
            if not any(at < e and s < end for s, e, _ in hits):
                hits.append((at, end, word))
            at = text.find(word, end)
    return sorted(hits)


def _awards(s: _Sentence, area: str | None, when: str | None) -> list[Statement]:
    out = []
    for start, end, verb in _finditer(cues()["award_verbs"], s.text):
        c_start, c_end = s.clause(end)
        title = s.text[end:c_end].strip('“”"')
        if not 2 <= len(title) <= 40 or title.startswith(("了", "的", "成效", "感")):
            continue
        if verb == "获得" and not ("“" in s.text[end:c_end] or title.endswith(("牌照", "称号", "荣誉"))):
            continue  # 获得中央预算内投资支持 is money, not a title
        agents = s.between(c_start, start, PLACES | ORGS | {"project"})
        if not agents and area:
            agents = [area]
        if not agents:
            continue
        grantor = s.between(end, c_end, frozenset({"government-body", "organisation"}))
        roles = [("agent", a) for a in agents] + [("participant", g) for g in grantor]
        out.append(_statement(s, "award", "award", roles, c_start, c_end, detail=title, time=when))
    return out


def _partnerships(s: _Sentence, area: str | None, when: str | None) -> list[Statement]:
    out = []
    for start, end, _cue in _finditer(cues()["partnership_cues"], s.text):
        c_start, _ = s.clause(start)
        with_at = s.text.rfind("与", c_start, start)
        if with_at < 0:
            continue
        partners = s.between(with_at, start, PLACES | ORGS)
        agents = [a for a in s.between(c_start, with_at, PLACES | ORGS) if a not in partners] or (
            [area] if area else []
        )
        if not partners or not agents or set(agents) <= set(partners):
            continue
        roles = [("agent", a) for a in agents] + [("participant", p) for p in partners]
        out.append(_statement(s, "partnership", "partnership", roles, c_start, end, time=when))
    return out


def _management(s: _Sentence, area: str | None, when: str | None) -> list[Statement]:
    out = []
    for start, end, _verb in _finditer(cues()["management_verbs"], s.text):
        before = [i for i in s.items if i[1] == start and s.type(i[2]) in ORGS]
        after = [i for i in s.items if i[0] == end and s.type(i[2]) in ORGS | PLACES]
        if before and after:
            roles = [("agent", before[0][2]), ("object", after[0][2])]
            out.append(_statement(s, "management", "management", roles, before[0][0], after[0][1], time=when))
    return out


def _renames(s: _Sentence, area: str | None, when: str | None) -> list[Statement]:
    out = []
    for start, end, _verb in _finditer(cues()["rename_verbs"], s.text):
        after = [i for i in s.items if i[0] == end]
        before = [i for i in s.items if i[1] == start]
        if after:
            former = s.text[before[0][0] : start] if before else None
            if former:
                out.append(_statement(s, "rename", "rename", [("object", after[0][2])], before[0][0], after[0][1],
                                      former_name=former, time=when))  # fmt: skip
    return out


def _milestones(s: _Sentence, area: str | None, when: str | None) -> list[Statement]:
    out = []
    words = {w: stage for stage, ws in cues()["milestone_stages"].items() for w in ws}
    for start, end, word in _finditer(words, s.text):
        c_start, _ = s.clause(start)
        things = s.between(c_start, start, THINGS - {"programme", "event"})
        # the thing is named right before the stage words (乌镇人民医院迁建工程全面竣工),
        # or a list ending there (德国EGLASS、伊芙丽等…项目成功落户濮院)
        near = [i for i in s.items if i[2] in things and 0 <= start - i[1] <= 12]
        if not near:
            continue
        roles = [("object", t) for t in things]
        stop = end
        if words[word] == "settled":
            place = [i for i in s.items if 0 <= i[0] - end <= 1 and s.type(i[2]) in PLACES]
            if place:
                roles.append(("location", place[0][2]))
                stop = place[0][1]
        out.append(_statement(s, "milestone", "milestone", roles, c_start, max(stop, end), detail=words[word],
                              time=when))  # fmt: skip
    return out


ROLE = re.compile(r"以([^,，;；。为]{1,30})为(主平台|副平台|特色平台|主轴|核心)")
ROLE_NEXT = re.compile(r"[,，]([^,，;；。为]{1,30})为(主平台|副平台|特色平台)")


def _roles(s: _Sentence, area: str | None, when: str | None) -> list[Statement]:
    out = []
    head_term = [i[2] for i in s.items if s.type(i[2]) in ("term", "programme") and ":" in s.text[i[1] : i[1] + 2]]
    for m in ROLE.finditer(s.text):
        found = [(m.start(1), m.end(1), m.group(2), m.start(), m.end())]
        rest = s.text[m.end() :]
        following = ROLE_NEXT.match(rest)
        while following:
            base = len(s.text) - len(rest)
            f = following
            found.append((base + f.start(1), base + f.end(1), f.group(2), base + f.start(), base + f.end()))
            rest = rest[f.end() :]
            following = ROLE_NEXT.match(rest)
        named = re.search(r"“([^”]{1,6})”即$", s.text[: m.start()])
        after = [
            i[2] for i in s.items if s.type(i[2]) in ("term", "programme", "policy") and 0 <= i[0] - found[-1][4] <= 6
        ]
        wholes = after or head_term
        for a, b, role, q_start, q_end in found:
            parts = s.between(a, b, PLACES | {"programme", "project"})
            title = f"{named.group(1)}:{role}" if named else role
            for part in parts:
                roles = [("object", part)] + [("participant", w) for w in wholes[:1] if w != part]
                out.append(_statement(s, "role", "role", roles, q_start, q_end, detail=title, time=when))
    # a campaign's glossary entry: 9.六场战役:A、B、C…
    head = re.match(r"\d+\.\s*“?([^:：”]{2,12})”?[:：]", s.text)
    if head:
        whole = [i[2] for i in s.items if i[1] <= head.end() and s.type(i[2]) in ("programme", "term")]
        parts = s.between(head.end(), len(s.text), frozenset({"programme"}))
        if whole and len(parts) >= 2:
            for n, part in enumerate(parts, 1):
                roles = [("object", part), ("participant", whole[-1])]
                out.append(_statement(s, "role", "role", roles, 0, len(s.text), detail=f"{n}/{len(parts)}",
                                      time=when))  # fmt: skip
    return out


def _events(s: _Sentence, area: str | None, when: str | None) -> list[Statement]:
    out = []
    kinds = cues()["event_kinds"]
    hits = _finditer(cues()["event_verbs"], s.text)
    session = re.match(r"((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日在", s.text)
    if session:
        hits.append((session.start(), session.end(), "在"))
    for start, end, _verb in hits:
        _, c_end = s.clause(end)
        events = [i for i in s.items if end <= i[0] < c_end and s.type(i[2]) in ("event", "event-series")]
        if events and events[0][0] - end > 2:
            continue  # the verb is about something else: 举办系列国际经贸活动
        for e_start, e_end, target in events:
            name = s.text[e_start:e_end]
            kind = next((k for k, tails in kinds.items() for t in tails if name.endswith(t)), None)
            if kind is None:
                kind = next((k for k, tails in kinds.items() for t in tails if t in name), "conference")
            edition = EDITION.search(name)
            roles = [("object", target)] + ([("agent", area)] if area and _verb != "在" else [])
            out.append(_statement(s, "event", "event", roles, start, e_end, detail=kind, time=when,
                                  edition=_number(edition.group(1)) if edition else None))  # fmt: skip
    return out


def _number(text: str) -> int:
    """第四届 → 4, 第十七届 → 17, 第13 → 13."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (ZH_DIGITS.get(tens, 1) if tens else 1) * 10 + (ZH_DIGITS.get(ones, 0) if ones else 0)
    return ZH_DIGITS.get(text, 0)


def _figures(s: _Sentence, area: str | None, previous_year: int | None) -> list[Statement]:
    out = []
    qualifiers = cues()["qualifier_cues"]
    for start, end, measure in _finditer(cues()["figure_measures"], s.text):
        m = AMOUNT.match(s.text, end) or AMOUNT.match(s.text, end + 1)
        if m is None:
            continue
        c_start, _ = s.clause(start)
        before = s.text[c_start:start]
        qualifier = next((q for q, ws in qualifiers.items() for w in ws if w in before), None)
        part = PART_YEAR.search(s.text[:end]) or PART_YEAR.search(s.text)
        period = None
        if part:
            if part.group(1):
                period = f"{part.group(1)}-{part.group(2)}月"
            elif part.group(3):
                period = f"1-{part.group(3)}月"
            else:
                period = f"{part.group(4)}月"
        time = finest_time(s.text)
        thing = s.between(c_start, start, THINGS | AREAS) or ([area] if area else [])
        if not thing:
            continue
        out.append(_statement(s, "figure", "figure", [("object", thing[0])], c_start, m.end(), detail=measure,
                              value=m.group(1), unit=m.group(2), qualifier=qualifier, period=period, time=time,
                              year_stated=time is not None))  # fmt: skip
    return out


def to_item(st: Statement, curation: Curation) -> dict[str, Any]:
    """A statement as a ``facts:`` item (participants by label), plus its review ``key``
    and ``rule`` when a rule made it: what the review queue lists and accepting appends."""

    def name(ref: str) -> str:
        entity = curation.entities.get(ref)
        return entity.label if entity else ref

    from .curation_facts import DETAIL_FIELD

    item: dict[str, Any] = {"kind": st.kind}
    for role, ref in st.roles:
        item.setdefault(role, []).append(name(ref))
    item = {k: (v[0] if isinstance(v, list) and len(v) == 1 else v) for k, v in item.items()}
    fields = {
        DETAIL_FIELD.get(st.kind, "title"): st.detail,
        "former_name": st.former_name,
        "edition": st.edition,
        "time": st.time,
        "year_stated": None if st.year_stated else "false",
        "period": st.period,
        "amount": st.value,
        "unit": st.unit,
        "qualifier": st.qualifier,
        "quote": st.quote,
        "doc": st.doc_id,
    }
    item.update({k: v for k, v in fields.items() if v is not None})
    if st.rule:
        item["key"] = statement_key(st)
        item["rule"] = st.rule
    return item
