"""Pages across the graph: plan vs actual per place, the timeline and the map.

* ``plan/<place>.html``: one row per indicator (indicators are curated, so one id is one
  row whatever the text calls it), one column per year; a cell holds the target, the
  actual, the gap between them when both are in one unit, the qualifier the graph states
  (``tx:qualifier``) and the curator's note, and each figure's source sentence; a year
  with no figure says "not stated".
* ``timeline.html``: programmes, projects, events and figures by year (and statements by
  month where their time has one), each with the sentence or curation entry it rests on.
* ``map.html``: the towns and subdistricts with curated coordinates (``schema:geo``, town
  seats), drawn as an SVG of the areas nearest each seat, coloured by a measure the
  reader picks. No tiles, nothing fetched.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from .base import (
    KIND_NAMES,
    UNIT_NAMES,
    SiteBase,
    _number,
    esc,
    js_data,
    page_path,
    plural,
)
from .data import HEAD_TYPES, IN_YEAR, Figure
from .facts import Source
from .style import TYPE_ORDER, TYPE_STYLE

__all__ = ["ViewPages", "plan_path"]

TIMELINE_TYPES = ("programme", "policy", "project", "event", "event-series", "park")
TIMELINE_PER_YEAR = 400  # items listed under one year; the year page has the rest
MAP_MEASURES = {
    "projects": "projects 项目",
    "programmes": "programmes and policies 计划/政策",
    "figures": "figures 指标数据",
    "mentions": "mentions 提及",
}


def plan_path(node_id: str) -> str:
    """``place/puyuan`` → ``plan/place-puyuan.html``."""
    return "plan/" + page_path(node_id).rsplit("/", 1)[-1]


class ViewPages(SiteBase):
    # ------------------------------------------------------------ plan vs actual
    def plan_areas(self) -> list[str]:
        """Places with at least one figure (each gets a plan-vs-actual page)."""
        return sorted({f.area for f in self.data.figures if f.area in self.data.nodes})

    def plan_page(self, area: str) -> str:
        d = self.data
        root = "../"
        node = d.nodes[area]
        figures = [f for f in self.figures_of.get(area, []) if f.area == area]
        years = sorted({f.year for f in figures})
        by_cell: dict[tuple[str, int], list[Figure]] = defaultdict(list)
        for f in figures:
            by_cell[(f.indicator, f.year)].append(f)
        indicators = sorted({f.indicator for f in figures}, key=lambda k: d.nodes[k].label if k in d.nodes else k)
        head = "".join(f'<th><a href="{root}year/{y}.html">{y}</a></th>' for y in years)
        rows = []
        for ind in indicators:
            cells = "".join(self._plan_cell(by_cell.get((ind, y), []), root) for y in years)
            label = self.link(ind, root, badge=False)
            rows.append(f'<tr data-indicator="{esc(ind)}"><th class="ind">{label}</th>{cells}</tr>')
        stated = sum(1 for ind in indicators for y in years if (ind, y) in by_cell)
        body = f"""
