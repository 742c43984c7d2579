"""``tx-graph push``: copy the dataset into another SPARQL 1.1 Graph Store Protocol server.

``push`` sends to any Graph Store Protocol server (Fuseki, GraphDB, Virtuoso, Oxigraph …):
one ``PUT ?graph=IRI`` per named graph, larger graphs in ``POST`` batches after the first,
so named graphs survive the trip; or, with ``dataset=True``, N-Quads batches to the
dataset URL of servers that take them (far fewer requests when the build has made
thousands of small named graphs).

Nothing heavy is imported at module level: the CLI imports this module for
``tx-graph --help``.

>>> graph_url("http://h/store", "urn:g"), graph_url("http://h/crud?x=1", None)
('http://h/store?graph=urn%3Ag', 'http://h/crud?x=1&default')
"""

from __future__ import annotations

import argparse
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from .errors import StoreError, TxGraphError
from .httpauth import Credentials
from .serve import store_path
from .server import check_store, is_loopback

if TYPE_CHECKING:
    import pyoxigraph as ox

__all__ = [
    "DEFAULT_BATCH",
    "PushReport",
    "check_endpoint",
    "graph_url",
    "push",
    "register_cli",
]

DEFAULT_BATCH = 100_000  # triples per request: well under the body limits of common servers
PASSWORD_ENV = "TX_GRAPH_PUSH_PASSWORD"


@dataclass(frozen=True)
class PushReport:
    """What ``push`` sent: ``(target graph, triples)`` per source graph, in order."""

    endpoint: str
    graphs: tuple[tuple[str, int], ...]
    requests: int
    seconds: float

    @property
    def triples(self) -> int:
        return sum(n for _, n in self.graphs)

    def summary(self) -> str:
        return (
            f"pushed {self.triples:,} triples in {len(self.graphs)} graph(s) to {self.endpoint} "
            f"({self.requests} request(s), {self.seconds:.2f} s)"
        )


def check_endpoint(endpoint: str) -> None:
    """Raise :class:`StoreError` unless ``endpoint`` is an http(s) URL with a host: urllib
    would "PUT" to a file:// URL without complaint, and fail on ``notaurl`` with a traceback.

    >>> check_endpoint("file:///tmp/x")
    Traceback (most recent call last):
    ...
    tx_graph.errors.StoreError: cannot push to 'file:///tmp/x': the Graph Store Protocol works over HTTP, \
so the URL must start with http:// or https:// (e.g. http://localhost:7878/store)
    """
    split = urllib.parse.urlsplit(endpoint)
    expected = "the URL must start with http:// or https:// (e.g. http://localhost:7878/store)"
    if split.scheme.lower() not in ("http", "https"):
        why = "the Graph Store Protocol works over HTTP, so " if split.scheme else "it is not a URL: "
        raise StoreError(f"cannot push to {endpoint!r}: {why}{expected}")
    try:
        split.port  # noqa: B018 - raises on a port that is not a number
    except ValueError as exc:
        raise StoreError(f"cannot push to {endpoint!r}: {exc}; {expected}") from exc
    if not split.hostname:
        raise StoreError(f"cannot push to {endpoint!r}: no host name; {expected}")


def graph_url(endpoint: str, graph: str | None, param: str = "graph") -> str:
    """The Graph Store Protocol URL of one graph (``None``: the default graph)."""
    sep = "&" if "?" in endpoint else "?"
    if graph is None:
        return f"{endpoint}{sep}default"
    return f"{endpoint}{sep}{urllib.parse.urlencode({param: graph})}"


