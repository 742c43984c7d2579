"""Offline HTML explorer: ``exports/explorer/index.html`` and the pages it links to.

``build_explorer(store, out)`` reads a built graph and writes a folder of static pages:
an index with search, a network overview, one page per entity, per place (everything
in it), per year, per document, and the glossary. The pages need no server and no
network: vis-network is copied from the installed pyvis package (its own templates
pull Bootstrap and vis from CDNs even in ``in_line`` mode, so they are not used), the
data is written into the pages, and fonts are the system's CJK fonts.

Heavy modules (networkx, pyvis's files) load inside the functions, so importing this
module, which ``tx-graph --help`` does, stays instant.

>>> page_path("place/wuzhen")
'entity/place-wuzhen.html'
"""

from __future__ import annotations

import argparse
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import TxGraphError

if TYPE_CHECKING:
    from ..api import KnowledgeGraph
    from .data import ExplorerData

__all__ = ["ExplorerStats", "build_explorer", "generate", "page_path", "register_cli"]

MARKER = ".tx-graph-explorer"  # marks a folder as ours, so a rebuild may replace it
VIS_VERSION = "vis-9.1.2"


@dataclass
class ExplorerStats:
    """What a generation wrote and how long each part took."""

    pages: int = 0
    bytes: int = 0
    largest: tuple[str, int] = ("", 0)
    sizes: dict[str, int] = field(default_factory=dict)  # a few named pages → bytes
    timings: dict[str, float] = field(default_factory=dict)
    nodes: int = 0
    edges: int = 0

    def summary(self) -> str:
        parts = ", ".join(f"{k} {v:.2f}s" for k, v in self.timings.items())
        return (
            f"explorer: {self.pages} pages, {self.bytes / 1e6:.1f} MB, largest {self.largest[0]} "
            f"{self.largest[1] / 1e6:.2f} MB; {parts}"
        )


def page_path(node_id: str) -> str:
    """Where a node's page lives in the site (see :func:`tx_graph.explore.pages.page_path`)."""
    from .pages import page_path as path

    return path(node_id)


def build_explorer(store: Path | str | KnowledgeGraph, out: Path | str) -> Path:
    """Write the explorer for the graph in ``store`` (a store folder or an open graph)
    into ``out`` and return the path of its ``index.html``."""
    generate(store, out)
    return Path(out) / "index.html"


def generate(store: Path | str | KnowledgeGraph, out: Path | str) -> ExplorerStats:
    """:func:`build_explorer`, returning sizes and timings (for the benchmark)."""
    from ..api import KnowledgeGraph, load
    from .data import collect

    stats = ExplorerStats()
    start = time.perf_counter()
    kg = store if isinstance(store, KnowledgeGraph) else load(Path(store))
    data = collect(kg)
    stats.timings["query"] = time.perf_counter() - start
    stats.nodes, stats.edges = len(data.nodes), len(data.edges)
    out = Path(out)
    _check_target(out)
    tmp = out.with_name(out.name + ".new")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    try:
        _write_site(data, tmp, stats)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)
    stats.timings["total"] = time.perf_counter() - start
    return stats


def _check_target(out: Path) -> None:
    # a folder that is not ours is never deleted: pyvis's habit of writing lib/ over a
    # user's folder is exactly what this avoids
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        raise TxGraphError(
            f"{out} exists and is not an explorer folder written by tx-graph (no {MARKER}); "
            "choose another --out or remove it"
        )


def _write_site(data: ExplorerData, out: Path, stats: ExplorerStats) -> None:
    from .. import __version__
    from .overview import overview_payload
    from .pages import Site, page_path, place_path

    t = time.perf_counter()
    payload = overview_payload(data)
    stats.timings["layout"] = time.perf_counter() - t
    t = time.perf_counter()
    site = Site(data, version=__version__)
    _copy_assets(out / "assets")
    (out / "assets" / "search-index.js").write_text(_search_index(data), encoding="utf-8")
    written: dict[str, int] = {}

    def put(rel: str, text: str) -> None:
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        raw = text.encode("utf-8")
        path.write_bytes(raw)
        written[rel] = len(raw)

    put("index.html", site.index_page())
    put("overview.html", site.overview_page(payload))
    put("glossary.html", site.glossary_page())
    for key, node in sorted(data.nodes.items()):
        if node.type == "year":
            put(page_path(key), site.year_page(key))
        else:
            put(page_path(key), site.entity_page(key))
    for key in sorted(site.place_pages):
        put(place_path(key), site.place_page(key))
    for key in sorted(data.docs):
        put(page_path(key), site.doc_page(key))
    (out / MARKER).write_text(
        "written by tx-graph explore; the whole folder is replaced on rebuild\n", encoding="utf-8"
    )
    stats.timings["pages"] = time.perf_counter() - t
    for path in (out / "assets").iterdir():
        written[f"assets/{path.name}"] = path.stat().st_size
    stats.pages = sum(1 for k in written if k.endswith(".html"))
    stats.bytes = sum(written.values())
    stats.largest = max(((k, v) for k, v in written.items() if k.endswith(".html")), key=lambda kv: kv[1])
    stats.sizes = {
        k: written[k]
        for k in ("index.html", "overview.html", "glossary.html", "assets/search-index.js")
        if k in written
    }


