"""The SPARQL endpoint (``tx-graph serve``) and remote stores (``tx-graph push``).

Every test talks to a real Oxigraph server started on 127.0.0.1 with a free port, and
compares what comes over HTTP with what the embedded store answers.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from SPARQLWrapper import JSON, POST, SPARQLWrapper

import tx_graph
from tx_graph.api import KnowledgeGraph
from tx_graph.config import Paths
from tx_graph.errors import QueryError, StoreError
from tx_graph.pipeline import BuildReport
from tx_graph.push import push
from tx_graph.query import run_query
from tx_graph.serve import bind_warning
from tx_graph.server import OxigraphServer, free_port
from tx_graph.vocab import sparql_prefixes

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SAVED = sorted((ROOT / "queries").glob("*.rq"))
TOWNS = "SELECT ?t ?l WHERE { ?t a tx:Town ; skos:prefLabel ?l . FILTER(LANG(?l) = 'zh') } ORDER BY ?l"
TOWNS_GRAPH = "CONSTRUCT { ?t a tx:Town ; skos:prefLabel ?l } WHERE { ?t a tx:Town ; skos:prefLabel ?l }"
BAD = "SELECT ?s WHERE { ?s ?p }"
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def store_path(built: tuple[Paths, BuildReport]) -> Path:
    return built[0].store


@pytest.fixture(scope="module")
def embedded(store_path: Path) -> ox.Store:
    return ox.Store.read_only(str(store_path))


@pytest.fixture(scope="module")
def endpoint(store_path: Path) -> Iterator[OxigraphServer]:
    """``tx-graph serve``'s server: read-only over the built store."""
    with OxigraphServer(store_path, port=free_port(), timeout=10) as server:
        yield server


@pytest.fixture()
def scratch() -> Iterator[OxigraphServer]:
    """A separately started, empty, writable server to push into."""
    with OxigraphServer(None, port=free_port(), read_only=False) as server:
        yield server


def http(url: str, *, data: dict[str, str] | bytes | None = None, accept: str | None = None,
         method: str | None = None, content_type: str | None = None) -> tuple[int, str, bytes]:
    headers = {}
    if accept:
        headers["Accept"] = accept
    body = urllib.parse.urlencode(data).encode() if isinstance(data, dict) else data
    if content_type:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(url, data=body, headers=headers, method=method)
    try:
        with NO_PROXY.open(request, timeout=30) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