def push(
    source: Path | ox.Store,
    endpoint: str,
    *,
    graph: str | None = None,
    dataset: bool = False,
    replace: bool = True,
    batch: int = DEFAULT_BATCH,
    headers: Mapping[str, str] | None = None,
    graph_param: str = "graph",
    timeout: float = 300.0,
    progress: Callable[[str], None] | None = None,
    user: str | None = None,
    password: str | None = None,
) -> PushReport:
    """Load the dataset into a Graph Store Protocol ``endpoint``.

    ``source`` is a built store folder, a TriG/N-Quads file, or an open store. Each named
    graph goes to the same graph IRI on the server; with ``graph`` every triple goes to
    that one graph instead. ``replace`` (the default) makes the first request for each
    target graph a ``PUT`` so pushing twice leaves one copy; ``replace=False`` only ever
    ``POST``s (appends).

    ``dataset=True`` sends N-Quads batches to ``endpoint`` itself, no graph parameter —
    not in the GSP standard but what Oxigraph (``/store``), Fuseki (``/DATASET/data``) and
    RDF4J/GraphDB (``/repositories/REPO/statements``) accept: ``PUT`` replaces the whole
    dataset, ``POST`` adds. Use it when there are many small named graphs (the build
    makes one per extracted fact), where one request per graph is slow.

    ``user``/``password`` answer the server's HTTP Digest or Basic challenge (Virtuoso's
    ``/sparql-graph-crud-auth`` wants Digest).

    Raises :class:`StoreError` naming where it stopped and the server's answer when the
    server is down or refuses.
    """
    import pyoxigraph as ox

    check_endpoint(endpoint)
    if dataset and graph is not None:
        raise StoreError("--dataset keeps the named graphs; it cannot be combined with --graph")
    store = source if isinstance(source, ox.Store) else _open_source(Path(source))
    say = progress or (lambda _: None)
    opener = _opener(endpoint)
    credentials = Credentials(user, password or "", endpoint) if user is not None else None
    counts = _graph_sizes(store)
    blank = _graphs_with_blank_nodes(store)
    if graph is None and any(isinstance(g, ox.BlankNode) for g in counts):
        raise StoreError("the dataset has graphs named by blank nodes, which the Graph Store Protocol "
                         "cannot address: push with --graph IRI to merge them into one graph")
    total = sum(counts.values())
    say(f"pushing {total:,} triples in {len(counts)} graph(s) to {endpoint}"
        + (" as one dataset (N-Quads)" if dataset else ""))
    if dataset:
        return _push_dataset(store, endpoint, opener, total, bool(blank), replace, batch, headers, timeout, say,
                             credentials)
    started = time.perf_counter()
    done: list[tuple[str, int]] = []
    requests = 0
    sent_total = 0
    written: set[str | None] = set()
    last_said = 0.0
    for index, (g, count) in enumerate(counts.items(), start=1):
        name = None if isinstance(g, ox.DefaultGraph) else g.value
        target = graph if graph is not None else name
        # a blank node split over two requests would become two nodes on the server
        size = max(count, 1) if g in blank else max(batch, 1)
        sent = 0
        t0 = time.perf_counter()
        for chunk in _chunks(store.quads_for_pattern(None, None, None, g), size):
            method = "PUT" if replace and target not in written else "POST"
            body = ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in chunk],
                                format=ox.RdfFormat.N_TRIPLES)
            assert body is not None
            _send(opener, method, graph_url(endpoint, target, graph_param), body, headers, timeout,
                  where=f"graph {name or 'default'} ({index}/{len(counts)}, "
                        f"{len(done)} graph(s) already pushed)", credentials=credentials)
            written.add(target)
            requests += 1
            sent += len(chunk)
            sent_total += len(chunk)
            if count > size:
                say(f"  {name or 'default graph'}: {sent:,}/{count:,} triples")
        done.append((target or "default", sent))
        now = time.perf_counter()
        # every graph when there are few; with thousands, big ones and a line a second
        if len(counts) <= 50 or count >= batch // 10 or index == len(counts) or now - last_said >= 1.0:
            last_said = now
            say(f"[{index}/{len(counts)}] {name or 'default graph'}"
                + (f" → {target}" if graph is not None else "")
                + f": {sent:,} triples ({now - t0:.2f} s, {sent_total:,}/{total:,} in all)")
    return PushReport(endpoint, tuple(done), requests, time.perf_counter() - started)


def _push_dataset(
    store: ox.Store,
    endpoint: str,
    opener: urllib.request.OpenerDirector,
    total: int,
    has_blank_nodes: bool,
    replace: bool,
    batch: int,
    headers: Mapping[str, str] | None,
    timeout: float,
    say: Callable[[str], None],
    credentials: Credentials | None = None,
) -> PushReport:
    import pyoxigraph as ox

    started = time.perf_counter()
    size = max(total, 1) if has_blank_nodes else max(batch, 1)
    sent = 0
    requests = 0
    for chunk in _chunks(iter(store), size):
        method = "PUT" if replace and requests == 0 else "POST"
        body = ox.serialize(chunk, format=ox.RdfFormat.N_QUADS)
        assert body is not None
        _send(opener, method, endpoint, body, headers, timeout,
              where=f"quads {sent:,}-{sent + len(chunk):,} of {total:,}", content_type="application/n-quads",
              credentials=credentials)
        requests += 1
        sent += len(chunk)
        say(f"  {sent:,}/{total:,} quads ({time.perf_counter() - started:.2f} s)")
    graphs = tuple(
        (g.value if not isinstance(g, ox.DefaultGraph) else "default", n) for g, n in _graph_sizes(store).items()
    )
    return PushReport(endpoint, graphs, requests, time.perf_counter() - started)


