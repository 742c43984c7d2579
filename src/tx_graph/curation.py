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

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode, SequenceNode

from .curation_facts import FACT_KEYS, load_facts
from .curation_fields import (
    SLUG,
    UNITS,
    YAML_HINTS,
    _Collector,
    _compose,
    _describe,
    _did_you_mean,
    _geo,
    _mapping,
    _new_id,
    _Raw,
    _rel,
    _resolver,
    _scalar,
    _scalar_list,
    _source,
    _year,
)
from .errors import CurationError
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

# SLUG, UNITS and YAML_HINTS are re-exported: other stages import them from here
__all__ = ["SLUG", "UNITS", "YAML_HINTS", "load_curation", "resolve_name"]

WIKIDATA = re.compile(r"^Q[1-9][0-9]*$")

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
        if ident is not None and id_node is not None and not _new_id(raw, ident, id_node, seen, col):
            ok = False
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
        if not _new_id(raw, ident, id_node, seen, col):
            continue
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
        if not _new_id(raw, ident, id_node, seen, col):
            continue
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
