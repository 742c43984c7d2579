"""Export files beyond RDF (GraphML, CSV tables) and the unchanged-rebuild stamp."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import networkx as nx
import pytest
import rdflib

from tx_graph.api import KnowledgeGraph
from tx_graph.config import Paths
from tx_graph.export import STAMP, stamp_matches
from tx_graph.pipeline import BuildReport, build

BASE = "https://w3id.org/tx-graph/"
ROOT = Path(__file__).resolve().parents[1]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_graphml_is_the_curated_network(built: tuple[Paths, BuildReport], kg: KnowledgeGraph) -> None:
    paths, report = built
    graph = nx.read_graphml(report.exports["graphml"])
    expected = kg.to_networkx()
    assert graph.number_of_nodes() == expected.number_of_nodes() > 500
    assert graph.number_of_edges() == expected.number_of_edges() > 500
    wuzhen = graph.nodes[BASE + "id/place/wuzhen"]
    assert (wuzhen["label"], wuzhen["type"]) == ("乌镇镇", "town")
    assert wuzhen["mentions"] == len(kg.entity("乌镇镇").mentions) > 0
    relations = {d["relation"] for _, _, d in graph.edges(BASE + "id/place/wuzhen", data=True)}
    assert "located in" in relations
    assert paths.exports / "tx_graph.graphml" == report.exports["graphml"]


def test_entities_table(built: tuple[Paths, BuildReport], kg: KnowledgeGraph) -> None:
    _, report = built
    rows = _rows(report.exports["entities"])
    assert list(rows[0]) == ["id", "iri", "type", "label_zh", "aliases", "parent"]
    assert len(rows) == kg.to_networkx().number_of_nodes()
    assert len({r["iri"] for r in rows}) == len(rows)
    by_id = {r["id"]: r for r in rows}
    wuzhen = by_id["place/wuzhen"]
    assert wuzhen["iri"] == BASE + "id/place/wuzhen"
    assert (wuzhen["type"], wuzhen["label_zh"], wuzhen["parent"]) == ("town", "乌镇镇", "place/tongxiang")
    assert "乌镇" in wuzhen["aliases"].split("|")
    # a glossary concept is a node too, with no parent
    term = by_id["term/yi-yuan-liang-qu"]
    assert (term["type"], term["label_zh"], term["parent"]) == ("term", "一园两区", "")
    counts = {t: sum(1 for r in rows if r["type"] == t) for t in ("town", "term")}
    assert counts["town"] == report.entities["town"]


def test_mentions_table_round_trips(built: tuple[Paths, BuildReport], kg: KnowledgeGraph) -> None:
    _, report = built
    rows = _rows(report.exports["mentions"])
    assert list(rows[0]) == ["entity", "document", "start", "end", "exact", "sentence"]
    assert len(rows) == report.mentions > 1000
    texts = {
        r["doc"].rsplit("/", 1)[-1]: r["text"]
        for r in kg.select("SELECT ?doc ?text WHERE { ?doc a foaf:Document ; schema:text ?text }")
    }
    for row in rows:
        assert texts[row["document"]][int(row["start"]) : int(row["end"])] == row["exact"]
        assert row["sentence"].startswith(f"{BASE}id/doc/{row['document']}/sentence/")
    wuzhen = [r for r in rows if r["entity"] == BASE + "id/place/wuzhen"]
    assert len(wuzhen) == len(kg.entity("乌镇镇").mentions)
    assert {r["exact"] for r in wuzhen} <= {"乌镇镇", "乌镇"}


def test_stamp_records_every_export(built: tuple[Paths, BuildReport]) -> None:
    paths, report = built
    record = json.loads((paths.exports / STAMP).read_text(encoding="utf-8"))
    assert record["quads"] == report.quads
    assert {name for name, *_ in record["files"].values()} == {p.name for p in report.exports.values()}
    assert set(report.exports) == {"trig", "nq", "ttl", "jsonld", "graphml", "entities", "mentions"}
    assert stamp_matches(paths.exports, record["stamp"], need_exports=True) is not None
    assert stamp_matches(paths.exports, "0" * 64, need_exports=True) is None


@pytest.fixture(scope="module")
def copied(built: tuple[Paths, BuildReport], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session build's exports, copied with their times (the stamp compares them)."""
    target = tmp_path_factory.mktemp("rebuild") / "exports"
    shutil.copytree(built[0].exports, target, copy_function=shutil.copy2)
    return target


def test_unchanged_rebuild_leaves_store_and_exports_alone(built: tuple[Paths, BuildReport], copied: Path) -> None:
    before = {p.name: p.stat().st_mtime_ns for p in copied.rglob("*") if p.is_file() and p.name != ".build.lock"}
    report = build(Paths.at(ROOT, exports=copied))
    assert report.unchanged
    assert "store and exports not rewritten" in report.summary()
    assert report.quads == built[1].quads
    assert "store" not in report.timings and "exports" not in report.timings
    assert {p.name: p.stat().st_mtime_ns for p in copied.rglob("*") if p.is_file() and p.name != ".build.lock"} == before


def test_an_edited_export_is_rewritten(copied: Path) -> None:
    stamp = json.loads((copied / STAMP).read_text(encoding="utf-8"))["stamp"]
    ttl = copied / "tx_graph.ttl"
    ttl.write_text("# edited by hand\n", encoding="utf-8")
    assert stamp_matches(copied, stamp, need_exports=True) is None
    ttl.unlink()
    assert stamp_matches(copied, stamp, need_exports=True) is None


def test_changed_input_rebuilds(built: tuple[Paths, BuildReport], tmp_path: Path) -> None:
    exports = tmp_path / "exports"
    shutil.copytree(built[0].exports, exports, copy_function=shutil.copy2)
    curation = tmp_path / "curation"
    shutil.copytree(ROOT / "curation", curation)
    with (curation / "places.yaml").open("a", encoding="utf-8") as fh:
        fh.write("\n# a comment changes the file, so the build must not trust the old stamp\n")
    before = {key: path.stat().st_mtime_ns for key, path in built[1].exports.items()}
    report = build(Paths.at(ROOT, curation=curation, exports=exports))
    assert not report.unchanged
    assert {"rdf", "store", "exports"} <= set(report.timings)
    # curation outside the project root changes the provenance records, not the data
    assert abs(report.quads - built[1].quads) <= len(list(curation.glob("*.yaml")))
    assert all(path.stat().st_mtime_ns != before[key] for key, path in report.exports.items())
    union = rdflib.Graph().parse(exports / "tx_graph.ttl", format="turtle")
    assert len(union) == report.quads  # no triple is stated in two graphs
    stamps = [json.loads((e / STAMP).read_text(encoding="utf-8"))["stamp"] for e in (exports, built[0].exports)]
    assert stamps[0] != stamps[1]


def test_mentions_table_is_what_the_store_holds(built: tuple[Paths, BuildReport]) -> None:
    from tx_graph.export import mention_rows
    from tx_graph.store import open_store

    paths, report = built
    written = [tuple(r.values()) for r in _rows(report.exports["mentions"])]
    from_store = [tuple(str(v) for v in row) for row in mention_rows(open_store(paths.store))]
    assert written == from_store