<h1>Plan vs actual 目标与实际 · {self.link(area, root, badge=False)}</h1>
<p class="type">{plural(len(indicators), "indicator")} × {plural(len(years), "year")}: {stated} of
{len(indicators) * len(years)} cells have a figure; the rest are marked <i>not stated</i>.
Targets (目标) and actuals (实际) of one year sit in one cell with the gap between them;
each figure opens its source sentence.</p>
<div class="scroll"><table class="data plan"><thead><tr><th>indicator 指标</th>{head}</tr></thead>
<tbody>{"".join(rows)}</tbody></table></div>
"""
        return self.page(f"Plan vs actual · {node.label}", root, body, kind="plan")

    def _plan_cell(self, figures: list[Figure], root: str) -> str:
        if not figures:
            return '<td class="none">not stated</td>'
        parts = []
        by_kind: dict[str, list[Figure]] = defaultdict(list)
        for f in sorted(figures, key=lambda f: (f.kind != "target", f.doc, f.start)):
            by_kind[f.kind].append(f)
        for kind in ("target", "actual"):
            for f in by_kind.get(kind, []):
                extra = " · ".join(x for x in (f.qualifier, f.note) if x)
                source = (
                    self.source_html(Source(f.doc, *self.data.docs[f.doc].sentence_at(f.start)), root)
                    if f.doc in self.data.docs and f.start >= 0
                    else self.source_html(Source(curated=f.curated or "?"), root)
                )
                parts.append(
                    f'<div class="fig-{esc(kind)}"><span class="kind {esc(kind)}">{KIND_NAMES.get(kind, esc(kind))}'
                    f"</span> <b>{esc(f.stated or _number(f.value))}</b>"
                    f"{f' <small class=qual>{esc(extra)}</small>' if extra else ''}"
                    f'<details class="cite"><summary>source</summary>{source}</details></div>'
                )
        for kind in ("target", "actual"):
            if kind not in by_kind:
                parts.append(f'<div class="none">{KIND_NAMES[kind]}: not stated</div>')
        targets, actuals = by_kind.get("target", []), by_kind.get("actual", [])
        if targets and actuals and targets[0].unit == actuals[0].unit:
            gap = actuals[0].value - targets[0].value
            unit = "百分点" if targets[0].unit == "percent" else UNIT_NAMES.get(targets[0].unit, targets[0].unit)
            sign = "+" if gap > 0 else ""
            cls = "met" if gap >= 0 else "missed"
            parts.append(f'<div class="gap {cls}">gap 差 {sign}{esc(_number(gap))} {esc(unit)}</div>')
        return f'<td class="cell">{"".join(parts)}</td>'

    # ------------------------------------------------------------ timeline
    def timeline_page(self) -> str:
        d = self.data
        root = ""
        items: dict[int, list[tuple[str, str, str, str]]] = defaultdict(list)  # year → (month, kind, html, type)
        for e in d.edges:
            if e.relation != IN_YEAR or e.source not in d.nodes:
                continue
            node = d.nodes[e.source]
            year = d.nodes[e.target].year if e.target in d.nodes else None
            if not year or node.type not in TIMELINE_TYPES:
                continue
            sources = self.sources_of(e.source, e.target)
            cite = self.source_html(sources[0], root) if sources else ""
            entry = f"{self.link(e.source, root, badge=False)}<div class='cite-line'>{cite}</div>"
            items[year].append(("", node.type, entry, node.type))
        for f in d.figures:
            if f.area not in d.nodes or f.indicator not in d.nodes:
                continue
            cite = (
                self.source_html(Source(f.doc, *d.docs[f.doc].sentence_at(f.start)), root)
                if f.doc in d.docs and f.start >= 0
                else self.source_html(Source(curated=f.curated or "?"), root)
            )
            what = (
                f"{self.link(f.area, root, badge=False)} {self.link(f.indicator, root, badge=False)} "
                f'<span class="kind {esc(f.kind)}">{KIND_NAMES.get(f.kind, esc(f.kind))}</span> <b>{esc(f.stated)}</b>'
            )
            items[f.year].append(("", "figure", f"{what}<div class='cite-line'>{cite}</div>", "figure"))
        for st in d.statements:
            if not st.year:
                continue
            month = st.time[5:7] if len(st.time) >= 7 else ""
            who = "、".join(self.link(p, root, badge=False) for _, p in st.participants if p in d.nodes)
            items[st.year].append(
                (
                    month,
                    "fact",
                    f"{esc(st.label)} <small>{who}</small><div class='cite-line'>"
                    f"{self.source_html(st.source, root)}</div>",
                    "fact",
                )
            )
        for doc in d.docs.values():
            if doc.year:
                month = doc.issued[5:7] if len(doc.issued) >= 7 else ""
                items[doc.year].append(
                    (month, "document", f"{self.link(doc.id, root)} <small>{esc(doc.issued)}</small>", "document")
                )
        kinds = sorted({k for v in items.values() for _, k, _, _ in v}, key=_kind_rank)
        blocks = []
        for year in sorted(items):
            rows = sorted(items[year], key=lambda x: (x[0] or "99", _kind_rank(x[1])))
            shown = rows[:TIMELINE_PER_YEAR]
            lis = "".join(
                f'<li class="tl-item" data-kind="{esc(k)}">'
                f'<span class="when">{esc(f"{year}-{m}" if m else "")}</span>'
                f'<span class="what">{self._kind_badge(t)}</span> '
                f"{html}</li>"
                for m, k, html, t in shown
            )
            more = (
                f'<li class="muted">{len(rows) - len(shown)} more on <a href="year/{year}.html">{year}</a></li>'
                if len(rows) > len(shown)
                else ""
            )
            blocks.append(
                f'<section class="tl-year" data-year="{year}"><h2><a href="year/{year}.html">{year}</a> '
                f'<small>{plural(len(rows), "item")}</small></h2><ol class="tl">{lis}{more}</ol></section>'
            )
        years = "".join(f'<option value="{y}">{y}</option>' for y in sorted(items))
        boxes = "".join(
            f'<label class="lg"><input type="checkbox" data-kind="{esc(k)}" checked> {esc(k)}</label>' for k in kinds
        )
        body = f"""
