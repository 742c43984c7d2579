"""What every explorer page shares: escaping, paths, the page frame, links, quoted
sentences and the small networks' data (:class:`SiteBase`), used by the page mixins."""

from __future__ import annotations

import functools
import html
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .data import HEAD_TYPES, IN_YEAR, PLACE_TYPES, Doc, ExplorerData, Figure, Mention
from .facts import Source, Statement
from .style import RELATION_STYLE, TYPE_ORDER, type_style

if TYPE_CHECKING:
    from .memo import Memo

EGO_CAP = 400  # nodes in an entity's radius-2 network; hubs such as 桐乡市 reach everything
EGO_CAP_BIG = 150  # the same above BIG_GRAPH nodes: ten thousand pages of 400-node rings is most of a big site
BIG_GRAPH = 5_000
SUBGRAPH_CAP = 1500  # nodes in a document's or a place's network
EGO_RING2_OPEN = 60  # open an entity page at radius 2 when the second ring is at most this big
RELATIONS_SHOWN = 150  # rows of the relations-with-sources table (桐乡市 has hundreds)
MENTIONS_OPEN = 3  # documents whose mentions are unfolded on an entity page
KIND_NAMES = {"actual": "实际 actual", "target": "目标 target"}
UNIT_NAMES = {
    "yuan": "元",
    "usd": "美元",
    "percent": "%",
    "percentage-point": "百分点",
    "enterprise": "家",
    "mu": "亩",
    "person": "人",
    "count": "个",
}


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


def plural(n: int, word: str) -> str:
    """``1 mention``, ``2 mentions``, ``3 entities``.

    >>> plural(1, "mention"), plural(2, "mention"), plural(3, "entity")
    ('1 mention', '2 mentions', '3 entities')
    """
    many = word[:-1] + "ies" if word.endswith("y") and word[-2:-1] not in "aeiou" else word + "s"
    return f"{n:,} {word if n == 1 else many}"


@functools.lru_cache(maxsize=1 << 14)
def spaced_pinyin(label: str, pinyin: str) -> str:
    """The curated pinyin with a space between syllables, as readers expect it
    (Tóngkūn jítuán …): syllables come from pypinyin on the Chinese label, and are used
    only when they spell exactly the curated pinyin; otherwise the pinyin stays as is."""
    try:
        from pypinyin import Style
        from pypinyin import pinyin as to_pinyin
    except ImportError:
        return pinyin
    syllables = [s[0] for s in to_pinyin(label, style=Style.TONE, errors="ignore") if s and s[0]]
    if "".join(syllables).lower() != pinyin.replace(" ", "").lower() or " " in pinyin:
        return pinyin
    out, at = [], 0
    for syl in syllables:  # keep the curated capitals
        out.append(pinyin[at : at + len(syl)])
        at += len(syl)
    return " ".join(out)


