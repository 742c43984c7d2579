"""What a document's cached analysis depends on, as one version string.

Its own module below the cache and the Dask workers: both compare it (the cache to key
entries, a worker to refuse a build of other code) and neither may import the other.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

__all__ = ["FORMAT", "pipeline_version"]

FORMAT = 2  # the cache's JSON layout


def pipeline_version(segmenter: str | None = None) -> str:
    """Everything about the code that changes what a document's analysis contains."""
    import importlib.metadata as md

    from ._version import __version__
    from .discover import DEFAULT_SEGMENTER, DISCOVER_VERSION, NLP_VERSION
    from .statistical import model_version

    segmenter = segmenter or DEFAULT_SEGMENTER
    from .relations import RELATIONS_VERSION

    try:
        jieba = md.version("jieba")
    except md.PackageNotFoundError:
        jieba = "absent"
    if segmenter == "rjieba":
        try:
            jieba += f"+rjieba {md.version('rjieba')}"
        except md.PackageNotFoundError:
            jieba += "+rjieba absent"
    return (
        f"tx-graph {__version__}|{NLP_VERSION}|{DISCOVER_VERSION}|{RELATIONS_VERSION}|jieba {jieba}|{segmenter}"
        f"|cache {FORMAT}|code {_code_digest()}|model {model_version()}"
    )


def _code_digest() -> str:
    """The rules are code: a changed rule must not be served from the cache even when
    nobody remembered to bump a version string."""
    here = Path(__file__).parent
    h = hashlib.sha256()
    names = (
        "nlp.py", "segment.py", "components.py", "relations.py", "relations_common.py", "figures.py",
        "gazetteer.py", "model.py", "text.py", "gloss.py", "statistical.py",
    )  # fmt: skip
    files = [here / n for n in names]
    # the discovery rules and their word lists (data files are rules too)
    files += sorted(p for p in (here / "discover").iterdir() if p.suffix in (".py", ".yaml"))
    for path in files:
        if path.is_file():
            h.update(path.read_bytes())
    return h.hexdigest()[:12]
