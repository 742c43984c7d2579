"""The review loop: ``curation/candidates.yaml`` out, curators' decisions back into curation.

``tx-graph candidates`` writes the queue (:func:`write_candidates`): candidates grouped by
the document they were first found in, best score first, each with its evidence and an
empty ``decision:``. A curator sets, per candidate::

    decision: accept            # optionally after editing type, label, parent, aliases, id
    decision: merge wuzhen      # (or `{merge: wuzhen}`) its surface forms become aliases
    decision: reject            # remembered in the file's `rejected:` list, never proposed again

and, per figure and per proposed fact (``statements:``, tx_graph.facts), ``accept`` or
``reject``. The next ``tx-graph build`` (or ``candidates``)
applies the decisions (:func:`apply_decisions`) by editing curation YAML *as text*, so
the curators' comments and order stay: accepted entities and figures are appended to
``curation/accepted.yaml``; merged aliases are inserted into the merged entity's own
``aliases:`` line. If the edited curation would not load, every edit is rolled back and
the problems are reported; decisions stay in the queue. Each applied batch is recorded
in ``curation/journal/journal.yaml`` (:mod:`tx_graph.journal`), where ``tx-graph undo``
reverts it. A queue that is not valid YAML is never rewritten: the build and
``tx-graph candidates`` stop, naming its line and column.
The queue file itself (writing it, reading it back) is tx_graph.review_queue.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from .errors import CurationError, Errors, Problem, TxGraphError
from .fsio import atomic_write, kill_point
from .journal import Batch, recover
from .model import ENTITY_TYPES
from .review_queue import (
    HEADER,
    QUEUE_FILE,
    _entry_lines,
    _flow,
    _read,
    _rel,
    read_rejected,
    write_candidates,
    yaml_scalar,
)
from .yamlload import compose as compose_yaml

__all__ = [
    "ACCEPTED_FILE",
    "Decisions",
    "ReviewError",
    "apply_decisions",
    "read_rejected",
    "register_cli",
    "reset_queue",
    "undo_last",
    "write_candidates",
    "yaml_scalar",
]

ACCEPTED_FILE = "accepted.yaml"
# entity fields a curator may add to a candidate before accepting it; they are carried
# into accepted.yaml (and validated there like any curation)
CURATOR_FIELDS = ("en", "pinyin", "wikidata", "companies", "part_of", "years")


class ReviewError(TxGraphError):
    """Decisions in candidates.yaml could not be applied; nothing was changed."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__(
            "\n".join(["review decisions not applied (curation unchanged):", *(f"  {p}" for p in problems)])
        )



# ---------------------------------------------------------------- reading decisions


@dataclass
class Decisions:
    accept: list[dict[str, Any]] = field(default_factory=list)
    merge: list[tuple[dict[str, Any], str]] = field(default_factory=list)
    reject: list[dict[str, Any]] = field(default_factory=list)
    accept_figures: list[dict[str, Any]] = field(default_factory=list)
    reject_figures: list[dict[str, Any]] = field(default_factory=list)
    pending: list[dict[str, Any]] = field(default_factory=list)
    pending_figures: list[dict[str, Any]] = field(default_factory=list)
    # proposed facts (statements:): accepted ones go to accepted.yaml's facts:
    accept_statements: list[dict[str, Any]] = field(default_factory=list)
    reject_statements: list[dict[str, Any]] = field(default_factory=list)
    pending_statements: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rel: str = QUEUE_FILE  # the queue's path as problems name it
    # id(item) → key → (line, column) of its value in the queue, so problems point at it
    where: dict[int, dict[str, tuple[int, int]]] = field(default_factory=dict)

    def problem(self, item: dict[str, Any], key: str, code: str, message: str) -> Problem:
        at = self.where.get(id(item), {})
        line, column = at.get(key) or at.get("") or (None, None)
        return Problem(self.rel, line, column, code, message)

    @property
    def any(self) -> bool:
        return bool(
            self.accept or self.merge or self.reject or self.accept_figures or self.reject_figures
            or self.accept_statements or self.reject_statements
        )  # fmt: skip


