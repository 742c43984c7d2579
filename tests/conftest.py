"""Shared fixtures: one real build of the bundled corpus per test session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tx_graph.api import KnowledgeGraph
from tx_graph.config import Paths
from tx_graph.pipeline import BuildReport, Prepared, build, prepare
from tx_graph.store import open_store

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Paths, BuildReport]:
    """The real corpus and curation built into a temporary exports folder."""
    exports = tmp_path_factory.mktemp("exports")
    paths = Paths.at(ROOT, exports=exports)
    return paths, build(paths)


@pytest.fixture(scope="session")
def prepared() -> Prepared:
    return prepare(Paths.at(ROOT))


@pytest.fixture(scope="session")
def kg(built: tuple[Paths, BuildReport]) -> Iterator[KnowledgeGraph]:
    paths, _ = built
    graph = KnowledgeGraph(open_store(paths.store))
    yield graph
    graph.close()
