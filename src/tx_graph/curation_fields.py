"""Reading curation YAML nodes: each field checked, each problem kept with its position.

The pieces :mod:`tx_graph.curation` and :mod:`tx_graph.curation_facts` share: a
:class:`_Collector` of problems (``file:line:column``), readers for one field of a
mapping node (a single value, a list, a year, coordinates) and the resolver of names to
entity ids, each saying what was expected and, for a near miss, what was meant.

>>> _did_you_mean("towm", ["town", "village"])
"did you mean 'town'?"
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import Errors, Problem
from .model import Source
from .yamlload import compose as compose_yaml

__all__ = ["SLUG", "UNITS", "YAML_HINTS"]

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# unit as written → (factor to the base unit, base unit IRI slug)
UNITS: dict[str, tuple[Decimal, str]] = {
    "元": (Decimal(1), "yuan"),
    "万元": (Decimal(10) ** 4, "yuan"),
    "亿元": (Decimal(10) ** 8, "yuan"),
    "美元": (Decimal(1), "usd"),
    "万美元": (Decimal(10) ** 4, "usd"),
    "亿美元": (Decimal(10) ** 8, "usd"),
    "%": (Decimal(1), "percent"),
    "百分点": (Decimal(1), "percentage-point"),
    "个": (Decimal(1), "count"),
    "家": (Decimal(1), "enterprise"),
    "项": (Decimal(1), "count"),
    "件": (Decimal(1), "count"),
    "座": (Decimal(1), "count"),
    "辆": (Decimal(1), "vehicle"),
    "亩": (Decimal(1), "mu"),
    "万亩": (Decimal(10) ** 4, "mu"),
    "平方米": (Decimal(1), "square-metre"),
    "万平方米": (Decimal(10) ** 4, "square-metre"),
    "公里": (Decimal(1), "kilometre"),
    "人": (Decimal(1), "person"),
    "万人": (Decimal(10) ** 4, "person"),
    "吨": (Decimal(1), "tonne"),
    "万吨": (Decimal(10) ** 4, "tonne"),
}


@dataclass
class _Raw:
    """A mapping node flattened to key → (value node), with its own position."""

    node: MappingNode
    path: str
    fields: dict[str, Node] = field(default_factory=dict)


class _Collector:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        # a name two entities claim (E009) makes every reference to it ambiguous (E011):
        # those are folded under the one clash that causes them, not listed one by one
        self.clashes: dict[str, Problem] = {}
        self.follow_ons: dict[str, list[Problem]] = {}

    def clash(self, path: str, node: Node | None, name: str, **kwargs: Any) -> None:
        self.add(path, node, "E009", value=name, **kwargs)
        self.clashes.setdefault(name, self.problems[-1])

    def folded(self) -> list[Problem]:
        """The problems with each clash's follow-on errors summarised in its message."""
        out = []
        for problem in self.problems:
            name = next((n for n, p in self.clashes.items() if p is problem), None)
            follow = self.follow_ons.get(name or "", [])
            if follow:
                where = ", ".join(f"{p.path}:{p.line}:{p.column}" for p in follow[:3])
                more = f" and {len(follow) - 3} more" if len(follow) > 3 else ""
                problem = Problem(problem.path, problem.line, problem.column, problem.code,
                                  f"{problem.message}; until it is fixed, {len(follow)} reference(s) to "
                                  f"'{name}' are ambiguous ({where}{more})")
            out.append(problem)
        return out

    def add(self, path: str, node: Node | None, code: str, *, hint: str | None = None, **kwargs: Any) -> None:
        problem = self.make(path, node, code, hint=hint, **kwargs)
        # a field read by two checks (aliases: for the entity and for the name index)
        # must not be reported twice
        if problem not in self.problems:
            self.problems.append(problem)

    @staticmethod
    def make(path: str, node: Node | None, code: str, *, hint: str | None = None, **kwargs: Any) -> Problem:
        line = node.start_mark.line + 1 if node is not None else None
        column = node.start_mark.column + 1 if node is not None else None
        message = getattr(Errors, code).format(**kwargs)
        if hint:
            message += f"; {hint}"
        return Problem(path, line, column, code, message)


def _did_you_mean(value: str, valid: Iterable[str]) -> str | None:
    """'did you mean …?' for a near miss (a typo in a key, type or name), else None."""
    close = difflib.get_close_matches(value, list(valid), n=2, cutoff=0.6)
    return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?" if close else None


# What a YAML parser's complaint usually means in a hand-edited curation file.
YAML_HINTS: tuple[tuple[str, str], ...] = (
    ("'\\t'", "indent with spaces: YAML does not allow tabs in indentation"),
    ("mapping values are not allowed", "a value containing ': ' must be quoted, e.g. label: \"甲: 乙\""),
    ("cannot start any token", 'a value starting with this character must be quoted, e.g. notes: "@…"'),
    ("quoted scalar", "a quote is opened and never closed"),
    ("flow sequence", "a [list] is not closed, or an item in it holding ',' or ':' needs quotes"),
    ("flow mapping", "a {mapping} is not closed, or a value in it holding ',' or ':' needs quotes"),
    ("expected <block end>", "keys of one item must line up under each other (same number of spaces)"),
    ("could not find expected ':'", "each line of a mapping is 'key: value'; check the line above for a missing ':'"),
)


def _source(path: str, node: Node) -> Source:
    return Source(path, node.start_mark.line + 1, node.start_mark.column + 1)