def _positions(path: Path) -> dict[str, list[dict[str, tuple[int, int]]]]:
    """Per section, per item: where each key's value is (1-based line, column); "" is the item."""
    try:
        root = compose_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    out: dict[str, list[dict[str, tuple[int, int]]]] = {}
    if not isinstance(root, yaml.MappingNode):
        return out
    for key_node, section in root.value:
        if not isinstance(section, yaml.SequenceNode):
            continue
        items = out.setdefault(str(key_node.value), [])
        for item in section.value:
            at = {"": (item.start_mark.line + 1, item.start_mark.column + 1)}
            if isinstance(item, yaml.MappingNode):
                for k, v in item.value:
                    at[str(k.value)] = (v.start_mark.line + 1, v.start_mark.column + 1)
            items.append(at)
    return out


_MERGE = re.compile(r"^merge(?:\s+|\s*:\s*)(\S.*)$")


def read_decisions(path: Path, rel: str | None = None) -> Decisions:
    out = Decisions(rel=rel or path.name)
    data = _read(path, rel)
    positions = _positions(path)
    for section in ("candidates", "figures", "statements"):
        for item, at in zip(data.get(section) or [], positions.get(section, []), strict=False):
            if isinstance(item, dict):
                out.where[id(item)] = at
    for item in data.get("candidates") or []:
        if not isinstance(item, dict):
            continue
        decision = item.get("decision")
        if decision in (None, ""):
            out.pending.append(item)
        elif isinstance(decision, dict) and "merge" in decision:
            out.merge.append((item, str(decision["merge"])))
        elif isinstance(decision, str) and (m := _MERGE.match(decision.strip())):
            out.merge.append((item, m.group(1).strip()))
        elif str(decision).strip() == "accept":
            out.accept.append(item)
        elif str(decision).strip() == "reject":
            out.reject.append(item)
        else:
            out.problems.append(out.problem(item, "decision", "E303", Errors.E303.format(value=decision)))
    for item in data.get("figures") or []:
        if not isinstance(item, dict):
            continue
        decision = str(item.get("decision") or "").strip()
        if not decision:
            out.pending_figures.append(item)
        elif decision == "accept":
            out.accept_figures.append(item)
        elif decision == "reject":
            out.reject_figures.append(item)
        else:
            out.problems.append(out.problem(item, "decision", "E309", Errors.E309.format(value=decision)))
    for item in data.get("statements") or []:
        if not isinstance(item, dict):
            continue
        decision = str(item.get("decision") or "").strip()
        sink = {"": out.pending_statements, "accept": out.accept_statements, "reject": out.reject_statements}
        if decision in sink:
            sink[decision].append(item)
        else:
            out.problems.append(out.problem(item, "decision", "E309", Errors.E309.format(value=decision)))
    return out


# ---------------------------------------------------------------- applying them


