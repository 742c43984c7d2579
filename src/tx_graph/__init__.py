"""tx-graph: a knowledge graph of Tongxiang (桐乡市) government documents.

>>> import tx_graph
>>> tx_graph.__version__
'0.1.0'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__

__all__ = ["KnowledgeGraph", "__version__", "build", "load"]

if TYPE_CHECKING:
    from .api import KnowledgeGraph


def load(path: str | None = None, *, endpoint: str | None = None) -> KnowledgeGraph:
    """Open the built graph (``exports/store`` by default) or a remote SPARQL endpoint."""
    from .api import load as _load

    return _load(path, endpoint=endpoint)


def build(**kwargs: Any) -> Any:
    """Run the whole build (see :func:`tx_graph.pipeline.build`)."""
    from .pipeline import build as _build

    return _build(**kwargs)


def __getattr__(name: str) -> Any:
    # Heavy modules load on first use so `import tx_graph` and `tx-graph --help` stay instant.
    if name == "KnowledgeGraph":
        from .api import KnowledgeGraph

        return KnowledgeGraph
    raise AttributeError(name)
