"""``tx-graph push`` into a real Virtuoso (Debian package ``virtuoso-opensource``).

The test starts ``virtuoso-t`` in the foreground on 127.0.0.1 with its own ports and a
database in a temporary folder (a fresh database has the ``dba``/``dba`` account), pushes
the built graph through the authenticated Graph Store Protocol endpoint
``/sparql-graph-crud-auth`` (HTTP Digest), and runs every saved query against Virtuoso's
``/sparql`` endpoint, comparing the rows with the embedded store's. Where SPARQL leaves an
answer open, the comparison says so (see :func:`comparable`). About 30 s: the server's
first start (creating its database) takes ~5 s, the push ~3 s, the queries the rest.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest

from tx_graph.cli import main
from tx_graph.config import Paths
from tx_graph.errors import StoreError
from tx_graph.pipeline import BuildReport
from tx_graph.push import push
from tx_graph.query import run_query
from tx_graph.server import _die_with_parent, free_port
from tx_graph.vocab import sparql_prefixes

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SAVED = sorted((ROOT / "queries").glob("*.rq"))
VIRTUOSO = shutil.which("virtuoso-t") or "/usr/bin/virtuoso-t"
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))
OURS = "https://w3id.org/tx-graph/"

if not os.access(VIRTUOSO, os.X_OK):
    pytest.skip("virtuoso-t not found: the Debian package virtuoso-opensource is not installed "
                "(.ci/run installs it with apt-get)", allow_module_level=True)

INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 10
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {db}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {db}/vsp
MaxClientConnections = 10
ServerThreads = 10
Charset = UTF-8

[SPARQL]
; the default (10,000) would cut long answers short without saying so
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 400
"""


@dataclass
class Virtuoso:
    folder: Path
    http_port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def sparql(self) -> str:
        return self.url + "/sparql"

    @property
    def gsp(self) -> str:
        return self.url + "/sparql-graph-crud-auth"

    def log(self) -> str:
        path = self.folder / "virtuoso.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""


