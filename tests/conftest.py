"""Shared fixtures: one real build of the bundled corpus per test session."""

from __future__ import annotations

from collections.abc import Callable, Iterator
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


SMALL_CORPUS = """\
2018年濮院镇政府工作报告
各位代表:现在我代表镇人民政府作报告。 一、2017年工作回顾 全年实现地区生产总值96.67亿元。\
深化“外贸证照联办”改革,“外贸联办”改革成效明显。
"""


def _small_project(root: Path, villages: int = 0) -> Paths:
    """A project of one invented report and a few curated entities (plus ``villages``
    invented villages, for explorers with enough pages to fork a worker), built in seconds."""
    import shutil

    (root / "curation").mkdir(parents=True)
    (root / "corpus").mkdir()
    places = [
        "entities:",
        "  - id: tongxiang\n    type: county-city\n    label: 桐乡市",
        "  - id: puyuan\n    type: town\n    label: 濮院镇\n    parent: 桐乡市",
        *(f"  - id: village-{i}\n    type: village\n    label: 试验{i}村\n    parent: 濮院镇" for i in range(villages)),
    ]
    (root / "curation" / "places.yaml").write_text("\n".join(places) + "\n", encoding="utf-8")
    (root / "curation" / "policies.yaml").write_text(
        "entities:\n  - id: waimao\n    type: policy\n    label: 外贸证照联办\n", encoding="utf-8"
    )
    (root / "curation" / "indicators.yaml").write_text(
        "indicators:\n  - id: gdp\n    label: 地区生产总值\n", encoding="utf-8"
    )
    (root / "corpus" / "report.txt").write_text(SMALL_CORPUS, encoding="utf-8")
    shutil.copytree(ROOT / "ontology", root / "ontology")
    (root / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    return Paths.at(root)


@pytest.fixture
def small_project(tmp_path: Path) -> Callable[..., Paths]:
    """``small_project(villages=0)``: a fresh invented project in ``tmp_path`` (see _small_project)."""
    return lambda villages=0: _small_project(tmp_path / "project", villages)


class Listener:
    """A TCP port on 127.0.0.1 that counts the connections made to it and closes each at
    once: a SERVICE clause or an injected IRI pointed here shows whether a request left."""

    def __init__(self) -> None:
        import socket
        import threading

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = int(self.sock.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


@pytest.fixture()
def listener() -> Iterator[Listener]:
    found = Listener()
    yield found
    found.close()