def _copy_assets(target: Path) -> None:
    """vis-network from the installed pyvis, and the explorer's own script and style."""
    import importlib.util

    target.mkdir(parents=True, exist_ok=True)
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise TxGraphError("the explorer needs the pyvis package (pip install pyvis) for its vis-network files")
    vis = Path(next(iter(spec.submodule_search_locations))) / "lib" / VIS_VERSION
    for name, out_name in (("vis-network.min.js", "vis-network.min.js"), ("vis-network.css", "vis-network.min.css")):
        text = (vis / name).read_text(encoding="utf-8")
        # the source-map comment makes developer tools ask for a file that is not shipped
        # (a regex on "\n" lines: str.splitlines would also split at the U+2028 inside strings)
        text = re.sub(r"(?m)^//# sourceMappingURL=.*$", "", text)
        (target / out_name).write_text(text, encoding="utf-8")
    own = Path(__file__).resolve().parent.parent / "assets" / "explorer"
    for path in sorted(own.iterdir()):
        if path.is_file() and path.suffix in (".js", ".css"):
            shutil.copyfile(path, target / path.name)


def _search_index(data: ExplorerData) -> str:
    """``window.TX_SEARCH``: every entity, year and document with the names it is found by."""
    from .data import plain_pinyin
    from .pages import js_data, page_path
    from .style import FONT_STACK, RELATION_STYLE, TYPE_STYLE

    initials = _initials([n.label for n in data.nodes.values()])
    items: list[list[Any]] = []
    for key, n in sorted(data.nodes.items(), key=lambda kv: (-kv[1].mentions, kv[0])):
        items.append(
            [
                n.label,
                n.type,
                page_path(key),
                "|".join(n.aliases),
                n.en,
                plain_pinyin(n.pinyin),
                initials.get(n.label, ""),
                n.mentions,
            ]
        )
    for key, doc in sorted(data.docs.items()):
        items.append([doc.title, "document", page_path(key), "", "", "", "", len(data.mentions_in.get(key, ()))])
    payload = {
        "types": {k: list(v) for k, v in TYPE_STYLE.items()},
        "rels": {k: list(v) for k, v in RELATION_STYLE.items()},
        "font": FONT_STACK,
        "items": items,
    }
    return "window.TX_SEARCH = " + js_data(payload) + ";\n"


def _initials(labels: list[str]) -> dict[str, str]:
    """Pinyin initials (乌镇镇 → wzz), what people type in a hurry; pypinyin is large, so lazy."""
    try:
        from pypinyin import Style, lazy_pinyin
    except ImportError:  # optional nicety: search still works on labels and full pinyin
        return {}
    return {label: "".join(lazy_pinyin(label, style=Style.FIRST_LETTER)).lower() for label in set(labels)}


# ---------------------------------------------------------------- command line


def register_cli(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``tx-graph explore [--store PATH] [--out DIR]``."""
    p = sub.add_parser("explore", help="write the offline HTML explorer (exports/explorer/index.html)")
    p.add_argument("--store", help="the store folder to read (default: exports/store)")
    p.add_argument("--out", help="the folder to write (default: exports/explorer)")
    p.add_argument("--exports", help="exports folder (default: exports/)")
    p.set_defaults(func=_cmd_explore)


def _cmd_explore(args: argparse.Namespace) -> int:
    from ..config import Paths

    paths = Paths.at(
        Path(args.root) if getattr(args, "root", None) else None,
        exports=Path(args.exports) if args.exports else None,
    )
    store = Path(args.store) if args.store else paths.store
    out = Path(args.out) if args.out else paths.exports / "explorer"
    stats = generate(store, out)
    print(stats.summary())
    print(f"wrote {out / 'index.html'}")
    return 0
