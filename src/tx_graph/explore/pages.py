"""The explorer's HTML: one function per kind of page, plain strings, everything escaped.

Pages share ``assets/`` (vis-network, the explorer script and style, the search index)
through relative links, so the site works from ``file://`` and can be moved or zipped
as a folder. No page holds an http(s) URL: every script and style is local, labels use
the system's CJK fonts, and outside identifiers are shown as prefixed names.
"""

from __future__ import annotations

import functools
import html
import itertools
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .data import HEAD_TYPES, IN_YEAR, PLACE_TYPES, Doc, ExplorerData, Figure, Mention, Node
from .style import RELATION_STYLE, TYPE_ORDER, type_style

if TYPE_CHECKING:
    from .memo import Memo

__all__ = ["Site", "page_path"]

EGO_CAP = 400  # nodes in an entity's radius-2 network; hubs such as 桐乡市 reach everything
SUBGRAPH_CAP = 1500  # nodes in a document's or a place's network
EGO_RING2_OPEN = 60  # open an entity page at radius 2 when the second ring is at most this big
MENTIONS_OPEN = 3  # documents whose mentions are unfolded on an entity page
KIND_NAMES = {"actual": "实际 actual", "target": "目标 target"}
UNIT_NAMES = {"yuan": "元", "usd": "美元", "percent": "%", "percentage-point": "百分点"}


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


@functools.lru_cache(maxsize=1 << 16)
def page_path(node_id: str) -> str:
    """Where a node's page lives, relative to the site root.

    >>> page_path("place/wuzhen"), page_path("year/2017"), page_path("doc/000_x-07")
    ('entity/place-wuzhen.html', 'year/2017.html', 'doc/000_x-07.html')
    """
    kind, _, rest = node_id.partition("/")
    if kind == "year":
        return f"year/{_safe(rest)}.html"
    if kind == "doc":
        return f"doc/{_safe(rest)}.html"
    return f"entity/{_safe(node_id.replace('/', '-'))}.html"


def place_path(node_id: str) -> str:
    return f"place/{_safe(node_id.replace('/', '-'))}.html"


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)


def js_data(value: Any) -> str:
    """JSON safe inside ``<script>``: no ``</script>`` and no line separators."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def fmt_int(n: int) -> str:
    return f"{n:,}"


class Site:
    """Renders every page of the explorer from :class:`ExplorerData`."""

    def __init__(self, data: ExplorerData, *, version: str = "", memo: Memo | None = None) -> None:
        self.data = data
        self.version = version
        self.memo = memo
        self.place_pages = {k for k, n in data.nodes.items() if n.type in PLACE_TYPES and data.children.get(k)}
        self.definitions_of: dict[str, list[Any]] = defaultdict(list)
        for d in data.definitions:
            self.definitions_of[d.term].append(d)
        self.focus_of: dict[str, list[str]] = defaultdict(list)  # entity → terms naming it
        for e in data.edges:
            if e.relation == "names":
                self.focus_of[e.target].append(e.source)
        self.figures_of: dict[str, list[Figure]] = defaultdict(list)
        for f in data.figures:
            self.figures_of[f.area].append(f)
            self.figures_of[f.indicator].append(f)
        self.neighbours: dict[str, list[tuple[str, str, str]]] = defaultdict(list)  # node → (dir, relation, other)
        self.out_edges: dict[str, list[Any]] = defaultdict(list)
        for e in data.edges:
            self.neighbours[e.source].append(("out", e.relation, e.target))
            self.neighbours[e.target].append(("in", e.relation, e.source))
            self.out_edges[e.source].append(e)
        self.adjacent = _Adjacent(self.neighbours)
        self._names: dict[str, str] = {}  # node → its path and label as JSON

    # ------------------------------------------------------------ shared parts
    def link(self, node_id: str, root: str, *, badge: bool = True, count: bool = False) -> str:
        node = self.data.nodes.get(node_id)
        if node is None:
            doc = self.data.docs.get(node_id)
            if doc is not None:
                return f'<a href="{root}{page_path(doc.id)}">{esc(doc.title)}</a>'
            return esc(node_id)
        extra = f' <span class="n">{node.mentions}</span>' if count and node.mentions else ""
        tag = f" {self.badge(node.type)}" if badge else ""
        return f'<a class="ent t-{node.type}" href="{root}{page_path(node_id)}">{esc(node.label)}</a>{tag}{extra}'

    @staticmethod
    def badge(kind: str) -> str:
        zh, colour, _ = type_style(kind)
        return f'<span class="badge" style="--c:{colour}" title="{esc(kind)}">{esc(zh)}</span>'

    def page(self, title: str, root: str, body: str, *, kind: str, network: bool = False, script: str = "") -> str:
        vis_css = f'<link rel="stylesheet" href="{root}assets/vis-network.min.css">' if network else ""
        vis_js = f'<script src="{root}assets/vis-network.min.js"></script>' if network else ""
        tail = f"<script>{script}</script>" if script else ""
        return f"""<!DOCTYPE html>
<html lang="zh-Hans">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} · 桐乡 tx-graph</title>
<link rel="stylesheet" href="{root}assets/explorer.css">
{vis_css}
</head>
<body data-root="{root}" data-page="{kind}">
<header class="top">
<a class="brand" href="{root}index.html"><b>桐乡</b> tx-graph explorer</a>
<nav><a href="{root}index.html">Index</a> <a href="{root}overview.html">Network</a>
<a href="{root}glossary.html">Glossary 名词解释</a> <a href="{root}index.html#years">Years</a>
<a href="{root}index.html#documents">Documents</a></nav>
<div class="search"><input type="search" class="q" placeholder="Search 搜索: 乌镇, wuzhen, Wuzhen …"
 autocomplete="off" aria-label="search entities"><ol class="q-results" hidden></ol></div>
