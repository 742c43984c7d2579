"""``tx-graph serve``: the command. The Oxigraph process is :mod:`tx_graph.server`; the
guarding front that clients reach is :mod:`tx_graph.gateway`. This module sits above both so
neither imports the other's caller.

Nothing heavy is imported at module level: the CLI imports this module for
``tx-graph --help``.
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from .errors import StoreError
from .server import DEFAULT_HOST, DEFAULT_PORT, DEFAULT_TIMEOUT, _accepts, free_port, is_loopback

__all__ = ["bind_warning", "cmd_serve", "register_cli", "store_path"]


def register_cli(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "serve",
        help="serve the built store as a SPARQL 1.1 Protocol endpoint (Oxigraph server)",
        description="Run the Oxigraph server over exports/store: SPARQL at /query, Graph Store "
        "Protocol at /store, a query page at /. Read-only and bound to 127.0.0.1 unless told "
        "otherwise. Queries see the union of all named graphs as the default graph, as "
        "`tx-graph query` does; the endpoint does not predeclare prefixes.",
    )
    p.add_argument("--exports", help="folder holding store/ (default: exports/)")
    p.add_argument("--store", help="the store folder itself (overrides --exports)")
    p.add_argument("--host", default=DEFAULT_HOST,
                   help=f"address to bind (default {DEFAULT_HOST}; anything else is reachable "
                        "from the network, with no authentication)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT,
                   help=f"TCP port (default {DEFAULT_PORT}; 0 = any free port)")
    p.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT,
                   help=f"seconds a query may run before Oxigraph cancels it (default {DEFAULT_TIMEOUT}; 0 = none)")
    p.add_argument("--allow-updates", action="store_true",
                   help="open the store read-write and accept SPARQL Update and Graph Store writes "
                        "(they change exports/store until the next build)")
    p.add_argument("--cors", action="store_true", help="allow cross-origin requests from web pages")
    p.add_argument("--allow-service", action="store_true",
                   help="let SERVICE clauses make the server query other servers (refused by default: "
                        "a client could make it reach any address)")
    p.add_argument("--no-union-default-graph", dest="union", action="store_false",
                   help="the default graph is the (empty) default graph, not the union of all graphs")
    p.set_defaults(func=cmd_serve)


def store_path(args: argparse.Namespace) -> Path:
    if getattr(args, "store", None):
        return Path(args.store).resolve()
    from .config import Paths

    root = Path(args.root) if args.root else None
    exports = Path(args.exports) if args.exports else None
    return Paths.at(root, exports=exports).store


def cmd_serve(args: argparse.Namespace) -> int:
    from .gateway import Gateway

    store = store_path(args)
    port = free_port(args.host if args.host not in ("0.0.0.0", "::") else DEFAULT_HOST) if args.port == 0 else args.port
    warning = bind_warning(args.host, args.allow_updates)
    if warning:
        print(warning, file=sys.stderr)
    if _accepts(args.host, port):
        raise StoreError(f"port {port} on {args.host} is already in use: pass --port with another "
                         "number (0 picks a free one)")
    gateway = Gateway(
        store, host=args.host, port=port, read_only=not args.allow_updates,
        timeout=args.timeout or None, union_default_graph=args.union, cors=args.cors,
        allow_service=args.allow_service, log=lambda line: print(f"oxigraph: {line}", file=sys.stderr),
    )
    # SIGTERM (a service manager, `kill`) shuts down the same way as Ctrl-C
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        gateway.start()
        mode = "read-write: updates ENABLED" if args.allow_updates else "read-only: updates refused"
        print(f"serving {store} ({mode}; query timeout "
              + (f"{args.timeout} s" if args.timeout else "none")
              + ("; default graph = union of all graphs" if args.union else "")
              + ("; SERVICE allowed" if args.allow_service else "; SERVICE refused") + ")")
        print(f"SPARQL endpoint: {gateway.query_url}")
        if args.allow_updates:
            print(f"SPARQL update:   {gateway.update_url}")
        print(f"graph store:     {gateway.store_url}")
        print(f"query page:      {gateway.url}/")
        print(f"port: {port}  (Ctrl-C to stop)", flush=True)
        while not gateway.stopped.wait(0.5):
            pass
        print(f"tx-graph: {gateway.failed or 'the endpoint stopped'}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        gateway.stop()
        print("stopped", flush=True)
        return 0
    finally:
        gateway.stop()
        signal.signal(signal.SIGTERM, previous)


def bind_warning(host: str, allow_updates: bool = False) -> str | None:
    """What to say when the endpoint is bound beyond this machine.

    >>> bind_warning("127.0.0.1") is None
    True
    >>> print(bind_warning("0.0.0.0", allow_updates=True))  # doctest: +NORMALIZE_WHITESPACE
    warning: binding 0.0.0.0 makes the endpoint reachable from other machines,
    with no authentication, and updates ENABLED
    """
    if is_loopback(host):
        return None
    return (f"warning: binding {host} makes the endpoint reachable from other machines, with no "
            "authentication" + (", and updates ENABLED" if allow_updates else ""))


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