def _new_id(raw: _Raw, ident: str, id_node: Node, seen: dict[str, Source], col: _Collector) -> bool:
    """``ident`` is a slug not defined before in this section (then it is remembered);
    otherwise E007 / E008 at the id. Entities, terms, indicators and facts all check ids so."""
    if not SLUG.match(ident):
        col.add(raw.path, id_node, "E007", value=ident)
        return False
    if ident in seen:
        col.add(raw.path, id_node, "E008", value=ident, first=seen[ident])
        return False
    seen[ident] = _source(raw.path, id_node)
    return True


def _describe(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    return f"'{node.value}'" if node.value != "" else "nothing"


# ---------------------------------------------------------------- YAML nodes


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _compose(path: Path, rel: str, col: _Collector) -> Node | None:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        col.problems.append(Problem(rel, None, None, "E001", Errors.E001.format(reason=f"not UTF-8 ({exc.reason})")))
        return None
    except OSError as exc:
        col.problems.append(Problem(rel, None, None, "E001", Errors.E001.format(reason=exc.strerror)))
        return None
    try:
        return compose_yaml(text)
    except RecursionError:
        col.problems.append(Problem(rel, None, None, "E002", Errors.E002.format(
            reason="the document nests too deep to read (expected a few levels: lists of mappings)")))
        return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        reason = " ".join(x for x in (exc.context, exc.problem) if x)
        hint = next((h for cue, h in YAML_HINTS if cue in reason), None)
        if exc.context_mark is not None and mark is not None and exc.context_mark.line != mark.line:
            # the problem is often found at the end of the stream: say where it began
            reason += (
                f" (the construct began at line {exc.context_mark.line + 1}, column {exc.context_mark.column + 1})"
            )
        col.problems.append(
            Problem(
                rel,
                mark.line + 1 if mark else None,
                mark.column + 1 if mark else None,
                "E002",
                Errors.E002.format(reason=reason) + (f"; {hint}" if hint else ""),
            )
        )
    except yaml.YAMLError as exc:
        col.problems.append(Problem(rel, None, None, "E002", Errors.E002.format(reason=str(exc))))
    return None


def _mapping(node: MappingNode, rel: str, what: str, valid: tuple[str, ...], col: _Collector) -> _Raw:
    raw = _Raw(node, rel)
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, ScalarNode) else _describe(key_node)
        if key not in valid:
            col.add(rel, key_node, "E004", key=key, what=what, valid=", ".join(valid), hint=_did_you_mean(key, valid))
            continue
        if key in raw.fields:
            col.add(rel, key_node, "E020", key=key, what=what)
            continue
        raw.fields[key] = value_node
    return raw


def _scalar(
    raw: _Raw, key: str, col: _Collector, *, required: bool = False, what: str = ""
) -> tuple[str | None, Node | None]:
    node = raw.fields.get(key)
    if node is None:
        if required:
            col.add(raw.path, raw.node, "E005", key=key, what=what)
        return None, None
    if not isinstance(node, ScalarNode):
        col.add(raw.path, node, "E003", expected=f"a single value for '{key}'", found=_describe(node))
        return None, node
    value = str(node.value).strip()
    if value == "" and node.tag.endswith(":null"):
        if required:
            col.add(raw.path, node, "E005", key=key, what=what)
        return None, node
    return value, node


def _scalar_list(raw: _Raw, key: str, col: _Collector) -> list[tuple[str, Node]]:
    node = raw.fields.get(key)
    if node is None:
        return []
    if isinstance(node, ScalarNode):
        return [(str(node.value).strip(), node)] if str(node.value).strip() else []
    if isinstance(node, MappingNode):
        col.add(raw.path, node, "E003", expected=f"a list of values for '{key}'", found="a mapping")
        return []
    out: list[tuple[str, Node]] = []
    for item in node.value:
        if isinstance(item, ScalarNode):
            if str(item.value).strip():
                out.append((str(item.value).strip(), item))
        else:
            col.add(raw.path, item, "E003", expected=f"a single value in '{key}'", found=_describe(item))
    return out


def _geo(raw: _Raw, col: _Collector) -> tuple[str, str] | None:
    """``geo: [latitude, longitude]`` in decimal degrees (a place's seat), or None."""
    node = raw.fields.get("geo")
    if node is None:
        return None
    values = [v for v, _ in _scalar_list(raw, "geo", col)]
    try:
        lat, long = (Decimal(v) for v in values)
        if abs(lat) <= 90 and abs(long) <= 180:
            return str(lat), str(long)
    except (ValueError, ArithmeticError):
        pass
    col.add(raw.path, node, "E040", value="[" + ", ".join(values) + "]")
    return None


def _year(value: str, node: Node, rel: str, col: _Collector) -> int | None:
    if not re.fullmatch(r"\d{4}", value) or not 1900 <= int(value) <= 2100:
        col.add(rel, node, "E018", value=value)
        return None
    return int(value)


def _resolver(
    names: dict[str, list[str]], types: dict[str, str], col: _Collector
) -> Callable[[str, Node, str, str, str, frozenset[str]], str | None]:
    def resolve(
        value: str, node: Node, rel: str, field_name: str, owner_type: str, allowed: frozenset[str]
    ) -> str | None:
        ids = names.get(value, [])
        if not ids:
            col.add(rel, node, "E010", value=value, hint=_did_you_mean(value, names))
            return None
        if len(set(ids)) > 1:
            candidates = ", ".join(sorted(set(ids)))
            if value in col.clashes:
                col.follow_ons.setdefault(value, []).append(col.make(rel, node, "E011", value=value,
                                                                     candidates=candidates))
            else:
                col.add(rel, node, "E011", value=value, candidates=candidates)
            return None
        target = ids[0]
        if allowed and types[target] not in allowed:
            col.add(
                rel,
                node,
                "E012",
                field=field_name,
                type=owner_type,
                value=value,
                expected=" or ".join(sorted(allowed)),
                found=types[target],
            )
            return None
        return target

    return resolve
