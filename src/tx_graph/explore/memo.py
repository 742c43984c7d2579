"""What the last generation computed, so a rebuild of the same site only redoes what changed.

Two things are kept in ``.tx-graph-explorer-state.json`` inside the site folder:

* the **manifest**: a fingerprint of everything the pages are made from (the graph data,
  the explorer's code and assets, the tx-graph version) and a digest of every file
  written. A rebuild with the same fingerprint and every file in place writes nothing;
  otherwise only files whose bytes changed are rewritten.
* the **memo**: results of the slow, deterministic steps (force layouts, betweenness,
  pinyin initials), each keyed by a digest of exactly what it was computed from, valid
  only for the explorer code that computed them. A
  curation edit that changes an English label leaves every layout's input alone, so
  the layouts come back from the memo; an edit that moves a village changes the input of
  the layouts it appears in, and only those are recomputed.

The state is plain JSON (a site folder may come from anywhere; nothing in it is
executed). A state file that is missing, unreadable or from another format version is
ignored: everything is then computed and written afresh.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

__all__ = ["STATE", "Memo", "State", "digest"]

STATE = ".tx-graph-explorer-state.json"
FORMAT = 1


def digest(*parts: object) -> str:
    """A short digest of ``repr`` of ``parts`` (inputs are built from str, int, float and
    tuples, whose ``repr`` is stable across runs)."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(repr(part).encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()


class Memo:
    """``get(kind, key, compute)``: the remembered value for ``key`` or a fresh one.

    Only entries used by this generation are saved, so the memo never outgrows the site."""

    def __init__(self, old: dict[str, Any] | None = None) -> None:
        self.old: dict[str, Any] = old or {}
        self.used: dict[str, Any] = {}
        self.hits = 0
        self.misses = 0

    def get(self, kind: str, key: str, compute: Callable[[], Any]) -> Any:
        name = f"{kind}:{key}"
        if name in self.used:
            return self.used[name]
        if name in self.old:
            self.hits += 1
            value = self.old[name]
        else:
            self.misses += 1
            value = compute()
        self.used[name] = value
        return value

    def many(self, kind: str, keys: Iterable[str], compute: Callable[[list[str]], dict[str, Any]]) -> dict[str, Any]:
        """Values for many small keys at once (pinyin initials of labels): ``compute`` is
        called once, with the keys not remembered, and only if there are any."""
        keys = list(dict.fromkeys(keys))
        missing = [k for k in keys if f"{kind}:{k}" not in self.old]
        fresh = compute(missing) if missing else {}
        out: dict[str, Any] = {}
        for k in keys:
            name = f"{kind}:{k}"
            value = fresh.get(k) if k in missing else self.old[name]
            if value is not None:
                self.used[name] = out[k] = value
        self.hits += len(keys) - len(missing)
        self.misses += len(missing)
        return out


class State:
    """The manifest and memo of a site folder (see the module's docstring)."""

    def __init__(self, folder: Path, code: str) -> None:
        """``code``: a digest of the explorer's code; the memo of another code is dropped
        (a changed layout function must not get the old positions back)."""
        self.path = folder / STATE
        self.code = code
        raw: dict[str, Any] = {}
        try:
            loaded = json.loads(self.path.read_text(encoding="utf-8"))
            if isinstance(loaded, dict) and loaded.get("format") == FORMAT:
                raw = loaded
        except (OSError, ValueError):
            pass
        self.fingerprint: str = str(raw.get("fingerprint", ""))
        files = raw.get("files")
        self.files: dict[str, list[Any]] = files if isinstance(files, dict) else {}  # rel → [size, digest]
        memo = raw.get("memo") if raw.get("code") == code else None
        self.memo = Memo(memo if isinstance(memo, dict) else None)

    def intact(self, fingerprint: str) -> bool:
        """Same inputs as last time, and every file written then still there, same size."""
        if not self.files or fingerprint != self.fingerprint:
            return False
        folder = self.path.parent
        try:
            return all(os.stat(folder / rel).st_size == entry[0] for rel, entry in self.files.items())
        except OSError:
            return False

    def forget(self) -> None:
        """Drop the state before changing files: a run interrupted half-way must not leave
        a manifest that claims the folder is complete."""
        self.path.unlink(missing_ok=True)

    def save(self, fingerprint: str, files: dict[str, list[Any]]) -> None:
        payload = {
            "format": FORMAT,
            "fingerprint": fingerprint,
            "code": self.code,
            "files": files,
            "memo": self.memo.used,
        }
        from ..fsio import atomic_write

        atomic_write(self.path, json.dumps(payload, ensure_ascii=False, separators=(",", ":")))
