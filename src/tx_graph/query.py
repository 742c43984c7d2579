"""Run SPARQL over the store and format the answers (table, CSV, TSV, JSON).

Queries see every named graph as the default graph (union), and every prefix of
:data:`tx_graph.vocab.PREFIXES` is predeclared, so ``tx:Town`` works without a PREFIX line.

Every query is checked before it reaches a parser (:func:`check_query`): its size and
bracket nesting are bounded (Oxigraph's recursive-descent parser overflows its stack on a
few thousand nested ``{``, which kills the process), ``SERVICE`` is refused unless asked
for (it makes the process send HTTP requests wherever the query says), and an update is
named as one. Evaluation runs in a worker thread that is given up on at the timeout or
on Ctrl-C, since a running Oxigraph query cannot be cancelled from outside.

>>> check_query("SELECT * WHERE { ?s ?p '{{{' }")
>>> try:
...     check_query("SELECT * WHERE " + "{" * 200 + "}" * 200)
... except QueryError as exc:
...     print(str(exc)[:58])
E206 query nests '{' 101 deep at line 1, column 116; at mo
"""

from __future__ import annotations

import io
import json
import re
import threading
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .errors import Errors, QueryError
from .vocab import PREFIXES

__all__ = [
    "DEFAULT_TIMEOUT",
    "FORMATS",
    "MAX_QUERY_CHARS",
    "MAX_QUERY_DEPTH",
    "QueryResult",
    "check_query",
    "format_result",
    "read_query",
    "run_query",
    "term_to_python",
]

FORMATS = ("table", "csv", "tsv", "json")
_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER_TYPES = {f"{_XSD}{t}" for t in ("integer", "int", "long", "nonNegativeInteger", "positiveInteger", "short")}
# The saved queries nest at most 6 deep and are under 3,000 characters; Oxigraph 0.5's
# parser dies (SIGSEGV) near 3,000 nested '{' on the main thread, sooner with less stack.
MAX_QUERY_DEPTH = 100
MAX_QUERY_CHARS = 100_000
DEFAULT_TIMEOUT = 60.0  # seconds; tx-graph query --timeout, KnowledgeGraph(timeout=…)
# What cannot hold a bracket or a keyword: strings, IRIs and comments (blanked before scanning)
_OPAQUE = re.compile(
    r'''"""(?:[^"\\]|\\.|"(?!""))*"""'''
    r"""|'''(?:[^'\\]|\\.|'(?!''))*'''"""
    r'''|"(?:[^"\\\n\r]|\\.)*"'''
    r"""|'(?:[^'\\\n\r]|\\.)*'"""
    r'''|<[^<>"{}|^`\\\x00-\x20]*>'''
    r"|#[^\n\r]*",
    re.S,
)
_BRACKETS = re.compile(r"[{}()\[\]]")
_SERVICE = re.compile(r"(?<![\w:?$.-])SERVICE(?![\w:-])", re.I)
_PROLOGUE = re.compile(r"\s*(?:(?:PREFIX\s+[\w.-]*:|BASE)\s*)*([A-Za-z]+)", re.I)
# a path or a saved query's name: no spaces, braces or '?', and not a bare SPARQL keyword
_NAMES_A_FILE = re.compile(r"(?i)(?!(?:SELECT|ASK|CONSTRUCT|DESCRIBE|PREFIX|BASE)$)[^\s{}?<>\"']+")
_UPDATE_WORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})


@dataclass(frozen=True)
class QueryResult:
    """A SELECT table, an ASK boolean or CONSTRUCT/DESCRIBE triples."""

    kind: str  # select | ask | graph
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[Any, ...], ...] = ()  # pyoxigraph terms (or None when unbound)
    boolean: bool | None = None
    triples: tuple[ox.Triple, ...] = ()

    def dicts(self) -> list[dict[str, Any]]:
        """Rows as ``{variable: python value}`` (IRIs and strings as str, numbers as numbers)."""
        return [
            {v: term_to_python(t) for v, t in zip(self.variables, row, strict=True) if t is not None}
            for row in self.rows
        ]

    def __len__(self) -> int:
        return len(self.rows) if self.kind == "select" else len(self.triples)


