"""Distributed extraction (``tx-graph build --scheduler``) on a real Dask cluster.

Every test runs real worker processes: a ``LocalCluster`` of two (``processes=True``),
or a ``dask worker`` started as a subprocess. Builds run in a copy of the project
(corpus, curation, ontology) with its own ``.cache``, emptied before each distributed
build so that every document really goes to the cluster. About a minute in all on the
2-core machine, most of it the reference build and the workers' pipeline start-up.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from tx_graph.cli import main
from tx_graph.config import Paths
from tx_graph.distributed import Cluster, DistributedError, analyse_on_cluster
from tx_graph.pipeline import build

distributed = pytest.importorskip("distributed", reason="the `dask` extra is not installed")
from distributed import Client, LocalCluster  # noqa: E402

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
# the one thing two builds of the same input may differ in: when each started
RUN_TIMES = ("http://www.w3.org/ns/prov#startedAtTime", "http://www.w3.org/ns/prov#endedAtTime")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("project")
    for name in ("corpus", "curation", "ontology"):
        shutil.copytree(ROOT / name, root / name)
    return root


def cold(project: Path) -> None:
    shutil.rmtree(project / ".cache" / "nlp", ignore_errors=True)


def nquads(store_path: Path) -> list[str]:
    """The dataset as sorted N-Quads lines, the run's timestamps left out."""
    store = ox.Store.read_only(str(store_path))
    return sorted(str(q) for q in store if q.predicate.value not in RUN_TIMES)


def digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def local(project: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Paths, list[str], int]:
    """The reference: a local build (exports included) of the project copy."""
    paths = Paths.at(project, exports=tmp_path_factory.mktemp("local"))
    cold(project)
    report = build(paths)
    return paths, nquads(paths.store), report.mentions


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0") as c:
        yield c


def test_distributed_build_is_identical_to_the_local_build(
    project: Path, local: tuple[Paths, list[str], int], cluster: LocalCluster, tmp_path: Path
) -> None:
    _, expected, mentions = local
    lines: list[str] = []
    cold(project)
    paths = Paths.at(project, exports=tmp_path / "exports")
    report = build(paths, scheduler=Cluster(cluster.scheduler_address, progress=lines.append))
    documents = report.documents
    assert lines[0].startswith(f"analysing {documents} document(s) on the Dask cluster")
    assert "2 worker(s)" in lines[0] and "curation" in lines[0]
    assert lines[-1].startswith(f"analysed {documents}/{documents} document(s)")
    assert report.mentions == mentions > 1000
    assert nquads(paths.store) == expected
    # the cluster's analyses went into the same cache a local build uses
    assert len(list((project / ".cache" / "nlp").glob("*.json"))) == report.documents


def test_a_worker_killed_mid_run_loses_and_doubles_nothing(
    project: Path, local: tuple[Paths, list[str], int], cluster: LocalCluster, tmp_path: Path
) -> None:
    """SIGKILL a worker process while it holds tasks: the scheduler reruns them on the
    other worker (and on the nanny's replacement); the dataset is the local one."""
    _, expected, mentions = local
    killed: dict[str, object] = {}
    with Client(cluster.scheduler_address, set_as_default=False) as client:

        def progress(line: str) -> None:
            if killed:
                return
            busy = {w: keys for w, keys in client.processing().items() if keys}
            if not busy or line.startswith("analysed "):
                return
            address, keys = next(iter(busy.items()))
            pid = client.run(os.getpid, workers=[address])[address]
            os.kill(pid, signal.SIGKILL)
            killed.update(address=address, pid=pid, in_flight=len(keys), at=line)

        cold(project)
        paths = Paths.at(project, exports=tmp_path / "exports")
        report = build(paths, scheduler=Cluster(client, progress=progress, progress_every=0.1))
    assert killed, "no worker was busy while the build ran"
    assert killed["in_flight"]  # the killed worker held at least one document's task
    assert report.mentions == mentions
    assert nquads(paths.store) == expected


