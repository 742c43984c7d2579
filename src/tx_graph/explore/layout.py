"""Positions for the explorer's networks, computed once in Python so the browser never
runs physics.

networkx's force layout is dense below 500 nodes and needs scipy above it (which this
project does not depend on), and even with scipy it takes minutes at 10,000 nodes. So
large graphs are laid out piecewise: connected components are packed side by side, and
a component too big for one force layout is split into Louvain communities, each laid
out on its own and placed where a layout of the community graph puts it. Every call
to :func:`networkx.spring_layout` therefore sees a few hundred nodes at most, and the
whole layout is deterministic (fixed seeds, sorted iteration).

Coordinates are in screen pixels at zoom 1: neighbouring nodes sit about
:data:`SPACING` apart, so labels are readable when zoomed in.

>>> import networkx as nx
>>> pos = spread_layout(nx.path_graph(5))
>>> sorted(pos) == [0, 1, 2, 3, 4] and all(len(p) == 2 for p in pos.values())
True
>>> radial = ego_layout({0: [1, 2, 3], 1: [0], 2: [0], 3: [0]}, 0, {0: 0, 1: 1, 2: 1, 3: 1})
>>> radial[0], radial[1]
((0, 0), (0, -182))
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["SPACING", "ego_layout", "grouped_layout", "memo_key", "packed_layout", "spread_layout", "tree_layout"]

SPACING = 70.0  # pixels between neighbours at zoom 1
SPRING_MAX = 450  # largest graph handed to one spring_layout call (dense, O(n²) per step)
SEED = 7

Pos = dict[Any, tuple[float, float]]
Key = Callable[[Any], Any]  # sort key over nodes: every ordering in here is deterministic


def memo_key(graph: nx.Graph, order: Key | None = None, *extra: object) -> str:
    """What a layout of ``graph`` depends on: its nodes and edges in iteration order (the
    seeded layouts follow it) and the sort order; equal keys give equal layouts."""
    from .memo import digest

    return digest(list(graph), list(graph.edges()), sorted(graph, key=order or _identity), extra)


def spread_layout(graph: nx.Graph, *, order: Key | None = None) -> Pos:
    """A force-directed layout of any size: components packed, big ones split."""
    pos = _layout(graph, order or _identity, depth=0)
    return {n: (round(x, 1), round(y, 1)) for n, (x, y) in pos.items()}


def grouped_layout(graph: nx.Graph, groups: Mapping[Any, Iterable[Any]], *, order: Key | None = None) -> Pos:
    """Lay out each group (a head and its members) as a compact disc with the head at its
    centre, then place the discs and the ungrouped nodes by the graph between them.

    Used for the overview of big graphs, where a town's villages, landmarks and projects
    collapse into the town until zoomed in: the town must sit in the middle of them.
    """
    import networkx as nx

    key = order or _identity
    owner: dict[Any, Any] = {}
    local: dict[Any, Pos] = {}
    radius: dict[Any, float] = {}
    for head in sorted(groups, key=key):
        members = [m for m in groups[head] if m in graph and m not in owner and m != head]
        if head not in graph or not members:
            continue
        nodes = [head, *members]
        for n in nodes:
            owner[n] = head
        sub = _layout(graph.subgraph(nodes).copy(), key, depth=0)
        hx, hy = sub[head]
        local[head] = {n: (x - hx, y - hy) for n, (x, y) in sub.items()}
        radius[head] = max(math.hypot(x, y) for x, y in local[head].values()) + SPACING / 2
    # the graph between units: a group is one node, everything else stands for itself
    quotient = nx.Graph()
    for n in sorted(graph, key=key):
        unit = owner.get(n, n)
        quotient.add_node(unit)
    for a, b in graph.edges():
        ua, ub = owner.get(a, a), owner.get(b, b)
        if ua != ub:
            w = quotient.get_edge_data(ua, ub, {"weight": 0})["weight"]
            quotient.add_edge(ua, ub, weight=w + 1)
    sizes = {u: radius.get(u, SPACING / 2) for u in quotient}
    centres = _layout(quotient, key, depth=0, sizes=sizes)
    pos: Pos = {}
    for unit, (cx, cy) in centres.items():
        if unit in local:
            for n, (x, y) in local[unit].items():
                pos[n] = (round(cx + x, 1), round(cy + y, 1))
        else:
            pos[unit] = (round(cx, 1), round(cy, 1))
    return pos


def packed_layout(graph: nx.Graph, groups: Mapping[Any, Iterable[Any]], *, order: Key | None = None) -> Pos:
    """Each group (a head and its members: a town and what is in it, or a community) laid
    out on its own as a disc, the discs packed biggest first on a spiral, nodes linked to
    nothing in a grid underneath. Reads better than one force layout of everything (two
    hairballs and empty space): every disc is a labelled group. A node in no group but
    linked into some joins the group it has most links into."""
    key = order or _identity
    members: dict[Any, list[Any]] = {}
    owner: dict[Any, Any] = {}
    for head in sorted(groups, key=key):
        if head not in graph or head in owner:
            continue
        inside = [m for m in groups[head] if m in graph and m not in owner and m != head]
        members[head] = inside
        owner[head] = head
        for m in inside:
            owner[m] = head
    loose: list[Any] = []
    for n in sorted(graph, key=key):
        if n in owner:
            continue
        votes: dict[Any, int] = {}
        for m in graph[n]:
            if m in owner:
                votes[owner[m]] = votes.get(owner[m], 0) + 1
        if votes:
            head = max(sorted(votes, key=key), key=votes.__getitem__)
            members[head].append(n)
            owner[n] = head
        else:
            loose.append(n)
    parts = [_layout(graph.subgraph([h, *ms]).copy(), key, depth=0) for h, ms in members.items()]
    singles = [n for n in loose if graph.degree(n) == 0]
    rest = [n for n in loose if graph.degree(n) > 0]
    if rest:
        parts.append(_layout(graph.subgraph(rest).copy(), key, depth=0))
    parts.sort(key=lambda part: -len(part))
    pos = _pack(parts, singles, None)
    return {n: (round(x, 1), round(y, 1)) for n, (x, y) in pos.items()}


def ego_layout(
    graph: Mapping[Any, Iterable[Any]],
    centre: Any,
    distance: Mapping[Any, int],
    width: Callable[[Any], float] | None = None,
) -> Pos:
    """Rings around ``centre``: its neighbours on the first, theirs on the second, each
    second-ring node next to the first-ring node it hangs from. Instant for any size,
    and the same picture every time (no physics). ``graph`` maps a node to its
    neighbours (an adjacency dict, or a networkx graph); only first-ring nodes are
    looked up. Coordinates are whole pixels (every entity page carries one of these)."""
    cos, sin, tau = math.cos, math.sin, 2 * math.pi
    ring1 = sorted((n for n, d in distance.items() if d == 1), key=str)
    angle: dict[Any, float] = {}
    # room on the first ring for every label (``width``: a label's width in pixels)
    need = sum((width(n) if width else SPACING) * 0.8 + 16 for n in ring1)
    r1 = max(2.6 * SPACING, need / tau)
    pos: Pos = {centre: (0, 0)}
    step = tau / max(1, len(ring1))
    for i, n in enumerate(ring1):
        a = step * i - math.pi / 2
        angle[n] = a
        pos[n] = (round(r1 * cos(a)), round(r1 * sin(a)))
    ring2 = [n for n, d in distance.items() if d == 2]
    if not ring2:
        return pos
    # each second-ring node faces the first of the first-ring nodes it hangs from (walked
    # from the first ring: a second-ring hub's own hundreds of neighbours are not read)
    anchor = dict.fromkeys(ring2, math.inf)
    for m in ring1:
        a = angle[m]
        for n in graph[m]:
            if anchor.get(n, -math.inf) > a:
                anchor[n] = a
    for n, a in anchor.items():
        if a == math.inf:
            anchor[n] = 0.0
    # by anchor, then name (two stable sorts with C-level keys: a ring can hold 400 nodes)
    ring2.sort(key=str)
    ring2.sort(key=anchor.__getitem__)
    r2 = max(r1 + 2.6 * SPACING, len(ring2) * SPACING * 0.6 / tau)
    # spread evenly but start where the first anchor is, so children face their parent
    first = anchor[ring2[0]]
    step = tau / len(ring2)
    for i, n in enumerate(ring2):
        a = first + step * i
        pos[n] = (round(r2 * cos(a)), round(r2 * sin(a)))
    return pos


def tree_layout(children: Mapping[Any, Iterable[Any]], root: Any, keep: Iterable[Any]) -> Pos:
    """A radial tree: ``root`` in the middle, each depth on its own ring, every subtree
    in a wedge as wide as its share of the leaves. Linear in the nodes, so a place
    holding a thousand things costs nothing (a force layout of it cost about 6 ms per
    page, most of a 10,000-node site's generation); nodes of ``keep`` the tree does not
    reach go on an outer ring.

    >>> tree_layout({"a": ["b", "c"]}, "a", ["a", "b", "c"])["a"]
    (0, 0)
    """
    wanted = set(keep)
    order: list[tuple[Any, int, Any]] = []  # (node, depth, parent) depth-first
    seen = {root}
    stack = [(root, 0, None)]
    while stack:
        node, depth, parent = stack.pop()
        order.append((node, depth, parent))
        for c in reversed(list(children.get(node, ()))):
            if c in wanted and c not in seen:
                seen.add(c)
                stack.append((c, depth + 1, node))
    kids: dict[Any, list[Any]] = {}
    for node, _, parent in order:
        if parent is not None:
            kids.setdefault(parent, []).append(node)
    leaves: dict[Any, int] = {}
    for node, _, _ in reversed(order):
        leaves[node] = sum(leaves[c] for c in kids.get(node, ())) or 1
    depth_of = {node: depth for node, depth, _ in order}
    deepest = max(depth_of.values())
    rest = sorted((n for n in wanted if n not in seen), key=str)
    # rings far enough apart that the outermost holds its leaves about SPACING apart
    ring = max(2.4 * SPACING, leaves[root] * SPACING * 0.7 / (2 * math.pi) / max(1, deepest))
    pos: Pos = {root: (0, 0)}
    span: dict[Any, tuple[float, float]] = {root: (-math.pi / 2, 3 * math.pi / 2)}
    for node, depth, _ in order:
        lo, hi = span[node]
        if node != root:
            a = (lo + hi) / 2
            pos[node] = (round(ring * depth * math.cos(a)), round(ring * depth * math.sin(a)))
        start = lo
        for c in kids.get(node, ()):
            width = (hi - lo) * leaves[c] / leaves[node]
            span[c] = (start, start + width)
            start += width
    if rest:
        r = ring * (deepest + 1.5)
        step = 2 * math.pi / len(rest)
        for i, n in enumerate(rest):
            pos[n] = (round(r * math.cos(step * i)), round(r * math.sin(step * i)))
    return pos


# ---------------------------------------------------------------- internals


def _identity(n: Any) -> Any:
    return str(n)


def _layout(graph: nx.Graph, key: Key, depth: int, sizes: Mapping[Any, float] | None = None) -> Pos:
    import networkx as nx

    n = graph.number_of_nodes()
    if n == 0:
        return {}
    if n == 1:
        return {next(iter(graph)): (0.0, 0.0)}
    components = sorted(
        (sorted(c, key=key) for c in nx.connected_components(graph)), key=lambda c: (-len(c), key(c[0]))
    )
    if len(components) > 1:
        singles = [c[0] for c in components if len(c) == 1]
        parts = [_layout(graph.subgraph(c).copy(), key, depth, sizes) for c in components if len(c) > 1]
        return _pack(parts, singles, sizes)
    if n == 2 and not sizes:
        a, b = sorted(graph, key=key)
        return {a: (-SPACING, 0.0), b: (SPACING, 0.0)}
    if n <= SPRING_MAX and not sizes:
        return _spring(graph, key)
    if n <= SPRING_MAX and sizes:
        # discs of different sizes: a plain layout scaled to the typical disc, then pushed
        # apart just enough (scaling by the biggest would strand the small ones far away)
        typical = sorted(sizes.get(v, SPACING / 2) for v in graph)[n // 2]  # sizes is set here
        return _remove_overlap(_spring(graph, key, scale=typical / (SPACING / 2)), sizes)
    return _split(graph, key, depth, sizes)


def _spring(graph: nx.Graph, key: Key, scale: float = 1.0) -> Pos:
    nodes = sorted(graph, key=key)
    raw = _force_directed(graph, nodes, iterations=80 if len(nodes) < 150 else 50)
    # the force layout is scaled to [-1, 1]; give the picture an area proportional to what it holds
    half = math.sqrt(len(nodes) * (SPACING / 2) ** 2 * 4.5) / 2 * scale
    pos = {v: (float(raw[i][0]) * half, float(raw[i][1]) * half) for i, v in enumerate(nodes)}
    # a hub's leaves end up on top of each other in a force layout: give each some room
    return _remove_overlap(pos, dict.fromkeys(nodes, SPACING * 0.3 * scale), rounds=30)


def _force_directed(graph: nx.Graph, nodes: list[Any], iterations: int) -> Any:
    """Fruchterman-Reingold as :func:`networkx.spring_layout` runs it (``method="force"``:
    the same seeded start, forces, cooling and stopping rule, rescaled to [-1, 1]).

    networkx spends its time on ``(n, n, 2)`` difference arrays; here the all-pairs
    repulsion comes from the Gram matrix (``|pi - pj|² = |pi|² + |pj|² - 2 pi·pj``, a
    matrix product) and the attraction is summed over the edges only, which makes a
    400-node layout several times faster. Edge weights (``weight``, default 1) scale
    the attraction."""
    import numpy as np

    n = len(nodes)
    index = {v: i for i, v in enumerate(nodes)}
    pairs = [(index[a], index[b], float(w)) for a, b, w in graph.edges(data="weight", default=1) if a != b]
    src = np.array([p[0] for p in pairs] + [p[1] for p in pairs], dtype=np.intp)
    dst = np.array([p[1] for p in pairs] + [p[0] for p in pairs], dtype=np.intp)
    weight = np.array([p[2] for p in pairs] * 2, dtype=float)
    pos = np.random.RandomState(SEED).rand(n, 2)
    k = math.sqrt(1.0 / n)
    kk = k * k
    t = max(np.ptp(pos[:, 0]), np.ptp(pos[:, 1])) * 0.1
    dt = t / (iterations + 1)
    gram = np.empty((n, n))
    for _ in range(iterations):
        # repulsion k²/d² · (pi - pj), summed over j: (Σj r_ij) pi - Σj r_ij pj
        square = (pos * pos).sum(axis=1)
        np.matmul(pos, pos.T, out=gram)
        gram *= -2
        gram += square[:, None]
        gram += square[None, :]
        np.clip(gram, 1e-4, None, out=gram)  # distance at least 0.01, as networkx
        np.divide(kk, gram, out=gram)
        np.fill_diagonal(gram, 0.0)
        move = pos * gram.sum(axis=1)[:, None] - gram @ pos
        # attraction -A_ij d/k · (pi - pj), over the edges
        if len(src):
            diff = pos[src] - pos[dst]
            dist = np.maximum(np.sqrt((diff * diff).sum(axis=1)), 0.01)
            pull = diff * (-weight * dist / k)[:, None]
            move[:, 0] += np.bincount(src, weights=pull[:, 0], minlength=n)
            move[:, 1] += np.bincount(src, weights=pull[:, 1], minlength=n)
        length = np.clip(np.sqrt((move * move).sum(axis=1)), 0.01, None)
        step = move * (t / length)[:, None]
        pos += step
        t -= dt
        if math.sqrt(float((step * step).sum())) / n < 1e-4:
            break
    pos -= pos.mean(axis=0)
    lim = np.abs(pos).max()
    return pos / lim if lim > 0 else pos


def _split(graph: nx.Graph, key: Key, depth: int, sizes: Mapping[Any, float] | None) -> Pos:
    """One component too big for one spring layout: communities laid out separately."""
    import networkx as nx

    communities = [sorted(c, key=key) for c in nx.community.louvain_communities(graph, seed=SEED)]
    communities.sort(key=lambda c: (-len(c), key(c[0])))
    if len(communities) < 2 or depth > 6:
        return _sunflower(graph, key, sizes)
    # a community can still be huge (a hub's leaves stay with the hub): split it again
    local: list[Pos] = [_layout(graph.subgraph(c).copy(), key, depth + 1, sizes) for c in communities]
    radius: dict[int, float] = {}
    for i, p in enumerate(local):
        cx, cy = _centre(p)
        local[i] = {v: (x - cx, y - cy) for v, (x, y) in p.items()}
        radius[i] = max(math.hypot(x, y) for x, y in local[i].values()) + SPACING / 2
    which = {v: i for i, c in enumerate(communities) for v in c}
    quotient = nx.Graph()
    quotient.add_nodes_from(range(len(communities)))
    for a, b in graph.edges():
        ia, ib = which[a], which[b]
        if ia != ib:
            w = quotient.get_edge_data(ia, ib, {"weight": 0})["weight"]
            quotient.add_edge(ia, ib, weight=w + 1)
    centres = _layout(quotient, lambda i: i, depth + 1, radius)
    pos: Pos = {}
    for i, (cx, cy) in centres.items():
        for v, (x, y) in local[int(i)].items():
            pos[v] = (cx + x, cy + y)
    return pos


def _sunflower(graph: nx.Graph, key: Key, sizes: Mapping[Any, float] | None) -> Pos:
    """Fallback for a graph no split can break (a hub with thousands of leaves): the best
    connected node in the middle, the rest on a Vogel spiral in breadth-first order."""
    import networkx as nx

    hub = max(sorted(graph, key=key), key=graph.degree)
    order = [hub, *(v for v in nx.bfs_tree(graph, hub) if v != hub)]
    golden = math.pi * (3 - math.sqrt(5))
    pos: Pos = {}
    spacing = max((sizes or {}).get(v, SPACING / 2) for v in order) * 1.6
    for i, v in enumerate(order):
        r = spacing * math.sqrt(i) * 0.8
        pos[v] = (r * math.cos(i * golden), r * math.sin(i * golden))
    return pos


def _centre(pos: Pos) -> tuple[float, float]:
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2


def _pack(parts: list[Pos], singles: list[Any], sizes: Mapping[Any, float] | None) -> Pos:
    """Components as discs, biggest first, each placed at the first free spot on a spiral
    around the ones already placed; isolated nodes in a grid underneath."""
    placed: list[tuple[float, float, float]] = []
    pos: Pos = {}
    for part in parts:
        cx, cy = _centre(part)
        r = max(math.hypot(x - cx, y - cy) for x, y in part.values()) + SPACING * 0.8
        x0, y0 = _free_spot(placed, r)
        placed.append((x0, y0, r))
        for v, (x, y) in part.items():
            pos[v] = (x - cx + x0, y - cy + y0)
    if singles:
        top = max((y + r for _, y, r in placed), default=0.0) + SPACING
        left = min((x - r for x, _, r in placed), default=0.0)
        width = max((x + r for x, _, r in placed), default=0.0) - left
        cell = max([SPACING * 1.3, *((sizes or {}).get(v, 0) * 2.2 for v in singles)])
        # a block about twice as wide as high, centred under the components
        per_row = max(1, min(int(max(width, cell) // cell), math.ceil(math.sqrt(len(singles) * 2))))
        left = left + width / 2 - per_row * cell / 2 if placed else -per_row * cell / 2
        for i, v in enumerate(singles):
            pos[v] = (left + (i % per_row) * cell + cell / 2, top + (i // per_row) * cell)
    return pos


def _free_spot(placed: list[tuple[float, float, float]], r: float) -> tuple[float, float]:
    if not placed:
        return 0.0, 0.0
    step = max(r, SPACING) / 2
    t = 0.0
    while True:
        t += 1
        # an Archimedean spiral: distance grows by ``step`` per quarter turn
        a = t * 0.5
        d = step * a / 1.2
        x, y = d * math.cos(a), d * math.sin(a)
        if all(math.hypot(x - px, y - py) >= r + pr for px, py, pr in placed):
            return x, y


def _remove_overlap(pos: Pos, sizes: Mapping[Any, float], rounds: int = 60) -> Pos:
    """Push apart discs that overlap (numpy, all pairs: called on a few hundred discs).

    Each round finds the overlapping pairs with one pass over the distance matrix and
    moves only those; coincident centres are pushed apart along x."""
    import numpy as np

    nodes = list(pos)
    n = len(nodes)
    if n < 2:
        return {v: (float(x), float(y)) for v, (x, y) in pos.items()}
    x = np.array([pos[v][0] for v in nodes], dtype=float)
    y = np.array([pos[v][1] for v in nodes], dtype=float)
    r = np.array([sizes.get(v, SPACING / 2) for v in nodes], dtype=float)
    uniform = bool((r == r[0]).all())
    need: Any = 2 * r[0] if uniform else r[:, None] + r[None, :]
    for _ in range(rounds):
        dx = x[:, None] - x[None, :]
        dy = y[:, None] - y[None, :]
        d2 = dx * dx + dy * dy
        np.fill_diagonal(d2, np.inf)
        close = d2 < need * need
        if not close.any():
            break
        i, j = np.nonzero(close)
        dist = np.sqrt(d2[i, j])
        overlap = (need if uniform else need[i, j]) - dist
        if overlap.max() < 1:
            break
        safe = np.where(dist == 0, 1.0, dist)
        ux = np.where(dist == 0, np.where(i < j, 1.0, -1.0), dx[i, j] / safe)
        uy = np.where(dist == 0, 0.0, dy[i, j] / safe)
        x += np.bincount(i, weights=ux * overlap / 2, minlength=n) * 0.6
        y += np.bincount(i, weights=uy * overlap / 2, minlength=n) * 0.6
    return {v: (float(a), float(b)) for v, a, b in zip(nodes, x, y, strict=True)}