def apply_decisions(curation_dir: Path, root: Path | None = None) -> list[str]:
    """Apply the decisions in ``curation_dir/candidates.yaml``; return what was done.

    Raises :class:`ReviewError` (and changes nothing) when a decision is invalid or the
    edited curation would not load."""
    from .curation import SLUG, load_curation, resolve_name

    queue = curation_dir / QUEUE_FILE
    said = recover(curation_dir)  # a batch a kill interrupted is undone first, then applied again
    if not queue.is_file():
        return said
    rel = _rel(queue, root)
    decisions = read_decisions(queue, rel)
    if decisions.problems:
        raise ReviewError(decisions.problems)
    if not decisions.any:
        return said
    curation = load_curation(curation_dir, root)
    batch = Batch(curation_dir)
    snapshots = batch.before

    def edit(path: Path, text: str) -> None:
        batch.save(path)  # the old text is journalled before the file changes
        atomic_write(path, text)
        kill_point("review.edit")

    done: list[str] = said
    problems: list[Problem] = []
    used_names = {n for e in curation.entities.values() for n in (*e.names, e.id)}
    accepted_file = curation_dir / ACCEPTED_FILE
    today = date.today().isoformat()
    accepting = {str(item.get("label", "")) for item in decisions.accept}
    for item in decisions.accept:
        label, etype, ident = (
            str(item.get("label", "")).strip(),
            str(item.get("type", "")).strip(),
            str(item.get("id", "")).strip(),
        )
        if etype not in ENTITY_TYPES:
            valid = ", ".join(sorted(ENTITY_TYPES))
            problems.append(decisions.problem(item, "type", "E305", Errors.E305.format(value=etype, valid=valid)))
            continue
        if not SLUG.match(ident):
            problems.append(decisions.problem(item, "id", "E007", Errors.E007.format(value=ident)))
            continue
        aliases = [str(a) for a in (item.get("aliases") or []) if str(a) != label and str(a) not in used_names]
        clash = next((n for n in (ident, label) if n in used_names), None)
        if clash:
            other = resolve_name(clash, curation)
            key = "id" if clash == ident else "label"
            message = Errors.E306.format(value=label, other=other.id if other else clash)
            problems.append(decisions.problem(item, key, "E306", message))
            continue
        parent = item.get("parent")
        if parent and resolve_name(str(parent), curation) is None and str(parent) not in accepting:
            parent = None  # an unknown parent would make curation invalid; the curator can add it
        evidence = (item.get("evidence") or [""])[0]
        lines = [f"  - id: {ident}", f"    type: {etype}", f"    label: {yaml_scalar(label)}"]
        if aliases:
            lines.append(f"    aliases: {_flow(aliases)}")
        if parent:
            lines.append(f"    parent: {yaml_scalar(parent)}")
        for key in CURATOR_FIELDS:
            value = item.get(key)
            if isinstance(value, list) and value:
                lines.append(f"    {key}: {_flow(value)}")
            elif value not in (None, "", []) and not isinstance(value, (list, dict)):
                lines.append(f"    {key}: {yaml_scalar(value)}")
        note = f"accepted from candidates.yaml {today}; {evidence}"
        if item.get("notes"):
            note = f"{item['notes']} ({note})"
        lines.append(f"    notes: {yaml_scalar(note)}")
        edit(accepted_file, _append_to_section(_read_text(accepted_file, snapshots), "entities", lines))
        used_names |= {label, ident, *aliases}
        done.append(f"accepted {label} ({etype}) as {ident} → {ACCEPTED_FILE}")
    for item, target_name in decisions.merge:
        target = resolve_name(target_name, curation)
        if target is None:
            problems.append(decisions.problem(item, "decision", "E304", Errors.E304.format(value=target_name)))
            continue
        forms = [str(item.get("label", "")), *[str(a) for a in item.get("aliases") or []]]
        new = [f for f in dict.fromkeys(forms) if f and f not in used_names and f != target.label]
        if not new:
            done.append(f"merged {item.get('label')} into {target.id} (already known)")
            continue
        path = curation_dir / f"{target.file}.yaml"
        try:
            text = _add_aliases(_read_text(path, snapshots), target.id, new)
        except ValueError as exc:
            problems.append(Problem(path.name, None, None, "E304", str(exc)))
            continue
        edit(path, text)
        used_names |= set(new)
        done.append(f"merged {', '.join(new)} into {target.id} ({path.name})")
    for item in decisions.accept_figures:
        made_by = item.get("rule")
        lines = [
            f"  - indicator: {item.get('indicator')}",
            f"    area: {yaml_scalar(item.get('area'))}",
            f"    period: {item.get('period')}",
            f"    value: {yaml_scalar(item.get('value'))}",
            f"    unit: {yaml_scalar(item.get('unit'))}",
            f"    kind: {item.get('kind')}",
            f"    quote: {yaml_scalar(item.get('quote'))}",
            f"    note: {yaml_scalar(f'accepted from candidates.yaml {today} ({made_by})')}",
        ]
        edit(accepted_file, _append_to_section(_read_text(accepted_file, snapshots), "observations", lines))
        done.append(
            f"accepted figure {item.get('indicator')} {item.get('period')} {item.get('value')}{item.get('unit')}"
        )
    for item in decisions.accept_statements:
        fact = {k: v for k, v in item.items() if k not in ("decision", "key", "rule")}
        fact["notes"] = f"accepted from candidates.yaml {today} ({item.get('rule')})"
        lines = _entry_lines(fact)[:-1]  # without the decision line
        edit(accepted_file, _append_to_section(_read_text(accepted_file, snapshots), "facts", lines))
        done.append(f"accepted fact {item.get('key')}")
    if problems:
        batch.restore()
        raise ReviewError(problems)
    try:
        load_curation(curation_dir, root)
    except CurationError as exc:
        batch.restore()
        raise ReviewError(exc.problems) from exc
    # the queue keeps what is undecided; rejections are remembered
    data = _read(queue)
    rejected = list(data.get("rejected") or [])
    for item in decisions.reject:
        rejected.append({"label": str(item.get("label", "")), "type": str(item.get("type", "")), "date": today})
        done.append(f"rejected {item.get('label')}")
    for item in decisions.reject_figures:
        key = "|".join(str(item.get(k)) for k in ("indicator", "area", "period", "kind"))
        key += f"|{item.get('value')}{item.get('unit')}"
        rejected.append({"figure": key, "date": today})
        done.append(f"rejected figure {key}")
    for item in decisions.reject_statements:
        rejected.append({"statement": str(item.get("key", "")), "date": today})
        done.append(f"rejected fact {item.get('key')}")
    batch.save(queue)
    _rewrite_queue(queue, decisions, rejected)
    batch.finish(done)
    return done