def term(t: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str:
    if t is None:
        return ""
    if isinstance(t, ox.Literal) and not t.language and any(sep in t.value for sep in GROUP_SEPARATORS):
        # GROUP_CONCAT's order is undefined in SPARQL and differs run to run: compare the parts
        for sep in GROUP_SEPARATORS:
            if sep in t.value:
                return "concat:" + sep.join(sorted(t.value.split(sep)))
    return str(t)


GROUP_SEPARATORS = (", ", "、", "; ", " | ")


def embedded_rows(store: ox.Store, sparql: str) -> list[tuple[str, ...]]:
    result = run_query(store, sparql)
    return sorted(tuple(term(t) for t in row) for row in result.rows)


def json_rows(payload: bytes | dict[str, Any]) -> list[tuple[str, ...]]:
    """SPARQL JSON results as rows of N-Triples-form terms, as ``embedded_rows`` gives."""
    data = payload if isinstance(payload, dict) else json.loads(payload)
    variables = data["head"]["vars"]
    text = json.dumps(data).encode()
    parsed = ox.parse_query_results(text, ox.QueryResultsFormat.JSON)
    assert isinstance(parsed, ox.QuerySolutions)
    rows = [tuple(term(s[v]) for v in variables) for s in parsed]
    return sorted(rows)


def count(store_or_url: ox.Store | str, sparql: str) -> int:
    if isinstance(store_or_url, ox.Store):
        return int(run_query(store_or_url, sparql).rows[0][0].value)
    _, _, body = http(store_or_url, data={"query": sparql}, accept="application/sparql-results+json")
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def per_graph(store_or_url: ox.Store | str) -> dict[str, int]:
    if isinstance(store_or_url, ox.Store):
        return {row[0].value: int(row[1].value) for row in run_query(store_or_url, PER_GRAPH).rows}
    _, _, body = http(store_or_url, data={"query": PER_GRAPH}, accept="application/sparql-results+json")
    return {b["g"]["value"]: int(b["n"]["value"]) for b in json.loads(body)["results"]["bindings"]}


# ------------------------------------------------------------------ serve


@pytest.mark.parametrize("path", SAVED, ids=[p.stem for p in SAVED])
def test_saved_query_same_rows_over_http(path: Path, endpoint: OxigraphServer, embedded: ox.Store) -> None:
    """A real client (SPARQLWrapper) gets exactly the embedded store's rows."""
    sparql = path.read_text(encoding="utf-8")
    client = SPARQLWrapper(endpoint.query_url)
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    client.setQuery(sparql_prefixes() + sparql)  # the endpoint does not predeclare prefixes
    remote = json_rows(client.query().convert())  # type: ignore[arg-type]
    assert remote == embedded_rows(embedded, sparql)


def test_inline_query_same_rows_and_order(endpoint: OxigraphServer, embedded: ox.Store) -> None:
    status, ctype, body = http(endpoint.query_url, data={"query": sparql_prefixes() + TOWNS},
                               accept="application/sparql-results+json")
    assert (status, ctype) == (200, "application/sparql-results+json")
    labels = [b["l"]["value"] for b in json.loads(body)["results"]["bindings"]]
    assert labels == [str(row[1].value) for row in run_query(embedded, TOWNS).rows]
    assert "乌镇镇" in labels and len(labels) == 8


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
    ],
)
def test_select_content_negotiation(endpoint: OxigraphServer, accept: str, expected: str) -> None:
    status, ctype, body = http(endpoint.query_url, data={"query": sparql_prefixes() + TOWNS}, accept=accept)
    assert status == 200 and ctype.split(";")[0] == expected
    text = body.decode("utf-8")
    if expected.endswith("json"):
        assert len(json.loads(text)["results"]["bindings"]) == 8
    elif expected.endswith("xml"):
        results = ET.fromstring(body).find("{http://www.w3.org/2005/sparql-results#}results")
        assert results is not None and len(results) == 8
    elif expected == "text/csv":
        lines = text.strip().splitlines()
        assert lines[0].strip() == "t,l" and len(lines) == 9 and "乌镇镇" in text
    else:
        lines = text.strip().splitlines()
        assert lines[0] == "?t\t?l" and len(lines) == 9 and '"乌镇镇"@zh' in text


def test_ask_content_negotiation(endpoint: OxigraphServer) -> None:
    ask = sparql_prefixes() + "ASK { ?t a tx:Town }"
    _, ctype, body = http(endpoint.query_url, data={"query": ask}, accept="application/sparql-results+json")
    assert ctype == "application/sparql-results+json" and json.loads(body)["boolean"] is True
    _, ctype, body = http(endpoint.query_url, data={"query": ask}, accept="application/sparql-results+xml")
    assert ctype == "application/sparql-results+xml" and b"<boolean>true</boolean>" in body


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
    ],
)
def test_construct_content_negotiation(endpoint: OxigraphServer, embedded: ox.Store, accept: str,
                                       fmt: ox.RdfFormat) -> None:
    status, ctype, body = http(endpoint.query_url, data={"query": sparql_prefixes() + TOWNS_GRAPH}, accept=accept)
    assert status == 200 and ctype.split(";")[0] == accept
    remote = {str(ox.Triple(q.subject, q.predicate, q.object)) for q in ox.parse(body, fmt)}
    local = {str(t) for t in run_query(embedded, TOWNS_GRAPH).triples}
    assert remote == local and len(local) > 8