def read_query(arg: str, queries_dir: Path | None = None) -> str:
    """``arg`` is SPARQL text, a path to a ``.rq`` file, or the name of a saved query."""
    candidates = [Path(arg)]
    if queries_dir is not None:
        candidates += [queries_dir / arg, queries_dir / f"{arg}.rq"]
    for path in candidates:
        if len(arg) < 300 and "\n" not in arg and path.suffix in (".rq", ".sparql", "") and path.is_file():
            return path.read_text(encoding="utf-8")
    if _NAMES_A_FILE.fullmatch(arg.strip()):
        # one word with no SPARQL in it is a file or saved query that is not there, and
        # the parser's "syntax error" would not say so
        saved = sorted(p.stem for p in queries_dir.glob("*.rq")) if queries_dir is not None else []
        raise QueryError("E211 " + Errors.E211.format(path=arg.strip(), saved=", ".join(saved) or "none"))
    return arg


def check_query(sparql: str, *, allow_service: bool = False, refuse_updates: bool = True) -> None:
    """Raise :class:`QueryError` for a query no parser should see, before parsing it:
    too long, nested too deep, ``SERVICE`` (unless ``allow_service``), or an update
    (unless ``refuse_updates=False``, for an endpoint that answers updates itself)."""
    if len(sparql) > MAX_QUERY_CHARS:
        raise QueryError("E205 " + Errors.E205.format(length=len(sparql), limit=MAX_QUERY_CHARS))
    # same length, same line breaks: positions in ``code`` are positions in ``sparql``
    code = _OPAQUE.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), sparql)
    depth = 0
    for m in _BRACKETS.finditer(code):
        if m.group() in "{([":
            depth += 1
            if depth > MAX_QUERY_DEPTH:
                line, column = _line_column(sparql, m.start())
                raise QueryError("E206 " + Errors.E206.format(
                    bracket=m.group(), depth=depth, line=line, column=column, limit=MAX_QUERY_DEPTH))
        else:
            depth = max(0, depth - 1)
    if not allow_service:
        service = _SERVICE.search(code)
        if service:
            line, column = _line_column(sparql, service.start())
            raise QueryError("E207 " + Errors.E207.format(line=line, column=column))
    if refuse_updates:
        first = _PROLOGUE.match(code)
        if first and first.group(1).upper() in _UPDATE_WORDS:
            raise QueryError("E208 " + Errors.E208.format(keyword=first.group(1).upper()))


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def run_query(
    store: ox.Store, sparql: str, *, timeout: float | None = None, allow_service: bool = False
) -> QueryResult:
    """Check, parse and evaluate ``sparql``; give up after ``timeout`` seconds (None: never).

    Evaluation runs in a daemon thread (Oxigraph releases the GIL while it works), so the
    caller's thread stays free to notice the deadline or a Ctrl-C. A query given up on
    keeps its thread until Oxigraph finishes it: it cannot be stopped from outside."""
    check_query(sparql, allow_service=allow_service)
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["result"] = _evaluate(store, sparql)
        except BaseException as exc:  # handed to the caller's thread
            # without the frames: they hold Oxigraph's result iterator, which must be
            # dropped on the thread that made it
            chained: BaseException | None = exc
            while chained is not None:
                chained.__traceback__ = None
                chained = chained.__cause__ or chained.__context__
            box["error"] = exc

    worker = threading.Thread(target=work, name="tx-graph-query", daemon=True)
    worker.start()
    worker.join(timeout if timeout and timeout > 0 else None)  # KeyboardInterrupt ends the wait
    if worker.is_alive():
        raise QueryError("E209 " + Errors.E209.format(seconds=timeout))
    if "error" in box:
        raise box["error"]
    result: QueryResult = box["result"]
    return result


