"""``tx-graph`` command line: thin wrappers over the Python API.

Exit codes follow pySHACL: 0 success (or conforms), 1 invalid input / does not conform,
2 crash or bad usage. Heavy modules are imported inside each command so that
``tx-graph --help`` is instant.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["main"]


def _paths(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from .config import paths_from_args

    return paths_from_args(args)


def cmd_build(args: argparse.Namespace) -> int:
    import time

    from .pipeline import build, build_lock

    start = time.perf_counter()
    scheduler = None
    if args.scheduler:
        from .distributed import Cluster

        scheduler = Cluster(args.scheduler, connect_timeout=min(args.scheduler_wait, 10.0),
                            wait_for_workers=args.scheduler_wait)
    paths = _paths(args)
    with build_lock(paths, wait=not args.no_wait):  # the pages too: never of another build's store
        report = build(paths, segmenter=args.segmenter, scheduler=scheduler)
        print(report.summary(), flush=True)
        if not args.no_explore:
            from .explore import build_explorer

            index = build_explorer(paths.store, paths.exports / "explorer")
            print(f"wrote {index}")
    print(f"built in {time.perf_counter() - start:.2f}s")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from .validate import validate_store

    paths = _paths(args)
    conforms, _, text = validate_store(paths.store, paths.ontology)
    print(text if not conforms or args.verbose else "Conforms: the graph satisfies ontology/shapes.ttl")
    return 0 if conforms else 1


def cmd_query(args: argparse.Namespace) -> int:
    from .query import format_result, read_query, run_query
    from .store import open_store

    paths = _paths(args)
    sparql = read_query(args.query, paths.root / "queries")
    result = run_query(open_store(paths.store), sparql, timeout=args.timeout or None, allow_service=args.allow_service)
    print(format_result(result, args.format))
    return 0


def cmd_entity(args: argparse.Namespace) -> int:
    from .api import load

    kg = load(str(_paths(args).store))
    kg.timeout = args.timeout or None
    print(kg.entity(args.name).describe())
    return 0


def cmd_candidates(args: argparse.Namespace) -> int:
    from .pipeline import BuildReport, prepare
    from .review import write_candidates

    paths = _paths(args)
    report = BuildReport()
    prepared = prepare(paths, report)  # applies pending decisions first
    extraction = prepared.extraction
    output = Path(args.output) if args.output else paths.curation / "candidates.yaml"
    proposed = [c for c in extraction.candidates if c.score >= args.min_score]
    from .facts import to_item

    facts = [to_item(s, prepared.curation) for s in prepared.inputs.statements if s.rule]
    written = write_candidates(output, proposed, extraction.figures, prepared.documents, paths.root, facts)
    n_alias = sum(1 for c in proposed if c.kind == "alias")
    for line in report.reviewed:
        print(f"review: {line}")
    print(
        f"{len(proposed) - n_alias} candidate entities, {n_alias} alias proposals and "
        f"{len(extraction.figures)} figures, {len(facts)} facts → {written}"
    )
    for problem in prepared.problems:
        print(f"warning: {problem}")
    return 0


# tx_graph.query.DEFAULT_TIMEOUT, not imported: `tx-graph --help` must not load pyoxigraph
DEFAULT_TIMEOUT = 60.0


def _timeout_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                   help=f"seconds a query may run before it is given up (default {DEFAULT_TIMEOUT:g}; 0 = none); "
                        "Ctrl-C also ends it")


def build_parser() -> argparse.ArgumentParser:
    from .discover.ids import DEFAULT_MIN_SCORE

    parser = argparse.ArgumentParser(
        prog="tx-graph",
        description="Build and query the Tongxiang government-document knowledge graph.",
    )
    parser.add_argument("--root", help="project folder (default: nearest folder with curation/ and pyproject.toml)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build", help="build the graph, store, exports and explorer pages")
    p.add_argument("--corpus", help="folder of corpus *.txt files (default: corpus/)")
    p.add_argument("--curation", help="folder of curation *.yaml files (default: curation/)")
    p.add_argument("--exports", help="output folder (default: exports/)")
    p.add_argument("--no-explore", action="store_true", help="skip the HTML explorer pages")
    p.add_argument("--no-wait", action="store_true", help="fail at once if another build is running")
    p.add_argument("--segmenter", help="word segmenter: rjieba (default), jieba, jieba-bmm, jieba-cut, char")
    p.add_argument("--scheduler", metavar="tcp://HOST:8786",
                   help="analyse the documents on this Dask scheduler's workers (docs/scale-out.md)")
    p.add_argument("--scheduler-wait", type=float, default=60.0, metavar="SECONDS",
                   help="with --scheduler: how long to wait for a worker (and up to 10 s for the scheduler) "
                        "before giving up (default 60)")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("validate", help="check the built graph against the SHACL shapes (exit 0/1/2)")
    p.add_argument("--exports", help="folder holding store/ (default: exports/)")
    p.add_argument("-v", "--verbose", action="store_true", help="print the full report even when it conforms")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("query", help="run SPARQL: text, a .rq file, or a saved query name from queries/")
    p.add_argument("query")
    p.add_argument("--format", "-f", default="table", choices=("table", "csv", "tsv", "json"))
    p.add_argument("--exports", help="folder holding store/ (default: exports/)")
    p.add_argument("--allow-service", action="store_true",
                   help="let SERVICE clauses make this process query other servers (refused by default)")
    _timeout_option(p)
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("entity", help="describe one entity: labels, types, places, mentions, definitions")
    p.add_argument("name", help="zh label, alias, id or IRI")
    p.add_argument("--exports", help="folder holding store/ (default: exports/)")
    _timeout_option(p)
    p.set_defaults(func=cmd_entity)

    p = sub.add_parser(
        "candidates",
        help="propose entities and figures the curation does not have yet (writes curation/candidates.yaml)",
    )
    p.add_argument("--corpus", help="folder of corpus *.txt files (default: corpus/)")
    p.add_argument("--curation", help="folder of curation *.yaml files (default: curation/)")
    p.add_argument("--exports", help="output folder (default: exports/)")
    p.add_argument(
        "--min-score",
        type=float,
        default=DEFAULT_MIN_SCORE,
        help=f"leave out candidates scoring below this (default {DEFAULT_MIN_SCORE})",
    )
    p.add_argument("--output", help="where to write the review file (default: <curation>/candidates.yaml)")
    p.set_defaults(func=cmd_candidates)

    _add_optional_commands(sub)
    return parser


def _add_optional_commands(sub: argparse._SubParsersAction) -> None:
    """Commands whose modules register themselves (explore, serve, push, evaluate)."""
    from importlib import import_module

    for name in ("explore", "serve", "push", "evaluate", "review"):
        try:
            module = import_module(f"tx_graph.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"tx_graph.{name}":
                raise
            continue
        register = getattr(module, "register_cli", None)
        if register is not None:
            register(sub)


def main(argv: Sequence[str] | None = None) -> int:
    from .errors import TxGraphError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except TxGraphError as exc:
        print(f"tx-graph: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("tx-graph: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `tx-graph query … | head`: the reader left; not an error
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # a crash: exit 2 as pySHACL does, with the cause
        import traceback

        traceback.print_exc()
        print(f"tx-graph: internal error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