def test_describe_is_rdf(endpoint: OxigraphServer) -> None:
    describe = "DESCRIBE <https://w3id.org/tx-graph/id/place/wuzhen>"
    status, ctype, body = http(endpoint.query_url, data={"query": describe}, accept="text/turtle")
    assert (status, ctype.split(";")[0]) == (200, "text/turtle")
    assert "乌镇镇" in body.decode("utf-8")


def test_get_request_works(endpoint: OxigraphServer) -> None:
    url = endpoint.query_url + "?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
    status, _, body = http(url, accept="application/sparql-results+json")
    assert status == 200 and json.loads(body)["boolean"] is True


def test_malformed_query_is_400_with_the_parser_message(endpoint: OxigraphServer) -> None:
    status, ctype, body = http(endpoint.query_url, data={"query": BAD})
    with pytest.raises(SyntaxError) as parser:
        ox.Store().query(BAD)
    assert status == 400 and ctype.startswith("text/plain")
    assert body.decode("utf-8").strip() == str(parser.value)
    assert "1:26" in str(parser.value)


def test_updates_are_refused_read_only(endpoint: OxigraphServer, embedded: ox.Store) -> None:
    before = count(endpoint.query_url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    insert = "INSERT DATA { <urn:x:s> <urn:x:p> <urn:x:o> }"
    status, _, body = http(endpoint.update_url, data={"update": insert})
    assert status == 403 and b"read-only" in body
    status, _, _ = http(endpoint.update_url, data=insert.encode(), content_type="application/sparql-update")
    assert status == 403
    # an update sent as a query is a syntax error, not a back door
    assert http(endpoint.query_url, data={"query": insert})[0] == 400
    status, _, _ = http(endpoint.store_url + "?graph=urn:x:g", data=b"<urn:x:s> <urn:x:p> <urn:x:o> .",
                        method="PUT", content_type="application/n-triples")
    assert status == 403
    after = count(endpoint.query_url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert before == after == len(embedded)


def test_updates_only_when_enabled(tmp_path: Path, store_path: Path) -> None:
    import shutil

    copy = tmp_path / "store"
    shutil.copytree(store_path, copy)
    with OxigraphServer(copy, port=free_port(), read_only=False) as server:
        status, _, _ = http(server.update_url, data={"update": "INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> 1 } }"})
        assert status == 204
        assert count(server.query_url, "SELECT (COUNT(*) AS ?n) WHERE { <urn:x:s> ?p ?o }") == 1


def test_query_timeout_cancels(store_path: Path) -> None:
    server = OxigraphServer(store_path, port=free_port(), timeout=1)
    assert server.command()[-2:] == ["--timeout-s", "1"]
    with server:
        started = time.monotonic()
        # a cross join of the store with itself: ~10^9 rows, minutes without the timeout
        _, _, body = http(server.query_url, data={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"})
        assert time.monotonic() - started < 15
        assert b"cancelled" in body


def test_start_fails_clearly_without_a_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="run `tx-graph build` first"):
        OxigraphServer(tmp_path / "nothing", port=free_port()).start()


def test_start_fails_clearly_when_the_port_is_taken(endpoint: OxigraphServer, store_path: Path) -> None:
    with pytest.raises(StoreError, match=f"port {endpoint.port} on 127.0.0.1 is already in use"):
        OxigraphServer(store_path, port=endpoint.port).start()


def test_bind_warning() -> None:
    assert bind_warning("127.0.0.1") is None and bind_warning("localhost") is None
    warning = bind_warning("0.0.0.0")
    assert warning is not None and "reachable from other machines" in warning


def test_cli_serve_prints_the_url_answers_and_stops_on_ctrl_c(store_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tx_graph.cli", "serve", "--store", str(store_path), "--port", str(port),
         "--timeout", "5"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )
    try:
        assert process.stdout is not None
        lines = []
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            lines.append(line)
            if line.startswith("port:") or not line:
                break
        out = "".join(lines)
        url = f"http://127.0.0.1:{port}/query"
        assert f"SPARQL endpoint: {url}" in out and "read-only" in out and "timeout 5 s" in out
        status, ctype, _ = http(url, data={"query": "ASK {}"}, accept="application/sparql-results+json")
        assert (status, ctype) == (200, "application/sparql-results+json")
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=15)
        assert process.returncode == 0 and "stopped" in rest
        with pytest.raises(urllib.error.URLError):
            NO_PROXY.open(url, timeout=2)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_help_does_not_import_heavy_modules() -> None:
    code = "import sys, tx_graph.cli as c; c.build_parser(); print('pyoxigraph' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"


# ------------------------------------------------------------------ push and the remote API


def test_push_round_trips_named_graphs(scratch: OxigraphServer, store_path: Path, embedded: ox.Store) -> None:
    lines: list[str] = []
    report = push(store_path, scratch.store_url, batch=4000, progress=lines.append)
    local = per_graph(embedded)
    assert per_graph(scratch.query_url) == local
    assert report.triples == len(embedded) and len(report.graphs) == len(local)
    assert report.requests > len(local)  # big graphs went in several batches
    assert lines[0].startswith(f"pushing {len(embedded):,} triples in {len(local)} graph(s)")
    assert any(line.startswith(f"[{len(local)}/{len(local)}]") for line in lines)
    # the same saved queries give the same rows from the pushed copy
    for path in SAVED[:4]:
        sparql = path.read_text(encoding="utf-8")
        _, _, body = http(scratch.query_url, data={"query": sparql_prefixes() + sparql},
                          accept="application/sparql-results+json")
        assert json_rows(body) == embedded_rows(embedded, sparql), path.name
    # pushing again replaces each graph rather than duplicating it
    push(store_path, scratch.store_url)
    assert per_graph(scratch.query_url) == local


def test_push_as_one_dataset(scratch: OxigraphServer, store_path: Path, embedded: ox.Store) -> None:
    """N-Quads batches to the dataset URL: same graphs, far fewer requests, PUT replaces all."""
    http(scratch.store_url + "?graph=urn:x:stale", data=b"<urn:x:s> <urn:x:p> <urn:x:o> .", method="PUT",
         content_type="application/n-triples")
    lines: list[str] = []
    report = push(store_path, scratch.store_url, dataset=True, batch=10_000, progress=lines.append)
    local = per_graph(embedded)
    assert per_graph(scratch.query_url) == local  # the stale graph is gone: the first request replaced all
    assert report.requests == -(-len(embedded) // 10_000) and report.triples == len(embedded)
    assert lines[-1].startswith(f"  {len(embedded):,}/{len(embedded):,} quads")
    push(store_path, scratch.store_url, dataset=True)
    assert per_graph(scratch.query_url) == local
    with pytest.raises(StoreError, match="cannot be combined"):
        push(store_path, scratch.store_url, dataset=True, graph="urn:x:all")


def test_push_into_one_graph(scratch: OxigraphServer, store_path: Path, embedded: ox.Store) -> None:
    report = push(store_path, scratch.store_url, graph="urn:x:all")
    distinct = count(embedded, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }")
    assert per_graph(scratch.query_url) == {"urn:x:all": distinct}
    assert {g for g, _ in report.graphs} == {"urn:x:all"}


def test_push_from_a_trig_export(scratch: OxigraphServer, built: tuple[Paths, BuildReport],
                                 embedded: ox.Store) -> None:
    push(built[0].exports / "tx_graph.trig", scratch.store_url, dataset=True)
    assert per_graph(scratch.query_url) == per_graph(embedded)


def test_push_to_a_server_that_is_down(store_path: Path) -> None:
    with pytest.raises(StoreError, match="connection refused"):
        push(store_path, f"http://127.0.0.1:{free_port()}/store")


def test_push_refused_by_a_read_only_server(endpoint: OxigraphServer, store_path: Path) -> None:
    with pytest.raises(StoreError, match=r"HTTP 403 .*read-only"):
        push(store_path, endpoint.store_url)


def test_push_to_the_wrong_url(scratch: OxigraphServer, store_path: Path) -> None:
    with pytest.raises(StoreError, match=r"HTTP 404.*Graph Store Protocol"):
        push(store_path, scratch.query_url)


def test_cli_push(scratch: OxigraphServer, store_path: Path, embedded: ox.Store) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    run = subprocess.run(
        [sys.executable, "-m", "tx_graph.cli", "push", "--endpoint", scratch.store_url, "--from", str(store_path),
         "--dataset", "--batch", "20000"],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert "pushed" in run.stdout and f"{len(embedded):,}/{len(embedded):,} quads" in run.stdout
    assert per_graph(scratch.query_url) == per_graph(embedded)
    down = subprocess.run(
        [sys.executable, "-m", "tx_graph.cli", "push", "--endpoint", f"http://127.0.0.1:{free_port()}/store",
         "--from", str(store_path)],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=60,
    )
    assert down.returncode == 1 and "connection refused" in down.stderr


def test_remote_api_matches_embedded(scratch: OxigraphServer, store_path: Path, kg: KnowledgeGraph) -> None:
    push(store_path, scratch.store_url, dataset=True)
    remote = tx_graph.load(endpoint=scratch.query_url)
    for name in ("乌镇", "巨石", "桐乡市"):
        assert remote.entity(name) == kg.entity(name)
    assert remote.select(TOWNS) == kg.select(TOWNS)
    # a query declaring some prefixes itself still gets the predeclared others
    mixed = "PREFIX ex: <http://example.org/> SELECT (COUNT(*) AS ?n) WHERE { ?s skos:prefLabel ?l }"
    assert remote.select(mixed) == kg.select(mixed)
    assert {str(t) for t in remote.query(TOWNS_GRAPH).triples} == {str(t) for t in kg.query(TOWNS_GRAPH).triples}
    assert remote.query("ASK { ?t a tx:Town }").boolean is True
    graph = remote.to_networkx()
    assert graph.number_of_edges() == kg.to_networkx().number_of_edges() > 0
    with pytest.raises(QueryError, match="400"):
        remote.query(BAD)


def test_remote_api_over_serve(endpoint: OxigraphServer, kg: KnowledgeGraph) -> None:
    remote = tx_graph.load(endpoint=endpoint.query_url)
    assert remote.entity("濮院镇") == kg.entity("濮院镇")


def test_remote_api_server_down() -> None:
    remote = tx_graph.load(endpoint=f"http://127.0.0.1:{free_port()}/query")
    with pytest.raises(StoreError, match="cannot reach"):
        remote.query("ASK {}")


def test_push_to_file_url_is_clear_error(store_path: Path, tmp_path: Path) -> None:
    """Issue 12: `push --dataset --endpoint file:///…` said "pushed 42,456 triples" and exited
    0; `push --endpoint notaurl` printed a traceback."""
    target = tmp_path / "out.nq"
    env = {**os.environ, "NO_PROXY": "*"}
    must = "the URL must start with http:// or https:// (e.g. http://localhost:7878/store)"
    for endpoint, why in ((target.as_uri(), f"the Graph Store Protocol works over HTTP, so {must}"),
                          ("notaurl", f"it is not a URL: {must}"), ("http://", f"no host name; {must}")):
        result = subprocess.run(
            [sys.executable, "-m", "tx_graph.cli", "push", "--from", str(store_path), "--dataset",
             "--endpoint", endpoint],
            capture_output=True, text=True, cwd=ROOT, env=env, timeout=60,
        )
        assert result.returncode == 1, result.stderr
        assert result.stderr.strip() == f"tx-graph: cannot push to {endpoint!r}: {why}"
        assert "pushed" not in result.stdout and "Traceback" not in result.stderr
    assert not target.exists()
