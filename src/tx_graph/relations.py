"""Relations, figures and years read from sentences, each fact naming the rule that made it.

=================================  =========================================================
rule                               what it reads
=================================  =========================================================
``relations.place-prefix.v1``      a place written before a place it contains: 崇福店街塘村,
                                   洲泉镇马鸣村 (→ ``schema:containedInPlace``); a park or
                                   landmark named after its town: 濮院时尚中心
``relations.settle.v1``            X落户/落地/入驻/进驻Y, 位于Y的X (→ ``schema:location``)
``relations.developer.v1``         a project named after a company: 巨石新材料智能制造基地 → 巨石
``relations.investment.v1``        总投资100亿元的X (→ an amount in yuan or dollars)
``relations.temporal.v1``          a thing named in a sentence that names a year
``relations.section-year.v1``      …or in a work report's review (report year − 1) or plan part
``relations.figure.v1``            an indicator and its value: 地区生产总值802.6亿元, 增长7.1%,
                                   分别增长7.8%和5.1% (→ ``qb:Observation``)
=================================  =========================================================

A figure is a *target* when its sentence or section says so (力争, 确保, 预期目标, 目标,
…左右, a 工作要点 plan) and an *actual* otherwise (实现, 完成 in a review section). Its
period is a year the sentence names, else the section's year: a report written in 2018
reviews 2017 and sets targets for 2018. Values are kept as written; the build converts
them to base units (亿元 → yuan).

>>> parse_amount("100", "亿元")
(Decimal('10000000000'), 'CNY')
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise
from typing import Any

from .model import Document, Fact, Figure, Mention, Proposal, Span

__all__ = ["RELATIONS_VERSION", "extract", "parse_amount"]

RELATIONS_VERSION = "relations.v1"
R_PLACE_PREFIX = "relations.place-prefix.v1"
R_SETTLE = "relations.settle.v1"
R_DEVELOPER = "relations.developer.v1"
R_INVEST = "relations.investment.v1"
R_TEMPORAL = "relations.temporal.v1"
R_SECTION_YEAR = "relations.section-year.v1"
R_FIGURE = "relations.figure.v1"

ADMIN = frozenset(
    {"country", "province", "prefecture-city", "county-city", "district", "town", "subdistrict", "village", "community"}
)
CONTAINERS = frozenset({"prefecture-city", "county-city", "district", "town", "subdistrict"})
PLACE_LIKE = ADMIN | {"park", "landmark"}
LOCATED = frozenset({"company", "organisation", "project", "park", "landmark", "government-body", "event"})
DATED = frozenset({"project", "programme", "policy", "event", "park", "company", "organisation"})
YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})年(?!\d)")
SETTLE = re.compile(r"(?:成功)?(?:落户|落地|入驻|进驻|扎根|布局)(?:在|于)?")
LOCATED_AT = re.compile(r"(?:位于|落户在|坐落于)")
# 总投资超亿美元的…: "超亿" without a number is at least one 亿
INVEST = re.compile(r"总投资(?:超|约|近|达)?(\d+(?:\.\d+)?)?(亿|万)?(元|美元)(?:人民币)?(?:以上)?的")
NUMBER_UNIT = re.compile(
    r"(\d+(?:\.\d+)?)(亿美元|万美元|美元|亿元|万元|元|个百分点|百分点|%|万平方米|平方米|万亩|亩|公里|万人|人|万吨|吨|家|个|项|件|座|辆|亿(?!元|美元))"
)
CLAUSE_END = re.compile(r"[,，;；。:：!！?？]")
TARGET_CUES = (
    "力争",
    "确保",
    "预期目标",
    "目标",
    "争取",
    "争创",
    "计划",
    "左右",
    "力求",
    "将",
    "要",
    "拟",
    "今年",
    "明年",
    "今后",
)
ACTUAL_CUES = ("实现", "完成", "达到", "累计", "突破", "预计")
REVIEW_HEADINGS = ("回顾", "过去", "成绩", "成效", "取得")
PLAN_HEADINGS = ("目标", "任务", "工作重点", "主要工作", "要点", "计划", "预期", "今后", "总体要求")
# indicator wording that varies between documents: the shorter form is also matched
ABBREVIATIONS = (("电子商务", "电商"),)
LEAD_VERBS = ("新增", "新培育", "引进", "累计", "整治", "完成", "实现", "新引进", "推动")
UNIT_OF = {"亿": "亿元", "个百分点": "百分点"}


def parse_amount(value: str, unit: str) -> tuple[Decimal, str]:
    """A money amount in base units: (yuan or dollars, currency)."""
    factor = {
        "亿元": Decimal(10) ** 8,
        "万元": Decimal(10) ** 4,
        "元": Decimal(1),
        "亿美元": Decimal(10) ** 8,
        "万美元": Decimal(10) ** 4,
        "美元": Decimal(1),
    }[unit]
    return Decimal(value) * factor, "USD" if "美元" in unit else "CNY"


@dataclass(frozen=True)
class _Item:
    span: Span
    ref: str  # entity id or candidate:<label>
    type: str
    surface: str


def _items(mentions: Sequence[Mention], proposals: Sequence[Proposal], lexicon: Any, text: str) -> list[_Item]:
    items = [
        _Item(m.span, m.target, lexicon.types.get(m.target, "term"), text[m.span.start : m.span.end])
        for m in mentions
        if not m.target.startswith("term:")
    ]
    items += [_Item(p.span, f"candidate:{p.label}", p.type, text[p.span.start : p.span.end]) for p in proposals]
    items.sort(key=lambda i: (i.span.start, -i.span.end))
    return items


def extract(
    document: Document, mentions: Sequence[Mention], proposals: Sequence[Proposal], lexicon: Any
) -> tuple[list[Fact], list[Figure]]:
    # every rule reads the normalised text (simplified, half-width, same length): a report
    # in traditional characters gives the same facts at the same offsets
    document = _normalised(document)
    items = _items(mentions, proposals, lexicon, document.text)
    facts: list[Fact] = []
    facts += _place_prefix(document, items, proposals, lexicon)
    facts += _settle(document, items)
    facts += _developer(document, items, lexicon)
    facts += _investment(document, items)
    facts += _temporal(document, items)
    figures = _figures(document, mentions, lexicon)
    return _dedupe(facts), figures


def _normalised(doc: Document) -> Document:
    from dataclasses import replace

    from .text import normalise

    text = normalise(doc.text)
    if text == doc.text:
        return doc
    from .ingest import KIND_RULES

    title = normalise(doc.title)
    sections = tuple(replace(s, heading=normalise(s.heading)) for s in doc.sections)
    kind = next((k for k, rule in KIND_RULES if rule.search(title)), doc.kind)
    return replace(doc, text=text, title=title, sections=sections, kind=kind)


def _dedupe(facts: Iterable[Fact]) -> list[Fact]:
    seen: set[tuple[str, str, str, str, int]] = set()
    out = []
    for f in facts:
        key = (f.subject, f.predicate, f.object, f.doc_id, f.sentence)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out




def _fact(
    doc: Document,
    span: Span,
    subject: str,
    predicate: str,
    obj: str,
    rule: str,
    value: str | None = None,
    unit: str | None = None,
) -> Fact:
    return Fact(doc.id, doc.sentence_index(span.start), span, subject, predicate, obj, rule, value, unit)


# ---------------------------------------------------------------- places


_MEMO: dict[tuple[int, str], tuple[Any, Any]] = {}


def _per_lexicon(lexicon: Any, what: str, make: Any) -> Any:
    """What a rule derives from the whole lexicon, made once per lexicon rather than once
    per document (the lexicon is frozen; it is kept alongside so its id is not reused)."""
    key = (id(lexicon), what)
    hit = _MEMO.get(key)
    if hit is not None and hit[0] is lexicon:
        return hit[1]
    if len(_MEMO) > 64:
        _MEMO.clear()
    value = make()
    _MEMO[key] = (lexicon, value)
    return value


def _names_by_type(lexicon: Any) -> tuple[dict[str, str], frozenset[str], dict[str, str]]:
    """container names → target, other names, company names → target."""
    containers = {n: t for n, t in lexicon.names.items() if lexicon.types.get(t) in CONTAINERS}
    others = frozenset(n for n, t in lexicon.names.items() if lexicon.types.get(t) not in CONTAINERS)
    companies = {n: t for n, t in lexicon.names.items() if lexicon.types.get(t) == "company"}
    return containers, others, companies


def _place_prefix(doc: Document, items: list[_Item], proposals: Sequence[Proposal], lexicon: Any) -> list[Fact]:
    facts: list[Fact] = []
    place_names, other_names, _ = _per_lexicon(lexicon, "names", lambda: _names_by_type(lexicon))
    # a curated place whose surface here starts with its container's name (崇福店街塘村);
    # the longest such name first, as prefixes of the surface (not a scan of every name)
    for item in items:
        if item.ref.startswith("candidate:") or item.type not in PLACE_LIKE:
            continue
        surface = item.surface
        for cut in range(len(surface) - 2, 0, -1):
            target = place_names.get(surface[:cut])
            if target is None or target == item.ref:
                continue
            if any(surface[:longer] in other_names for longer in range(cut + 1, len(surface))):
                break  # 乌镇大道科创集聚区 starts with the road 乌镇大道, not with the town 乌镇
            facts.append(_fact(doc, item.span, item.ref, "containedInPlace", target, R_PLACE_PREFIX))
            break
    # a proposal whose rule found its place in front of it (parent)
    for p in proposals:
        if p.parent and lexicon.types.get(p.parent) in CONTAINERS | {"park"}:
            predicate = "containedInPlace" if p.type in PLACE_LIKE else "location"
            facts.append(_fact(doc, p.span, f"candidate:{p.label}", predicate, p.parent, R_PLACE_PREFIX))
    # a container directly followed by a place (洲泉镇 + 马鸣村 as two names)
    for a, b in pairwise(items):
        if (
            a.span.end == b.span.start
            and a.type in CONTAINERS
            and b.type in ("village", "community")
            and a.ref != b.ref
        ):
            facts.append(_fact(doc, Span(a.span.start, b.span.end), b.ref, "containedInPlace", a.ref, R_PLACE_PREFIX))
    return facts


def _settle(doc: Document, items: list[_Item]) -> list[Fact]:
    """X、Y等项目成功落户濮院 → X, Y located in 濮院; 位于开发区的外贸转型示范基地."""
    facts: list[Fact] = []
    text = doc.text
    for m in SETTLE.finditer(text):
        place = next((i for i in items if i.span.start >= m.end() and i.span.start - m.end() <= 1), None)
        if place is None or place.type not in PLACE_LIKE:
            continue
        clause_start = max(text.rfind(ch, 0, m.start()) for ch in "。；;，,") + 1
        for item in items:
            if clause_start <= item.span.start and item.span.end <= m.start() and item.type in LOCATED:
                facts.append(
                    _fact(doc, Span(item.span.start, place.span.end), item.ref, "location", place.ref, R_SETTLE)
                )
    for m in LOCATED_AT.finditer(text):
        place = next((i for i in items if i.span.start == m.end()), None)
        if place is None or place.type not in PLACE_LIKE:
            continue
        if text.startswith("的", place.span.end):
            thing = next((i for i in items if i.span.start == place.span.end + 1), None)
            if thing is not None and thing.type in LOCATED | {"park", "landmark"}:
                predicate = "containedInPlace" if thing.type in PLACE_LIKE else "location"
                facts.append(_fact(doc, Span(m.start(), thing.span.end), thing.ref, predicate, place.ref, R_SETTLE))
    return facts


def _developer(doc: Document, items: list[_Item], lexicon: Any) -> list[Fact]:
    """A project or park whose name starts with a company's name is that company's."""
    companies = _per_lexicon(lexicon, "names", lambda: _names_by_type(lexicon))[2]
    facts: list[Fact] = []
    for item in items:
        if item.type not in ("project", "park"):
            continue
        for cut in range(len(item.surface) - 2, 0, -1):  # the longest company name it starts with
            target = companies.get(item.surface[:cut])
            if target is not None:
                facts.append(_fact(doc, item.span, item.ref, "developer", target, R_DEVELOPER))
                break
    return facts


def _investment(doc: Document, items: list[_Item]) -> list[Fact]:
    facts: list[Fact] = []
    for m in INVEST.finditer(doc.text):
        thing = next((i for i in items if i.span.start == m.end()), None)
        if thing is None or thing.type not in ("project", "park", "programme"):
            continue
        if m.group(1) is None and m.group(2) is None:
            continue
        unit = (m.group(2) or "") + m.group(3)
        amount, currency = parse_amount(m.group(1) or "1", unit)
        facts.append(
            _fact(
                doc,
                Span(m.start(), thing.span.end),
                thing.ref,
                "investment",
                f"amount:{currency}",
                R_INVEST,
                value=str(amount),
                unit=currency,
            )
        )
    return facts


def _temporal(doc: Document, items: list[_Item]) -> list[Fact]:
    facts: list[Fact] = []
    for item in items:
        if item.type not in DATED:
            continue
        sent = doc.sentence_at(item.span.start)
        sentence = doc.text[sent.start : sent.end]
        years = {int(y) for y in YEAR.findall(sentence)}
        # a year inside the name itself (2017中国家纺大会) dates it too
        years |= {int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", item.surface)}
        if years:
            for year in sorted(years):
                if 1990 <= year <= 2100:
                    facts.append(_fact(doc, sent, item.ref, "temporal", f"year:{year}", R_TEMPORAL))
            continue
        section_year = _section_year(doc, item.span.start)
        if section_year is not None and item.type in ("project", "programme", "event", "policy"):
            facts.append(_fact(doc, sent, item.ref, "temporal", f"year:{section_year}", R_SECTION_YEAR))
    return facts


def _section(doc: Document, offset: int) -> tuple[str, ...]:
    """Headings of the sections around ``offset``, outermost first."""
    return tuple(s.heading for s in doc.sections if s.span.start <= offset < s.span.end)


def _section_kind(doc: Document, offset: int) -> str | None:
    """review | plan | None, from the headings around ``offset``."""
    for heading in reversed(_section(doc, offset)):
        if any(h in heading for h in REVIEW_HEADINGS):
            return "review"
        if any(h in heading for h in PLAN_HEADINGS):
            return "plan"
    return None


def _section_year(doc: Document, offset: int) -> int | None:
    if doc.year is None or doc.kind == "news":
        return None
    for heading in reversed(_section(doc, offset)):
        m = YEAR.search(heading)
        if m:
            return int(m.group(1))
    kind = _section_kind(doc, offset)
    if kind == "review":
        return doc.year - 1
    if kind == "plan" or doc.kind == "work-plan":
        return doc.year
    return None


# ---------------------------------------------------------------- figures


@dataclass(frozen=True)
class _Indicator:
    id: str
    label: str
    growth: str | None  # id of the <label>增长 indicator
    average: str | None  # id of the <label>年均增长 indicator


def _indicator_keys(lexicon: Any) -> dict[str, list[_Indicator]]:
    """Every way the corpus may write a curated indicator → the indicators it may be."""
    by_label = {_clean(label): iid for label, iid in lexicon.indicators.items()}
    levels = [label for label in by_label if not label.endswith("增长")]

    def rate(base: str, tail: str) -> str | None:
        # the growth indicator of a level: <label>增长, or one curated for a shorter form
        # of the label (市场成交额增长 for 羊毛衫市场成交额)
        exact = by_label.get(base + tail)
        if exact:
            return exact
        for label, iid in by_label.items():
            if label.endswith(tail) and tail == "增长" and label.endswith("年均增长"):
                continue
            stem = label[: -len(tail)] if label.endswith(tail) else None
            if stem and len(stem) >= 2 and (base.endswith(stem) or stem.endswith(base)):
                return iid
        return None

    keys: dict[str, list[_Indicator]] = {}
    for label in levels:
        ind = _Indicator(by_label[label], label, rate(label, "增长"), rate(label, "年均增长"))
        for key in _variants(label):
            keys.setdefault(key, []).append(ind)
    for label in by_label:
        for tail in ("年均增长", "增长"):
            if label.endswith(tail):
                base = label[: -len(tail)]
                level = next((lv for lv in levels if lv.endswith(base)), None)
                ind = _Indicator(
                    by_label[level] if level else "", level or base, rate(base, "增长"), rate(base, "年均增长")
                )
                for key in _variants(base):
                    if not any(i.growth == ind.growth and i.average == ind.average for i in keys.get(key, [])):
                        keys.setdefault(key, []).append(ind)
                break
    return {k: v for k, v in keys.items() if len(k) >= 2}


def _clean(label: str) -> str:
    from .text import fold

    return re.sub(r"\s", "", fold(label))


def _pick(options: list[_Indicator], key: str, before: str) -> _Indicator:
    """The indicator a matched phrase is: the one written out in full, or the cumulative
    one after 累计."""
    if len(options) == 1:
        return options[0]
    if "累计" in before:
        cumulative = [o for o in options if o.label.startswith("累计")]
        if cumulative:
            return cumulative[0]
    exact = [o for o in options if o.label == key]
    if exact:
        return exact[0]
    plain = [o for o in options if not o.label.startswith("累计")]
    return (plain or options)[0]


def _variants(label: str) -> set[str]:
    forms = {label, re.sub(r"\(.*?\)|（.*?）", "", label)}
    for lead in LEAD_VERBS:
        forms |= {f[len(lead) :] for f in list(forms) if f.startswith(lead) and len(f) > len(lead) + 1}
    for long, short in ABBREVIATIONS:
        forms |= {f.replace(long, short) for f in list(forms) if long in f}
    return {f for f in forms if f}


def _figures(doc: Document, mentions: Sequence[Mention], lexicon: Any) -> list[Figure]:
    keys, automaton = _per_lexicon(lexicon, "indicators", lambda: _indicator_automaton(lexicon))
    if not keys:
        return []
    text = doc.text
    area = _document_area(doc, mentions, lexicon)
    figures: list[Figure] = []
    for sent_index, sent in enumerate(doc.sentences):
        sentence = text[sent.start : sent.end]
        hits = []
        for end_index, key in automaton.iter_long(_clean_same_length(sentence)):
            start = end_index - len(key) + 1
            if start > 0 and (sentence[start - 1].isdigit() or sentence[start - 1] in "亿万"):
                continue  # 5亿元企业 is not 亿元企业
            if sentence[max(0, start - 3) : start].endswith(("服务业", "限上")):
                continue  # 服务业规上企业 is a narrower indicator than 规上企业
            hits.append((start + sent.start, end_index + 1 + sent.start, _pick(keys[key], key, sentence[:start])))
        if not hits:
            continue
        kind, period = _kind_and_period(doc, sent, sentence)
        if period is None or area is None:
            continue
        figures += _sentence_figures(doc, sent_index, sent, hits, kind, period, area)
    return figures


def _indicator_automaton(lexicon: Any) -> tuple[dict[str, list[_Indicator]], Any]:
    import ahocorasick

    keys = _indicator_keys(lexicon)
    automaton = ahocorasick.Automaton()
    for key in keys:
        automaton.add_word(key, key)
    if keys:
        automaton.make_automaton()
    return keys, automaton


def _clean_same_length(text: str) -> str:
    # quotes around words inside indicator phrases (整治“低小散”企业) are kept: they are
    # written that way in curation too; only the width is folded
    from .text import fold

    return fold(text)


def _document_area(doc: Document, mentions: Sequence[Mention], lexicon: Any) -> str | None:
    """The place a document's figures are about: its publisher's place, else the county
    or town it names most."""
    publisher = (doc.publisher or "").replace("人民政府", "")
    if publisher:
        target = lexicon.lookup(publisher)
        if target and lexicon.types.get(target) in ADMIN:
            return str(target)
    counts: dict[str, int] = {}
    for m in mentions:
        if lexicon.types.get(m.target) in ("county-city", "town", "subdistrict"):
            counts[m.target] = counts.get(m.target, 0) + 1
    return max(counts, key=lambda t: counts[t]) if counts else None


STRONG_TARGET_CUES = ("预期目标", "力争", "确保", "争取", "左右", "目标是", "目标为")


def _kind_and_period(doc: Document, sent: Span, sentence: str) -> tuple[str, int | None]:
    section = _section_kind(doc, sent.start)
    if any(c in sentence for c in STRONG_TARGET_CUES) or doc.kind == "work-plan" or section == "plan":
        kind = "target"
    elif section == "review":
        kind = "actual"
    else:
        target_cue = any(c in sentence for c in TARGET_CUES)
        kind = "target" if target_cue and not any(c in sentence for c in ("实现", "完成", "累计", "截至")) else "actual"
    years = [int(y) for y in YEAR.findall(sentence)]
    period: int | None
    if years:
        period = years[0]
    elif kind == "target" and doc.year is not None and doc.kind != "news":
        # a report sets its targets for the year it is written in (今年, 今后五年 alike)
        section_year = _section_year(doc, sent.start)
        period = section_year if section_year is not None and section_year >= doc.year else doc.year
    else:
        period = _section_year(doc, sent.start)
        if period is None and doc.year is not None:
            period = doc.year - 1 if kind == "actual" and doc.kind == "work-report" else doc.year
    return kind, period


def _sentence_figures(
    doc: Document,
    sent_index: int,
    sent: Span,
    hits: list[tuple[int, int, _Indicator]],
    kind: str,
    period: int,
    area: str,
) -> list[Figure]:
    text = doc.text
    figures: list[Figure] = []
    pending: list[tuple[int, _Indicator]] = []  # levels waiting for 分别增长a和b
    for n, (start, end, ind) in enumerate(hits):
        limit = hits[n + 1][0] if n + 1 < len(hits) else sent.end
        clause_end = _clause_end(text, end, sent.end)
        window = text[end : min(limit, clause_end + 40, sent.end)]
        # level: the first number+unit right after the indicator (达/为/突破… between)
        m = NUMBER_UNIT.search(window)
        gap = window[: m.start()] if m else ""
        level_ok = (
            m is not None
            and len(gap) <= 6
            and not CLAUSE_END.search(gap)
            and not any(w in gap for w in ("增长", "下降", "分别"))
        )
        if m is not None and text.startswith(("以下", "以内"), end + m.end()):
            level_ok = False  # a threshold (出口200万美元以下的企业), not a figure
        share = ind.label.endswith(("占比", "率", "比重", "比例"))
        pos = end
        if level_ok and m is not None and ind.id and (share or m.group(2) not in ("%", "百分点", "个百分点")):
            unit = UNIT_OF.get(m.group(2), m.group(2))
            figures.append(
                _figure(doc, sent_index, start, end + m.end(), ind.id, ind.label, area, period, m.group(1), unit, kind)
            )
            pending.append((start, ind))
            pos = end + m.end()
        # growth: 增长N% / 同比增长N% / 年均增长N% after the indicator (or its level)
        rest = text[pos : min(limit, sent.end)]
        g = re.match(r"[,，、]?(?:按可比价计算[,，])?(?:可比价)?(?:同比)?(年均)?增长(\d+(?:\.\d+)?)%", rest)
        if g is None and not level_ok:
            g = re.match(r"(?:同比)?(年均)?增长(\d+(?:\.\d+)?)%", text[end : min(limit, sent.end)].lstrip(",，"))
            if g is not None:
                pos = end + (
                    len(text[end : min(limit, sent.end)]) - len(text[end : min(limit, sent.end)].lstrip(",，"))
                )
        if g is not None:
            gid = ind.average if g.group(1) else ind.growth
            if gid:
                figures.append(
                    _figure(
                        doc,
                        sent_index,
                        start,
                        pos + g.end(),
                        gid,
                        ind.label + ("年均增长" if g.group(1) else "增长"),
                        area,
                        period,
                        g.group(2),
                        "%",
                        kind,
                    )
                )
                pending = [p for p in pending if p[1] is not ind]
    # X、Y分别新增a家和b家: levels of indicators listed together, in order
    sentence = text[sent.start : sent.end]
    for d in re.finditer(
        r"分别(?:新增|达到|达|完成|为|实现)(\d+(?:\.\d+)?)([^\d和、,，;；。]{0,3})(?:和|、)(\d+(?:\.\d+)?)([^\d,，;；。]{1,3})",
        sentence,
    ):
        at = sent.start + d.start()
        listed = [h for h in hits if h[1] <= at and h[2].id]
        if len(listed) < 2 or not re.fullmatch(r"[、和与及\s]*", text[listed[-2][1] : listed[-1][0]]):
            continue
        unit_m = NUMBER_UNIT.match(d.group(3) + d.group(4))
        if unit_m is None:
            continue
        unit = UNIT_OF.get(unit_m.group(2), unit_m.group(2))
        wrong = {(f.indicator, f.value) for f in figures if f.span.start >= listed[-2][0]}
        figures = [f for f in figures if (f.indicator, f.value) not in wrong or f.span.start < listed[-2][0]]
        for (start, _end, ind), value in zip(listed[-2:], (d.group(1), d.group(3)), strict=True):
            figures.append(
                _figure(
                    doc, sent_index, start, sent.start + d.end(), ind.id, ind.label, area, period, value, unit, kind
                )
            )
    # 分别增长a和b / 分别增长a、b: growth rates of the levels just listed, in order
    for d in re.finditer(r"分别(年均)?增长(\d+(?:\.\d+)?)%?(?:和|、)(\d+(?:\.\d+)?)%", sentence):
        before = [p for p in pending if p[0] < sent.start + d.start()]
        if len(before) < 2:
            continue
        values = [d.group(2), d.group(3)]
        for (_, ind), value in zip(before[-2:], values, strict=True):
            gid = ind.average if d.group(1) else ind.growth
            if gid:
                figures.append(
                    _figure(
                        doc,
                        sent_index,
                        sent.start + d.start(),
                        sent.start + d.end(),
                        gid,
                        ind.label + "增长",
                        area,
                        period,
                        value,
                        "%",
                        kind,
                    )
                )
    return figures


def _clause_end(text: str, start: int, limit: int) -> int:
    m = CLAUSE_END.search(text, start, limit)
    return m.start() if m else limit


def _figure(
    doc: Document,
    sent_index: int,
    start: int,
    end: int,
    indicator: str,
    label: str,
    area: str,
    period: int,
    value: str,
    unit: str,
    kind: str,
) -> Figure:
    if start > 0 and doc.text[start - 1] in '“"' and "”" in doc.text[start:end]:
        start -= 1  # 完成“个转企”80家: the quote keeps its opening mark
    return Figure(doc.id, sent_index, Span(start, end), indicator, label, area, period, value, unit, kind, R_FIGURE)
