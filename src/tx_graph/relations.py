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

Figures are read by tx_graph.figures (which says when a figure is a target and which
year it is for); what both read lives in tx_graph.relations_common.

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

from .figures import _figures
from .model import Document, Fact, Figure, Mention, Proposal, Span
from .relations_common import ADMIN, YEAR, _per_lexicon, _section_year

__all__ = ["RELATIONS_VERSION", "extract", "parse_amount"]

RELATIONS_VERSION = "relations.v1"
R_PLACE_PREFIX = "relations.place-prefix.v1"
R_SETTLE = "relations.settle.v1"
R_DEVELOPER = "relations.developer.v1"
R_INVEST = "relations.investment.v1"
R_TEMPORAL = "relations.temporal.v1"
R_SECTION_YEAR = "relations.section-year.v1"

CONTAINERS = frozenset({"prefecture-city", "county-city", "district", "town", "subdistrict"})
PLACE_LIKE = ADMIN | {"park", "landmark"}
LOCATED = frozenset({"company", "organisation", "project", "park", "landmark", "government-body", "event"})
DATED = frozenset({"project", "programme", "policy", "event", "park", "company", "organisation"})
SETTLE = re.compile(r"(?:成功)?(?:落户|落地|入驻|进驻|扎根|布局)(?:在|于)?")
LOCATED_AT = re.compile(r"(?:位于|落户在|坐落于)")
# 总投资超亿美元的…: "超亿" without a number is at least one 亿
INVEST = re.compile(r"总投资(?:超|约|近|达)?(\d+(?:\.\d+)?)?(亿|万)?(元|美元)(?:人民币)?(?:以上)?的")


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