class SiteBase:
    """State and shared parts of the pages; the page kinds are mixins on top of it."""

    def __init__(self, data: ExplorerData, *, version: str = "", memo: Memo | None = None) -> None:
        self.data = data
        self.version = version
        self.memo = memo
        self.ego_cap = EGO_CAP if len(data.nodes) <= BIG_GRAPH else EGO_CAP_BIG
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
        self.edge_src: dict[tuple[str, str], list[Source]] = defaultdict(list)
        for (a, _, b), sources in data.edge_sources.items():
            self.edge_src[(a, b)].extend(x for x in sources if x not in self.edge_src[(a, b)])
        self.statements_of: dict[str, list[Statement]] = defaultdict(list)
        for st in data.statements:
            for _, who in st.participants:
                if st not in self.statements_of[who]:
                    self.statements_of[who].append(st)
        # a glossary term's uses: its own mentions, and those of the entity it names where
        # the text says the term (一园两区 is linked to the park it names)
        self.term_uses: dict[str, list[Mention]] = {}
        for term, focus in ((t, f) for f, ts in self.focus_of.items() for t in ts):
            node = data.nodes.get(term)
            if node is None:
                continue
            names = {node.label, *node.aliases}
            uses = list(data.mentions_of.get(term, []))
            for m in data.mentions_of.get(focus, []):
                doc = data.docs.get(m.doc)
                if doc is not None and doc.text[m.start : m.end] in names and m not in uses:
                    uses.append(m)
            self.term_uses[term] = sorted(uses, key=lambda m: (m.doc, m.start))
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

    def page(
        self,
        title: str,
        root: str,
        body: str,
        *,
        kind: str,
        network: bool = False,
        script: str = "",
        scripts: Sequence[str] = (),
    ) -> str:
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
<button type="button" class="menu-btn" aria-label="menu" aria-expanded="false">☰ menu</button>
<nav><a href="{root}index.html">Index</a> <a href="{root}overview.html">Network</a>
<a href="{root}timeline.html">Timeline</a> <a href="{root}map.html">Map</a>
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
{"".join(f'<script src="{root}assets/{name}"></script>' for name in scripts)}
{tail}
</body>
</html>
"""

    def source_html(self, source: Source, root: str) -> str:
        """Where a fact comes from: its sentence with the document and date, or "curated"
        and the curation file:line:column, or the graph it was derived in."""
        doc = self.data.docs.get(source.doc)
        if doc is not None and source.start >= 0:
            s, e = source.start, min(source.end, len(doc.text))
            when = doc.issued or (str(doc.year) if doc.year else "")
            return (
                f'<a class="src" href="{root}{page_path(doc.id)}#s-{s}" title="open in the document">'
                f"{esc(doc.text[s:e])}</a>"
                f'<span class="via">— {self.link(doc.id, root)}{f" · {esc(when)}" if when else ""}'
                f"{f' · rule <code>{esc(source.rule)}</code>' if source.rule else ''}</span>"
            )
        if source.curated:
            return f'<span class="cur">curated <code>{esc(source.curated)}</code></span>'
        return f'<span class="cur">derived <code>{esc(source.graph or "?")}</code></span>'

    def sources_of(self, a: str, b: str) -> list[Source]:
        """Sources of every relation between ``a`` and ``b``, either way round."""
        return self.edge_src.get((a, b), []) + self.edge_src.get((b, a), [])

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
        cap = self.ego_cap
        if total > cap:
            ranked = sorted(dist, key=lambda n: (dist[n], -self.data.nodes[n].mentions, n))
            dist = {n: dist[n] for n in ranked[:cap]}
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

    def _subgraph(self, keep: Sequence[str], centre: str | None, total: int) -> dict[str, Any]:
        from .layout import memo_key, spread_layout

        graph = self._simple(keep)
        if self.memo is None:
            pos = spread_layout(graph)
        else:
            pos = self.memo.get("layout", memo_key(graph), lambda: spread_layout(graph))
        dist = {k: (0 if k == centre else 1) for k in keep}
        return self._network_payload(dist, pos, centre, total)

    @staticmethod
    def network_js(payload: dict[str, Any]) -> str:
        """:meth:`_network_payload` as a JavaScript object literal (valid JSON)."""
        rest = js_data({k: v for k, v in payload.items() if k != "nodes"})
        return '{"nodes":[' + ",".join(payload["nodes"]) + "]," + rest[1:]

    def _legend(self, payload: dict[str, Any]) -> str:
        parts = [f'<span class="lg">{_shape_svg(t)} {esc(t)}</span>' for t in payload["types"]]
        parts += [f'<span class="lg">{_line_svg(r)} {esc(r)}</span>' for r in payload["rels"]]
        return f'<p class="legend small">{"".join(parts)}</p>'

    def _definition_card(self, definition: Any, root: str) -> str:
        doc = self.data.docs.get(definition.doc)
        where = self.link(definition.doc, root) if doc else esc(definition.doc)
        year = f'<a class="year" href="{root}year/{doc.year}.html">{doc.year}</a>' if doc and doc.year else ""
        number = f"{definition.number}. " if definition.number else ""
        return (
            f'<article class="def"><header>{where} {year}</header><h3>{esc(number)}{esc(definition.headword)}</h3>'
            f"<p>{esc(definition.text)}</p></article>"
        )


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