def _read_text(path: Path, snapshots: dict[Path, str | None]) -> str:
    if path.is_file():
        return path.read_text(encoding="utf-8")
    return (
        "# Entities and figures accepted from the review queue (curation/candidates.yaml).\n"
        "# Written by tx-graph when a curator accepts a candidate; edit freely like any curation file.\n"
    )


def _append_to_section(text: str, key: str, entry: list[str]) -> str:
    """Insert ``entry`` lines at the end of top-level ``key:``'s block (created if absent)."""
    lines = text.splitlines()
    header = next((i for i, ln in enumerate(lines) if re.match(rf"^{key}:\s*(#.*)?$", ln)), None)
    if header is None:
        if any(re.match(rf"^{key}:\s*\[\]\s*$", ln) for ln in lines):
            lines = [f"{key}:" if re.match(rf"^{key}:\s*\[\]\s*$", ln) else ln for ln in lines]
            header = next(i for i, ln in enumerate(lines) if ln == f"{key}:")
        else:
            if lines and lines[-1].strip():
                lines.append("")
            lines.append(f"{key}:")
            header = len(lines) - 1
    end = header + 1
    while end < len(lines) and (not lines[end].strip() or lines[end].startswith((" ", "\t", "#"))):
        end += 1
    # keep trailing blank lines and comments that introduce the next section after the entry
    insert = end
    while insert > header + 1 and (not lines[insert - 1].strip() or lines[insert - 1].startswith("#")):
        insert -= 1
    lines[insert:insert] = ["", *entry] if insert > header + 1 else entry
    return "\n".join(lines) + "\n"