def _graph_sizes(store: ox.Store) -> dict[ox.NamedNode | ox.BlankNode | ox.DefaultGraph, int]:
    """Triples per graph, the default graph first when it has any, then by graph name."""
    import pyoxigraph as ox

    result = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    assert isinstance(result, ox.QuerySolutions)
    sizes: dict[ox.NamedNode | ox.BlankNode | ox.DefaultGraph, int] = {}
    default = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    if default:
        sizes[ox.DefaultGraph()] = default
    named = sorted(((row["g"], int(row["n"].value)) for row in result), key=lambda gn: gn[0].value)
    sizes.update(named)
    return sizes


def _graphs_with_blank_nodes(store: ox.Store) -> set[ox.NamedNode | ox.BlankNode | ox.DefaultGraph]:
    import pyoxigraph as ox

    result = store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) } }")
    assert isinstance(result, ox.QuerySolutions)
    found: set[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = {row["g"] for row in result}
    if any(isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)
           for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())):
        found.add(ox.DefaultGraph())
    return found


def _open_source(path: Path) -> ox.Store:
    import pyoxigraph as ox

    if path.is_dir():
        check_store(path)
        return ox.Store.read_only(str(path))
    if not path.is_file():
        raise StoreError(f"nothing to push at {path}: expected a built store folder or a .trig/.nq file")
    formats = {".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS, ".ttl": ox.RdfFormat.TURTLE,
               ".nt": ox.RdfFormat.N_TRIPLES, ".jsonld": ox.RdfFormat.JSON_LD}
    fmt = formats.get(path.suffix)
    if fmt is None:
        raise StoreError(f"cannot push {path}: unknown extension (valid: {', '.join(formats)})")
    store = ox.Store()
    store.bulk_load(path=str(path), format=fmt)
    return store


