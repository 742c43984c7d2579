"""The offline explorer: pages generated from the real build, then opened in headless
Chromium (Debian's ``/usr/bin/chromium``, driven by Playwright; never a downloaded
browser) with every request that is not ``file://`` blocked and recorded.

Screenshots of the index, the overview and an entity page go to ``test-artifacts/``.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tx_graph.api import RELATIONS, TYPE_NAMES, KnowledgeGraph
from tx_graph.config import Paths
from tx_graph.errors import TxGraphError
from tx_graph.explore import ExplorerStats, generate, page_path
from tx_graph.pipeline import BuildReport
from tx_graph.vocab import BASE

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
WUZHEN = "entity/place-wuzhen.html"


@pytest.fixture(scope="module")
def site(built: tuple[Paths, BuildReport], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ExplorerStats]:
    out = tmp_path_factory.mktemp("site") / "explorer"
    return out, generate(built[0].store, out)


@pytest.fixture(scope="module")
def expected(kg: KnowledgeGraph) -> dict[str, int]:
    """Node and edge counts the overview must show, asked of the store directly."""
    types = " ".join(f"<{t}>" for t, name in TYPE_NAMES.items() if name != "candidate")
    node = f"""?{{v}} a ?t{{v}} ; skos:prefLabel ?l{{v}} . VALUES ?t{{v}} {{{{ {types} }}}}
               FILTER(LANG(?l{{v}}) = "zh" && STRSTARTS(STR(?{{v}}), "{BASE}id/"))"""
    nodes = kg.select(f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ {node.format(v='e')} }}")[0]["n"]
    props = " ".join(f"<{p}>" for p in RELATIONS)
    edges = kg.select(
        f"""SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{
            VALUES ?p {{ {props} }} ?s ?p ?o . {node.format(v="s")} {node.format(v="o")} }} }}"""
    )[0]["n"]
    return {"nodes": nodes, "edges": edges}


def overview_data(root: Path) -> dict[str, Any]:
    text = (root / "overview.html").read_text(encoding="utf-8")
    match = re.search(r"TXX\.overview\((\{.*\})\);</script>", text)
    assert match, "overview.html carries its network data inline"
    return json.loads(match.group(1))


# ---------------------------------------------------------------- generation (no browser)


def test_every_entity_year_document_and_place_has_a_page(site: tuple[Path, ExplorerStats], kg: KnowledgeGraph) -> None:
    root, stats = site
    for name in (
        "index.html",
        "overview.html",
        "glossary.html",
        "assets/vis-network.min.js",
        "assets/vis-network.min.css",
        "assets/explorer.js",
        "assets/explorer.css",
        "assets/search-index.js",
    ):
        assert (root / name).is_file(), name
    graph = kg.to_networkx()
    for iri in graph:
        assert (root / page_path(iri[len(BASE) + 3 :])).is_file(), iri
    docs = kg.select("SELECT ?d WHERE { ?d a foaf:Document }")
    assert len(docs) == len(list((root / "doc").glob("*.html"))) > 0
    assert (root / "place" / "place-wuzhen.html").is_file()
    assert stats.pages == len(list(root.rglob("*.html")))
    assert stats.largest[1] < 20_000_000


def test_pages_reach_nothing_outside_the_folder(site: tuple[Path, ExplorerStats]) -> None:
    """No page holds an http(s) URL; every local link and script resolves to a file."""
    root, _ = site
    missing: list[str] = []
    for page in root.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"https?://", text), f"{page.relative_to(root)} holds a URL"
        for ref in re.findall(r'(?:href|src)="([^"#]+)', text):
            if not (page.parent / ref).resolve().is_file():
                missing.append(f"{page.relative_to(root)} → {ref}")
    assert not missing, missing[:10]
    for asset in (root / "assets").iterdir():
        text = asset.read_text(encoding="utf-8")
        assert "sourceMappingURL" not in text and "cdnjs" not in text and "jsdelivr" not in text, asset.name


def test_overview_data_matches_the_store(site: tuple[Path, ExplorerStats], expected: dict[str, int]) -> None:
    data = overview_data(site[0])
    assert (len(data["nodes"]), len(data["edges"])) == (expected["nodes"], expected["edges"])
    hrefs = {n[0] for n in data["nodes"]}
    assert WUZHEN in hrefs and "year/2018.html" in hrefs
    assert not data["aggregate"], "the real graph is small enough to show whole"


def test_legend_lists_only_types_that_have_nodes(site: tuple[Path, ExplorerStats], kg: KnowledgeGraph) -> None:
    """Discovery candidates stay out of the graph (``to_networkx`` leaves them out), so
    neither the overview's type filters nor the index may offer an empty candidate type."""
    root, _ = site
    data = overview_data(root)
    present = {data["types"][n[2]] for n in data["nodes"]}
    assert set(data["types"]) == present and "candidate" not in present
    text = (root / "overview.html").read_text(encoding="utf-8")
    boxes = re.findall(r'data-type="([^"]+)" checked>.*?<span class="n">(\d+)</span>', text)
    assert {t for t, _ in boxes} == present and all(int(n) > 0 for _, n in boxes), boxes
    counts = {t: int(n) for t, n in boxes}
    assert counts["town"] == sum(1 for n in data["nodes"] if data["types"][n[2]] == "town")
    assert 'id="type-candidate"' not in (root / "index.html").read_text(encoding="utf-8")


