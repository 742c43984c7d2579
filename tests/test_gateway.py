"""The guard and supervisor in front of the Oxigraph server (``tx-graph serve``).

Real Oxigraph servers behind a real gateway on 127.0.0.1 with free ports; every
promise of issue 12 is tried against them: deep queries, SERVICE, timeouts, a server
killed with SIGKILL.
"""

from __future__ import annotations

import os
import signal
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tx_graph.config import Paths
from tx_graph.gateway import Gateway
from tx_graph.pipeline import BuildReport

pytestmark = pytest.mark.slow

NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
DEEP = "SELECT * WHERE " + "{" * 3000 + "}" * 3000


def http(url: str, query: str, *, accept: str = "text/csv", method: str = "POST") -> tuple[int, str]:
    if method == "GET":
        request = urllib.request.Request(url + "?" + urllib.parse.urlencode({"query": query}),
                                         headers={"Accept": accept})
    else:
        request = urllib.request.Request(url, data=urllib.parse.urlencode({"query": query}).encode(),
                                         headers={"Accept": accept})
    try:
        with NO_PROXY.open(request, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()
    except urllib.error.URLError as exc:  # nobody listens (the gateway gave up)
        return 0, str(exc.reason)


@pytest.fixture(scope="module")
def store_path(built: tuple[Paths, BuildReport]) -> Path:
    return built[0].store


@pytest.fixture(scope="module")
def counted(built: tuple[Paths, BuildReport]) -> tuple[int, str]:
    """What a working endpoint answers to COUNT as CSV: the build's number of quads."""
    return 200, f"n\r\n{built[1].quads}\r\n"


@pytest.fixture()
def gateway(store_path: Path) -> Iterator[Gateway]:
    with Gateway(store_path, timeout=10) as front:
        yield front


def test_endpoint_survives_deep_query(gateway: Gateway, counted: tuple[int, str]) -> None:
    """Issue 12: one 6 KB query (3,000 nested '{') overflowed the server's parser stack and
    the endpoint was gone for everyone."""
    assert http(gateway.query_url, COUNT) == counted
    for method in ("POST", "GET"):
        status, body = http(gateway.query_url, DEEP, method=method)
        assert status == 400
        assert body.startswith("E206 query nests '{' 101 deep at line 1, column 116; at most 100 levels")
    # the same query as a raw SPARQL body
    request = urllib.request.Request(gateway.query_url, data=DEEP.encode(),
                                     headers={"Content-Type": "application/sparql-query"})
    with pytest.raises(urllib.error.HTTPError) as info:
        NO_PROXY.open(request, timeout=30)
    assert info.value.code == 400
    assert gateway.server.running() and gateway.restarts == 0
    assert http(gateway.query_url, COUNT) == counted


def test_endpoint_refuses_service(gateway: Gateway, listener) -> None:  # type: ignore[no-untyped-def]
    """Issue 12: the endpoint followed SERVICE to any address (server-side request forgery)."""
    status, body = http(gateway.query_url, f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}")
    assert status == 400 and body.startswith("E207 SERVICE at line 1, column 18 is refused")
    listener.close()
    assert listener.connections == 0


def test_endpoint_timeout_answers_error(store_path: Path, counted: tuple[int, str]) -> None:
    """Issue 12: a query past the 30 s timeout ran on (320 s seen) and was answered 200 with
    a CSV whose only row was the cancellation message."""
    with Gateway(store_path, timeout=1) as front:
        status, body = http(front.query_url, "SELECT * WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f } ORDER BY ?a")
        assert status == 503
        assert body.startswith("E209 query did not finish within the endpoint's 1 s timeout and was cancelled")
        # other clients are served meanwhile and after
        assert http(front.query_url, COUNT) == counted


def test_server_restarted_by_supervisor(gateway: Gateway, counted: tuple[int, str]) -> None:
    """Issue 12: when the server died nothing restarted it."""
    assert gateway.server.process is not None
    for killed in range(1, 3):
        old = gateway.server.process
        assert old is not None
        os.kill(old.pid, signal.SIGKILL)
        old.wait(10)
        deadline = time.monotonic() + 30
        answer = http(gateway.query_url, COUNT)
        while (answer[0] != 200 or gateway.restarts < killed) and time.monotonic() < deadline:
            # the supervisor counts a restart once Oxigraph listens again, a moment after
            # it may already have answered
            assert answer[0] in (200, 503) and (answer[0] == 200 or "retry in a moment" in answer[1])
            time.sleep(0.2)
            answer = http(gateway.query_url, COUNT)
        assert answer == counted
        assert gateway.restarts == killed and gateway.server.process is not old


def test_supervisor_gives_up_on_a_server_that_keeps_dying(store_path: Path) -> None:
    with Gateway(store_path, timeout=10, max_restarts=1) as front:
        for _ in range(2):
            process = front.server.process
            assert process is not None
            os.kill(process.pid, signal.SIGKILL)
            deadline = time.monotonic() + 30
            while not front.stopped.is_set() and time.monotonic() < deadline:
                if front.restarts and http(front.query_url, COUNT)[0] == 200:
                    break  # restarted once and answering: kill it again
                time.sleep(0.1)
        assert front.stopped.wait(30)
        assert front.failed is not None and "giving up" in front.failed


def test_endpoint_restarts_a_query_that_overruns(store_path: Path, counted: tuple[int, str]) -> None:
    """Issue 12: Oxigraph's cancellation is cooperative, and a cross join ran minutes past
    its timeout; the gateway restarts Oxigraph when a query keeps it busy that long."""
    with Gateway(store_path, timeout=1, overrun=1.0) as front:
        first = front.server.process
        # a three-way count over the whole store: Oxigraph produces nothing until it is done
        status, body = http(front.query_url, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }")
        assert status == 503 and body.startswith("E209 ")
        deadline = time.monotonic() + 30
        while front.restarts == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert front.restarts == 1 and front.server.process is not first
        assert http(front.query_url, COUNT) == counted