</header>
<main>
{body}
</main>
<footer>tx-graph {esc(self.version)} · {fmt_int(len(self.data.nodes))} entities from {len(self.data.docs)} documents ·
every page works offline; every claim links to the sentence it came from.</footer>
<script src="{root}assets/search-index.js"></script>
{vis_js}
<script src="{root}assets/explorer.js"></script>
{tail}
</body>
</html>
"""

    def sentence_html(self, doc: Doc, start: int, end: int, root: str, *, cls: str = "") -> str:
        """The sentence around ``[start, end)`` with that span marked, linked to its place in the document."""
        s, e = doc.sentence_at(start)
        s, e = min(s, start), max(e, end)
        quote = (
            esc(doc.text[s:start])
            + f"<mark{f' class={cls}' if cls else ''}>"
            + esc(doc.text[start:end])
            + "</mark>"
            + esc(doc.text[end:e])
        )
        return f'<a class="src" href="{root}{page_path(doc.id)}#m-{start}" title="open in the document">{quote}</a>'

    def ego_data(self, centre: str) -> dict[str, Any]:
        """Radius-2 neighbourhood with ring positions; the page hides ring 2 on demand."""
        from .layout import ego_layout

        dist: dict[str, int] = {centre: 0}
        frontier = [centre]
        for depth in (1, 2):
            nxt: list[str] = []
            for n in frontier:
                for _, relation, other in self.neighbours.get(n, ()):
                    # years link hundreds of dated things: keep them as neighbours of the
                    # centre only, not as a bridge to everything of that year
                    if other in dist or (relation == IN_YEAR and depth == 2):
                        continue
                    dist[other] = depth
                    nxt.append(other)
            frontier = nxt
        total = len(dist)
        if total > EGO_CAP:
            ranked = sorted(dist, key=lambda n: (dist[n], -self.data.nodes[n].mentions, n))
            dist = {n: dist[n] for n in ranked[:EGO_CAP]}
        payload = self._network_payload(
            dist,
            ego_layout(self.adjacent, centre, dist, lambda n: 15.0 * min(14, len(self.data.nodes[n].label))),
            centre,
            total,
        )
        # a hub neighbour (桐乡市) brings its hundred children along: start at radius 1 then
        payload["radius"] = 2 if sum(1 for d in dist.values() if d == 2) <= EGO_RING2_OPEN else 1
        return payload

    def _induced(self, nodes: set[str] | dict[str, Any]) -> list[Any]:
        """The edges among ``nodes``, from the per-node index (not a scan of every edge:
        this runs once per page)."""
        return [e for n in sorted(nodes) for e in self.out_edges.get(n, ()) if e.target in nodes]

    def _simple(self, keep: Iterable[str]) -> Any:
        import networkx as nx

        nodes = set(keep)
        graph = nx.Graph()
        graph.add_nodes_from(sorted(nodes))
        graph.add_edges_from((e.source, e.target) for e in self._induced(nodes))
        return graph

    def _network_payload(
        self, dist: dict[str, int], pos: Mapping[Any, Sequence[float]], centre: str | None, total: int
    ) -> dict[str, Any]:
        """A page's network for ``TXX.mini``; ``nodes`` holds each node's JSON text already
        (an entity page's radius-2 ring can hold 400 nodes: encoding each node's path and
        label once per site, not once per page, is most of the work saved)."""
        rings: dict[int, list[str]] = defaultdict(list)
        for n, d in dist.items():
            rings[d].append(n)
        order = [n for d in sorted(rings) for n in sorted(rings[d])]
        index = {n: i for i, n in enumerate(order)}
        nodes_of = self.data.nodes
        types = sorted({nodes_of[n].type for n in order}, key=_type_rank)
        type_index = {t: i for i, t in enumerate(types)}
        induced = self._induced(index)
        relations = sorted({e.relation for e in induced})
        rel_index = {r: i for i, r in enumerate(relations)}
        names = self._names
        nodes = []
        for n in order:
            node = nodes_of[n]
            name = names.get(n)
            if name is None:
                name = names[n] = js_data([page_path(n), node.label])[1:-1]
            x, y = pos[n]
            nodes.append(f"[{name},{type_index[node.type]},{node.mentions},{x!r},{y!r},{dist[n]}]")
        edges = [[index[e.source], index[e.target], rel_index[e.relation]] for e in induced]
        return {
            "nodes": nodes,
            "edges": edges,
            "types": types,
            "rels": relations,
            "centre": index[centre] if centre is not None else -1,
            "total": total,
        }

    @staticmethod
    def network_js(payload: dict[str, Any]) -> str:
        """:meth:`_network_payload` as a JavaScript object literal (valid JSON)."""
        rest = js_data({k: v for k, v in payload.items() if k != "nodes"})
        return '{"nodes":[' + ",".join(payload["nodes"]) + "]," + rest[1:]

    # ------------------------------------------------------------ index
    def index_page(self) -> str:
        d = self.data
        root = ""
        by_type: dict[str, list[Node]] = defaultdict(list)
        for n in d.nodes.values():
            by_type[n.type].append(n)
        types = sorted(by_type, key=lambda t: TYPE_ORDER.index(t) if t in TYPE_ORDER else 99)
        stats = [
            ("entities", len(d.nodes)),
            ("relations", len(d.edges)),
            ("documents", len(d.docs)),
            ("mentions", len(d.mentions)),
            ("glossary terms", len(self.definitions_of)),
            ("figures", len(d.figures)),
        ]
        cards = "".join(f'<div class="stat"><b>{fmt_int(v)}</b><span>{esc(k)}</span></div>' for k, v in stats)
        toc = "".join(
            f'<a href="#type-{esc(t)}">{self.badge(t)} {esc(t)} <span class="n">{len(by_type[t])}</span></a>'
            for t in types
        )
        sections = []
        for t in types:
            items = sorted(by_type[t], key=lambda n: (-n.mentions, n.label))
            lis = "".join(
                f'<li><a href="{page_path(n.id)}">{esc(n.label)}</a>'
                + (f' <span class="n" title="mentions">{n.mentions}</span>' if n.mentions else "")
                + (
                    f' <a class="place-link" href="{place_path(n.id)}" title="everything located here">⌂</a>'
                    if n.id in self.place_pages
                    else ""
                )
                + "</li>"
                for n in items
            )
            zh = type_style(t)[0]
            sections.append(
                f'<details class="typelist" id="type-{esc(t)}"{" open" if len(items) <= 60 else ""}>'
                f'<summary>{self.badge(t)} <b>{esc(t)}</b> {esc(zh)} <span class="n">{len(items)}</span></summary>'
                f'<ul class="cols">{lis}</ul></details>'
            )
        docs = sorted(d.docs.values(), key=lambda x: (x.year or 0, x.issued, x.title), reverse=True)
        doc_rows = "".join(
            f'<tr><td><a href="{page_path(x.id)}">{esc(x.title)}</a></td><td>{esc(x.kind)}</td>'
            f"<td>{x.year or ''}</td><td>{esc(x.issued)}</td><td class=num>{len(d.mentions_in.get(x.id, ()))}</td></tr>"
            for x in docs
        )
        years = sorted((n for n in d.nodes.values() if n.type == "year"), key=lambda n: n.year or 0)
        year_links = "".join(
            f'<a class="year" href="{page_path(y.id)}">{esc(y.label)}'
            f'<span class="n">{len(self._year_things(y))}</span></a>'
            for y in years
        )
        roots = [k for k, n in d.nodes.items() if n.type in PLACE_TYPES and not d.parents.get(k) and d.children.get(k)]
        tree = "".join(self._tree(r, root, depth=0, limit=2) for r in sorted(roots, key=lambda k: d.nodes[k].label))
        body = f"""
