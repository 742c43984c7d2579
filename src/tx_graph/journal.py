"""The curation journal: every batch of review decisions applied, readable and undoable.

When a build applies the decisions in ``curation/candidates.yaml`` it edits curation
files and rewrites the queue. Before the first byte of any of them changes, its old
text is saved in ``curation/journal/<id>/`` (:meth:`Batch.save`); when the batch is
complete it is appended to ``curation/journal/journal.yaml`` with what was done and,
per file, a unified diff (line numbers, before and after) and the digests of its text
before and after. A batch folder that ``journal.yaml`` does not list is one a kill
interrupted: :func:`recover` puts its files back as they were, so the decisions are
applied again, whole, by the next build. :func:`undo` reverts the newest batch not yet
undone, if its files are still as the batch left them (or already reverted).

Files under ``journal/`` are not curation (the loader reads ``curation/*.yaml`` only).
"""

from __future__ import annotations

import difflib
import hashlib
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import CurationError, Problem, TxGraphError
from .fsio import atomic_write

__all__ = ["FOLDER", "JOURNAL", "Batch", "JournalError", "entries", "parse_yaml", "recover", "undo"]

FOLDER = "journal"
JOURNAL = "journal.yaml"
ABSENT = ".absent"  # suffix of a backup standing for "this file did not exist"
HEADER = (
    "# Review decisions applied to curation by `tx-graph build`, oldest first: what was done,\n"
    "# and per file the change (a unified diff) and digests of its text before and after.\n"
    "# `tx-graph undo` reverts the newest batch not yet undone (its old texts are kept in\n"
    "# journal/<id>/); written by tx-graph, read it freely but do not edit it.\n"
)


class JournalError(TxGraphError):
    """An undo that cannot be done safely; nothing was changed."""


