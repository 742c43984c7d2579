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
import hashlib
import os
import re
import sys
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import TxGraphError
from ..fsio import atomic_write, die_with_parent, kill_point

if TYPE_CHECKING:
    from ..api import KnowledgeGraph
    from .data import ExplorerData
    from .memo import Memo

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
    written: int = 0  # files whose bytes changed (0: the folder was up to date)

    def summary(self) -> str:
        parts = ", ".join(f"{k} {v:.2f}s" for k, v in self.timings.items())
        return (
            f"explorer: {self.pages} pages, {self.bytes / 1e6:.1f} MB, largest {self.largest[0]} "
            f"{self.largest[1] / 1e6:.2f} MB, {self.written} files written; {parts}"
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


def generate(store: Path | str | KnowledgeGraph, out: Path | str, *, workers: int | None = None) -> ExplorerStats:
    """:func:`build_explorer`, returning sizes and timings (for the benchmark).

    The folder is updated in place: a page whose bytes did not change is not rewritten,
    files no longer generated are removed, and when nothing the pages are made from has
    changed (graph data, explorer code, version) nothing is written at all (see
    :mod:`tx_graph.explore.memo`). ``workers``: processes rendering pages (default: two
    on Linux with a second core, else one)."""
    from ..api import KnowledgeGraph, load
    from .data import collect, derive
    from .memo import State

    stats = ExplorerStats()
    start = time.perf_counter()
    kg = store if isinstance(store, KnowledgeGraph) else load(Path(store))
    data = collect(kg, derived=False)
    out = Path(out)
    _check_target(out)
    code = _code_digest()
    state = State(out, code)
    fingerprint = _fingerprint(data, code)
    stats.nodes, stats.edges = len(data.nodes), len(data.edges)
    if state.intact(fingerprint):
        stats.timings["query"] = time.perf_counter() - start
        _fill_sizes(stats, {rel: entry[0] for rel, entry in state.files.items()})
        stats.timings["total"] = time.perf_counter() - start
        return stats
    derive(data, state.memo)
    stats.timings["query"] = time.perf_counter() - start
    out.mkdir(parents=True, exist_ok=True)
    state.forget()
    atomic_write(
        out / MARKER,
        "written by tx-graph explore; files in this folder that it no longer writes are removed on rebuild\n",
    )
    files = _write_site(data, out, stats, state, workers)
    _remove_stale(out, set(files))
    state.save(fingerprint, files)
    stats.timings["total"] = time.perf_counter() - start
    return stats


def _code_digest() -> str:
    """The explorer's own code and assets and vis-network's files."""
    here = Path(__file__).resolve().parent
    code = hashlib.blake2b(digest_size=16)
    for path in [*sorted(here.glob("*.py")), *_asset_sources()]:
        code.update(path.name.encode("utf-8") + b"\x00" + path.read_bytes())
    return code.hexdigest()


def _fingerprint(data: ExplorerData, code: str) -> str:
    """Everything a page depends on: the graph data as read, the explorer's code (see
    :func:`_code_digest`) and the tx-graph version."""
    from .._version import __version__
    from .memo import digest

    return digest(
        __version__,
        code,
        sorted(data.nodes.items()),
        data.edges,
        sorted(data.docs.items()),
        data.mentions,
        data.definitions,
        data.figures,
        sorted(data.same_as.items()),
        sorted(data.edge_sources.items()),
        data.statements,
        sorted(data.geo.items()),
        data.footnotes,
    )


def _check_target(out: Path) -> None:
    # a folder that is not ours is never deleted: pyvis's habit of writing lib/ over a
    # user's folder is exactly what this avoids
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        raise TxGraphError(
            f"{out} exists and is not an explorer folder written by tx-graph (no {MARKER}); "
            "choose another --out or remove it"
        )


class _Writer:
    """Writes a file only when its bytes differ from what the last generation wrote there."""

    def __init__(self, out: Path, previous: dict[str, list[Any]]) -> None:
        self.out = out
        self.previous = previous
        self.files: dict[str, list[Any]] = {}  # rel → [size, digest]
        self.written = 0

    def put(self, rel: str, text: str) -> None:
        raw = text.encode("utf-8")
        entry = [len(raw), hashlib.blake2b(raw, digest_size=16).hexdigest()]
        self.files[rel] = entry
        path = self.out / rel
        if self.previous.get(rel) == entry:
            try:
                if path.stat().st_size == len(raw):
                    return
            except OSError:
                pass
        atomic_write(path, raw, sync=False)  # see atomic_open: the state file, written last, is synced
        self.written += 1


Job = tuple[str, str]  # (kind of page, node or document id)


def _render(site: Any, job: Job) -> tuple[str, str]:
    from .pages import page_path, place_path

    kind, key = job
    if kind == "plan":
        from .views import plan_path

        return plan_path(key), site.plan_page(key)
    if kind == "place":
        return place_path(key), site.place_page(key)
    if kind == "year":
        return page_path(key), site.year_page(key)
    if kind == "doc":
        return page_path(key), site.doc_page(key)
    return page_path(key), site.entity_page(key)


def _heaviest_first(site: Any, jobs: list[Job]) -> list[Job]:
    """Jobs ordered by estimated cost, so two processes pulling from one list finish
    together: place and document pages lay out a force-directed network; an entity page
    costs about what its radius-2 network holds (estimated from degrees)."""
    adjacent = site.adjacent

    def cost(job: Job) -> float:
        kind, key = job
        if kind == "place":
            return 1000.0 + len(site.data.descendants(key))
        if kind == "doc":
            return 1000.0 + len(site.data.mentions_in.get(key, ()))
        if kind == "entity":
            return min(400, sum(len(adjacent[o]) for o in adjacent[key]))
        return 0.0

    return sorted(jobs, key=lambda job: -cost(job))


def _workers() -> int:
    """Two processes where forking is cheap and safe (Linux) and a second core exists."""
    import multiprocessing

    if sys.platform != "linux" or (os.cpu_count() or 1) < 2:
        return 1
    return 2 if "fork" in multiprocessing.get_all_start_methods() else 1


def _write_site(
    data: ExplorerData, out: Path, stats: ExplorerStats, state: Any, workers: int | None = None
) -> dict[str, list[Any]]:
    """Render every page; write those whose bytes differ from what the folder holds.

    With two workers, a forked process starts on the per-entity, place and document
    pages while this one lays out the overview and writes the index pages and the search
    index, then joins in; the forked process reports the files it wrote and the layouts
    it computed (for the memo) through a pipe."""
    from .._version import __version__
    from .overview import overview_payload
    from .pages import Site

    t = time.perf_counter()
    site = Site(data, version=__version__, memo=state.memo)
    jobs: list[Job] = [("year" if n.type == "year" else "entity", k) for k, n in sorted(data.nodes.items())]
    jobs += [("place", k) for k in sorted(site.place_pages)]
    jobs += [("doc", k) for k in sorted(data.docs)]
    jobs += [("plan", k) for k in site.plan_areas()]
    workers = _workers() if workers is None else workers
    writer = _Writer(out, state.files)
    child = None
    if workers > 1 and len(jobs) > 50:
        import multiprocessing

        ctx = multiprocessing.get_context("fork")
        jobs = _heaviest_first(site, jobs)
        # both processes take the next job from a shared counter: the split follows how
        # busy each core really is
        counter = ctx.Value("i", 0)
        receiver, sender = ctx.Pipe(duplex=False)
        child = ctx.Process(target=_child, args=(site, jobs, counter, out, state, sender, os.getpid()), daemon=True)
        child.start()
        sender.close()
        kill_point("explore.forked")
    else:
        counter = None
    try:
        t_layout = time.perf_counter()
        payload = overview_payload(data, state.memo)
        stats.timings["layout"] = time.perf_counter() - t_layout
        for rel, text in _assets():
            writer.put(rel, text)
        writer.put("assets/search-index.js", _search_index(data, state.memo))
        writer.put("index.html", site.index_page())
        writer.put("overview.html", site.overview_page(payload))
        writer.put("glossary.html", site.glossary_page())
        writer.put("timeline.html", site.timeline_page())
        writer.put("map.html", site.map_page())
        for job in _take(jobs, counter):
            writer.put(*_render(site, job))
        if child is not None:
            try:
                outcome = receiver.recv()
            except EOFError:
                outcome = ("error", f"the page worker died (exit code {child.exitcode})")
            child.join()
            if outcome[0] != "ok":
                raise TxGraphError(f"explorer: rendering pages failed in the worker process:\n{outcome[1]}")
            _, files, written, memo = outcome
            writer.files.update(files)
            writer.written += written
            state.memo.used.update(memo)
    finally:
        if child is not None and child.is_alive():
            child.terminate()
            child.join()
    stats.timings["pages"] = time.perf_counter() - t - stats.timings["layout"]
    stats.written = writer.written
    _fill_sizes(stats, {rel: entry[0] for rel, entry in writer.files.items()})
    return writer.files


def _take(jobs: list[Job], counter: Any) -> Iterator[Job]:
    """Every job (one process), or the next one nobody has taken yet (two)."""
    if counter is None:
        yield from jobs
        return
    while True:
        with counter.get_lock():
            i = counter.value
            counter.value = i + 1
        if i >= len(jobs):
            return
        yield jobs[i]


def _child(site: Any, jobs: list[Job], counter: Any, out: Path, state: Any, sender: Any, parent: int) -> None:
    import traceback

    die_with_parent(parent)  # a killed build must not leave this process holding its stdout
    try:
        writer = _Writer(out, state.files)
        before = set(state.memo.used)
        for job in _take(jobs, counter):
            writer.put(*_render(site, job))
        memo = {k: v for k, v in state.memo.used.items() if k not in before}
        sender.send(("ok", writer.files, writer.written, memo))
    except BaseException:  # reported to the parent, which raises it there
        sender.send(("error", traceback.format_exc()))
    finally:
        sender.close()


def _fill_sizes(stats: ExplorerStats, sizes: dict[str, int]) -> None:
    stats.pages = sum(1 for k in sizes if k.endswith(".html"))
    stats.bytes = sum(sizes.values())
    stats.largest = max(((k, v) for k, v in sizes.items() if k.endswith(".html")), key=lambda kv: kv[1])
    stats.sizes = {
        k: sizes[k]
        for k in ("index.html", "overview.html", "glossary.html", "timeline.html", "map.html", "assets/search-index.js")
        if k in sizes
    }


def _remove_stale(out: Path, keep: set[str]) -> None:
    """Files an earlier generation wrote that this one did not (a renamed entity's old
    page), and empty folders; the marker and the state stay."""
    from .memo import STATE

    keep = keep | {MARKER, STATE}
    for dirpath, dirnames, filenames in os.walk(out, topdown=False):
        folder = Path(dirpath)
        rel_dir = folder.relative_to(out).as_posix()
        for name in filenames:
            rel = name if rel_dir == "." else f"{rel_dir}/{name}"
            if rel not in keep:
                (folder / name).unlink()
        for name in dirnames:
            sub = folder / name
            if sub.is_symlink():
                sub.unlink()
            elif not any(sub.iterdir()):
                sub.rmdir()


def _asset_sources() -> list[Path]:
    """vis-network's files in the installed pyvis, then the explorer's own script and style."""
    import importlib.util

    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise TxGraphError("the explorer needs the pyvis package (pip install pyvis) for its vis-network files")
    vis = Path(next(iter(spec.submodule_search_locations))) / "lib" / VIS_VERSION
    own = Path(__file__).resolve().parent.parent / "assets" / "explorer"
    return [
        vis / "vis-network.min.js",
        vis / "vis-network.css",
        *(p for p in sorted(own.iterdir()) if p.is_file() and p.suffix in (".js", ".css")),
    ]


def _assets() -> list[tuple[str, str]]:
    """``assets/…`` files and their text."""
    out: list[tuple[str, str]] = []
    for path in _asset_sources():
        text = path.read_text(encoding="utf-8")
        name = path.name
        if path.parent.name == VIS_VERSION:
            # the source-map comment makes developer tools ask for a file that is not shipped
            # (a regex on "\n" lines: str.splitlines would also split at the U+2028 inside strings)
            text = re.sub(r"(?m)^//# sourceMappingURL=.*$", "", text)
            name = "vis-network.min.css" if name == "vis-network.css" else name
        out.append((f"assets/{name}", text))
    return out


def _copy_assets(target: Path) -> None:
    """vis-network from the installed pyvis, and the explorer's own script and style."""
    target.mkdir(parents=True, exist_ok=True)
    for rel, text in _assets():
        atomic_write(target / rel.removeprefix("assets/"), text)


def _search_index(data: ExplorerData, memo: Memo | None = None) -> str:
    """``window.TX_SEARCH``: every entity, year and document with the names it is found by."""
    from .data import plain_pinyin
    from .memo import digest
    from .pages import js_data, page_path
    from .search import describer, traditional_pairs
    from .style import FONT_STACK, RELATION_STYLE, TYPE_STYLE

    labels = sorted({n.label for n in data.nodes.values()})
    initials = memo.many("initials", labels, _initials) if memo is not None else _initials(labels)
    describe = describer(data)
    chars = sorted({c for n in data.nodes.values() for name in (n.label, *n.aliases) for c in name if ord(c) > 0x2E80})
    t2s = (
        memo.get("t2s", digest(chars), lambda: traditional_pairs(chars))
        if memo is not None
        else traditional_pairs(chars)
    )
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
                describe(key),
            ]
        )
    for key, doc in sorted(data.docs.items()):
        when = doc.issued or (str(doc.year) if doc.year else "")
        items.append(
            [
                doc.title,
                "document",
                page_path(key),
                "",
                "",
                "",
                "",
                len(data.mentions_in.get(key, ())),
                " · ".join(x for x in (doc.kind, when) if x),
            ]
        )
    payload = {
        "types": {k: list(v) for k, v in TYPE_STYLE.items()},
        "rels": {k: list(v) for k, v in RELATION_STYLE.items()},
        "font": FONT_STACK,
        "items": items,
        "t2s": t2s,
    }
    return "window.TX_SEARCH = " + js_data(payload) + ";\n"