def _chunks(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _opener(endpoint: str) -> urllib.request.OpenerDirector:
    host = urllib.parse.urlsplit(endpoint).hostname or ""
    if is_loopback(host):
        # a proxy from the environment cannot reach this machine's loopback
        return urllib.request.build_opener(urllib.request.ProxyHandler({}))
    return urllib.request.build_opener()


def _send(
    opener: urllib.request.OpenerDirector,
    method: str,
    url: str,
    body: bytes,
    headers: Mapping[str, str] | None,
    timeout: float,
    where: str,
    # N-Triples is a subset of Turtle, and text/turtle is the one type every GSP server takes
    content_type: str = "text/turtle; charset=utf-8",
    credentials: Credentials | None = None,
) -> None:
    if credentials is not None and credentials.scheme is None:
        credentials.ask(opener, url, timeout)
    for attempt in (1, 2):
        try:
            return _send_once(opener, method, url, body, headers, timeout, content_type, credentials)
        except urllib.error.HTTPError as exc:
            # a Digest nonce went stale: the server challenges again; send once more
            if (attempt == 1 and exc.code == 401 and credentials is not None
                    and credentials.learn(exc.headers.get_all("WWW-Authenticate") or [])):
                continue
            _raise_http(exc, method, url, where)
        except urllib.error.URLError as exc:
            # the server answered (a refusal, a new challenge) before reading the whole body
            cut_short = isinstance(exc.reason, BrokenPipeError | ConnectionResetError)
            if attempt == 1 and credentials is not None and cut_short:
                credentials.ask(opener, url, timeout)
                continue
            if cut_short:  # what it said is lost with the connection: ask again without a body
                _probe(opener, url, timeout, credentials, method, where)
            _raise_unreachable(exc, method, url, where)
        except (TimeoutError, OSError) as exc:
            raise StoreError(f"{method} {url} failed at {where}: {exc}") from exc


def _send_once(
    opener: urllib.request.OpenerDirector, method: str, url: str, body: bytes, headers: Mapping[str, str] | None,
    timeout: float, content_type: str, credentials: Credentials | None,
) -> None:
    request = urllib.request.Request(
        url, data=body, method=method, headers={"Content-Type": content_type, **(headers or {})},
    )
    authorization = credentials.authorization(request) if credentials is not None else None
    if authorization:
        request.add_header("Authorization", authorization)
    with opener.open(request, timeout=timeout) as response:
        response.read()


def _probe(opener: urllib.request.OpenerDirector, url: str, timeout: float, credentials: Credentials | None,
           method: str, where: str) -> None:
    request = urllib.request.Request(url, method="HEAD")
    authorization = credentials.authorization(request) if credentials is not None else None
    if authorization:
        request.add_header("Authorization", authorization)
    try:
        with opener.open(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        _raise_http(exc, method, url, where)
    except OSError:
        pass


def _raise_http(exc: urllib.error.HTTPError, method: str, url: str, where: str) -> NoReturn:
    excerpt = exc.read().decode("utf-8", errors="replace").strip().replace("\n", " ")[:300]
    raise StoreError(
        f"{method} {url} was refused at {where}: HTTP {exc.code} {exc.reason}"
        + (f": {excerpt}" if excerpt else "")
        + _http_hint(exc.code)
    ) from exc


def _raise_unreachable(exc: urllib.error.URLError, method: str, url: str, where: str) -> NoReturn:
    reason = exc.reason
    text = "connection refused" if isinstance(reason, ConnectionRefusedError) else str(reason)
    raise StoreError(
        f"cannot reach {url} at {where}: {text} (is the server running, and is this its "
        "Graph Store Protocol URL?)"
    ) from exc


def _http_hint(code: int) -> str:
    hints = {
        401: "the server wants credentials (or refused these): pass --user and --password "
             "(Digest or Basic, e.g. Virtuoso's /sparql-graph-crud-auth) or --header 'Authorization: …'",
        403: "the server refuses writes (a read-only server such as `oxigraph serve-read-only`, "
             "or missing credentials)",
        404: "no Graph Store Protocol service at this URL (Oxigraph: /store, Fuseki: /DATASET/data, "
             "GraphDB: /repositories/REPO/rdf-graphs/service, Virtuoso: /sparql-graph-crud-auth "
             "with --user and --password)",
        405: "this URL does not take PUT/POST: is it the query endpoint rather than the store?",
        413: "the request is too large for the server: lower --batch",
        415: "the server does not take text/turtle at this URL",
    }
    hint = hints.get(code)
    return f" — {hint}" if hint else ""


# ------------------------------------------------------------------ the CLI


def register_cli(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "push",
        help="load the graph into a remote SPARQL 1.1 Graph Store Protocol server",
        description="Copy every named graph of the built store (or of a .trig/.nq file) to a "
        "Graph Store Protocol endpoint: Oxigraph http://host:7878/store, Fuseki "
        "http://host:3030/DATASET/data, GraphDB http://host:7200/repositories/REPO/rdf-graphs/service, "
        "Virtuoso http://host:8890/sparql-graph-crud-auth (with --user dba and --password).",
    )
    p.add_argument("--endpoint", required=True, help="the Graph Store Protocol URL")
    p.add_argument("--graph", help="put every triple into this one graph IRI instead of keeping the named graphs")
    p.add_argument("--exports", help="folder holding store/ (default: exports/)")
    p.add_argument("--from", dest="source", help="a store folder or a .trig/.nq file to push instead")
    p.add_argument("--dataset", action="store_true",
                   help="send N-Quads batches to the URL itself (Oxigraph /store, Fuseki /DATASET/data, "
                        "GraphDB /repositories/REPO/statements): far fewer requests when there are many "
                        "named graphs; replaces the server's whole dataset unless --append")
    p.add_argument("--append", action="store_true",
                   help="POST only (add to what the server has) instead of replacing each graph with PUT")
    p.add_argument("--batch", type=int, default=DEFAULT_BATCH, help=f"triples per request (default {DEFAULT_BATCH:,})")
    p.add_argument("--graph-param", default="graph", help="query parameter naming the graph (default: graph)")
    p.add_argument("--header", "-H", action="append", default=[], metavar="'NAME: VALUE'",
                   help="extra HTTP header, e.g. 'Authorization: Basic …' (repeatable)")
    p.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for each request (default 300)")
    p.add_argument("--user", help="user name for the server's HTTP Digest or Basic authentication")
    p.add_argument("--password", help=f"its password (default: the {PASSWORD_ENV} environment variable, "
                                      "which keeps it out of the process list)")
    p.set_defaults(func=cmd_push)



def cmd_push(args: argparse.Namespace) -> int:
    headers: dict[str, str] = {}
    for header in args.header:
        name, sep, value = header.partition(":")
        if not sep or not name.strip():
            raise TxGraphError(f"bad --header '{header}' (expected 'Name: value')")
        headers[name.strip()] = value.strip()
    source = Path(args.source).resolve() if args.source else store_path(args)
    password = args.password if args.password is not None else os.environ.get(PASSWORD_ENV)
    if args.user is not None and password is None:
        raise TxGraphError(f"--user {args.user} needs --password or the {PASSWORD_ENV} environment variable")
    report = push(
        source, args.endpoint, graph=args.graph, dataset=args.dataset, replace=not args.append, batch=args.batch,
        headers=headers, graph_param=args.graph_param, timeout=args.timeout,
        progress=lambda line: print(line, flush=True), user=args.user, password=password,
    )
    print(report.summary())
    return 0