<section class="hero">
<h1>桐乡市 knowledge graph explorer</h1>
<p>Places, programmes, projects, organisations, glossary terms and figures from {len(d.docs)} government documents about
桐乡市 — every claim one click from the sentence it came from.</p>
<div class="search big"><input type="search" class="q" id="q" autocomplete="off" autofocus aria-label="search entities"
 placeholder="Search 搜索 — name, alias, pinyin or English (e.g. 乌镇, puyuan, Israel)">
<ol class="q-results" hidden></ol></div>
<div class="stats">{cards}</div>
<p class="actions"><a class="button" href="overview.html">Open the network overview →</a>
<a class="button ghost" href="glossary.html">Glossary 名词解释</a></p>
</section>
<section><h2>By type</h2><p class="toc">{toc}</p>{"".join(sections)}</section>
<section id="places"><h2>Places</h2>
<p class="muted">The administrative hierarchy (two levels shown; each place's page lists everything in it).</p>
{tree}</section>
<section id="years"><h2>Years</h2><p class="years">{year_links}</p></section>
<section id="documents"><h2>Documents</h2><table class="data"><thead><tr><th>title</th><th>kind</th><th>year</th>
<th>issued</th><th>mentions</th></tr></thead><tbody>{doc_rows}</tbody></table></section>
"""
        return self.page("Index", root, body, kind="index")

    def _tree(self, node: str, root: str, depth: int, limit: int) -> str:
        kids = self.data.children.get(node, [])
        inner = ""
        if kids and depth < limit:
            inner = "<ul>" + "".join(self._tree(k, root, depth + 1, limit) for k in kids) + "</ul>"
        elif kids:
            inner = f' <a class="more" href="{root}{place_path(node)}">+{len(self.data.descendants(node))} inside</a>'
        here = (
            f' <a class="place-link" href="{root}{place_path(node)}" title="everything located here">⌂</a>'
            if node in self.place_pages
            else ""
        )
        return (
            f"<li>{self.link(node, root)}{here}{inner}</li>"
            if depth
            else f'<ul class="tree"><li>{self.link(node, root)}{here}{inner}</li></ul>'
        )

    # ------------------------------------------------------------ entity
    def entity_page(self, node_id: str) -> str:
        d = self.data
        n = d.nodes[node_id]
        root = "../"
        zh, colour, _ = type_style(n.type)
        chain = list(reversed(d.ancestors(node_id)))
        crumbs = " › ".join(self.link(p, root, badge=False) for p in chain)
        names = []
        if n.aliases:
            names.append("<dt>aliases 别名</dt><dd>" + "、".join(esc(a) for a in n.aliases) + "</dd>")
        if n.en:
            names.append(f"<dt>English</dt><dd>{esc(n.en)}</dd>")
        if n.pinyin:
            names.append(f"<dt>pinyin</dt><dd>{esc(n.pinyin)}</dd>")
        names.append(f"<dt>id</dt><dd><code>{esc(node_id)}</code></dd>")
        same = d.same_as.get(node_id, [])
        if same:
            names.append("<dt>outside identifiers</dt><dd>" + "<br>".join(_outside(s) for s in same) + "</dd>")
        names.append(
            f"<dt>in the graph</dt><dd>{n.mentions} mentions · {d.degree.get(node_id, 0)} links"
            + (
                f" · betweenness rank {d.betweenness_rank[node_id]} of {len(d.nodes)}"
                if node_id in d.betweenness_rank
                else ""
            )
            + "</dd>"
        )
        years = d.years.get(node_id, [])
        if years:
            names.append(
                "<dt>years</dt><dd>" + " ".join(f'<a href="{root}year/{y}.html">{y}</a>' for y in years) + "</dd>"
            )
        rel_rows: dict[str, list[str]] = defaultdict(list)
        for direction, relation, other in sorted(
            self.neighbours.get(node_id, ()), key=lambda x: (x[1], x[0], d.nodes[x[2]].label)
        ):
            if relation == IN_YEAR or (relation == "located in" and direction == "in"):
                continue
            verb = relation if direction == "out" else f"← {relation}"
            rel_rows[verb].append(self.link(other, root))
        related = "".join(f"<dt>{esc(k)}</dt><dd>{'、'.join(v)}</dd>" for k, v in rel_rows.items())
        kids = d.children.get(node_id, [])
        contained = ""
        if kids:
            by_kind = Counter(d.nodes[k].type for k in kids)
            summary = " · ".join(f"{c} {esc(t)}" for t, c in by_kind.most_common())
            contained = (
                f'<h2>Contains {len(kids)} <small>{summary}</small></h2><ul class="cols">'
                + "".join(f"<li>{self.link(k, root)}</li>" for k in kids[:300])
                + "</ul>"
                + (
                    f'<p><a class="button ghost" href="{root}{place_path(node_id)}">'
                    f"Everything in {esc(n.label)}, at any depth "
                    f"({len(d.descendants(node_id))}) →</a></p>"
                )
            )
        ego = self.ego_data(node_id)
        capped = (
            f'<p class="muted">Radius 2 shows the {EGO_CAP} closest of {ego["total"]} nodes.</p>'
            if ego["total"] > EGO_CAP
            else ""
        )
        if len(ego["nodes"]) > 1:
            netbox = f"""<div class="netbox"><div class="netbar"><b>Network</b> radius
<label><input type="radio" name="radius" value="1"{" checked" if ego["radius"] == 1 else ""}> 1</label>
<label><input type="radio" name="radius" value="2"{" checked" if ego["radius"] == 2 else ""}> 2</label>
<span class="hint">hover for details · click a node to open it</span></div>
<div id="ego" class="net"></div>{capped}{self._legend(ego)}</div>"""
            script = f"TXX.mini('ego', {self.network_js(ego)}, {{radius: true}});"
        else:
            netbox = (
                '<div class="netbox empty"><p class="muted">No relation links this to another entity yet; '
                "its mentions and definitions are below.</p></div>"
            )
            script = ""
        body = f"""
<p class="crumbs">{crumbs}</p>
<h1 style="--c:{colour}">{esc(n.label)} {self.badge(n.type)}</h1>
<div class="split">
<div class="facts"><p class="type">{esc(n.type)} · {esc(zh)}</p><dl>{"".join(names)}{related}</dl>{contained}</div>
{netbox}
</div>
{self._figures_html(node_id, root)}
{self._definitions_html(node_id, root)}
{self._mentions_html(node_id, root)}
"""
        return self.page(n.label, root, body, kind="entity", network=bool(script), script=script)

    def _legend(self, payload: dict[str, Any]) -> str:
        parts = [f'<span class="lg">{_shape_svg(t)} {esc(t)}</span>' for t in payload["types"]]
        parts += [f'<span class="lg">{_line_svg(r)} {esc(r)}</span>' for r in payload["rels"]]
        return f'<p class="legend small">{"".join(parts)}</p>'

    def _figures_html(self, node_id: str, root: str) -> str:
        figures = self.figures_of.get(node_id, [])
        if not figures:
            return ""
        d = self.data
        by_indicator = d.nodes[node_id].type == "indicator"
        rows = []
        for f in sorted(figures, key=lambda f: (f.year, f.indicator, f.area, f.kind)):
            other = f.area if by_indicator else f.indicator
            doc = d.docs.get(f.doc)
            source = (
                self.sentence_html(doc, f.start, f.end, root, cls="fig")
                + f"<br><small>— {self.link(doc.id, root)}</small>"
                if doc and f.start >= 0
                else ""
            )
            rows.append(
                f'<tr class="k-{esc(f.kind)}"><td>{self.link(other, root, badge=False)}</td>'
                f'<td class="num">{esc(f.stated) or esc(_number(f.value))}</td>'
                f'<td class="num">{esc(_number(f.value))} {esc(UNIT_NAMES.get(f.unit, f.unit))}</td>'
                f'<td><a href="{root}year/{f.year}.html">{f.year}</a></td>'
                f'<td><span class="kind {esc(f.kind)}">{KIND_NAMES.get(f.kind, esc(f.kind))}</span></td>'
                f'<td class="quote">{source}</td></tr>'
            )
        head = "place" if by_indicator else "indicator"
        return (
            f"<section><h2>Figures <small>{len(figures)} observations</small></h2>"
            f'<table class="data figures"><thead><tr><th>{head}</th><th>as stated</th><th>value (base unit)</th>'
            "<th>year</th><th>actual / target</th><th>source sentence</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></section>"
        )

    def _definitions_html(self, node_id: str, root: str) -> str:
        terms = [node_id] if node_id in self.definitions_of else []
        terms += [t for t in self.focus_of.get(node_id, []) if t in self.definitions_of]
        out = []
        for term in terms:
            cards = "".join(self._definition_card(x, root) for x in self.definitions_of[term])
            named = "" if term == node_id else f" <small>through the term {self.link(term, root)}</small>"
            out.append(f'<section><h2>Definitions 名词解释{named}</h2><div class="defs">{cards}</div></section>')
        return "".join(out)

    def _definition_card(self, definition: Any, root: str) -> str:
        doc = self.data.docs.get(definition.doc)
        where = self.link(definition.doc, root) if doc else esc(definition.doc)
        year = f'<a class="year" href="{root}year/{doc.year}.html">{doc.year}</a>' if doc and doc.year else ""
        number = f"{definition.number}. " if definition.number else ""
        return (
            f'<article class="def"><header>{where} {year}</header><h3>{esc(number)}{esc(definition.headword)}</h3>'
            f"<p>{esc(definition.text)}</p></article>"
        )

    def _mentions_html(self, node_id: str, root: str) -> str:
        mentions = self.data.mentions_of.get(node_id, [])
        if not mentions:
            return '<section><h2>Mentions</h2><p class="muted">No document mentions this by name.</p></section>'
        by_doc: dict[str, list[Mention]] = defaultdict(list)
        for m in mentions:
            by_doc[m.doc].append(m)
        blocks = []
        for i, (doc_id, ms) in enumerate(sorted(by_doc.items(), key=lambda kv: (-len(kv[1]), kv[0]))):
            doc = self.data.docs[doc_id]
            seen: set[tuple[int, int]] = set()
            items = []
            for m in ms:
                sentence = doc.sentence_at(m.start)
                if sentence in seen:
                    continue  # the same sentence twice (two aliases in it): show it once
                seen.add(sentence)
                items.append(f'<li class="mention">{self.sentence_html(doc, m.start, m.end, root)}</li>')
            opened = " open" if i < MENTIONS_OPEN else ""
            year = f" · {doc.year}" if doc.year else ""
            blocks.append(
                f'<details class="doc-mentions"{opened}><summary>'
                f'<a href="{root}{page_path(doc_id)}">{esc(doc.title)}</a>'
                f'<span class="muted">{esc(doc.kind)}{year}</span> <span class="n">{len(ms)}</span></summary>'
                f"<ol>{''.join(items)}</ol></details>"
            )
        return (
            f'<section id="mentions"><h2>Mentions <small>{len(mentions)} in {len(by_doc)} documents</small></h2>'
            f"{''.join(blocks)}</section>"
        )

    # ------------------------------------------------------------ place
    def place_page(self, node_id: str) -> str:
        d = self.data
        n = d.nodes[node_id]
        root = "../"
        inside = d.descendants(node_id)
        by_type = Counter(d.nodes[k].type for k, _ in inside)
        summary = " · ".join(
            f"{self.badge(t)} {c} {esc(t)}"
            for t, c in sorted(by_type.items(), key=lambda x: TYPE_ORDER.index(x[0]) if x[0] in TYPE_ORDER else 99)
        )
        tree = f'<ul class="tree">{self._full_tree(node_id, root, set())}</ul>'
        keep = [node_id, *(k for k, _ in inside)][:SUBGRAPH_CAP]
        payload = self._subgraph(keep, node_id, len(inside) + 1)
        chain = " › ".join(self.link(p, root, badge=False) for p in reversed(d.ancestors(node_id)))
        figures = [f for k in [node_id, *(k for k, _ in inside)] for f in self.figures_of.get(k, []) if f.area == k]
        fig_rows = "".join(
            f"<tr><td>{self.link(f.area, root, badge=False)}</td><td>{self.link(f.indicator, root, badge=False)}</td>"
            f'<td class="num">{esc(f.stated)}</td><td><a href="{root}year/{f.year}.html">{f.year}</a></td>'
            f'<td><span class="kind {esc(f.kind)}">{esc(f.kind)}</span></td></tr>'
            for f in sorted(figures, key=lambda f: (f.area != node_id, f.year, f.indicator))
        )
        fig_html = (
            f"<section><h2>Figures for {esc(n.label)} and places in it</h2>"
            '<table class="data"><thead><tr><th>place</th>'
            f"<th>indicator</th><th>value</th><th>year</th><th>kind</th></tr></thead><tbody>{fig_rows}</tbody></table></section>"
            if figures
            else ""
        )
        docs = Counter(m.doc for k in [node_id, *(k for k, _ in inside)] for m in d.mentions_of.get(k, []))
        doc_list = "".join(
            f'<li>{self.link(doc_id, root)} <span class="n">{c}</span></li>' for doc_id, c in docs.most_common()
        )
        body = f"""
<p class="crumbs">{chain}</p>
<h1>Everything in {self.link(node_id, root)}</h1>
<p>{len(inside)} things located in {esc(n.label)}, at any depth: {summary}</p>
<div class="split">
<div class="facts"><h2>Hierarchy</h2>{tree}</div>
<div class="netbox"><div class="netbar"><b>Network</b>
<span class="hint">what is located here and how it is linked</span></div>
<div id="place-net" class="net"></div>{self._legend(payload)}</div>
</div>
{fig_html}
<section><h2>Documents that mention {esc(n.label)} or anything in it</h2><ul>{doc_list}</ul></section>
"""
        script = f"TXX.mini('place-net', {self.network_js(payload)}, {{}});"
        return self.page(f"Everything in {n.label}", root, body, kind="place", network=True, script=script)

    def _full_tree(self, node: str, root: str, seen: set[str]) -> str:
        seen.add(node)
        kids = [k for k in self.data.children.get(node, []) if k not in seen]
        inner = "<ul>" + "".join(self._full_tree(k, root, seen) for k in kids) + "</ul>" if kids else ""
        return f"<li>{self.link(node, root, count=True)}{inner}</li>"

    def _subgraph(self, keep: Sequence[str], centre: str | None, total: int) -> dict[str, Any]:
        from .layout import memo_key, spread_layout

        graph = self._simple(keep)
        if self.memo is None:
            pos = spread_layout(graph)
        else:
            pos = self.memo.get("layout", memo_key(graph), lambda: spread_layout(graph))
        dist = {k: (0 if k == centre else 1) for k in keep}
        return self._network_payload(dist, pos, centre, total)

    # ------------------------------------------------------------ document
    def doc_page(self, doc_id: str) -> str:
        d = self.data
        doc = d.docs[doc_id]
        root = "../"
        mentions = d.mentions_in.get(doc_id, [])
        counts = Counter(m.node for m in mentions)
        ents = sorted(counts, key=lambda k: (-counts[k], d.nodes[k].label))
        ent_list = "".join(f'<li>{self.link(k, root)} <span class="n">{counts[k]}</span></li>' for k in ents)
        payload = self._subgraph(ents[:SUBGRAPH_CAP], None, len(ents))
        figures = [f for f in d.figures if f.doc == doc_id and f.start >= 0]
        text = self._doc_text(doc, mentions, figures, root)
        toc = "".join(
            f'<li class="lvl{s.path.count(".")}"><a href="#sec-{esc(s.path)}">{esc(s.heading)}</a></li>'
            for s in doc.sections
        )
        definitions = [x for x in d.definitions if x.doc == doc_id]
        defs = (
            '<section><h2>Glossary of this document 名词解释</h2><div class="defs">'
            + "".join(
                self._definition_card(x, root).replace("<header>", f"<header>{self.link(x.term, root)} ", 1)
                for x in definitions
            )
            + "</div></section>"
            if definitions
            else ""
        )
        meta = " · ".join(
            x
            for x in (
                esc(doc.kind),
                f'<a href="{root}year/{doc.year}.html">{doc.year}</a>' if doc.year else "",
                f"issued {esc(doc.issued)}" if doc.issued else "",
                f"{len(doc.text):,} characters",
                f"{len(mentions)} mentions of {len(ents)} entities",
            )
            if x
        )
        body = f"""
<h1>{esc(doc.title)}</h1>
<p class="type">{meta}</p>
<div class="split">
<div class="facts"><h2>Entities mentioned</h2><ul class="cols">{ent_list}</ul></div>
<div class="netbox"><div class="netbar"><b>Network</b>
<span class="hint">entities this document mentions and their relations</span></div>
<div id="doc-net" class="net"></div>{self._legend(payload)}</div>
</div>
<section class="doctext"><h2>Text <small>mentions highlighted; click one to open its entity</small></h2>
{f'<ol class="doctoc">{toc}</ol>' if toc else ""}
<div class="text">{text}</div></section>
{defs}
"""
        script = f"TXX.mini('doc-net', {self.network_js(payload)}, {{}});"
        return self.page(doc.title, root, body, kind="doc", network=True, script=script)

    def _doc_text(self, doc: Doc, mentions: list[Mention], figures: list[Figure], root: str) -> str:
        spans: list[tuple[int, int, str, str]] = []  # start, end, open tag, close tag
        for f in figures:
            spans.append(
                (
                    f.start,
                    f.end,
                    f'<span class="fig" id="f-{esc(f.id.rsplit("/", 1)[-1])}" '
                    f'title="figure: {esc(f.stated)} ({f.year}, {esc(f.kind)})">',
                    "</span>",
                )
            )
        for m in mentions:
            n = self.data.nodes[m.node]
            spans.append(
                (
                    m.start,
                    m.end,
                    f'<a class="m t-{n.type}" id="m-{m.start}" href="{root}{page_path(m.node)}" '
                    f'title="{esc(n.label)} · {esc(n.type)}">',
                    "</a>",
                )
            )
        spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
        breaks = sorted({s.start for s in doc.sections if 0 < s.start < len(doc.text)})
        anchors = {s.start: s.path for s in doc.sections}
        accepted: list[tuple[int, int, str, str]] = []
        stack: list[tuple[int, int, str, str]] = []
        for span in spans:
            while stack and stack[-1][1] <= span[0]:
                stack.pop()
            if stack and span[1] > stack[-1][1]:
                continue  # crosses the span it starts in: keep the outer one
            if any(span[0] < b < span[1] for b in breaks):
                continue
            accepted.append(span)
            stack.append(span)
        opens: dict[int, list[str]] = defaultdict(list)
        closes: dict[int, list[str]] = defaultdict(list)
        for start, end, open_tag, close_tag in accepted:
            opens[start].append(open_tag)
            closes[end].insert(0, close_tag)
        points = sorted({0, len(doc.text), *opens, *closes, *breaks, *anchors})
        out = ["<p>"]
        for a, b in itertools.pairwise(points):
            out.extend(closes.get(a, []))
            if a in breaks:
                out.append("</p><p>")
            if a in anchors:
                out.append(f'<span class="sec" id="sec-{esc(anchors[a])}"></span>')
            out.extend(opens.get(a, []))
            out.append(esc(doc.text[a:b]))
        out.extend(closes.get(len(doc.text), []))
        out.append("</p>")
        return "".join(out)

    # ------------------------------------------------------------ year
    def _year_things(self, year: Node) -> list[str]:
        return [k for k, ys in self.data.years.items() if year.year in ys and k != year.id]

    def year_page(self, node_id: str) -> str:
        d = self.data
        y = d.nodes[node_id]
        year = y.year or 0
        root = "../"
        tied = sorted(
            (e.source for e in d.edges if e.relation == IN_YEAR and e.target == node_id),
            key=lambda k: (
                TYPE_ORDER.index(d.nodes[k].type) if d.nodes[k].type in TYPE_ORDER else 99,
                d.nodes[k].label,
            ),
        )
        docs_of_year = [x for x in d.docs.values() if x.year == year]
        figures = sorted((f for f in d.figures if f.year == year), key=lambda f: (f.kind, f.area, f.indicator))
        tables = []
        for kind, title in (("actual", "What happened 实际"), ("target", "What was planned 目标")):
            rows = "".join(
                f"<tr><td>{self.link(f.area, root, badge=False)}</td>"
                f"<td>{self.link(f.indicator, root, badge=False)}</td>"
                f'<td class="num">{esc(f.stated)}</td><td class="quote">'
                + (
                    self.sentence_html(d.docs[f.doc], f.start, f.end, root, cls="fig")
                    if f.doc in d.docs and f.start >= 0
                    else ""
                )
                + "</td></tr>"
                for f in figures
                if f.kind == kind
            )
            if rows:
                tables.append(
                    f'<h3>{title}</h3><table class="data"><thead><tr><th>place</th><th>indicator</th><th>value</th>'
                    f"<th>source sentence</th></tr></thead><tbody>{rows}</tbody></table>"
                )
        pattern = re.compile(rf"(?<!\d){year}(?:年)?(?!\d)")
        said: list[str] = []
        count = 0
        for doc in sorted(d.docs.values(), key=lambda x: (x.year != year, x.title)):
            items = []
            for s, e in doc.sentences:
                sentence = doc.text[s:e]
                hits = list(pattern.finditer(sentence))
                if not hits:
                    continue
                count += 1
                first = hits[0]
                items.append(
                    f'<li class="mention">{self.sentence_html(doc, s + first.start(), s + first.end(), root)}</li>'
                )
            if items:
                said.append(
                    f'<details class="doc-mentions" open><summary>{self.link(doc.id, root)} '
                    f'<span class="n">{len(items)}</span></summary>'
                    f"<ol>{''.join(items)}</ol></details>"
                )
        ties = "".join(f"<li>{self.link(k, root)}</li>" for k in tied)
        dated = (
            f"<section><h2>Documents of {year}</h2><ul>"
            + "".join(
                f'<li>{self.link(x.id, root)} <span class="muted">{esc(x.kind)}</span></li>' for x in docs_of_year
            )
            + "</ul></section>"
            if docs_of_year
            else ""
        )
        body = f"""
<h1>{esc(y.label)} <span class="badge" style="--c:#34495e">年份</span></h1>
<p class="type">{len(docs_of_year)} documents dated {year} · {len(tied)} entities tied to {year} ·
{len(figures)} figures about {year} · {count} sentences that name it</p>
{dated}
{f"<section><h2>Figures about {year}</h2>" + "".join(tables) + "</section>" if tables else ""}
{f'<section><h2>Tied to {year} <small>{len(tied)}</small></h2><ul class="cols">{ties}</ul></section>' if tied else ""}
<section><h2>What the documents say of {year} <small>{count} sentences</small></h2>
{"".join(said) or '<p class="muted">No sentence names this year.</p>'}</section>
"""
        return self.page(y.label, root, body, kind="year")

    # ------------------------------------------------------------ glossary
    def glossary_page(self) -> str:
        d = self.data
        root = ""
        terms = sorted(self.definitions_of, key=lambda t: d.nodes[t].label if t in d.nodes else t)
        toc = "".join(
            f'<a href="#{esc(t.replace("/", "-"))}">{esc(d.nodes[t].label if t in d.nodes else t)}</a>' for t in terms
        )
        blocks = []
        for t in terms:
            node = d.nodes.get(t)
            label = node.label if node else t
            focus = [o for di, rel, o in self.neighbours.get(t, ()) if rel == "names" and di == "out"]
            names = f' <span class="muted">names</span> {"、".join(self.link(f, root) for f in focus)}' if focus else ""
            defs = self.definitions_of[t]
            multi = (
                ' <span class="kind target">defined differently in several documents</span>'
                if len({x.text for x in defs}) > 1
                else ""
            )
            cards = "".join(self._definition_card(x, root) for x in defs)
            title = self.link(t, root, badge=False) if node else esc(label)
            blocks.append(
                f'<section class="term" id="{esc(t.replace("/", "-"))}"><h2>{title}{names}{multi}</h2>'
                f'<div class="defs">{cards}</div></section>'
            )
        body = f"""
<h1>Glossary 名词解释</h1>
<p>{len(terms)} terms defined in the documents' 名词解释 sections; where two documents define a term,
their definitions stand side by side.</p>
<p class="toc glossary-toc">{toc}</p>
{"".join(blocks)}
"""
        return self.page("Glossary", root, body, kind="glossary")

    # ------------------------------------------------------------ overview
    def overview_page(self, payload: dict[str, Any]) -> str:
        d = self.data
        root = ""
        counts = Counter(d.nodes[k].type for k in d.nodes)
        type_boxes = "".join(
            f'<label class="lg"><input type="checkbox" data-type="{esc(t)}" checked> {_shape_svg(t)} {esc(t)} '
            f'<span class="muted">{esc(type_style(t)[0])}</span> <span class="n">{counts[t]}</span></label>'
            for t in payload["types"]
        )
        rel_counts = Counter(e.relation for e in d.edges)
        rel_boxes = "".join(
            f'<label class="lg"><input type="checkbox" data-rel="{esc(r)}" checked> {_line_svg(r)} {esc(r)} '
            f'<span class="muted">{esc(RELATION_STYLE.get(r, ("",))[0])}</span> '
            f'<span class="n">{rel_counts[r]}</span></label>'
            for r in payload["rels"]
        )
        towns = "".join(f'<option value="{i}">{esc(payload["nodes"][i][1])}</option>' for i in payload["towns"])
        years = "".join(f'<option value="{y}">{y}</option>' for y in payload["years"])
        cap = payload.get("cap", {})
        capped = (
            f'<p class="warn">This graph has {fmt_int(cap["total"])} entities; '
            f"the overview shows the {fmt_int(cap['shown'])} most "
            f"mentioned and linked (cap {fmt_int(cap['shown'])}). Every entity still has its page: use the search.</p>"
            if cap.get("total", 0) > cap.get("shown", 0)
            else ""
        )
        body = f"""
<div class="overview">
<aside class="panel">
<h1>Network overview</h1>
<p class="muted small">Drag to pan, scroll to zoom, hover for details, click a node to open its page.</p>
<p id="status" class="status">loading…</p>
{capped}
<h2>Filter</h2>
<label class="field">town 镇/街道 <select id="f-town"><option value="-1">all</option>{towns}</select></label>
<label class="field">year 年份 <select id="f-year"><option value="0">all</option>{years}</select></label>
<p><button type="button" id="f-reset">reset</button> <button type="button" id="f-fit">fit view</button></p>
<h2>Types <small>click to show / hide</small></h2><div class="legend col">{type_boxes}</div>
<h2>Relations</h2><div class="legend col">{rel_boxes}</div>
<p class="muted small">Node size: mentions in the documents. Towns and subdistricts collapse their villages,
landmarks and projects when the graph is large and you are zoomed out; zoom in to expand them.</p>
</aside>
<div id="overview" class="net big"></div>
</div>
"""
        script = f"TXX.overview({js_data(payload)});"
        return self.page("Network overview", root, body, kind="overview", network=True, script=script)


# ---------------------------------------------------------------- helpers


class _Adjacent(dict[str, list[str]]):
    """node → its neighbours, read from ``Site.neighbours`` when first asked for."""

    def __init__(self, neighbours: Mapping[str, list[tuple[str, str, str]]]) -> None:
        super().__init__()
        self.neighbours = neighbours

    def __missing__(self, node: str) -> list[str]:
        value = self[node] = [other for _, _, other in self.neighbours.get(node, ())]
        return value


def _number(value: Decimal) -> str:
    """A decimal as a reader wants it: thousands grouped, no trailing zeros.

    >>> _number(Decimal("76330000000")), _number(Decimal("7.10"))
    ('76,330,000,000', '7.1')
    """
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return format(value.normalize(), "f")


def _outside(iri: str) -> str:
    """An outside identifier as a prefixed name: the pages hold no URL (they must work and
    stay put offline); the prefix says where to look it up."""
    for base, prefix, name in (
        ("http://www.wikidata.org/entity/", "wd", "Wikidata"),
        ("https://www.wikidata.org/wiki/", "wd", "Wikidata"),
    ):
        if iri.startswith(base):
            local = iri[len(base) :]
            return f'{name} <code class="ext" title="look up {esc(local)} on {name}">{prefix}:{esc(local)}</code>'
    host = re.sub(r"^[a-z]+://", "", iri)
    return f'<code class="ext">{esc(host)}</code>'


_SHAPES = {
    "dot": '<circle cx="8" cy="8" r="6"/>',
    "square": '<rect x="2.5" y="2.5" width="11" height="11"/>',
    "diamond": '<polygon points="8,1 15,8 8,15 1,8"/>',
    "triangle": '<polygon points="8,1.5 15,14 1,14"/>',
    "triangleDown": '<polygon points="1,2 15,2 8,14.5"/>',
    "hexagon": '<polygon points="4,1.5 12,1.5 15.5,8 12,14.5 4,14.5 0.5,8"/>',
    "star": '<polygon points="8,0.8 10.1,5.6 15.3,6 11.3,9.4 12.6,14.6 8,11.8 3.4,14.6 4.7,9.4 0.7,6 5.9,5.6"/>',
    "box": '<rect x="0.5" y="3.5" width="15" height="9" rx="2"/>',
}


def _shape_svg(kind: str) -> str:
    _, colour, shape = type_style(kind)
    inner = _SHAPES.get(shape, _SHAPES["dot"])
    return (
        f'<svg class="ico" viewBox="0 0 16 16" width="14" height="14" fill="{colour}" aria-hidden="true">{inner}</svg>'
    )


def _line_svg(relation: str) -> str:
    _, colour, dashes, _ = RELATION_STYLE.get(relation, ("", "#999999", False, True))
    dash = ' stroke-dasharray="4 3"' if dashes else ""
    return (
        f'<svg class="ico" viewBox="0 0 24 10" width="24" height="10" aria-hidden="true">'
        f'<line x1="1" y1="5" x2="22" y2="5" stroke="{colour}" stroke-width="2"{dash}/></svg>'
    )


def overview_towns(data: ExplorerData, index: dict[str, int]) -> list[int]:
    heads = sorted(
        (k for k, n in data.nodes.items() if n.type in HEAD_TYPES and k in index), key=lambda k: data.nodes[k].label
    )
    return [index[k] for k in heads]


def _type_rank(kind: str) -> int:
    return TYPE_ORDER.index(kind) if kind in TYPE_ORDER else 99


def node_size(mentions: int) -> float:
    return round(min(48.0, 9 + 2.4 * math.sqrt(mentions)), 1)
