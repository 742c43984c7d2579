"""The overview network's data: every node with a precomputed position, the collapse
groups for big graphs, and the filters' indexes, in compact arrays (a 10,000-node
overview is about 1.5 MB of JSON)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .data import IN_YEAR, ExplorerData
from .layout import SPACING, grouped_layout, memo_key, packed_layout
from .pages import node_size, overview_towns, page_path
from .style import FONT_STACK, RELATION_STYLE, TYPE_ORDER, TYPE_STYLE

if TYPE_CHECKING:
    from .memo import Memo

__all__ = ["AGGREGATE_ABOVE", "DRAW_BUDGET", "OVERVIEW_CAP", "overview_payload"]

OVERVIEW_CAP = 20_000  # nodes in the overview at all; the rest are reached by search and pages
AGGREGATE_ABOVE = 1_500  # above this many nodes, towns start collapsed
DRAW_BUDGET = 6_000  # most nodes drawn at once when zoomed in on a big graph
EXPAND_PX = 140  # a collapsed town opens once its disc is this many pixels across on screen


def overview_payload(data: ExplorerData, memo: Memo | None = None) -> dict[str, Any]:
    import networkx as nx

    keys = sorted(data.nodes)
    total = len(keys)
    if total > OVERVIEW_CAP:
        # keep what the documents talk about most; collapse heads and years always stay
        ranked = sorted(
            keys,
            key=lambda k: (
                data.nodes[k].type != "year" and k not in data.head.values(),
                -data.nodes[k].mentions,
                -data.degree.get(k, 0),
                k,
            ),
        )
        keys = sorted(ranked[:OVERVIEW_CAP])
    index = {k: i for i, k in enumerate(keys)}
    years = [k for k in keys if data.nodes[k].type == "year"]
    layout_graph = nx.Graph()
    layout_graph.add_nodes_from(k for k in keys if data.nodes[k].type != "year")
    layout_graph.add_edges_from(
        (e.source, e.target)
        for e in data.edges
        if e.relation != IN_YEAR and e.source in layout_graph and e.target in layout_graph
    )
    groups: dict[str, list[str]] = {}
    for member, head in data.head.items():
        if member in index and head in index:
            groups.setdefault(head, []).append(member)
    order = lambda k: (str(k).split("/")[0], data.nodes[str(k)].label, str(k))  # noqa: E731 - types stay together
    aggregate = len(keys) > AGGREGATE_ABOVE
    # the picture reads by groups: each town with what is in it, and the rest split into
    # communities, each a disc around its best-linked member (the group's label)
    # (a big graph keeps its towns only: they collapse, and community discs would pack the
    # picture so tight that the fitted view opens every town at once)
    taken = set(groups) | {m for ms in groups.values() for m in ms}
    clusters = groups if aggregate else {**groups, **_communities(layout_graph, taken, data)}

    def lay_out() -> dict[Any, tuple[float, float]]:
        if aggregate:
            # towns collapse into discs when zoomed out: each must sit amid its own members,
            # and the discs where the graph between them puts them
            return grouped_layout(layout_graph, clusters, order=order)
        return packed_layout(layout_graph, clusters, order=order)

    if memo is None:
        pos = lay_out()
    else:
        key = memo_key(
            layout_graph,
            order,
            "grouped" if aggregate else "packed",
            sorted((h, sorted(m)) for h, m in clusters.items()),
        )
        pos = dict(memo.get("overview-layout", key, lay_out))
    _timeline(pos, sorted(years, key=lambda k: data.nodes[k].year or 0))
    radius: dict[str, float] = {}
    for head, members in groups.items():
        hx, hy = pos[head]
        radius[head] = round(max(((pos[m][0] - hx) ** 2 + (pos[m][1] - hy) ** 2) ** 0.5 for m in members) + SPACING, 1)
    types = sorted({data.nodes[k].type for k in keys}, key=lambda t: TYPE_ORDER.index(t) if t in TYPE_ORDER else 99)
    relations = [r for r in RELATION_STYLE if any(e.relation == r for e in data.edges)]
    relations += sorted({e.relation for e in data.edges} - set(relations))
    all_years = sorted({y for k in keys for y in data.years.get(k, [])})
    doc_keys = sorted(data.docs, key=lambda k: (data.docs[k].year or 0, data.docs[k].title))
    doc_index = {k: i for i, k in enumerate(doc_keys)}
    docs_of: dict[str, set[int]] = {}
    for m in data.mentions:
        docs_of.setdefault(m.node, set()).add(doc_index[m.doc])
    nodes = []
    for k in keys:
        n = data.nodes[k]
        head = data.head.get(k, "")
        nodes.append(
            [
                page_path(k),
                n.label,
                types.index(n.type),
                n.mentions,
                pos[k][0],
                pos[k][1],
                index[head] if head in index and head in groups else -1,
                [index[t] for t in data.towns.get(k, []) if t in index],
                data.years.get(k, []),
                data.degree.get(k, 0),
                len(groups.get(k, ())),
                radius.get(k, 0),
                node_size(n.mentions),
                n.aliases[0] if n.aliases else "",
                sorted(docs_of.get(k, ())),
            ]
        )
    edges = [
        [index[e.source], index[e.target], relations.index(e.relation)]
        for e in data.edges
        if e.source in index and e.target in index
    ]
    return {
        "nodes": nodes,
        "edges": edges,
        "types": types,
        "rels": relations,
        "towns": overview_towns(data, index),
        "years": all_years,
        "aggregate": len(keys) > AGGREGATE_ABOVE,
        "aggregateAbove": AGGREGATE_ABOVE,
        "budget": DRAW_BUDGET,
        "expandPx": EXPAND_PX,
        "cap": {"total": total, "shown": len(keys)},
        "docs": [[data.docs[k].title, data.docs[k].year or 0] for k in doc_keys],
        "groups": _group_discs(clusters, groups, pos, index, data),
        "style": {"types": {t: list(TYPE_STYLE.get(t, TYPE_STYLE["thing"])) for t in types}},
        "font": FONT_STACK,
    }


def _communities(graph: Any, taken: set[str], data: ExplorerData) -> dict[str, list[str]]:
    """Louvain communities (seeded) of what is not in a town, as head → members, the head
    being the member with the most links (ties: most mentioned, then id)."""
    import networkx as nx

    rest = graph.subgraph([n for n in graph if n not in taken and graph.degree(n) > 0])
    out: dict[str, list[str]] = {}
    if rest.number_of_nodes() < 8:
        return out
    for community in nx.community.louvain_communities(rest, seed=7, resolution=1.0):
        if len(community) < 6:
            continue
        members = sorted(community)
        head = max(members, key=lambda k: (rest.degree(k), data.nodes[k].mentions, k))
        out[head] = [m for m in members if m != head]
    return out


def _group_discs(
    clusters: dict[str, list[str]],
    towns: dict[str, list[str]],
    pos: dict[Any, tuple[float, float]],
    index: dict[str, int],
    data: ExplorerData,
) -> list[list[Any]]:
    """[head index, centre x, centre y, radius, label, is a town] of each drawn group, for
    the group outlines and their labels."""
    out = []
    for head, members in sorted(clusters.items()):
        inside = [m for m in (head, *members) if m in pos]
        if head not in index or len(inside) < 2:
            continue
        cx = sum(pos[m][0] for m in inside) / len(inside)
        cy = sum(pos[m][1] for m in inside) / len(inside)
        r = max(((pos[m][0] - cx) ** 2 + (pos[m][1] - cy) ** 2) ** 0.5 for m in inside) + SPACING * 0.6
        label = data.nodes[head].label
        out.append([index[head], round(cx, 1), round(cy, 1), round(r, 1), label, 1 if head in towns else 0])
    return out


def _timeline(pos: dict[Any, tuple[float, float]], years: list[str]) -> None:
    """Years in a row above the picture, oldest on the left: a time axis, not a hub that
    would drag every dated thing into the middle."""
    if not years:
        return
    if pos:
        xs = [p[0] for p in pos.values()]
        top = min(p[1] for p in pos.values()) - 3 * SPACING
        left, right = min(xs), max(xs)
    else:
        top, left, right = 0.0, 0.0, 0.0
    span = max(right - left, SPACING * 2 * len(years))
    middle = (left + right) / 2
    step = span / max(1, len(years))
    for i, y in enumerate(years):
        pos[y] = (round(middle - span / 2 + step * (i + 0.5), 1), round(top, 1))
