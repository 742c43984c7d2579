"""Run SPARQL over the store and format the answers (table, CSV, TSV, JSON).

Queries see every named graph as the default graph (union), and every prefix of
:data:`tx_graph.vocab.PREFIXES` is predeclared, so ``tx:Town`` works without a PREFIX line.
"""

from __future__ import annotations

import io
import json
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .errors import Errors, QueryError
from .vocab import PREFIXES

__all__ = ["FORMATS", "QueryResult", "format_result", "read_query", "run_query", "term_to_python"]

FORMATS = ("table", "csv", "tsv", "json")
_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER_TYPES = {f"{_XSD}{t}" for t in ("integer", "int", "long", "nonNegativeInteger", "positiveInteger", "short")}


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
    return arg


def run_query(store: ox.Store, sparql: str) -> QueryResult:
    try:
        result = store.query(sparql, use_default_graph_as_union=True, prefixes=PREFIXES)
    except SyntaxError as exc:
        raise QueryError(Errors.E201.format(reason=str(exc))) from exc
    except (OSError, ValueError, RuntimeError) as exc:
        raise QueryError(str(exc)) from exc
    if isinstance(result, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(result))
    if isinstance(result, ox.QuerySolutions):
        variables = tuple(v.value for v in result.variables)
        # a solution iterates its values in variable order (None when unbound): a quarter to a
        # third faster than looking each variable up by name, which shows on large answers
        rows = tuple(tuple(solution) for solution in result)
        return QueryResult("select", variables, rows)
    return QueryResult("graph", triples=tuple(result))


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