def _evaluate(store: ox.Store, sparql: str) -> QueryResult:
    try:
        result = store.query(sparql, use_default_graph_as_union=True, prefixes=PREFIXES)
        if isinstance(result, ox.QueryBoolean):
            return QueryResult("ask", boolean=bool(result))
        if isinstance(result, ox.QuerySolutions):
            variables = tuple(v.value for v in result.variables)
            # a solution iterates its values in variable order (None when unbound): a quarter to a
            # third faster than looking each variable up by name, which shows on large answers
            rows = tuple(tuple(solution) for solution in result)
            return QueryResult("select", variables, rows)
        return QueryResult("graph", triples=tuple(result))
    except SyntaxError as exc:
        raise QueryError(Errors.E201.format(reason=str(exc))) from None
    except (OSError, ValueError, RuntimeError) as exc:
        # evaluation errors surface while iterating (a SERVICE that fails, a store error)
        raise QueryError(f"query failed: {exc.__class__.__name__}: {exc}") from None


def term_to_python(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value if term.datatype else ""
        if datatype in _INTEGER_TYPES:
            return int(term.value)
        if datatype == f"{_XSD}decimal":
            return Decimal(term.value)
        if datatype in (f"{_XSD}double", f"{_XSD}float"):
            return float(term.value)
        if datatype == f"{_XSD}boolean":
            return term.value == "true"
        return term.value
    return term.value


def compact(iri: str) -> str:
    """``https://schema.org/Place`` → ``schema:Place`` when a known prefix fits."""
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")):
            local = iri[len(ns) :]
            if local and all(c.isalnum() or c in "-_." for c in local):
                best = prefix
    return f"{best}:{iri[len(PREFIXES[best]) :]}" if best else iri


def _cell(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term.value)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(result: QueryResult, max_cell: int = 80) -> str:
    header = list(result.variables)
    body = [[_clip(_cell(t), max_cell) for t in row] for row in result.rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in body]) for i, h in enumerate(header)]

    def line(cells: list[str]) -> str:
        return " | ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True)).rstrip()

    out = [line(header), "-+-".join("-" * w for w in widths)]
    out += [line(r) for r in body]
    out.append(f"({len(body)} row{'s' if len(body) != 1 else ''})")
    return "\n".join(out)


def _clip(text: str, width: int) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


def format_result(result: QueryResult, fmt: str = "table") -> str:
    if fmt not in FORMATS:
        raise QueryError(Errors.E203.format(value=fmt, valid=", ".join(FORMATS)))
    if result.kind == "ask":
        return json.dumps({"head": {}, "boolean": result.boolean}) if fmt == "json" else str(result.boolean).lower()
    if result.kind == "graph":
        buffer = io.BytesIO()
        rdf_format = ox.RdfFormat.JSON_LD if fmt == "json" else ox.RdfFormat.TURTLE
        from .store import turtle_prefixes

        prefixes = None if fmt == "json" else turtle_prefixes()
        ox.serialize(list(result.triples), buffer, rdf_format, prefixes=prefixes)
        return buffer.getvalue().decode("utf-8")
    if fmt == "table":
        return _table(result)
    if fmt == "json":
        return json.dumps(
            {
                "head": {"vars": list(result.variables)},
                "results": {
                    "bindings": [
                        {v: _json_term(t) for v, t in zip(result.variables, row, strict=True) if t is not None}
                        for row in result.rows
                    ]
                },
            },
            ensure_ascii=False,
            indent=1,
        )
    sep = "," if fmt == "csv" else "\t"
    lines = [sep.join(result.variables if fmt == "csv" else [f"?{v}" for v in result.variables])]
    for row in result.rows:
        cells = [_csv(_plain(t)) if fmt == "csv" else _tsv(t) for t in row]
        lines.append(sep.join(cells))
    return "\n".join(lines)


def _plain(term: Any) -> str:
    return "" if term is None else str(term.value)


def _csv(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n\r') else text


def _tsv(term: Any) -> str:
    # SPARQL 1.1 TSV results: terms in Turtle syntax
    return "" if term is None else str(term).replace("\t", "\\t").replace("\n", "\\n")


def _json_term(term: Any) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype and term.datatype.value != f"{_XSD}string":
        out["datatype"] = term.datatype.value
    return out