PHRASE_INITIALS_UP_TO = 2000  # labels read phrase by phrase (polyphones right); above, character by character


def _initials(labels: list[str]) -> dict[str, str]:
    """Pinyin initials (乌镇镇 → wzz), what people type in a hurry; pypinyin is large, so lazy.

    Up to :data:`PHRASE_INITIALS_UP_TO` labels, pypinyin reads each label as phrases (a
    polyphone such as 长 gets the reading its phrase gives); above, each character's first
    reading in pypinyin's table is used, about twenty times faster, which a 10,000-node
    graph needs (a missed polyphone only costs one initial in the search)."""
    try:
        from pypinyin import Style, lazy_pinyin
        from pypinyin.pinyin_dict import pinyin_dict
    except ImportError:  # optional nicety: search still works on labels and full pinyin
        return {}
    unique = set(labels)
    if len(unique) <= PHRASE_INITIALS_UP_TO:
        return {label: "".join(lazy_pinyin(label, style=Style.FIRST_LETTER)).lower() for label in unique}
    first: dict[str, str] = {}
    out = {}
    for label in unique:
        letters = []
        for c in label:
            letter = first.get(c)
            if letter is None:
                reading = pinyin_dict.get(ord(c))
                if reading:
                    letter = unicodedata.normalize("NFD", reading.split(",")[0])[0].lower()
                else:
                    letter = c.lower() if c.isascii() and c.isalnum() else ""
                first[c] = letter
            letters.append(letter)
        out[label] = "".join(letters)
    return out


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
