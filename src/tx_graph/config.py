"""Where things are: one place that knows the project layout.

Paths default to the project root (the nearest folder above the working directory
holding ``pyproject.toml`` and ``curation/``), overridable by ``TX_GRAPH_HOME``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Paths", "find_root", "paths_from_args"]


def find_root(start: Path | None = None) -> Path:
    env = os.environ.get("TX_GRAPH_HOME")
    if env:
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "curation").is_dir() and (folder / "pyproject.toml").is_file():
            return folder
    return here


@dataclass(frozen=True)
class Paths:
    root: Path
    corpus: Path
    curation: Path
    exports: Path
    ontology: Path

    @classmethod
    def at(
        cls,
        root: Path | None = None,
        *,
        corpus: Path | None = None,
        curation: Path | None = None,
        exports: Path | None = None,
    ) -> Paths:
        base = (root or find_root()).resolve()
        return cls(
            root=base,
            corpus=(corpus or base / "corpus").resolve(),
            curation=(curation or base / "curation").resolve(),
            exports=(exports or base / "exports").resolve(),
            ontology=base / "ontology",
        )

    @property
    def store(self) -> Path:
        return self.exports / "store"



def paths_from_args(args: Any) -> Paths:
    """The paths a command's ``--root``/``--corpus``/``--curation``/``--exports`` options name
    (any object with those attributes; missing ones mean the default)."""
    def opt(name: str) -> Path | None:
        value = getattr(args, name, None)
        return Path(value) if value else None

    return Paths.at(opt("root"), corpus=opt("corpus"), curation=opt("curation"), exports=opt("exports"))
