"""The offline explorer at scale: page generation time and size, and the time until the
overview network is drawn and still in headless Chromium, for the real graph and for
SYNTHETIC graphs of 500, 2,000 and 10,000 nodes.

A synthetic graph has the shape of the real one, written straight into an Oxigraph
store with the same vocabulary: an administrative tree (country → province → city →
county → towns → villages), parks, landmarks and projects located in it, companies
developing projects, programmes and policies with a jurisdiction and parts, events in
series, glossary terms naming programmes, indicators with figures, years, and documents
whose sentences mention all of them (about three mentions a node). Labels are made-up
Chinese names; nothing in them is true.

Render time is ``performance.now()`` (milliseconds since navigation start) at the
network's first ``afterDrawing`` event: positions are precomputed and physics is off, so
the first full drawing is the stable picture. Each run opens a fresh browser context.

    .venv/bin/python -m bench.explorer --runs 3
    .venv/bin/python -m bench.explorer --sizes 500 2000 --runs 3 --no-real
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from .common import CACHE, RESULTS, ROOT, machine, read_result, rerun_command, write_result

CHROMIUM = Path("/usr/bin/chromium")
SEED = 20240601
BASE = "https://w3id.org/tx-graph/"
TARGETS = {"real_render_ms": 2000, "10000_render_ms": 5000, "page_mb": 20}

# share of the nodes each type takes (the rest of the tree is fixed: 1 country, 1 province,
# 1 prefecture city, one county-level city per 2,500 nodes)
SHARES = {
    "town": 0.018,
    "subdistrict": 0.006,
    "village": 0.16,
    "community": 0.04,
    "park": 0.05,
    "landmark": 0.11,
    "project": 0.14,
    "company": 0.05,
    "government-body": 0.03,
    "organisation": 0.05,
    "programme": 0.13,
    "policy": 0.07,
    "event": 0.04,
    "event-series": 0.01,
    "term": 0.05,
    "indicator": 0.02,
}
CLASSES = {
    "country": ("ontology#Country", "https://schema.org/Country"),
    "province": ("ontology#Province", "https://schema.org/AdministrativeArea"),
    "prefecture-city": ("ontology#PrefectureCity", "https://schema.org/AdministrativeArea"),
    "county-city": ("ontology#CountyCity", "https://schema.org/AdministrativeArea"),
    "town": ("ontology#Town", "https://schema.org/AdministrativeArea"),
    "subdistrict": ("ontology#Subdistrict", "https://schema.org/AdministrativeArea"),
    "village": ("ontology#Village", "https://schema.org/AdministrativeArea"),
    "community": ("ontology#Community", "https://schema.org/AdministrativeArea"),
    "park": ("ontology#IndustrialPark", "https://schema.org/Place"),
    "landmark": ("ontology#Landmark", "https://schema.org/Place"),
    "government-body": ("http://www.w3.org/ns/org#Organization", "https://schema.org/GovernmentOrganization"),
    "company": ("http://www.w3.org/ns/org#FormalOrganization", "https://schema.org/Corporation"),
    "organisation": ("http://www.w3.org/ns/org#Organization", "https://schema.org/Organization"),
    "policy": ("ontology#Policy", "http://www.w3.org/ns/prov#Plan"),
    "programme": ("ontology#Programme", "https://schema.org/Project"),
    "project": ("ontology#Project", "https://schema.org/Project"),
    "event": ("https://schema.org/Event",),
    "event-series": ("https://schema.org/EventSeries",),
    "term": ("http://www.w3.org/2004/02/skos/core#Concept",),
    "indicator": ("ontology#Indicator", "http://www.w3.org/2004/02/skos/core#Concept"),
}
SUFFIX = {
    "country": "国",
    "province": "省",
    "prefecture-city": "市",
    "county-city": "市",
    "town": "镇",
    "subdistrict": "街道",
    "village": "村",
    "community": "社区",
    "park": "产业园",
    "landmark": "大道",
    "project": "建设项目",
    "company": "有限公司",
    "government-body": "人民政府",
    "organisation": "协会",
    "programme": "行动计划",
    "policy": "改革",
    "event": "大会",
    "event-series": "论坛",
    "term": "",
    "indicator": "总值",
}
SYLLABLES = "东西南北中新华安平和兴隆丰泰永宁康福寿云山河湖江海桥塘港湾林桑梅竹松石金银龙凤"
YEARS = list(range(2016, 2025))


# ---------------------------------------------------------------- synthetic graph


def synthetic_store(nodes: int, path: Path) -> dict[str, int]:
    """Write a synthetic graph of about ``nodes`` nodes into a fresh store at ``path``."""
    import pyoxigraph as ox

    from tx_graph.store import write_store

    rng = random.Random(SEED + nodes)
    quads: list[ox.Quad] = []
    graph = ox.NamedNode(BASE + "graph/synthetic")

    def iri(value: str) -> ox.NamedNode:
        if value.startswith("ontology#"):
            value = BASE + value
        return ox.NamedNode(value)

    def add(s: str, p: str, o: ox.NamedNode | ox.Literal | str) -> None:
        quads.append(ox.Quad(iri(s), iri(p), o if not isinstance(o, str) else iri(o), graph))

    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    skos = "http://www.w3.org/2004/02/skos/core#"
    schema = "https://schema.org/"
    dct = "http://purl.org/dc/terms/"
    oa = "http://www.w3.org/ns/oa#"
    used: set[str] = set()

    def name(kind: str) -> str:
        while True:
            stem = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 3, 4))))
            label = stem + SUFFIX[kind]
            if label not in used:
                used.add(label)
                return label

    entities: dict[str, list[str]] = {k: [] for k in CLASSES}
    labels: dict[str, str] = {}

    def entity(kind: str, label: str | None = None) -> str:
        n = len(entities[kind])
        node = f"{BASE}id/{kind}/s{n}"
        label = label or name(kind)
        for cls in CLASSES[kind]:
            add(node, rdf_type, cls)
        add(node, skos + "prefLabel", ox.Literal(label, language="zh"))
        add(node, "http://www.w3.org/2000/01/rdf-schema#label", ox.Literal(label, language="zh"))
        if rng.random() < 0.3:
            add(node, skos + "altLabel", ox.Literal(label[:2] + label[-1], language="zh"))
        entities[kind].append(node)
        labels[node] = label
        return node

    country = entity("country", "中国")
    province = entity("province", "浙江省")
    add(province, schema + "containedInPlace", country)
    city = entity("prefecture-city", "嘉兴市")
    add(city, schema + "containedInPlace", province)
    counties = [entity("county-city") for _ in range(max(1, nodes // 2500))]
    for c in counties:
        add(c, schema + "containedInPlace", city)
    count = {k: max(1, round(nodes * share)) for k, share in SHARES.items()}
    for kind in ("town", "subdistrict"):
        for _ in range(count[kind]):
            add(entity(kind), schema + "containedInPlace", rng.choice(counties))
    towns = entities["town"] + entities["subdistrict"]
    for kind in ("village", "community"):
        for _ in range(count[kind]):
            add(entity(kind), schema + "containedInPlace", rng.choice(towns))
    small = entities["village"] + entities["community"]
    for kind in ("park", "landmark"):
        for _ in range(count[kind]):
            where = rng.choice(counties) if rng.random() < 0.2 else rng.choice(towns if rng.random() < 0.6 else small)
            add(entity(kind), schema + "containedInPlace", where)
    for _ in range(count["company"]):
        entity("company")
    for _ in range(count["project"]):
        node = entity("project")
        add(node, schema + "location", rng.choice(counties + towns + small + entities["park"]))
        if rng.random() < 0.3:
            add(node, BASE + "ontology#developer", rng.choice(entities["company"]))
    for kind, places in (("government-body", counties + towns), ("policy", counties), ("programme", counties + towns)):
        for _ in range(count[kind]):
            add(entity(kind), dct + "spatial", rng.choice(places))
    for node in entities["programme"][len(entities["programme"]) // 5 :]:
        if rng.random() < 0.3:
            add(node, dct + "isPartOf", rng.choice(entities["programme"][: len(entities["programme"]) // 5]))
    for _ in range(count["organisation"]):
        add(entity("organisation"), schema + "location", rng.choice(counties + towns))
    for _ in range(count["event-series"]):
        entity("event-series")
    for _ in range(count["event"]):
        node = entity("event")
        add(node, schema + "location", rng.choice(counties + towns))
        add(node, schema + "superEvent", rng.choice(entities["event-series"]))
    for _ in range(count["term"]):
        node = entity("term")
        if rng.random() < 0.2:
            add(node, "http://xmlns.com/foaf/0.1/focus", rng.choice(entities["programme"]))
    for _ in range(count["indicator"]):
        entity("indicator")
    # top up with villages so the graph has exactly ``nodes`` nodes (years included)
    for _ in range(nodes - sum(len(v) for v in entities.values()) - len(YEARS)):
        add(entity("village"), schema + "containedInPlace", rng.choice(towns))
    years = {}
    for y in YEARS:
        node = f"{BASE}id/year/{y}"
        add(node, rdf_type, "http://www.w3.org/2006/time#DateTimeInterval")
        add(node, skos + "prefLabel", ox.Literal(f"{y}年", language="zh"))
        add(node, "http://www.w3.org/2000/01/rdf-schema#label", ox.Literal(str(y)))
        years[y] = node
    for node in entities["programme"] + entities["project"]:
        if rng.random() < 0.4:
            add(node, dct + "temporal", years[rng.choice(YEARS)])

    # documents: sentences that each mention one to three things
    mentionable = [n for k, ns in entities.items() if k != "indicator" for n in ns]
    sentences_total = nodes
    docs = max(3, nodes // 60)
    xsd_int = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    mentions = 0
    for d in range(docs):
        doc = f"{BASE}id/doc/synthetic-{d:05d}"
        year = rng.choice(YEARS)
        spans: list[tuple[int, int, str]] = []
        sentence_spans: list[tuple[int, int]] = []
        text = ""
        for _ in range(sentences_total // docs):
            start = len(text)
            for _ in range(rng.randint(1, 3)):
                target = rng.choice(mentionable)
                text += rng.choice(("推进", "加快", "支持", "完成")) + ""
                spans.append((len(text), len(text) + len(labels[target]), target))
                text += labels[target] + rng.choice(("建设,", "发展,", "工作,"))
            text = text.rstrip(",") + f"，{year}年取得新进展。"
            sentence_spans.append((start, len(text)))
        add(doc, rdf_type, "http://xmlns.com/foaf/0.1/Document")
        add(doc, rdf_type, BASE + "ontology#NewsArticle")
        add(doc, dct + "title", ox.Literal(f"合成样本文件{d}号", language="zh"))
        add(doc, schema + "text", ox.Literal(text, language="zh"))
        add(doc, dct + "temporal", years[year])
        for i, (s, e) in enumerate(sentence_spans):
            sent = f"{doc}/sentence/{i + 1}"
            add(sent, rdf_type, BASE + "ontology#Sentence")
            add(sent, rdf_type, oa + "SpecificResource")
            add(sent, oa + "hasSource", doc)
            add(sent, oa + "hasSelector", f"{sent}/position")
            add(f"{sent}/position", rdf_type, oa + "TextPositionSelector")
            add(f"{sent}/position", oa + "start", ox.Literal(str(s), datatype=xsd_int))
            add(f"{sent}/position", oa + "end", ox.Literal(str(e), datatype=xsd_int))
            add(sent, "http://www.w3.org/1999/02/22-rdf-syntax-ns#value", ox.Literal(text[s:e], language="zh"))
        for s, e, target in spans:
            ann = f"{BASE}id/mention/synthetic-{d:05d}/{s}-{e}"
            add(ann, rdf_type, oa + "Annotation")
            add(ann, oa + "hasBody", target)
            add(ann, oa + "hasTarget", f"{ann}/target")
            add(f"{ann}/target", oa + "hasSource", doc)
            add(f"{ann}/target", oa + "hasSelector", f"{ann}/position")
            add(f"{ann}/position", rdf_type, oa + "TextPositionSelector")
            add(f"{ann}/position", oa + "start", ox.Literal(str(s), datatype=xsd_int))
            add(f"{ann}/position", oa + "end", ox.Literal(str(e), datatype=xsd_int))
            index = next(i for i, (a, b) in enumerate(sentence_spans) if a <= s < b)
            add(f"{ann}/target", dct + "isPartOf", f"{doc}/sentence/{index + 1}")
            mentions += 1
        for term in rng.sample(entities["term"], k=min(len(entities["term"]), 3)):
            definition = f"{BASE}id/definition/synthetic-{d:05d}/{term.rsplit('/', 1)[-1]}"
            add(term, skos + "definition", definition)
            add(
                definition,
                "http://www.w3.org/1999/02/22-rdf-syntax-ns#value",
                ox.Literal("指" + labels[rng.choice(mentionable)] + "等工作。", language="zh"),
            )
            add(definition, dct + "source", doc)
            add(definition, BASE + "ontology#headword", ox.Literal(labels[term], language="zh"))
    for i in range(len(entities["indicator"]) * 10):
        obs = f"{BASE}id/observation/synthetic-{i}"
        add(obs, rdf_type, "http://purl.org/linked-data/cube#Observation")
        add(obs, "http://purl.org/linked-data/sdmx/2009/dimension#refArea", rng.choice(counties + towns))
        add(obs, BASE + "ontology#indicator", rng.choice(entities["indicator"]))
        add(
            obs,
            "http://purl.org/linked-data/sdmx/2009/measure#obsValue",
            ox.Literal(
                str(rng.randint(1, 10_000) * 10_000), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
            ),
        )
        add(obs, "http://purl.org/linked-data/sdmx/2009/attribute#unitMeasure", BASE + "unit/yuan")
        add(obs, "http://purl.org/linked-data/sdmx/2009/dimension#refPeriod", years[rng.choice(YEARS)])
        add(obs, BASE + "ontology#figureKind", BASE + "ontology#" + rng.choice(("actual", "target")))
        add(obs, BASE + "ontology#statedAs", ox.Literal(f"{rng.randint(1, 999)}亿元", language="zh"))
    write_store(quads, path)  # the build's own writer: the same store a real build leaves
    return {
        "entities": sum(len(v) for v in entities.values()) + len(YEARS),
        "documents": docs,
        "mentions": mentions,
        "quads": len(quads),
    }


# ---------------------------------------------------------------- measuring


# one generation in a fresh interpreter, as `tx-graph explore` runs it: the timer starts
# before tx_graph.explore is imported, so networkx, numpy and pypinyin imports count
RUNNER = """
import json, resource, sys, time
start = time.perf_counter()
from tx_graph.explore import generate
stats = generate(sys.argv[1], sys.argv[2], workers=int(sys.argv[3]) or None)
seconds = time.perf_counter() - start
cpu = sum(r.ru_utime + r.ru_stime for r in map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)))
print(json.dumps({"seconds": seconds, "cpu": cpu, "stats": stats.__dict__}))
"""


def generate_once(store: Path, out: Path, workers: int = 0) -> dict[str, Any]:
    """Seconds and stats of one generation (``workers`` 0: the default)."""
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, str(store), str(out), str(workers)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def edit_english_label(store: Path, value: str) -> str:
    """Give the first town or village in the store (by IRI) a new English name (what a
    one-line curation edit of ``en:`` does to the graph); returns its IRI."""
    import pyoxigraph as ox

    db = ox.Store(str(store))
    try:
        rows = list(
            db.query(
                f"""SELECT ?e WHERE {{ ?e <http://www.w3.org/2004/02/skos/core#prefLabel> ?l .
                    ?e a ?type . FILTER(?type IN (<{BASE}ontology#Town>, <{BASE}ontology#Village>))
                    FILTER(LANG(?l) = "zh" && STRSTARTS(STR(?e), "{BASE}id/")) }} ORDER BY ?e LIMIT 1""",
                use_default_graph_as_union=True,
            )
        )
        entity = rows[0]["e"]
        pref = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
        graph = None
        for quad in list(db.quads_for_pattern(entity, pref, None, None)):
            if isinstance(quad.object, ox.Literal) and quad.object.language == "en":
                graph = quad.graph_name
                db.remove(quad)
        if graph is None:
            graph = next(iter(db.quads_for_pattern(entity, pref, None, None))).graph_name
        db.add(ox.Quad(entity, pref, ox.Literal(value, language="en"), graph))
        db.flush()
        return str(entity.value)
    finally:
        del db


def generate_runs(store: Path, work: Path, runs: int, *, one_process: bool = False) -> dict[str, Any]:
    """Cold generations (each into a new folder), then unchanged rebuilds of the last one,
    then rebuilds after an English-label edit (each run a new edit, on a copy of the store)."""
    for old in work.glob("cold-*"):
        shutil.rmtree(old)
    cold: list[dict[str, Any]] = []
    for i in range(runs):
        cold.append(generate_once(store, work / f"cold-{i}"))
    single: list[dict[str, Any]] = []
    if one_process:
        for i in range(runs):
            single.append(generate_once(store, work / f"cold-1p-{i}", workers=1))
    site = work / f"cold-{runs - 1}"
    unchanged = [generate_once(store, site) for _ in range(runs)]
    edited_store = work / "store-edited"
    if edited_store.exists():
        shutil.rmtree(edited_store)
    shutil.copytree(store, edited_store)
    edited: list[dict[str, Any]] = []
    for i in range(runs):
        edit_english_label(edited_store, f"bench edit {i}")
        edited.append(generate_once(edited_store, site))
    shutil.rmtree(edited_store)
    for old in [*work.glob("cold-*")]:
        if old != site:
            shutil.rmtree(old)
    target = work / "explorer"
    if target.exists():
        shutil.rmtree(target)
    site.rename(target)
    stats = cold[-1]["stats"]

    def med(results: list[dict[str, Any]]) -> float | None:
        return round(statistics.median(r["seconds"] for r in results), 2) if results else None

    def cpu(results: list[dict[str, Any]]) -> float | None:
        return round(statistics.median(r["cpu"] for r in results), 2) if results else None

    return {
        "cpu_s": {"cold": cpu(cold), "one_process": cpu(single), "unchanged": cpu(unchanged), "edited": cpu(edited)},
        "generate_s": med(cold),
        "generate_runs_s": [round(r["seconds"], 2) for r in cold],
        "generate_one_process_s": med(single),
        "generate_one_process_runs_s": [round(r["seconds"], 2) for r in single],
        "unchanged_s": med(unchanged),
        "unchanged_runs_s": [round(r["seconds"], 2) for r in unchanged],
        "edited_s": med(edited),
        "edited_runs_s": [round(r["seconds"], 2) for r in edited],
        "edited_written": [r["stats"]["written"] for r in edited],
        "stages_s": {k: round(v, 2) for k, v in stats["timings"].items()},
        "edited_stages_s": {k: round(v, 2) for k, v in edited[-1]["stats"]["timings"].items()},
        "nodes": stats["nodes"],
        "edges": stats["edges"],
        "pages": stats["pages"],
        "site_mb": round(stats["bytes"] / 1e6, 1),
        "overview_mb": round(stats["sizes"].get("overview.html", 0) / 1e6, 2),
        "search_index_mb": round(stats["sizes"].get("assets/search-index.js", 0) / 1e6, 2),
        "largest_page": stats["largest"][0],
        "largest_page_mb": round(stats["largest"][1] / 1e6, 2),
    }


def render_runs(site: Path, runs: int) -> dict[str, Any]:
    """Milliseconds to a drawn overview, in fresh contexts with the network blocked."""
    from playwright.sync_api import sync_playwright

    times: list[float] = []
    drawn: list[int] = []
    blocked: list[str] = []
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            context.route(
                "**/*",
                lambda r: (
                    r.continue_() if r.request.url.startswith("file:") else (blocked.append(r.request.url), r.abort())
                ),
            )
            page = context.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto((site / "overview.html").as_uri())
            page.wait_for_selector("body[data-ready-overview]", timeout=120_000)
            times.append(page.evaluate("TX_READY.overview"))
            drawn.append(page.evaluate("TXX.network.body.data.nodes.length"))
            context.close()
        zoom = _zoom_in(browser, site)
        browser.close()
    return {
        "render_ms": round(statistics.median(times)),
        "render_runs_ms": [round(t) for t in times],
        "drawn_nodes": drawn[0] if drawn else 0,
        "expand_ms": zoom,
        "blocked_requests": len(blocked),
        "console_errors": errors[:5],
    }


def _zoom_in(browser: Any, site: Path) -> float | None:
    """Zoom onto the town with the most members and time its expansion (big graphs only)."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto((site / "overview.html").as_uri())
    page.wait_for_selector("body[data-ready-overview]", timeout=120_000)
    if not page.evaluate("TXX.data.aggregate"):
        page.close()
        return None
    ms = page.evaluate(
        """() => new Promise(resolve => {
            const D = TXX.data, net = TXX.network;
            let best = -1;
            D.nodes.forEach((n, i) => { if (n[10] && (best < 0 || n[10] > D.nodes[best][10])) best = i; });
            const before = net.body.data.nodes.length;
            const t0 = performance.now();
            net.once('afterDrawing', () => {});
            net.moveTo({position: {x: D.nodes[best][4], y: D.nodes[best][5]}, scale: 400 / D.nodes[best][11]});
            net.emit('zoom', {});
            const poll = () => net.body.data.nodes.length !== before
                ? net.once('afterDrawing', () => resolve(performance.now() - t0)) || net.redraw()
                : setTimeout(poll, 10);
            poll();
        })"""
    )
    page.close()
    return round(ms)


def chromium_version() -> str:
    try:
        out = subprocess.run([str(CHROMIUM), "--version"], capture_output=True, text=True, timeout=30).stdout
    except OSError:
        return "absent"
    return out.strip().splitlines()[-1] if out.strip() else "unknown"


# ---------------------------------------------------------------- report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[500, 2000, 10_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-real", action="store_true", help="skip the real corpus graph")
    parser.add_argument("--work", type=Path, default=CACHE / "explorer", help="where stores and sites are written")
    args = parser.parse_args(argv)
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    if not args.no_real:
        from tx_graph.config import Paths
        from tx_graph.pipeline import build

        paths = Paths.at(ROOT, exports=work / "real")
        build(paths, exports=False)
        row = {"graph": "real corpus", **generate_runs(paths.store, work / "real", args.runs, one_process=True)}
        row.update(render_runs(work / "real" / "explorer", args.runs))
        rows.append(row)
        print(row)
    for size in args.sizes:
        store = work / f"synthetic-{size}" / "store"
        shape = synthetic_store(size, store)
        row = {
            "graph": f"synthetic {size:,}",
            **shape,
            **generate_runs(store, work / f"synthetic-{size}", args.runs),
        }
        row.update(render_runs(work / f"synthetic-{size}" / "explorer", args.runs))
        rows.append(row)
        print(row)
    info = machine()
    import importlib.metadata as md

    for pkg in ("pyvis", "networkx", "playwright"):
        info["versions"][pkg] = md.version(pkg)
    info["chromium"] = chromium_version()
    command = rerun_command("explorer", argv)
    for row in rows:
        row["date"] = info["date"]
    # graphs not measured this time keep their last row (``--no-real``, ``--sizes 500``),
    # so a partial re-run does not drop the others; each row carries its date
    previous = read_result("explorer") or {}
    kept = {r["graph"]: r for r in previous.get("rows", []) if "unchanged_s" in r}
    for r in kept.values():
        r.setdefault("date", previous.get("machine", {}).get("date", "?"))
    kept.update({r["graph"]: r for r in rows})
    rows = sorted(kept.values(), key=lambda r: (r["graph"] != "real corpus", r["nodes"]))
    write_result("explorer", {"machine": info, "command": command, "rows": rows, "targets": TARGETS})
    (RESULTS / "explorer.md").write_text(report(info, command, rows), encoding="utf-8")
    print(f"wrote {RESULTS / 'explorer.md'}")
    return 0


def report(info: dict[str, Any], command: str, rows: list[dict[str, Any]]) -> str:
    head = (
        "| graph | nodes | edges | drawn at first | generate, cold (s) | cold, one process (s) "
        "| unchanged (s) | after an edit (s) | files rewritten | pages | site (MB) | overview page (MB) "
        "| largest page (MB) | render (ms) | zoom-in expand (ms) |\n|" + " --- |" * 15 + "\n"
    )

    def opt(value: Any) -> str:
        return "–" if value is None else str(value)

    lines = [
        f"| {r['graph']} | {r['nodes']:,} | {r['edges']:,} | {r['drawn_nodes']:,} | **{r['generate_s']}** "
        f"| {opt(r.get('generate_one_process_s'))} | **{r['unchanged_s']}** | **{r['edited_s']}** "
        f"| {', '.join(str(w) for w in r['edited_written'])} | {r['pages']:,} "
        f"| {r['site_mb']} | {r['overview_mb']} | {r['largest_page_mb']} | {r['render_ms']:,} "
        f"| {r['expand_ms'] if r['expand_ms'] is not None else '–'} |"
        for r in rows
    ]
    verdict = []
    real = next((r for r in rows if r["graph"] == "real corpus"), None)
    big = next((r for r in rows if r["nodes"] >= 9000), None)

    def met(ok: bool) -> str:
        return "met" if ok else "MISSED"

    if real:
        cold, same = real["generate_s"], real["unchanged_s"]
        verdict.append(f"- real corpus generated cold in {cold} s (target <= 1.5): {met(cold <= 1.5)}")
        verdict.append(f"- real corpus, nothing changed: {same} s (target <= 0.7): {met(same <= 0.7)}")
        ms = real["render_ms"]
        verdict.append(f"- real overview renders in {ms:,} ms (target < 2,000): {met(ms < 2000)}")
    if big:
        ms = big["render_ms"]
        verdict.append(f"- {big['nodes']:,} nodes render in {ms:,} ms (target < 5,000): {met(ms < 5000)}")
    largest = max(r["largest_page_mb"] for r in rows)
    verdict.append(f"- largest page {largest} MB (target: none over 20 MB): {met(largest < 20)}")
    blocked = sum(r["blocked_requests"] for r in rows)
    errors = sum(len(r["console_errors"]) for r in rows)
    verdict.append(f"- requests that tried to leave the machine: {blocked}; console errors: {errors}")
    cpu = "\n".join(
        f"- {r['graph']}: " + ", ".join(f"{k} {v}s" for k, v in r["cpu_s"].items() if v is not None)
        for r in rows
        if "cpu_s" in r
    )
    stages = "\n".join(
        f"- {r['graph']}: cold "
        + ", ".join(f"{k} {v}s" for k, v in r["stages_s"].items())
        + "; after an edit "
        + ", ".join(f"{k} {v}s" for k, v in r["edited_stages_s"].items())
        for r in rows
    )
    versions = ", ".join(f"{k} {v}" for k, v in info["versions"].items())
    return f"""# Explorer benchmark

Page generation (`tx_graph.explore.generate`: SPARQL, layout, every page) and the time
until the overview network is drawn in headless Chromium, with every non-file request
blocked. Medians of the runs below; the synthetic graphs are SYNTHETIC (made-up names
with the real graph's shape, see `bench/explorer.py`).

Each generation runs in a new Python process, timed from before `import tx_graph.explore`
(so the networkx, numpy and pypinyin imports count), as `tx-graph explore` runs it.
**Cold**: into a folder that does not exist yet (no earlier pages, no memo).
**Cold, one process**: the same with `workers=1` (no forked second process), to show
what the second core brings. **Unchanged**: again on the last cold folder with the same
store (nothing is written). **After an edit**: the first town or village in the store
gets a new English name (a one-line `en:` curation edit) and the folder is updated; "files
rewritten" is how many files each such run wrote. The machine is shared with other
jobs, so single runs vary by a factor of two; compare medians.

Command: `{command}`

Machine: {info["cpu"]}, {info["cores"]} cores, {info["memory_gb"]} GB, {info["os"]}, Python {info["python"]},
{info["chromium"]}; {versions}. Date: {info["date"]}.

{head}{chr(10).join(lines)}

{chr(10).join(verdict)}

"Drawn at first" is how many nodes the overview draws before any zoom: above
1,500 nodes, towns and subdistricts start collapsed with their villages, landmarks and
projects inside (the collapsed town's label says how many); zooming in expands the towns
in view, at most 6,000 nodes at once. "Zoom-in expand" is the time from zooming onto the
biggest town to the expanded drawing. Render is milliseconds from navigation start to the
first drawing, which is the final one (positions precomputed, physics off).

CPU seconds (median; the whole process, start-up included, and its forked worker):
on a loaded machine wall time stretches while CPU time stays put, so this is the column
to compare between runs made at different times.
{cpu}

Generation stages (last run of each graph):
{stages}

Rows measured on: {", ".join(f"{r['graph']} {r['date']}" for r in rows)}.
"""


if __name__ == "__main__":
    raise SystemExit(main())
