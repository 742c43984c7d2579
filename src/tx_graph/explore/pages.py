"""The explorer's HTML: one function per kind of page, plain strings, everything escaped.

Pages share ``assets/`` (vis-network, the explorer script and style, the search index)
through relative links, so the site works from ``file://`` and can be moved or zipped
as a folder. No page holds an http(s) URL: every script and style is local, labels use
the system's CJK fonts, and outside identifiers are shown as prefixed names.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from .data import IN_YEAR, PLACE_TYPES, Node
from .style import RELATION_STYLE, TYPE_ORDER, type_style

if TYPE_CHECKING:
    pass

from .base import (  # noqa: F401 - page_path and friends are imported from here by the rest
    SUBGRAPH_CAP,
    SiteBase,
    _line_svg,
    _shape_svg,
    esc,
    fmt_int,
    js_data,
    node_size,
    overview_towns,
    page_path,
    place_path,
)
from .docpages import DocPages
from .entity import EntityPages
from .views import ViewPages

__all__ = ["Site", "page_path"]


class Site(EntityPages, DocPages, ViewPages):
    """Renders every page of the explorer from :class:`ExplorerData`."""

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
        from .layout import tree_layout

        keep = [node_id, *(k for k, _ in inside)][:SUBGRAPH_CAP]
        depth = {node_id: 0, **dict(inside)}
        payload = self._network_payload(
            {k: min(2, depth[k]) for k in keep}, tree_layout(d.children, node_id, keep), node_id, len(inside) + 1
        )
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
            f'<label class="lg"><input type="checkbox" data-rel="{esc(r)}"{"" if r == IN_YEAR else " checked"}> '
            f"{_line_svg(r)} {esc(r)} "
            f'<span class="muted">{esc(RELATION_STYLE.get(r, ("",))[0])}</span> '
            f'<span class="n">{rel_counts[r]}</span></label>'
            for r in payload["rels"]
        )
        towns = "".join(f'<option value="{i}">{esc(payload["nodes"][i][1])}</option>' for i in payload["towns"])
        years = "".join(f'<option value="{y}">{y}</option>' for y in payload["years"])
        docs = "".join(
            f'<option value="{i}">{esc(title)}{f" ({year})" if year else ""}</option>'
            for i, (title, year) in enumerate(payload["docs"])
        )
        year_type = payload["types"].index("year") if "year" in payload["types"] else -1
        loose = sum(1 for n in payload["nodes"] if n[9] == 0 and n[2] != year_type)
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
<p class="muted small">Drag to pan, scroll to zoom, hover for details, click a node for its facts and
neighbours, double-click to open its page.</p>
<p id="status" class="status">loading…</p>
{capped}
<h2>Filter</h2>
<label class="field">town 镇/街道 <select id="f-town"><option value="-1">all</option>{towns}</select></label>
<label class="field">year 年份 <select id="f-year"><option value="0">all</option>{years}</select></label>
<label class="field">document 文件 <select id="f-doc"><option value="-1">all</option>{docs}</select></label>
<label class="field"><span><input type="checkbox" id="f-loose"> show {loose} unconnected</span></label>
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
        return self.page(
            "Network overview", root, body, kind="overview", network=True, script=script, scripts=["overview.js"]
        )


# ---------------------------------------------------------------- helpers