def test_a_worker_running_other_code_is_refused(project: Path, cluster: LocalCluster) -> None:
    """A worker compares its own pipeline version with the build's before analysing
    anything: two code versions must never mix in one dataset."""
    from tx_graph.cache import pipeline_version
    from tx_graph.ingest import NO_NOISE, corpus_files, ingest_corpus

    documents, _ = ingest_corpus(corpus_files(project / "corpus"), NO_NOISE, project)
    here = pipeline_version("jieba")
    with pytest.raises(DistributedError, match=r"this worker runs different tx-graph code or libraries \(tx-graph "):
        analyse_on_cluster(documents[:2], ["a", "b"], None, "jieba", here + "|another build",
                           Cluster(cluster.scheduler_address, progress=None))


def test_an_unreachable_scheduler_fails_clearly_and_keeps_the_previous_build(
    project: Path, local: tuple[Paths, list[str], int], capsys: pytest.CaptureFixture[str]
) -> None:
    paths, _, _ = local
    before = digests(paths.exports)
    cold(project)
    port = _free_port()
    code = main(["--root", str(project), "build", "--exports", str(paths.exports), "--no-explore",
                 "--scheduler", f"tcp://127.0.0.1:{port}", "--scheduler-wait", "2"])
    err = capsys.readouterr().err
    assert code == 1
    assert f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port} within 2 s" in err
    assert "Nothing was written" in err
    assert digests(paths.exports) == before


def test_losing_every_worker_fails_clearly_and_keeps_the_previous_build(
    project: Path, local: tuple[Paths, list[str], int]
) -> None:
    """A lone ``dask worker`` (no nanny to restart it) is killed mid-run: Dask would wait
    for a worker forever; the build gives up after ``wait_for_workers`` and writes nothing."""
    paths, _, _ = local
    before = digests(paths.exports)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    with LocalCluster(n_workers=0, processes=True, dashboard_address=":0") as scheduler_only:
        worker = subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_worker", scheduler_only.scheduler_address,
             "--no-nanny", "--nthreads", "1", "--no-dashboard"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            def progress(line: str) -> None:
                if worker.poll() is None:
                    worker.kill()

            cold(project)
            cluster = Cluster(scheduler_only.scheduler_address, wait_for_workers=2, progress=progress,
                              progress_every=0.1)
            with pytest.raises(DistributedError, match=r"every Dask worker left the scheduler at .* within 2 s"):
                build(paths, scheduler=cluster)
        finally:
            with contextlib.suppress(ProcessLookupError):
                worker.kill()
            worker.wait(timeout=30)
    assert digests(paths.exports) == before


def test_a_distributed_build_killed_mid_run_leaves_the_previous_build_usable(
    project: Path, local: tuple[Paths, list[str], int], cluster: LocalCluster
) -> None:
    """SIGKILL while the cluster is analysing (some documents back, others not): the
    previous store and exports stay as they were, and the next build goes through."""
    paths, reference, _ = local
    before = digests(paths.exports)
    cold(project)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "TX_GRAPH_KILL_AT": "distributed.running"}
    killed = subprocess.run(
        [sys.executable, "-m", "tx_graph.cli", "--root", str(project), "build", "--exports", str(paths.exports),
         "--no-explore", "--scheduler", cluster.scheduler_address],
        env=env, capture_output=True, text=True, timeout=600, check=False,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert "analysing" in killed.stderr + killed.stdout  # it was killed on the cluster, not before
    # the lock file still names the dead build (the lock itself died with it): not an export
    after = digests(paths.exports)
    assert {k: v for k, v in after.items() if k != ".build.lock"} == {
        k: v for k, v in before.items() if k != ".build.lock"} and len(after) > 10
    assert nquads(paths.store) == reference
    cold(project)
    code = main(["--root", str(project), "build", "--exports", str(paths.exports), "--no-explore",
                 "--scheduler", cluster.scheduler_address])
    assert code == 0 and nquads(paths.store) == reference


def test_no_worker_at_all_fails_clearly(project: Path, tmp_path: Path) -> None:
    with LocalCluster(n_workers=0, processes=True, dashboard_address=":0") as empty:
        cold(project)
        with pytest.raises(DistributedError, match=r"no Dask worker joined the scheduler .* within 1 s"):
            build(Paths.at(project, exports=tmp_path / "exports"),
                  scheduler=Cluster(empty.scheduler_address, wait_for_workers=1))
    assert not (tmp_path / "exports" / "store").exists()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