<h1>Timeline 时间线</h1>
<p class="type">Programmes, projects, events, figures{", facts" if d.statements else ""} and documents by year
(and month where the source gives one), each with the sentence or curation entry it rests on.</p>
<p class="filters"><label>year 年份 <select class="year-filter" data-target="section.tl-year">
<option value="">all</option>{years}</select></label> {boxes}</p>
{"".join(blocks) or '<p class="muted">Nothing in the graph is dated.</p>'}
"""
        return self.page("Timeline", root, body, kind="timeline")

    def _kind_badge(self, kind: str) -> str:
        return self.badge(kind) if kind in TYPE_STYLE else f'<span class="badge">{esc(kind)}</span>'

    # ------------------------------------------------------------ map
    def map_page(self) -> str:
        d = self.data
        root = ""
        places = [k for k in sorted(d.geo) if k in d.nodes and d.nodes[k].type in HEAD_TYPES]
        measures = self._map_measures(places)
        body_parts = [
            "<h1>Map 地图</h1>",
            '<p class="type">The towns and subdistricts of 桐乡市 at their curated coordinates (town seats, '
            "<code>schema:geo</code>). Each area is the land nearest its seat — a sketch, not an official "
            "boundary. Click an area for its page.</p>",
        ]
        if not places:
            body_parts.append('<p class="muted">No place in the graph has coordinates yet.</p>')
            return self.page("Map", root, "".join(body_parts), kind="map")
        options = "".join(f'<option value="{k}">{esc(v)}</option>' for k, v in MAP_MEASURES.items())
        body_parts.append(
            f'<p class="filters"><label>colour by <select id="map-measure">{options}</select></label> '
            '<span id="map-legend" class="muted small"></span></p>'
        )
        body_parts.append(self._map_svg(places))
        rows = "".join(
            f'<tr><td>{self.link(k, root)}</td><td class="num">{d.geo[k][0]:.4f}, {d.geo[k][1]:.4f}</td>'
            f"<td>{esc(d.geo[k][2])}</td>"
            + "".join(f'<td class="num">{measures[m][k]}</td>' for m in MAP_MEASURES)
            + "</tr>"
            for k in places
        )
        heads = "".join(f"<th>{esc(m)}</th>" for m in MAP_MEASURES)
        body_parts.append(
            f'<table class="data"><thead><tr><th>place</th><th>lat, long</th><th>point</th>{heads}</tr></thead>'
            f"<tbody>{rows}</tbody></table>"
        )
        script = f"TXX.map({js_data({'measures': measures, 'names': MAP_MEASURES})});"
        return self.page("Map", root, "".join(body_parts), kind="map", script=script)

    def _map_measures(self, places: list[str]) -> dict[str, dict[str, int]]:
        d = self.data
        out: dict[str, dict[str, int]] = {m: dict.fromkeys(places, 0) for m in MAP_MEASURES}
        inside: dict[str, set[str]] = {p: {p, *(k for k, _ in d.descendants(p))} for p in places}
        for node, towns in d.towns.items():
            kind = d.nodes[node].type
            for t in towns:
                if t not in out["projects"] or t == node:
                    continue
                if kind == "project":
                    out["projects"][t] += 1
                elif kind in ("programme", "policy"):
                    out["programmes"][t] += 1
        for p in places:
            out["figures"][p] = sum(1 for f in d.figures if f.area in inside[p])
            out["mentions"][p] = sum(d.nodes[k].mentions for k in inside[p] if k in d.nodes)
        return out

    def _map_svg(self, places: list[str]) -> str:
        d = self.data
        lat0 = sum(d.geo[k][0] for k in places) / len(places)
        scale = math.cos(math.radians(lat0))
        raw = {k: (d.geo[k][1] * scale, -d.geo[k][0]) for k in places}
        xs = [p[0] for p in raw.values()]
        ys = [p[1] for p in raw.values()]
        w, h, pad = 760.0, 560.0, 70.0
        span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-6)
        k = min((w - 2 * pad) / max(max(xs) - min(xs), span * 0.3), (h - 2 * pad) / max(max(ys) - min(ys), span * 0.3))
        pts = {n: (pad + (x - min(xs)) * k, pad + (y - min(ys)) * k) for n, (x, y) in raw.items()}
        hull = _expand(_convex_hull(list(pts.values())), 45.0) if len(pts) >= 3 else _box(pts.values(), 60.0)
        cells = []
        labels = []
        for n in places:
            cell = hull
            for m in places:
                if m != n:
                    cell = _clip(cell, pts[n], pts[m])
            x, y = pts[n]
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in cell)
            node = d.nodes[n]
            cells.append(
                f'<a href="{page_path(n)}" data-place="{esc(n)}"><polygon class="area" points="{path}">'
                f"<title>{esc(node.label)}</title></polygon></a>"
            )
            labels.append(
                f'<a href="{page_path(n)}"><circle class="seat" cx="{x:.1f}" cy="{y:.1f}" r="4"/>'
                f'<text class="maplabel" x="{x:.1f}" y="{y - 9:.1f}">{esc(node.label)}</text>'
                f'<text class="mapvalue" data-place="{esc(n)}" x="{x:.1f}" y="{y + 18:.1f}"></text></a>'
            )
        return (
            f'<svg id="map" class="map" viewBox="0 0 {w:.0f} {h:.0f}" role="img" aria-label="map of 桐乡市">'
            f"{''.join(cells)}{''.join(labels)}</svg>"
        )


def _kind_rank(kind: str) -> int:
    extra = ("figure", "fact", "document")
    if kind in TYPE_ORDER:
        return TYPE_ORDER.index(kind)
    return len(TYPE_ORDER) + (extra.index(kind) if kind in extra else len(extra))


Point = tuple[float, float]


def _convex_hull(points: list[Point]) -> list[Point]:
    """Andrew's monotone chain.

    >>> _convex_hull([(0, 0), (2, 0), (1, 1), (2, 2), (0, 2)])
    [(0, 0), (2, 0), (2, 2), (0, 2)]
    """
    pts = sorted(set(points))
    if len(pts) < 3:
        return pts

    def cross(o: Point, a: Point, b: Point) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[Point] = []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list[Point] = []
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def _expand(poly: list[Point], by: float) -> list[Point]:
    """Push each corner of a convex polygon ``by`` pixels away from its centre (a margin
    so the outer seats are not on the edge), with the corners rounded by extra points."""
    cx = sum(p[0] for p in poly) / len(poly)
    cy = sum(p[1] for p in poly) / len(poly)
    out = []
    for x, y in poly:
        dist = math.hypot(x - cx, y - cy) or 1.0
        base = math.atan2(y - cy, x - cx)
        for da in (-0.35, 0.0, 0.35):
            out.append((x + by * math.cos(base + da), y + by * math.sin(base + da)))
    return _convex_hull(out) if dist else out


def _box(points: Any, by: float) -> list[Point]:
    pts = list(points)
    x0, x1 = min(p[0] for p in pts) - by, max(p[0] for p in pts) + by
    y0, y1 = min(p[1] for p in pts) - by, max(p[1] for p in pts) + by
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def _clip(poly: list[Point], a: Point, b: Point) -> list[Point]:
    """The part of ``poly`` nearer ``a`` than ``b`` (Sutherland–Hodgman on the bisector)."""
    mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
    nx, ny = b[0] - a[0], b[1] - a[1]

    def inside(p: Point) -> bool:
        return (p[0] - mx) * nx + (p[1] - my) * ny <= 0

    def cut(p: Point, q: Point) -> Point:
        dp = (p[0] - mx) * nx + (p[1] - my) * ny
        dq = (q[0] - mx) * nx + (q[1] - my) * ny
        t = dp / (dp - dq)
        return (p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1]))

    out: list[Point] = []
    for i, p in enumerate(poly):
        q = poly[(i + 1) % len(poly)]
        if inside(p):
            out.append(p)
            if not inside(q):
                out.append(cut(p, q))
        elif inside(q):
            out.append(cut(p, q))
    return out
