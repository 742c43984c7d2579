"""Load and validate ``curation/*.yaml``: the curated truth.

Every file is read with :func:`yaml.compose`, so each value keeps its line and column;
every problem in every file is collected and raised together as one
:class:`~tx_graph.errors.CurationError` whose lines read ``file:line:column: code what``.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "p.yaml").write_text("entities:\\n  - id: wuzhen\\n    type: towm\\n    label: 乌镇镇\\n")
>>> try:
...     load_curation(d, root=d)
... except CurationError as e:
...     print(str(e.problems[0])[:40])
p.yaml:3:11: E006 unknown type 'towm' (v
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .curation_facts import FACT_KEYS, load_facts
from .errors import CurationError, Errors, Problem
from .model import (
    ENTITY_TYPES,
    PLACE_TYPES,
    Curation,
    Entity,
    Indicator,
    NoiseRules,
    Observation,
    Source,
    Term,
)
from .yamlload import BoundedLoader

__all__ = ["UNITS", "load_curation", "resolve_name"]

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
WIKIDATA = re.compile(r"^Q[1-9][0-9]*$")

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

ENTITY_KEYS = (
    "id", "type", "label", "aliases", "parent", "en", "pinyin", "wikidata",
    "companies", "part_of", "years", "notes", "geo",
)  # fmt: skip
TERM_KEYS = ("id", "label", "aliases", "focus", "en", "notes")
INDICATOR_KEYS = ("id", "label", "en", "notes")
OBSERVATION_KEYS = ("indicator", "area", "period", "value", "unit", "kind", "quote", "note")
NOISE_KEYS = ("strings", "footer_lines", "line_patterns", "trailing_patterns")
TOP_KEYS = ("entities", "terms", "indicators", "observations", "noise", "facts")

ORG_TYPES = frozenset({"company", "organisation", "government-body"})
PART_OF_TYPES = frozenset({"programme", "policy", "event-series", "event", "park", "project"})


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


def _describe(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    return f"'{node.value}'" if node.value != "" else "nothing"


def load_curation(curation_dir: Path, root: Path | None = None) -> Curation:
    """Load every ``*.yaml`` under ``curation_dir`` (candidates.yaml is the review queue
    and is read by the review stage, not here). Raises :class:`CurationError` listing
    every problem in every file."""
    root = root or curation_dir.parent
    col = _Collector(root)
    files = sorted(p for p in curation_dir.glob("*.yaml") if p.name != "candidates.yaml")
    raw_entities: list[tuple[_Raw, str]] = []
    raw_terms: list[tuple[_Raw, str]] = []
    raw_indicators: list[tuple[_Raw, str]] = []
    raw_observations: list[tuple[_Raw, str]] = []
    noise_nodes: list[tuple[_Raw, str]] = []
    raw_facts: list[tuple[_Raw, str]] = []
    rels: list[str] = []
    for path in files:
        rel = _rel(path, root)
        rels.append(rel)
        doc = _compose(path, rel, col)
        if doc is None:
            continue
        if not isinstance(doc, MappingNode):
            col.add(rel, doc, "E003", expected="a mapping with keys " + ", ".join(TOP_KEYS), found=_describe(doc))
            continue
        top = _mapping(doc, rel, "the file", TOP_KEYS, col)
        sinks = {
            "entities": raw_entities,
            "terms": raw_terms,
            "indicators": raw_indicators,
            "observations": raw_observations,
            "facts": raw_facts,
        }
        for key, node in top.fields.items():
            if key == "noise":
                if isinstance(node, MappingNode):
                    noise_nodes.append((_mapping(node, rel, "noise", NOISE_KEYS, col), rel))
                else:
                    col.add(rel, node, "E003", expected="a mapping", found=_describe(node))
                continue
            if not isinstance(node, SequenceNode):
                col.add(rel, node, "E003", expected=f"a list of {key}", found=_describe(node))
                continue
            keys = {
                "entities": ENTITY_KEYS,
                "terms": TERM_KEYS,
                "indicators": INDICATOR_KEYS,
                "observations": OBSERVATION_KEYS,
                "facts": FACT_KEYS,
            }[key]
            for item in node.value:
                if not isinstance(item, MappingNode):
                    col.add(rel, item, "E003", expected=f"a mapping (one of {key})", found=_describe(item))
                    continue
                sinks[key].append((_mapping(item, rel, f"an item of {key}", keys, col), Path(rel).stem))

    entities = _entities(raw_entities, col)
    names = _name_index(entities, col)
    entities = _resolve_entity_refs(entities, names, col)
    terms = _terms(raw_terms, names, entities, col)
    indicators = _indicators(raw_indicators, col)
    observations = _observations(raw_observations, names, entities, indicators, col)
    noise = _noise(noise_nodes, col)
    statements = load_facts(raw_facts, names, [p.entity for p in entities], terms, col)
    _check_cycles(entities, col)
    if col.problems:
        raise CurationError(col.folded())
    return Curation(
        entities={p.entity.id: p.entity for p in entities},
        terms={t.id: t for t in terms},
        indicators={i.id: i for i in indicators},
        observations=tuple(observations),
        noise=noise,
        files=tuple(rels),
        statements=tuple(statements),
    )


def resolve_name(name: str, curation: Curation) -> Entity | None:
    """The entity whose id, label or alias is ``name`` (first match), or None."""
    if name in curation.entities:
        return curation.entities[name]
    for entity in curation.entities.values():
        if name in entity.names:
            return entity
    return None


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
        return yaml.compose(text, Loader=BoundedLoader)
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


# ---------------------------------------------------------------- entities


@dataclass
class _Pending:
    entity: Entity
    raw: _Raw


def _entities(items: list[tuple[_Raw, str]], col: _Collector) -> list[_Pending]:
    out: list[_Pending] = []
    seen: dict[str, Source] = {}
    valid_types = ", ".join(sorted(ENTITY_TYPES))
    for raw, stem in items:
        what = "an entity"
        ident, id_node = _scalar(raw, "id", col, required=True, what=what)
        etype, type_node = _scalar(raw, "type", col, required=True, what=what)
        label, _ = _scalar(raw, "label", col, required=True, what=what)
        ok = True
        if ident is not None and id_node is not None:
            if not SLUG.match(ident):
                col.add(raw.path, id_node, "E007", value=ident)
                ok = False
            elif ident in seen:
                col.add(raw.path, id_node, "E008", value=ident, first=seen[ident])
                ok = False
            else:
                seen[ident] = _source(raw.path, id_node)
        if etype is not None and type_node is not None and etype not in ENTITY_TYPES:
            col.add(
                raw.path, type_node, "E006", value=etype, valid=valid_types, hint=_did_you_mean(etype, ENTITY_TYPES)
            )
            ok = False
        # the other fields are checked even when the entity is unusable, so that every
        # problem of the item is reported in one run
        wikidata, wd_node = _scalar(raw, "wikidata", col)
        if wikidata is not None and wd_node is not None and not WIKIDATA.match(wikidata):
            col.add(raw.path, wd_node, "E013", value=wikidata)
            wikidata = None
        years = tuple(y for v, n in _scalar_list(raw, "years", col) if (y := _year(v, n, raw.path, col)) is not None)
        aliases = tuple(dict.fromkeys(a for a, _ in _scalar_list(raw, "aliases", col) if a != label))
        en, pinyin, notes = (_scalar(raw, key, col)[0] for key in ("en", "pinyin", "notes"))
        geo = _geo(raw, col)
        if not (ok and ident and etype and label):
            continue
        entity = Entity(
            id=ident,
            type=etype,
            label=label,
            aliases=aliases,
            source=_source(raw.path, raw.node),
            file=stem,
            en=en,
            pinyin=pinyin,
            wikidata=wikidata,
            years=tuple(sorted(set(years))),
            notes=notes,
            geo=geo,
        )
        out.append(_Pending(entity, raw))
    return out


def _name_index(pending: list[_Pending], col: _Collector) -> dict[str, list[str]]:
    """name → ids that use it. A name used by two entities is reported once per clash."""
    index: dict[str, list[str]] = {}
    where: dict[str, Source] = {}
    for p in pending:
        index.setdefault(p.entity.id, []).append(p.entity.id)
    # labels first: an alias that repeats another entity's label is the mistake, and the
    # error is reported at the alias, whichever comes first in the files
    for labels in (True, False):
        for p in pending:
            e = p.entity
            alias_nodes = dict(_scalar_list(p.raw, "aliases", col))
            for name in (e.label,) if labels else e.aliases:
                owners = index.setdefault(name, [])
                if owners and owners != [e.id]:
                    node = p.raw.fields.get("label") if labels else alias_nodes.get(name)
                    col.clash(p.raw.path, node, name, id=e.id, other=owners[0], first=where[name])
                if e.id not in owners:
                    owners.append(e.id)
                    where.setdefault(name, e.source)
    return index


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


def _resolve_entity_refs(pending: list[_Pending], names: dict[str, list[str]], col: _Collector) -> list[_Pending]:
    types = {p.entity.id: p.entity.type for p in pending}
    resolve = _resolver(names, types, col)
    out = []
    for p in pending:
        e, raw = p.entity, p.raw
        parent = None
        value, node = _scalar(raw, "parent", col)
        if value is not None and node is not None:
            parent = resolve(value, node, raw.path, "parent", e.type, PLACE_TYPES)
        companies = tuple(
            t
            for v, n in _scalar_list(raw, "companies", col)
            if (t := resolve(v, n, raw.path, "companies", e.type, ORG_TYPES)) is not None
        )
        part_of = tuple(
            t
            for v, n in _scalar_list(raw, "part_of", col)
            if (t := resolve(v, n, raw.path, "part_of", e.type, PART_OF_TYPES)) is not None
        )
        out.append(_Pending(_replace(e, parent=parent, companies=companies, part_of=part_of), raw))
    return out


def _replace(entity: Entity, **changes: Any) -> Entity:
    from dataclasses import replace

    return replace(entity, **changes)


def _check_cycles(pending: list[_Pending], col: _Collector) -> None:
    parents = {p.entity.id: p.entity.parent for p in pending}
    for p in pending:
        chain = [p.entity.id]
        current = parents.get(p.entity.id)
        while current is not None:
            if current == p.entity.id:
                col.add(
                    p.raw.path,
                    p.raw.fields.get("parent"),
                    "E021",
                    value=p.entity.id,
                    cycle=" → ".join([*chain, current]),
                )
                break
            if current in chain:
                break  # a cycle further up; reported on its own members
            chain.append(current)
            current = parents.get(current)


# ---------------------------------------------------------------- terms, figures, noise


def _terms(
    items: list[tuple[_Raw, str]], names: dict[str, list[str]], pending: list[_Pending], col: _Collector
) -> list[Term]:
    types = {p.entity.id: p.entity.type for p in pending}
    resolve = _resolver(names, types, col)
    out: list[Term] = []
    seen: dict[str, Source] = {}
    headwords: dict[str, str] = {}
    for raw, stem in items:
        ident, id_node = _scalar(raw, "id", col, required=True, what="a term")
        label, label_node = _scalar(raw, "label", col, required=True, what="a term")
        if ident is None or label is None or id_node is None:
            continue
        if not SLUG.match(ident):
            col.add(raw.path, id_node, "E007", value=ident)
            continue
        if ident in seen:
            col.add(raw.path, id_node, "E008", value=ident, first=seen[ident])
            continue
        seen[ident] = _source(raw.path, id_node)
        aliases = tuple(dict.fromkeys(a for a, _ in _scalar_list(raw, "aliases", col) if a != label))
        for name in (label, *aliases):
            if name in headwords and headwords[name] != ident:
                col.add(
                    raw.path,
                    label_node,
                    "E009",
                    value=name,
                    id=ident,
                    other=headwords[name],
                    first=seen[headwords[name]],
                )
            headwords.setdefault(name, ident)
        focus = None
        value, node = _scalar(raw, "focus", col)
        if value is not None and node is not None:
            focus = resolve(value, node, raw.path, "focus", "term", frozenset())
        out.append(
            Term(
                ident,
                label,
                aliases,
                _source(raw.path, raw.node),
                stem,
                focus,
                _scalar(raw, "en", col)[0],
                _scalar(raw, "notes", col)[0],
            )
        )
    return out


def _indicators(items: list[tuple[_Raw, str]], col: _Collector) -> list[Indicator]:
    out: list[Indicator] = []
    seen: dict[str, Source] = {}
    for raw, stem in items:
        ident, id_node = _scalar(raw, "id", col, required=True, what="an indicator")
        label, _ = _scalar(raw, "label", col, required=True, what="an indicator")
        if ident is None or label is None or id_node is None:
            continue
        if not SLUG.match(ident):
            col.add(raw.path, id_node, "E007", value=ident)
            continue
        if ident in seen:
            col.add(raw.path, id_node, "E008", value=ident, first=seen[ident])
            continue
        seen[ident] = _source(raw.path, id_node)
        out.append(Indicator(ident, label, _source(raw.path, raw.node), stem, _scalar(raw, "en", col)[0]))
    return out


def _observations(
    items: list[tuple[_Raw, str]],
    names: dict[str, list[str]],
    pending: list[_Pending],
    indicators: list[Indicator],
    col: _Collector,
) -> list[Observation]:
    types = {p.entity.id: p.entity.type for p in pending}
    resolve = _resolver(names, types, col)
    known = {i.id for i in indicators}
    out: list[Observation] = []
    for raw, stem in items:
        what = "an observation"
        fields = {k: _scalar(raw, k, col, required=k != "note", what=what) for k in OBSERVATION_KEYS}
        if any(fields[k][0] is None for k in OBSERVATION_KEYS if k != "note"):
            continue
        indicator, ind_node = fields["indicator"]
        area, area_node = fields["area"]
        period, period_node = fields["period"]
        value, value_node = fields["value"]
        unit, unit_node = fields["unit"]
        kind, kind_node = fields["kind"]
        quote, _quote_node = fields["quote"]
        assert indicator and area and period and value and unit and kind and quote  # checked above
        ok = True
        if indicator not in known:
            col.add(
                raw.path,
                ind_node,
                "E019",
                value=indicator,
                valid=", ".join(sorted(known)) or "none",
                hint=_did_you_mean(indicator, known),
            )
            ok = False
        area_id = resolve(area, area_node, raw.path, "area", "observation", PLACE_TYPES) if area_node else None
        year = _year(period, period_node, raw.path, col) if period_node else None
        if unit not in UNITS:
            col.add(raw.path, unit_node, "E014", value=unit, valid=" ".join(UNITS), hint=_did_you_mean(unit, UNITS))
            ok = False
        if kind not in ("actual", "target"):
            col.add(raw.path, kind_node, "E015", value=kind)
            ok = False
        try:
            Decimal(value)
        except InvalidOperation:
            col.add(raw.path, value_node, "E003", expected="a decimal number", found=f"'{value}'")
            ok = False
        else:
            if value not in quote:
                col.add(raw.path, value_node, "E017", value=value, quote=quote)
                ok = False
        if not ok or area_id is None or year is None:
            continue
        out.append(
            Observation(
                indicator, area_id, year, value, unit, kind, quote, _source(raw.path, raw.node), stem, fields["note"][0]
            )
        )
    return out


def _noise(items: list[tuple[_Raw, str]], col: _Collector) -> NoiseRules:
    strings: list[str] = []
    footers: list[str] = []
    line_patterns: list[re.Pattern[str]] = []
    trailing: list[re.Pattern[str]] = []
    for raw, _ in items:
        strings += [v for v, _ in _scalar_list(raw, "strings", col)]
        footers += [v for v, _ in _scalar_list(raw, "footer_lines", col)]
        for key, sink in (("line_patterns", line_patterns), ("trailing_patterns", trailing)):
            for value, node in _scalar_list(raw, key, col):
                try:
                    sink.append(re.compile(value))
                except re.error as exc:
                    col.add(raw.path, node, "E022", value=value, reason=str(exc))
    return NoiseRules(tuple(strings), tuple(footers), tuple(line_patterns), tuple(trailing))
