"""Figures read from sentences: an indicator and its value (地区生产总值802.6亿元, 增长7.1%,
分别增长7.8%和5.1%), rule ``relations.figure.v1`` (→ ``qb:Observation``).

A figure is a *target* when its sentence or section says so (力争, 确保, 预期目标, 目标,
…左右, a 工作要点 plan) and an *actual* otherwise (实现, 完成 in a review section). Its
period is a year the sentence names, else the section's year: a report written in 2018
reviews 2017 and sets targets for 2018. Values are kept as written; the build converts
them to base units (亿元 → yuan).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .model import Document, Figure, Mention, Span
from .relations_common import ADMIN, YEAR, _per_lexicon, _section_kind, _section_year

R_FIGURE = "relations.figure.v1"

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
# indicator wording that varies between documents: the shorter form is also matched
ABBREVIATIONS = (("电子商务", "电商"),)
LEAD_VERBS = ("新增", "新培育", "引进", "累计", "整治", "完成", "实现", "新引进", "推动")
UNIT_OF = {"亿": "亿元", "个百分点": "百分点"}


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
