"""The review queue file, ``curation/candidates.yaml``: writing it (:func:`write_candidates`),
reading it back, and the YAML scalars both it and the curation edits of tx_graph.review use.

A queue that is not valid YAML is never rewritten: reading it raises, naming its line
and column, so the curators' decisions in it are not lost.

>>> yaml_scalar("一园两区"), yaml_scalar("“金凤凰”引才计划"), yaml_scalar("a: b")
('一园两区', '“金凤凰”引才计划', '"a: b"')
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml

from .errors import CurationError, Problem
from .fsio import atomic_write
from .journal import parse_yaml
from .model import ENTITY_TYPES, Candidate, Document, Figure

__all__ = ["HEADER", "QUEUE_FILE", "figure_key", "read_rejected", "write_candidates", "yaml_scalar"]

QUEUE_FILE = "candidates.yaml"
EVIDENCE_CONTEXT = 24
# the queue's header: each `decision:` line exactly as a curator may write it (valid YAML)
HEADER = [
    "# Review queue written by `tx-graph candidates`: names and figures found in the corpus",
    "# that curation does not have yet, best first, grouped by the document they were first",
    "# found in. For each one set its `decision:` line to one of",
    "#   decision: accept         (edit type / label / parent / aliases / id first if needed)",
    "#   decision: merge wuzhen   (wuzhen: an id, label or alias of a curated entity; the",
    "#                             surface forms become its aliases)",
    "#   decision: reject         (remembered under `rejected:`, never proposed again)",
    "# and run `tx-graph build`: decisions are applied to the curation YAML (accepted",
    "# entities and figures are appended to curation/accepted.yaml), leave this queue and",
    "# are recorded in curation/journal/journal.yaml; `tx-graph undo` reverts the last batch.",
    f"# Types: {', '.join(sorted(ENTITY_TYPES))}.",
]
MAX_EVIDENCE = 3


_PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^:#\[\]{},]*$")


def yaml_scalar(value: object) -> str:
    """A YAML scalar for ``value``: plain when safe, else JSON-quoted (valid YAML)."""
    text = str(value)
    if (
        text
        and _PLAIN.match(text)
        and text.strip() == text
        and text.lower() not in ("null", "true", "false", "yes", "no", "~")
    ):
        try:
            if yaml.safe_load(text) == text:
                return text
        except yaml.YAMLError:
            pass
    return json.dumps(text, ensure_ascii=False)


def _flow(values: Iterable[object]) -> str:
    return "[" + ", ".join(yaml_scalar(v) for v in values) + "]"


# ---------------------------------------------------------------- writing the queue


def _evidence(p: Any, docs: dict[str, Document]) -> str:
    doc = docs.get(p.doc_id)
    if doc is None:
        return f"{p.doc_id} {p.span.start}-{p.span.end}"
    a, b = p.span.start, p.span.end
    left = doc.text[max(0, a - EVIDENCE_CONTEXT) : a].replace("\n", " ")
    right = doc.text[b : b + EVIDENCE_CONTEXT].replace("\n", " ")
    return f"{p.doc_id} {a}-{b}: …{left}【{doc.text[a:b]}】{right}…"


def write_candidates(
    path: Path,
    candidates: Sequence[Candidate],
    figures: Sequence[Figure],
    documents: Sequence[Document],
    root: Path | None = None,
    statements: Sequence[dict[str, Any]] = (),
) -> Path:
    """Write the review queue, keeping the file's ``rejected:`` memory (a queue that does
    not parse stops here: rewriting it would lose the curators' decisions). ``statements``
    are proposed facts as ``facts:`` items with their ``key`` and ``rule``
    (tx_graph.facts.to_item)."""
    rejected = _read(path, _rel(path, root)).get("rejected") or [] if path.is_file() else []
    docs = {d.id: d for d in documents}
    order = {d.id: i for i, d in enumerate(documents)}
    groups: dict[str, list[Candidate]] = {}
    for c in candidates:
        first = min(c.mentions, key=lambda p: (order.get(p.doc_id, 1 << 30), p.span.start)) if c.mentions else None
        groups.setdefault(first.doc_id if first else "", []).append(c)
    lines = [*HEADER, "", "candidates:"]
    for doc_id in sorted(groups, key=lambda d: order.get(d, 1 << 30)):
        title = docs[doc_id].title if doc_id in docs else ""
        lines.append(f"  # ---- {doc_id} {title}".rstrip())
        for c in sorted(groups[doc_id], key=lambda c: (-c.score, c.label)):
            lines += _candidate_lines(c, docs)
    if not candidates:
        lines[-1] = "candidates: []"
    lines += ["", "figures:" if figures else "figures: []"]
    for f in figures:
        lines += _figure_lines(f, docs)
    lines += ["", "statements:" if statements else "statements: []"]
    for item in statements:
        lines += _entry_lines(item)
    lines += ["", "# Rejected by a curator: never proposed again.", "rejected:" if rejected else "rejected: []"]
    for r in rejected:
        if isinstance(r, dict):
            lines.append("  - {" + ", ".join(f"{k}: {yaml_scalar(v)}" for k, v in r.items()) + "}")
    atomic_write(path, "\n".join(lines) + "\n")
    return path


def _candidate_lines(c: Candidate, docs: dict[str, Document]) -> list[str]:
    out = [
        f"  - id: {c.id}",
        f"    label: {yaml_scalar(c.label)}",
        f"    type: {c.type}",
        f"    score: {c.score}",
        f"    count: {c.count}",
    ]
    if c.parent:
        out.append(f"    parent: {yaml_scalar(c.parent)}")
    out.append(f"    aliases: {_flow(c.aliases)}")
    out.append(f"    rules: {_flow(c.rules)}")
    if c.kind == "alias":
        out.append("    # looks like another form of a curated entity: consider `merge`")
    out.append("    evidence:")
    for p in [p for p in c.mentions if p.rule != "discover.repeat.v1"][:MAX_EVIDENCE]:
        out.append(f"      - {yaml_scalar(_evidence(p, docs))}")
    out.append("    decision:")
    return out


def figure_key(f: Any) -> str:
    return f"{f.indicator}|{f.area}|{f.period}|{f.kind}|{f.value}{f.unit}"


def _figure_lines(f: Figure, docs: dict[str, Document]) -> list[str]:
    doc = docs.get(f.doc_id)
    quote = doc.text[f.span.start : f.span.end] if doc else ""
    return [
        f"  - indicator: {f.indicator}",
        f"    area: {f.area}",
        f"    period: {f.period}",
        f"    value: {yaml_scalar(f.value)}",
        f"    unit: {yaml_scalar(f.unit)}",
        f"    kind: {f.kind}",
        f"    quote: {yaml_scalar(quote)}",
        f"    rule: {f.rule}",
        f"    evidence: {yaml_scalar(_evidence(f, docs))}",
        "    decision:",
    ]


# ---------------------------------------------------------------- reading it back


def _rel(path: Path, root: Path | None) -> str:
    if root is not None:
        with contextlib.suppress(ValueError):
            return path.resolve().relative_to(root.resolve()).as_posix()
    return path.name


def _read(path: Path, rel: str | None = None) -> dict[str, Any]:
    """The queue's content; :class:`~tx_graph.errors.CurationError` (``file:line:column``)
    if it is not valid YAML or not a mapping: such a file is never rewritten."""
    rel = rel or path.name
    data = parse_yaml(path, rel, "the review queue") or {}
    if not isinstance(data, dict):
        found = type(data).__name__
        message = f"the review queue must be a mapping (candidates:, figures:, rejected:), found {found}"
        raise CurationError([Problem(rel, 1, 1, "E003", message + f"; {rel} was not changed")])
    return data


def read_rejected(path: Path) -> list[str]:
    """Labels (and ``figure:<key>`` strings) curators have rejected."""
    if not path.is_file():
        return []
    out = []
    for r in _read(path).get("rejected") or []:
        if isinstance(r, dict):
            if r.get("label"):
                out.append(str(r["label"]))
            if r.get("figure"):
                out.append(f"figure:{r['figure']}")
            if r.get("statement"):
                out.append(f"statement:{r['statement']}")
    return out


def _entry_lines(item: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for n, (key, value) in enumerate(item.items()):
        lead = "  - " if n == 0 else "    "
        if key == "decision":
            continue
        if isinstance(value, list) and key == "evidence":
            out.append(f"{lead}{key}:")
            out += [f"      - {yaml_scalar(v)}" for v in value]
        elif isinstance(value, list):
            out.append(f"{lead}{key}: {_flow(value)}")
        else:
            out.append(f"{lead}{key}: {yaml_scalar(value)}")
    out.append("    decision:")
    return out