def _add_aliases(text: str, entity_id: str, new: list[str]) -> str:
    """Add aliases to the entity ``entity_id`` in a curation file, editing only its block."""
    lines = text.splitlines()
    start = next(
        (
            i
            for i, ln in enumerate(lines)
            if re.match(rf"^(\s*)-\s+id:\s*['\"]?{re.escape(entity_id)}['\"]?\s*(#.*)?$", ln)
        ),
        None,
    )
    if start is None:
        raise ValueError(f"entity '{entity_id}' not found as `- id: {entity_id}` in this file")
    indent = len(lines[start]) - len(lines[start].lstrip(" ")) + 2
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip(" ")) >= indent):
        end += 1
    block = range(start, end)
    alias_line = next(
        (
            i
            for i in block
            if re.match(rf"^\s{{{indent}}}aliases:", lines[i]) or (i == start and "aliases:" in lines[i])
        ),
        None,
    )
    if alias_line is not None:
        line = lines[alias_line]
        m = re.match(r"^(\s*(?:-\s+)?aliases:\s*)\[(.*)\](\s*(#.*)?)$", line)
        if m:
            inner = m.group(2).strip()
            joined = (inner + ", " if inner else "") + ", ".join(yaml_scalar(a) for a in new)
            lines[alias_line] = f"{m.group(1)}[{joined}]{m.group(3)}"
        else:
            # block list: items follow on deeper-indented `- ` lines
            last = alias_line
            item_indent = None
            for i in range(alias_line + 1, end):
                if re.match(r"^\s*-\s", lines[i]):
                    last, item_indent = i, len(lines[i]) - len(lines[i].lstrip(" "))
                elif lines[i].strip():
                    break
            pad = " " * (item_indent if item_indent is not None else indent + 2)
            lines[last + 1 : last + 1] = [f"{pad}- {yaml_scalar(a)}" for a in new]
    else:
        label_line = next((i for i in block if re.match(rf"^\s{{{indent}}}label:", lines[i])), start)
        lines.insert(label_line + 1, f"{' ' * indent}aliases: {_flow(new)}")
    return "\n".join(lines) + ("\n" if text.endswith("\n") else "")


def _rewrite_queue(queue: Path, decisions: Decisions, rejected: list[dict[str, Any]]) -> None:
    """The queue without the decided entries, in the layout it was written in."""
    lines = [*HEADER, "", "candidates:" if decisions.pending else "candidates: []"]
    for item in decisions.pending:
        lines += _entry_lines(item)
    lines += ["", "figures:" if decisions.pending_figures else "figures: []"]
    for item in decisions.pending_figures:
        lines += _entry_lines(item)
    lines += ["", "statements:" if decisions.pending_statements else "statements: []"]
    for item in decisions.pending_statements:
        lines += _entry_lines(item)
    lines += ["", "# Rejected by a curator: never proposed again.", "rejected:" if rejected else "rejected: []"]
    for r in rejected:
        lines.append("  - {" + ", ".join(f"{k}: {yaml_scalar(v)}" for k, v in r.items()) + "}")
    atomic_write(queue, "\n".join(lines) + "\n")



# ---------------------------------------------------------------- undo


def reset_queue(queue: Path) -> None:
    """The queue with every decision emptied: after an undo the decisions come back as
    open candidates for the curator to decide again (not to be applied again unseen)."""
    data = _read(queue)
    keep = Decisions(
        pending=[i for i in data.get("candidates") or [] if isinstance(i, dict)],
        pending_figures=[i for i in data.get("figures") or [] if isinstance(i, dict)],
    )
    _rewrite_queue(queue, keep, [r for r in data.get("rejected") or [] if isinstance(r, dict)])


def undo_last(curation_dir: Path, *, force: bool = False) -> list[str]:
    """Revert the newest batch of applied decisions (see :func:`tx_graph.journal.undo`)."""
    from .journal import undo

    entry = undo(curation_dir, reset_queue, force=force)
    return [f"undid batch {entry['id']} of {entry['date']}:", *(f"  {line}" for line in entry.get("done", []))]


def register_cli(sub: Any) -> None:
    """``tx-graph undo [--force]``."""
    p = sub.add_parser("undo", help="revert the last batch of review decisions applied (curation/journal/)")
    p.add_argument("--curation", help="folder of curation *.yaml files (default: curation/)")
    p.add_argument("--force", action="store_true", help="revert even files edited since the batch")
    p.set_defaults(func=_cmd_undo)


def _cmd_undo(args: Any) -> int:
    from .config import Paths

    paths = Paths.at(
        Path(args.root) if getattr(args, "root", None) else None,
        curation=Path(args.curation) if args.curation else None,
    )
    for line in undo_last(paths.curation, force=args.force):
        print(line)
    print("the decisions are open again in candidates.yaml")
    return 0