def test_rebuild_rewrites_only_what_changed(tmp_path: Path, built: tuple[Paths, BuildReport]) -> None:
    out = tmp_path / "explorer"
    first = generate(built[0].store, out)
    assert first.written == first.pages + len(list((out / "assets").iterdir()))
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*.html")}
    again = generate(built[0].store, out)
    assert again.written == 0 and again.pages == first.pages and again.bytes == first.bytes
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.html")} == before
    # a page lost from the folder is noticed and written back, and only that one
    wuzhen = (out / WUZHEN).read_bytes()
    (out / WUZHEN).unlink()
    third = generate(built[0].store, out)
    assert third.written == 1 and (out / WUZHEN).read_bytes() == wuzhen
    # the memo of layouts survives in the folder's state; a broken state only costs time:
    # everything is written afresh and files the generation does not write are removed
    state = out / ".tx-graph-explorer-state.json"
    assert '"layout:' in state.read_text(encoding="utf-8") and "betweenness:" in state.read_text(encoding="utf-8")
    state.write_text("{not json", encoding="utf-8")
    (out / "entity" / "place-gone.html").write_text("stale", encoding="utf-8")
    fourth = generate(built[0].store, out)
    assert fourth.written == first.written and not (out / "entity" / "place-gone.html").exists()
    assert (out / WUZHEN).read_bytes() == wuzhen


def test_one_or_two_processes_write_the_same_site(tmp_path: Path, built: tuple[Paths, BuildReport]) -> None:
    one = generate(built[0].store, tmp_path / "one", workers=1)
    two = generate(built[0].store, tmp_path / "two", workers=2)
    assert (one.pages, one.bytes) == (two.pages, two.bytes)
    for page in (tmp_path / "one").rglob("*.html"):
        other = tmp_path / "two" / page.relative_to(tmp_path / "one")
        assert other.read_bytes() == page.read_bytes(), page.name


def test_entity_page_quotes_its_mentions_highlighted(site: tuple[Path, ExplorerStats], kg: KnowledgeGraph) -> None:
    text = (site[0] / WUZHEN).read_text(encoding="utf-8")
    wuzhen = kg.entity("乌镇")
    names = {wuzhen.label, *wuzhen.aliases}
    marks = re.findall(r'<li class="mention"><a class="src" href="../doc/[^"]+#m-\d+"[^>]*>(.*?)</a></li>', text)
    assert marks, "mentions are listed with links into the documents"
    for quote in marks:
        highlighted = re.search(r"<mark>(.*?)</mark>", quote)
        assert highlighted and highlighted.group(1) in names
    assert "Wuzhen Town" in text and "桐乡市" in text


def test_terms_show_each_documents_definition_side_by_side(site: tuple[Path, ExplorerStats]) -> None:
    text = (site[0] / "entity" / "term-yi-yuan-liang-qu.html").read_text(encoding="utf-8")
    cards = re.findall(r'<article class="def">(.*?)</article>', text)
    assert len(cards) == 2
    assert any("2017年" in c for c in cards) and any("2018年" in c for c in cards)