def parse_yaml(path: Path, rel: str, what: str) -> Any:
    """``path``'s YAML, or :class:`CurationError` naming ``rel:line:column``. Used for files
    tx-graph rewrites (the queue, the journal): one that does not parse is never rewritten."""
    from .curation import YAML_HINTS
    from .yamlload import BoundedLoader

    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problem = Problem(rel, None, None, "E001", f"cannot read {what}: not UTF-8 ({exc.reason})")
        raise CurationError([problem]) from exc
    try:
        # bounded like curation: an alias bomb in the queue is a syntax error at the alias
        return yaml.load(text, Loader=BoundedLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        reason = " ".join(x for x in (exc.context, exc.problem) if x)
        line = text.splitlines()[mark.line] if mark is not None and mark.line < len(text.splitlines()) else ""
        if "decision:" in line and "merge:" in line:
            hint = "write `decision: merge <entity>` (or `decision: {merge: <entity>}`)"
        else:
            hint = next((h for cue, h in YAML_HINTS if cue in reason), "")
        message = f"YAML syntax error in {what}: {reason}" + (f"; {hint}" if hint else "")
        message += f"; {rel} was not changed"
        problem = Problem(rel, mark.line + 1 if mark else None, mark.column + 1 if mark else None, "E002", message)
        raise CurationError([problem]) from exc
    except yaml.YAMLError as exc:
        raise CurationError([Problem(rel, None, None, "E002", f"YAML error in {what}: {exc}")]) from exc


def _digest(text: str | None) -> str:
    return "absent" if text is None else hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None


class _Dumper(yaml.SafeDumper):
    """Multi-line strings (the diffs) as literal blocks, readable in the journal."""


_Dumper.add_representer(
    str,
    lambda dumper, value: dumper.represent_scalar(
        "tag:yaml.org,2002:str", value, style="|" if "\n" in value else None
    ),
)


def entries(curation_dir: Path) -> list[dict[str, Any]]:
    path = curation_dir / FOLDER / JOURNAL
    if not path.is_file():
        return []
    data = parse_yaml(path, f"{curation_dir.name}/{FOLDER}/{JOURNAL}", "the curation journal") or {}
    listed = data.get("entries") if isinstance(data, dict) else None
    return [e for e in listed or [] if isinstance(e, dict)]


def _write_entries(curation_dir: Path, listed: list[dict[str, Any]]) -> None:
    body = yaml.dump({"entries": listed}, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)
    atomic_write(curation_dir / FOLDER / JOURNAL, HEADER + body)


@dataclass
class Batch:
    """One application of review decisions, journalled as it goes."""

    curation_dir: Path
    id: str = field(default_factory=lambda: time.strftime("%Y%m%dT%H%M%S") + f"-{time.time_ns() % 10**6:06d}")
    before: dict[Path, str | None] = field(default_factory=dict)

    @property
    def folder(self) -> Path:
        return self.curation_dir / FOLDER / self.id

    def save(self, path: Path) -> None:
        """Keep ``path``'s current text before its first change in this batch."""
        if path in self.before:
            return
        text = _read(path)
        self.before[path] = text
        name = path.relative_to(self.curation_dir).as_posix().replace("/", "__")
        if text is None:
            atomic_write(self.folder / (name + ABSENT), "")
        else:
            atomic_write(self.folder / name, text)

    def restore(self) -> None:
        """Every file back as it was before the batch (a batch that failed or was refused)."""
        for path, text in self.before.items():
            if text is None:
                path.unlink(missing_ok=True)
            else:
                atomic_write(path, text)
        shutil.rmtree(self.folder, ignore_errors=True)

    def finish(self, done: list[str]) -> None:
        """The batch is complete: record it (from here on it is no longer rolled back)."""
        files = []
        for path, old in self.before.items():
            new = _read(path)
            rel = path.relative_to(self.curation_dir).as_posix()
            # lines stripped of trailing blanks, so the journal can show the diff as a
            # YAML literal block (an empty context line stays an empty line)
            diff = "".join(
                line.rstrip() + "\n"
                for line in difflib.unified_diff(
                    (old or "").splitlines(keepends=True),
                    (new or "").splitlines(keepends=True),
                    f"{rel} (before)",
                    f"{rel} (after)",
                    n=1,
                )
            )
            files.append({"file": rel, "before": _digest(old), "after": _digest(new), "diff": diff})
        listed = entries(self.curation_dir)
        listed.append({"id": self.id, "date": time.strftime("%Y-%m-%d %H:%M:%S"), "done": done, "files": files})
        _write_entries(self.curation_dir, listed)


def _backups(curation_dir: Path, batch_id: str) -> dict[Path, str | None]:
    out: dict[Path, str | None] = {}
    for backup in sorted((curation_dir / FOLDER / batch_id).iterdir()):
        if backup.name.endswith(ABSENT):
            out[curation_dir / backup.name.removesuffix(ABSENT).replace("__", "/")] = None
        elif ".tmp-" not in backup.name:
            out[curation_dir / backup.name.replace("__", "/")] = backup.read_text(encoding="utf-8")
    return out


def recover(curation_dir: Path) -> list[str]:
    """Put back the files of batches a kill interrupted (folders ``journal.yaml`` does not list)."""
    folder = curation_dir / FOLDER
    if not folder.is_dir():
        return []
    known = {str(e.get("id")) for e in entries(curation_dir)}
    said = []
    for batch in sorted(p for p in folder.iterdir() if p.is_dir() and p.name not in known):
        for path, text in _backups(curation_dir, batch.name).items():
            if text is None:
                path.unlink(missing_ok=True)
            else:
                atomic_write(path, text)
        shutil.rmtree(batch)
        said.append(f"an interrupted batch of decisions ({batch.name}) was rolled back; it is applied again")
    return said


def undo(curation_dir: Path, reset_queue: Callable[[Path], None], *, force: bool = False) -> dict[str, Any]:
    """Revert the newest batch not yet undone and return its journal entry.

    Each file must still be as the batch left it (or as it was before: a previous undo
    that was interrupted), else :class:`JournalError` and nothing changes (``force``
    reverts anyway). ``reset_queue`` is then applied to the restored queue, so that the
    decisions come back as open candidates rather than being applied again."""
    listed = entries(curation_dir)
    todo = next((e for e in reversed(listed) if not e.get("undone")), None)
    if todo is None:
        raise JournalError(f"nothing to undo: {curation_dir.name}/{FOLDER}/{JOURNAL} has no batch left to revert")
    backups = _backups(curation_dir, str(todo["id"]))
    recorded = {str(f["file"]): f for f in todo.get("files", [])}
    changed = []
    for path, _old in backups.items():
        rel = path.relative_to(curation_dir).as_posix()
        now = _digest(_read(path))
        expected = recorded.get(rel, {})
        if now not in (expected.get("after"), expected.get("before")):
            changed.append(rel)
    if changed and not force:
        raise JournalError(
            f"cannot undo batch {todo['id']}: {', '.join(changed)} changed since it was applied; "
            f"revert by hand with the diff in {curation_dir.name}/{FOLDER}/{JOURNAL}, or use --force"
        )
    for path, text in backups.items():
        if text is None:
            path.unlink(missing_ok=True)
        else:
            atomic_write(path, text)
        if path.name == "candidates.yaml" and text is not None:
            reset_queue(path)
    todo["undone"] = time.strftime("%Y-%m-%d %H:%M:%S")
    _write_entries(curation_dir, listed)
    return todo