def _accepts(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    folder = tmp_path_factory.mktemp("virtuoso")
    (folder / "vsp").mkdir()
    http_port, sql_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(INI.format(db=folder, sql_port=sql_port, http_port=http_port), encoding="utf-8")
    # -f: foreground, so that the process we started is the server and stopping it stops it
    process = subprocess.Popen([VIRTUOSO, "-f", "-c", str(ini)], cwd=folder, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=_die_with_parent)
    server = Virtuoso(folder, http_port, process)
    try:
        deadline = time.monotonic() + 120
        while not ("Server online" in server.log() and _accepts(http_port)):
            if process.poll() is not None:
                pytest.fail(f"virtuoso-t exited with {process.returncode} on start:\n{server.log()[-2000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"virtuoso-t did not come online within 120 s:\n{server.log()[-2000:]}")
            time.sleep(0.2)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def store_path(built: tuple[Paths, BuildReport]) -> Path:
    return built[0].store


@pytest.fixture(scope="module")
def embedded(store_path: Path) -> ox.Store:
    return ox.Store.read_only(str(store_path))


@pytest.fixture(scope="module")
def pushed(virtuoso: Virtuoso, store_path: Path) -> list[str]:
    lines: list[str] = []
    push(store_path, virtuoso.gsp, user="dba", password="dba", progress=lines.append)
    return lines


def select(url: str, sparql: str) -> tuple[list[str], list[ox.QuerySolution]]:
    data = urllib.parse.urlencode({"query": sparql_prefixes() + sparql}).encode()
    request = urllib.request.Request(url, data=data, headers={"Accept": "application/sparql-results+json"})
    with NO_PROXY.open(request, timeout=120) as response:
        body = response.read()
    parsed = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
    assert isinstance(parsed, ox.QuerySolutions)
    return [v.value for v in parsed.variables], list(parsed)


PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def per_graph_virtuoso(url: str) -> dict[str, int]:
    # Virtuoso keeps its own system graphs next to ours
    _, rows = select(url, PER_GRAPH)
    return {r["g"].value: int(r["n"].value) for r in rows if r["g"].value.startswith(OURS)}


def per_graph_embedded(store: ox.Store) -> dict[str, int]:
    return {row[0].value: int(row[1].value) for row in run_query(store, PER_GRAPH).rows}


XSD_BOOLEAN = ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
_AGGREGATE = re.compile(r"\((SAMPLE|GROUP_CONCAT)\s*\((.*?)\)\s+AS\s+\?(\w+)\s*\)", re.IGNORECASE | re.DOTALL)
_SEPARATOR = re.compile(r"separator\s*=\s*(['\"])(.*?)\1", re.IGNORECASE)


def open_columns(sparql: str) -> tuple[dict[str, str], set[str]]:
    """The columns whose value SPARQL leaves open: GROUP_CONCAT (its order is undefined;
    variable → separator) and SAMPLE (any value of the group)."""
    concat: dict[str, str] = {}
    sample: set[str] = set()
    for kind, inner, var in _AGGREGATE.findall(sparql):
        if kind.upper() == "SAMPLE":
            sample.add(var)
        else:
            match = _SEPARATOR.search(inner)
            concat[var] = match.group(2) if match else " "
    return concat, sample


def comparable(value: ox.NamedNode | ox.BlankNode | ox.Literal | None, var: str, concat: dict[str, str],
               sample: set[str]) -> str:
    """One cell, in the form both engines must agree on.

    * GROUP_CONCAT: the parts as a sorted list of lexical forms. The order is undefined in
      SPARQL 1.1, and so is the language tag of the result: Oxigraph keeps a tag all parts
      share (``"一园两区"@zh``), Virtuoso returns a plain literal.
    * SAMPLE: ``*`` — any value of the group is right; the sampled values are checked apart.
    * xsd:boolean: its canonical form. Virtuoso writes false as ``"0"``, Oxigraph as
      ``"false"``: two lexical forms of one value (XSD 1.1 §3.3.2).
    """
    if value is None:
        return ""
    if var in sample:
        return "*"
    if isinstance(value, ox.Literal) and value.datatype == XSD_BOOLEAN:
        return '"true"' if value.value in ("1", "true") else '"false"'
    if var in concat and isinstance(value, ox.Literal):
        return "concat:" + "\x1f".join(sorted(value.value.split(concat[var])))
    return str(value)


def test_push_copies_every_named_graph(pushed: list[str], virtuoso: Virtuoso, embedded: ox.Store) -> None:
    local = per_graph_embedded(embedded)
    assert per_graph_virtuoso(virtuoso.sparql) == local
    assert pushed[0].startswith(f"pushing {len(embedded):,} triples in {len(local)} graph(s) to {virtuoso.gsp}")
    assert pushed[-1].startswith(f"[{len(local)}/{len(local)}]")


@pytest.mark.parametrize("path", SAVED, ids=[p.stem for p in SAVED])
def test_saved_query_same_answers_as_the_embedded_store(
    path: Path, pushed: list[str], virtuoso: Virtuoso, embedded: ox.Store
) -> None:
    sparql = path.read_text(encoding="utf-8")
    concat, sample = open_columns(sparql)
    expected = run_query(embedded, sparql)
    variables = list(expected.variables)
    remote_vars, remote = select(virtuoso.sparql, sparql)
    assert remote_vars == variables
    want = sorted(tuple(comparable(t, v, concat, sample) for t, v in zip(row, variables, strict=True))
                  for row in expected.rows)
    got = sorted(tuple(comparable(r[v], v, concat, sample) for v in variables) for r in remote)
    assert got == want
    assert len(want) > 0, f"{path.stem} answers nothing on the embedded store: the comparison would prove nothing"
    for var in sample:  # a sampled value must be one the group really has: a sentence of the graph
        for r in remote:
            if r[var] is not None:
                ask = f"ASK {{ GRAPH ?g {{ ?x ?p {r[var]} }} }}"
                assert embedded.query(ask), f"{path.stem}: ?{var} = {r[var]} is not in the graph"


def test_pushing_again_replaces_each_graph(virtuoso: Virtuoso, store_path: Path, embedded: ox.Store,
                                           pushed: list[str], capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI, with the password from the environment: the same graphs, not twice as many triples."""
    monkeypatch.setenv("TX_GRAPH_PUSH_PASSWORD", "dba")
    code = main(["push", "--from", str(store_path), "--endpoint", virtuoso.gsp, "--user", "dba"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert f"pushed {len(embedded):,} triples" in out
    assert per_graph_virtuoso(virtuoso.sparql) == per_graph_embedded(embedded)


def test_push_refused_mid_upload_reports_the_401_not_a_broken_pipe(virtuoso: Virtuoso, store_path: Path) -> None:
    """Regression: Virtuoso answers 401 and closes the connection before reading a large
    body; push used to report `[Errno 32] Broken pipe … is the server running?`."""
    with pytest.raises(StoreError, match=r"HTTP 401 .*pass --user and --password"):
        push(store_path, virtuoso.gsp)


def test_push_with_a_wrong_password_is_refused(virtuoso: Virtuoso, store_path: Path) -> None:
    with pytest.raises(StoreError, match=r"was refused at graph .*HTTP 401"):
        push(store_path, virtuoso.gsp, user="dba", password="not-the-password")


def test_cli_push_needs_a_password_for_a_user(store_path: Path, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TX_GRAPH_PUSH_PASSWORD", raising=False)
    code = main(["push", "--from", str(store_path), "--endpoint", "http://127.0.0.1:1/x", "--user", "dba"])
    assert code == 1
    assert "--user dba needs --password or the TX_GRAPH_PUSH_PASSWORD environment variable" in capsys.readouterr().err