def test_document_page_links_every_mention(site: tuple[Path, ExplorerStats], kg: KnowledgeGraph) -> None:
    doc = "000_a155daf28853f606-07"
    text = (site[0] / "doc" / f"{doc}.html").read_text(encoding="utf-8")
    anchors = re.findall(r'<a class="m t-[a-z-]+" id="m-(\d+)"', text)
    count = kg.select(
        f"""SELECT (COUNT(DISTINCT ?start) AS ?n) WHERE {{ ?a oa:hasBody ?b ; oa:hasTarget ?t .
            ?t oa:hasSource <{BASE}id/doc/{doc}> ; oa:hasSelector ?p . ?p oa:start ?start .
            ?b skos:prefLabel ?l . FILTER NOT EXISTS {{ ?b a tx:Candidate }}
            FILTER(STRSTARTS(STR(?b), "{BASE}id/") && !STRSTARTS(STR(?b), "{BASE}id/definition/")) }}"""
    )[0]["n"]
    # overlapping mentions keep the outer one, so a few may be folded away; never more than that
    assert 0.9 * count <= len(set(anchors)) <= count


@pytest.fixture(scope="module")
def collapsed(kg: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """The real graph's overview as if it were big: a cap of 600 nodes, towns collapsed
    above 100 (the thresholds a 10,000-node graph meets), written alone with its assets."""
    from tx_graph.explore import _copy_assets, _search_index, overview
    from tx_graph.explore.data import collect
    from tx_graph.explore.pages import Site

    data = collect(kg)
    cap, above = overview.OVERVIEW_CAP, overview.AGGREGATE_ABOVE
    overview.OVERVIEW_CAP, overview.AGGREGATE_ABOVE = 600, 100
    try:
        payload = overview.overview_payload(data)
    finally:
        overview.OVERVIEW_CAP, overview.AGGREGATE_ABOVE = cap, above
    root = tmp_path_factory.mktemp("collapsed")
    _copy_assets(root / "assets")
    (root / "assets" / "search-index.js").write_text(_search_index(data), encoding="utf-8")
    (root / "overview.html").write_text(Site(data).overview_page(payload), encoding="utf-8")
    return root, payload


def test_big_overviews_are_capped_with_a_message(
    collapsed: tuple[Path, dict[str, Any]], expected: dict[str, int]
) -> None:
    root, payload = collapsed
    assert len(payload["nodes"]) == 600 < expected["nodes"] == payload["cap"]["total"]
    assert payload["aggregate"]
    hrefs = {n[0] for n in payload["nodes"]}
    assert WUZHEN in hrefs and "year/2018.html" in hrefs, "towns and years are kept under the cap"
    text = (root / "overview.html").read_text(encoding="utf-8")
    assert f"This graph has {expected['nodes']:,} entities; the overview shows the 600 most" in text


def test_rebuild_replaces_only_its_own_folder(tmp_path: Path, built: tuple[Paths, BuildReport]) -> None:
    theirs = tmp_path / "mine"
    theirs.mkdir()
    (theirs / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(TxGraphError, match="not an explorer folder"):
        generate(built[0].store, theirs)
    assert (theirs / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_cli_explore_and_a_light_import(tmp_path: Path, built: tuple[Paths, BuildReport]) -> None:
    from tx_graph.cli import main

    # a folder an earlier run wrote (it has the marker) is replaced whole, stale pages and all
    ours = tmp_path / "x"
    ours.mkdir()
    (ours / ".tx-graph-explorer").write_text("", encoding="utf-8")
    (ours / "stale.html").write_text("old", encoding="utf-8")
    assert main(["explore", "--store", str(built[0].store), "--out", str(ours)]) == 0
    assert (ours / "index.html").is_file() and not (ours / "stale.html").exists()
    code = "import sys, tx_graph.explore; print(sorted(m for m in ('networkx', 'pyvis', 'numpy', 'rdflib', 'pyoxigraph') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", "tx-graph --help imports tx_graph.explore: it must stay light"


# ---------------------------------------------------------------- in the browser


class Tab:
    """A page whose non-file requests are blocked and recorded, with its console errors."""

    def __init__(self, context: Any) -> None:
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.page = context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def open(self, root: Path, rel: str) -> Any:
        self.page.goto((root / rel).as_uri())
        return self.page

    def check(self) -> None:
        assert self.blocked == [], f"requests left the machine: {self.blocked}"
        assert self.errors == [], f"console errors: {self.errors}"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("headless Chromium not installed (Debian: apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture()
def tab(browser: Any) -> Iterator[Tab]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    holder: list[Tab] = []

    def route(r: Any) -> None:
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            holder[0].blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    holder.append(Tab(context))
    yield holder[0]
    context.close()


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"explorer-{name}.png"))


@pytest.mark.browser
def test_search_for_wuzhen_opens_its_page_with_a_highlighted_sentence(
    site: tuple[Path, ExplorerStats], tab: Tab
) -> None:
    page = tab.open(site[0], "index.html")
    page.wait_for_load_state("load")
    shot(page, "index")
    page.fill("#q", "乌镇")
    first = page.locator("main .q-results li").first
    first.wait_for()
    assert "乌镇镇" in first.inner_text()
    shot(page, "search")
    page.press("#q", "Enter")
    page.wait_for_url(f"**/{WUZHEN}")
    assert "乌镇镇" in page.locator("h1").inner_text()
    page.wait_for_selector("body[data-ready-ego]")
    marks = page.locator("li.mention mark")
    assert marks.count() >= 1
    sentence = page.locator("li.mention").first.inner_text()
    assert marks.first.inner_text() in {"乌镇", "乌镇镇"} and marks.first.inner_text() in sentence
    shot(page, "entity")
    tab.check()


def drawn_at_first(data: dict[str, Any]) -> tuple[int, int]:
    """Nodes and relations the overview draws before any filter: everything but the nodes
    linked to nothing (behind the "show unconnected" toggle) and the relations to years
    (off at first)."""
    year = data["types"].index("year")
    shown = [not (n[9] == 0 and n[2] != year) for n in data["nodes"]]
    edges = sum(1 for a, b, r in data["edges"] if shown[a] and shown[b] and data["rels"][r] != "in year")
    return sum(shown), edges


@pytest.mark.browser
def test_overview_draws_the_graph_and_a_click_opens_the_panel_with_a_source(
    site: tuple[Path, ExplorerStats], expected: dict[str, int], tab: Tab
) -> None:
    data = overview_data(site[0])
    nodes, edges = drawn_at_first(data)
    page = tab.open(site[0], "overview.html")
    page.wait_for_selector("body[data-ready-overview]", timeout=15_000)
    counts = page.evaluate("[TXX.network.body.data.nodes.length, TXX.network.body.data.edges.length]")
    assert counts == [nodes, edges] and nodes < expected["nodes"]
    # render time is a benchmark (bench/explorer.py), not an assertion: a loaded CI machine is no measure
    assert page.evaluate("TX_READY.overview") > 0
    # names never cover each other, and the groups are named
    labels = page.evaluate("TXX.labels")
    assert len(labels) > 40
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            assert not (a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]), (a, b)
    group_names = {g[4] for g in data["groups"]}
    assert "濮院镇" in group_names and "乌镇镇" in group_names
    shot(page, "overview")
    index = page.evaluate(f"TXX.data.nodes.findIndex(n => n[0] === '{WUZHEN}')")
    # centre 乌镇镇 at a zoom where it is the only thing under the pointer, then hover and click it
    page.evaluate(f"TXX.network.moveTo({{position: TXX.network.getPositions([{index}])[{index}], scale: 3}})")
    point = page.evaluate(f"TXX.network.canvasToDOM(TXX.network.getPositions([{index}])[{index}])")
    box = page.locator("#overview canvas").bounding_box()
    page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    tip = page.locator("div.vis-tooltip")
    tip.wait_for(state="visible")
    assert "乌镇镇" in tip.inner_text() and "mention" in tip.inner_text()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    page.locator("#side").wait_for(state="visible")
    assert "乌镇镇" in page.locator("#side .side-title").inner_text()
    frame = page.frame_locator("#side iframe")
    frame.locator("h1").wait_for()
    assert "乌镇镇" in frame.locator("h1").inner_text()
    # the neighbourhood is lit, the rest dimmed
    dim = page.evaluate("TXX.network.body.data.nodes.get().filter(n => n.opacity < 1).length")
    assert 0 < dim < nodes
    assert frame.locator("a.src").count() >= 1, "the panel quotes at least one source sentence"
    assert "curated" in frame.locator("#relations").inner_text()
    page.wait_for_timeout(300)
    shot(page, "overview-panel")
    # expand: the neighbours hidden by a filter come back
    page.uncheck("input[data-type='park']")
    before = page.evaluate("TXX.network.body.data.nodes.length")
    page.click("#side .side-expand")
    assert page.evaluate("TXX.network.body.data.nodes.length") > before
    page.dblclick("#overview canvas", position={"x": point["x"], "y": point["y"]})
    page.wait_for_url(f"**/{WUZHEN}")
    tab.check()


@pytest.mark.browser
def test_every_overview_control_works_without_console_errors(site: tuple[Path, ExplorerStats], tab: Tab) -> None:
    """Regression for fit/reset throwing "Nodes has to be an array of ids": every control
    is used; fit and reset change the view; no error is logged."""
    page = tab.open(site[0], "overview.html")
    page.wait_for_selector("body[data-ready-overview]", timeout=15_000)

    def view() -> list[float]:
        return page.evaluate(
            "[TXX.network.getScale(), TXX.network.getViewPosition().x, TXX.network.getViewPosition().y]"
        )

    fitted = view()
    page.evaluate("TXX.network.moveTo({position: {x: 5000, y: -3000}, scale: 2.5})")
    moved = view()
    page.click("#f-fit")
    assert view() != moved and view() == pytest.approx(fitted, rel=0.05)
    page.evaluate("TXX.network.moveTo({position: {x: -4000, y: 4000}, scale: 0.2})")
    moved = view()
    for box in page.locator("input[data-type], input[data-rel]").all():
        box.click()
        box.click()
    for select in ("#f-town", "#f-year", "#f-doc"):
        values = page.eval_on_selector_all(f"{select} option", "os => os.map(o => o.value)")
        for value in values[1:4]:
            page.select_option(select, value)
        page.select_option(select, values[0])
    page.check("#f-loose")
    assert page.evaluate("TXX.network.body.data.nodes.length") == len(overview_data(site[0])["nodes"])
    page.click("#f-reset")
    assert view() != moved
    assert not page.is_checked("#f-loose")
    for link in page.locator("header.top nav a").all():
        assert link.get_attribute("href")
    tab.check()


@pytest.mark.browser
def test_overview_filters(site: tuple[Path, ExplorerStats], tab: Tab) -> None:
    page = tab.open(site[0], "overview.html")
    page.wait_for_selector("body[data-ready-overview]", timeout=15_000)
    total = page.evaluate("TXX.network.body.data.nodes.length")
    town = page.evaluate(f"TXX.data.nodes.findIndex(n => n[0] === '{WUZHEN}')")
    page.select_option("#f-town", str(town))
    loose = "(n[9] === 0 && TXX.data.types[n[2]] !== 'year')"
    members = page.evaluate(
        f"TXX.data.nodes.filter((n, i) => (i === {town} || n[7].includes({town})) && !{loose}).length"
    )
    assert page.evaluate("TXX.network.body.data.nodes.length") == members < total
    page.select_option("#f-town", "-1")
    page.uncheck("input[data-type='landmark']")
    landmarks = page.evaluate(f"TXX.data.nodes.filter(n => TXX.data.types[n[2]] === 'landmark' && !{loose}).length")
    assert page.evaluate("TXX.network.body.data.nodes.length") == total - landmarks
    page.select_option("#f-year", "2017")
    assert "Filters match" in page.locator("#status").inner_text()
    # the document filter keeps what one document mentions
    docs = page.eval_on_selector_all("#f-doc option", "os => os.map(o => o.value)")
    page.select_option("#f-year", "0")
    page.select_option("#f-doc", docs[1])
    in_doc = page.evaluate(
        f"TXX.data.nodes.filter(n => n[14].includes({docs[1]}) && TXX.data.types[n[2]] !== 'landmark' && !{loose}).length"
    )
    assert page.evaluate("TXX.network.body.data.nodes.length") == in_doc > 0
    tab.check()


@pytest.mark.browser
def test_big_overview_starts_collapsed_and_zooming_in_expands_a_town(
    collapsed: tuple[Path, dict[str, Any]], tab: Tab
) -> None:
    root, payload = collapsed
    page = tab.open(root, "overview.html")
    page.wait_for_selector("body[data-ready-overview]", timeout=15_000)
    drawn = page.evaluate("TXX.network.body.data.nodes.length")
    heads = [i for i, n in enumerate(payload["nodes"]) if n[10]]
    year = payload["types"].index("year")
    unfolded = [n for n in payload["nodes"] if n[6] < 0 and not (n[9] == 0 and n[2] != year)]
    assert heads and drawn == len(unfolded)
    assert "collapsed" in page.locator("#status").inner_text()
    label = page.evaluate(f"TXX.network.body.data.nodes.get({heads[0]}).name")
    assert label.endswith(f"(+{payload['nodes'][heads[0]][10]})")
    biggest = max(heads, key=lambda h: payload["nodes"][h][10])
    x, y, r = payload["nodes"][biggest][4], payload["nodes"][biggest][5], payload["nodes"][biggest][11]
    page.evaluate(
        f"TXX.network.moveTo({{position: {{x: {x}, y: {y}}}, scale: {400 / r}}}); TXX.network.emit('zoom', {{}})"
    )
    page.wait_for_function(f"TXX.network.body.data.nodes.length > {drawn}", timeout=5_000)
    assert not page.evaluate(f"TXX.network.body.data.nodes.get({biggest}).name").endswith(")")
    tab.check()


@pytest.mark.browser
@pytest.mark.parametrize(
    "rel, ready",
    [
        ("place/place-puyuan.html", "place-net"),
        ("doc/000_a155daf28853f606-07.html", "doc-net"),
        ("entity/term-yi-yuan-liang-qu.html", None),
        ("year/2018.html", None),
        ("glossary.html", None),
    ],
)
def test_every_kind_of_page_loads_cleanly(
    site: tuple[Path, ExplorerStats], tab: Tab, rel: str, ready: str | None
) -> None:
    page = tab.open(site[0], rel)
    page.wait_for_load_state("load")
    if ready:
        page.wait_for_selector(f"body[data-ready-{ready}]", timeout=10_000)
    assert page.locator("h1").inner_text().strip()
    tab.check()


@pytest.mark.browser
def test_a_node_of_an_entity_pages_network_opens_the_panel(site: tuple[Path, ExplorerStats], tab: Tab) -> None:
    page = tab.open(site[0], WUZHEN)
    page.wait_for_selector("body[data-ready-ego]", timeout=10_000)
    index = page.evaluate(
        "(() => { const ids = TXX.networks.ego.body.data.nodes.getIds(); return ids.find(i => i !== 0); })()"
    )
    point = page.evaluate(f"TXX.networks.ego.canvasToDOM(TXX.networks.ego.getPositions([{index}])[{index}])")
    page.click("#ego canvas", position={"x": point["x"], "y": point["y"]})
    page.locator("#side").wait_for(state="visible")
    frame = page.frame_locator("#side iframe")
    frame.locator("h1").wait_for()
    assert frame.locator("h1").inner_text().strip()
    page.wait_for_timeout(300)
    shot(page, "entity-panel")
    tab.check()


@pytest.mark.browser
def test_puyuan_plan_vs_actual_has_target_and_actual_in_one_row(
    site: tuple[Path, ExplorerStats], kg: KnowledgeGraph, tab: Tab
) -> None:
    indicators = kg.select(
        f"""SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE {{ ?o a qb:Observation ;
            sdmx-dimension:refArea <{BASE}id/place/puyuan> ; tx:indicator ?i }}"""
    )[0]["n"]
    page = tab.open(site[0], "plan/place-puyuan.html")
    page.wait_for_load_state("load")
    rows = page.locator("table.plan tbody tr")
    assert rows.count() == indicators > 20
    names = rows.locator("th.ind").all_inner_texts()
    assert len(set(names)) == len(names), "one row per indicator"
    years = page.locator("table.plan thead th").all_inner_texts()[1:]
    growth = page.locator("tr[data-indicator='indicator/gdp-growth'] td").nth(years.index("2017"))
    text = growth.inner_text()
    assert "目标 target" in text and "9%" in text and "实际 actual" in text and "6.4%" in text and "gap" in text
    assert page.locator("td.none").count() > 0 and "not stated" in page.locator("td.none").first.inner_text()
    growth.locator("details.cite summary").first.click()
    assert "地区生产总值" in growth.locator("details.cite").first.inner_text()
    shot(page, "plan-vs-actual")
    tab.check()


@pytest.mark.browser
def test_search_forgives_partial_traditional_and_pinyin_queries(site: tuple[Path, ExplorerStats], tab: Tab) -> None:
    page = tab.open(site[0], "index.html")
    page.wait_for_load_state("load")

    def first(query: str) -> str:
        return str(page.evaluate(f"TXX.search({json.dumps(query)}, 5).map(h => h.it[0])[0] || ''"))

    assert first("乌镇以色列产业园") == "乌镇以色列信息产业园"
    assert first("烏鎮") == "乌镇镇"
    assert first("wu zhen") == "乌镇镇"
    assert first("Puyuan") == "濮院镇"
    page.fill("#q", "退散进集")
    results = page.locator("main .q-results li")
    results.first.wait_for()
    texts = results.all_inner_texts()
    same = [t for t in texts if t.startswith("退散进集")]
    assert len(same) >= 2 and len(set(same)) == len(same), "same-name results differ by type and description"
    shot(page, "search")
    tab.check()


@pytest.mark.browser
def test_timeline_and_map_render_their_items(site: tuple[Path, ExplorerStats], tab: Tab) -> None:
    page = tab.open(site[0], "timeline.html")
    page.wait_for_load_state("load")
    items = page.locator("li.tl-item")
    total = items.count()
    assert total > 100 and page.locator("li.tl-item[data-kind='figure']").count() > 50
    assert page.locator("li.tl-item .cite-line a.src").count() > 50
    page.select_option("select.year-filter", "2018")
    assert page.locator("section.tl-year:not([hidden])").count() == 1
    page.uncheck("input[data-kind='figure']")
    assert page.locator("li.tl-item[data-kind='figure']:not([hidden])").count() == 0
    page.select_option("select.year-filter", "")
    page.check("input[data-kind='figure']")
    shot(page, "timeline")
    page = tab.open(site[0], "map.html")
    page.wait_for_load_state("load")
    areas = page.locator("#map polygon.area")
    assert areas.count() == 11
    assert "濮院镇" in (page.locator("#map").text_content() or "")
    puyuan = page.locator("#map text.mapvalue[data-place='place/puyuan']")
    projects = puyuan.text_content()
    page.select_option("#map-measure", "mentions")
    assert puyuan.text_content() != projects and int(puyuan.text_content() or 0) > 0
    fills = {a.evaluate("p => p.style.fill") for a in areas.all()}
    assert len(fills) > 2, "areas are coloured by the measure"
    assert page.locator("#map a[href='entity/place-puyuan.html']").count() >= 1
    shot(page, "map")
    tab.check()


@pytest.mark.browser
def test_phone_overview_network_is_wide_and_tall_with_a_menu(site: tuple[Path, ExplorerStats], browser: Any) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((site[0] / "overview.html").as_uri())
    page.wait_for_selector("body[data-ready-overview]", timeout=15_000)
    box = page.locator("#overview").bounding_box()
    assert box["width"] >= 0.9 * 390 and box["height"] >= 844 / 2, box
    nav = page.locator("header.top nav")
    assert not nav.is_visible()
    page.click(".menu-btn")
    assert nav.is_visible() and "Timeline" in nav.inner_text()
    shot(page, "phone-menu")
    page.click(".menu-btn")
    shot(page, "phone-overview")
    assert errors == []
    context.close()


# ---------------------------------------------------------------- sources, terms, text (no browser)


def test_every_figure_has_a_source(kg: KnowledgeGraph) -> None:
    """Regression: 13 extracted figures had an empty source (their evidence is a
    tx:Sentence, not an annotation on the quoted words)."""
    from tx_graph.explore.data import collect

    data = collect(kg)
    assert len(data.figures) > 100
    missing = [f.id for f in data.figures if not (f.doc and f.start >= 0) and not f.curated]
    assert missing == []
    extracted = [f for f in data.figures if f.id.startswith("observation/extracted/")]
    assert extracted and all(data.docs[f.doc].text[f.start : f.end] == f.stated for f in extracted)


def test_relations_show_their_sentence_or_curation_entry(site: tuple[Path, ExplorerStats]) -> None:
    text = (site[0] / WUZHEN).read_text(encoding="utf-8")
    table = text[text.index('<section id="relations">') :]
    table = table[: table.index("</section>")]
    assert re.search(r"curated <code>curation/places\.yaml:\d+:\d+</code>", table)
    rows = re.findall(r"<tr>(.*?)</tr>", table)
    assert rows and all("curated" in r or 'class="src"' in r or "derived" in r for r in rows[1:])
    # an extracted relation quotes its sentence, document, date and rule
    extracted = [
        p for p in (site[0] / "entity").glob("*.html") if "rule <code>relations." in p.read_text(encoding="utf-8")
    ]
    assert extracted
    page = extracted[0].read_text(encoding="utf-8")
    assert re.search(r'<a class="src" href="\.\./doc/[^"]+#s-\d+"', page)


def test_statements_render_generically(kg: KnowledgeGraph, tmp_path: Path, built: tuple[Paths, BuildReport]) -> None:
    """A tx:Statement (the statement layer another part of the build adds) is read with
    its participants, time, qualifier and sentence, and shown on its participants' pages;
    with none, nothing is shown."""
    import shutil

    import pyoxigraph as ox

    from tx_graph.api import load
    from tx_graph.explore.data import collect
    from tx_graph.explore.pages import Site

    store = tmp_path / "store"
    shutil.copytree(built[0].store, store)
    db = ox.Store(str(store))
    sid, tx, sdo = f"{BASE}id/statement/test-1", f"{BASE}ontology#", "https://schema.org/"
    sentence = db.query(
        f"SELECT ?s WHERE {{ ?s a <{tx}Sentence> ; <http://www.w3.org/ns/oa#hasSource> <{BASE}id/doc/000_a155daf28853f606-07> }} LIMIT 1",
        use_default_graph_as_union=True,
    )
    sentence_iri = next(iter(sentence))["s"]
    g = ox.NamedNode(f"{BASE}graph/test")
    for p, o in (
        ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", ox.NamedNode(f"{tx}Statement")),
        ("http://www.w3.org/2000/01/rdf-schema#label", ox.Literal("乌镇 获评 测试奖", language="zh")),
        (f"{sdo}agent", ox.NamedNode(f"{BASE}id/place/wuzhen")),
        (
            f"{sdo}startTime",
            ox.Literal("2017-05", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYearMonth")),
        ),
        (f"{tx}qualifier", ox.Literal("预计")),
        ("http://www.w3.org/ns/prov#wasDerivedFrom", sentence_iri),
    ):
        db.add(ox.Quad(ox.NamedNode(sid), ox.NamedNode(p), o, g))
    db.flush()
    del db
    graph = load(store)
    try:
        data = collect(graph)
    finally:
        graph.close()
    ours = [s for s in data.statements if s.id == "statement/test-1"]
    assert ours and ours[0].participants == (("agent", "place/wuzhen"),) and ours[0].time == "2017-05"
    assert ours[0].qualifier == "预计" and ours[0].source.doc == "doc/000_a155daf28853f606-07"
    page = Site(data).entity_page("place/wuzhen")
    assert "乌镇 获评 测试奖" in page and 'id="facts"' in page and "预计" in page
    assert "乌镇 获评 测试奖" in Site(data).timeline_page()


def test_terms_count_the_uses_linked_to_what_they_name(site: tuple[Path, ExplorerStats]) -> None:
    """Regression: 一园两区's term page said "0 mentions" while the 濮院 reports use it, each
    use linked to the entity it names."""
    text = (site[0] / "entity" / "term-yi-yuan-liang-qu.html").read_text(encoding="utf-8")
    assert "0 mentions" not in text
    uses = re.search(r"(\d+) uses \((\d+) linked to ([^)]+)\)", text)
    assert uses and int(uses.group(1)) >= 4 and int(uses.group(2)) >= 4
    assert len(re.findall(r'<li class="mention">', text)) >= 2


def test_document_text_links_footnotes_and_sets_headings_apart(site: tuple[Path, ExplorerStats]) -> None:
    text = (site[0] / "doc" / "000_a155daf28853f606-07.html").read_text(encoding="utf-8")
    marks = re.findall(r'<a class="fn" href="#gl-(\d+)"[^>]*>\[(\d+)\]</a>', text)
    assert len(marks) >= 3 and all(a == b for a, b in marks)
    assert all(f'id="gl-{n}"' in text for n, _ in marks)
    assert re.search(r'<p class="sh">(?:<span[^>]*></span>)*一、2017年工作回顾</p>', text)
    assert 'id="s-' in text


def test_plurals_and_spaced_pinyin(site: tuple[Path, ExplorerStats]) -> None:
    wuzhen = (site[0] / WUZHEN).read_text(encoding="utf-8")
    assert "Wū zhèn zhèn" in wuzhen
    for page in (site[0] / "entity").glob("*.html"):
        body = page.read_text(encoding="utf-8")
        assert not re.search(r"(?<![\d,])1 (mentions|links|uses|documents)\b", body), page.name


def test_timeline_map_and_plan_pages_are_written(site: tuple[Path, ExplorerStats]) -> None:
    root = site[0]
    for rel in ("timeline.html", "map.html", "plan/place-puyuan.html", "plan/place-tongxiang.html"):
        assert (root / rel).is_file(), rel
    puyuan = (root / "entity" / "place-puyuan.html").read_text(encoding="utf-8")
    assert 'href="../plan/place-puyuan.html"' in puyuan
    assert "map.html" in (root / "index.html").read_text(encoding="utf-8")
