"""Document analysis on a Dask cluster: ``tx-graph build --scheduler tcp://HOST:8786``.

A document's :class:`~tx_graph.model.Analysis` is a pure function of its text and the
curation (the same fact the NLP cache relies on), so the uncached documents can be
analysed anywhere that runs the same tx-graph code. This module is the NLP stage's
executor for that case; everything before and after it (cache, aggregation, RDF, store,
exports) stays on the machine running the build, so a distributed build writes exactly
what a local one writes.

What goes over the network:

* **the curation, once**: the :class:`~tx_graph.discover.Lexicon` (names, types, lookup
  keys, indicators) and the segmenter's name, pickled into a worker plugin registered
  with the scheduler. The scheduler hands it to every worker, including one that joins
  or is restarted later; each worker builds its spaCy pipeline from it once, on its
  first document, and drops it when the build ends.
* **each document's text in** (the ingested :class:`~tx_graph.model.Document`), **its
  analysis out** (mentions, proposals, facts, figures: a few KB).

Each document is one task whose key is the document's cache key (a hash of its text,
header fields, the pipeline version and the curation that occurs in it). A task only
reads its inputs and returns a value, so when a worker dies mid-task the scheduler runs
it again elsewhere and the answer is the same; results are collected by key, so a task
that ran twice cannot count twice, and one that never finished stops the build with an
error instead of a missing document.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import TxGraphError
from .fsio import kill_point
from .model import Analysis, Document

try:  # the `dask` extra; without it a distributed build says what to install
    from distributed.diagnostics.plugin import WorkerPlugin
except ModuleNotFoundError:  # pragma: no cover - the extra is part of the dev install
    WorkerPlugin = object  # type: ignore[misc,assignment]

__all__ = ["Cluster", "DistributedError", "analyse_on_cluster"]

PLUGIN_PREFIX = "tx-graph-pipeline-"
TASK_PREFIX = "tx-analyse-"


class DistributedError(TxGraphError):
    """The cluster could not analyse the documents; nothing was written."""


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Cluster:
    """Where and how to run: ``address`` is a scheduler address (``tcp://host:8786``) or
    a ``distributed.Client`` already connected.

    ``connect_timeout`` bounds reaching the scheduler; ``wait_for_workers`` how long
    the build waits, at the start and whenever every worker has gone, for one to
    (re)join before giving up. ``progress`` receives a line at most every
    ``progress_every`` seconds and one at the end."""

    address: Any
    connect_timeout: float = 10.0
    wait_for_workers: float = 60.0
    progress: Callable[[str], None] | None = field(default=_stderr, compare=False)
    progress_every: float = 2.0

    @classmethod
    def of(cls, scheduler: Any) -> Cluster:
        return scheduler if isinstance(scheduler, Cluster) else cls(scheduler)


# ------------------------------------------------------------------ worker side


class _PipelinePlugin(WorkerPlugin):
    """Carries the pickled curation to each worker; builds the pipeline there once."""

    def __init__(self, name: str, payload: bytes, version: str) -> None:
        self.name = name
        self.payload = payload
        self.version = version
        self._nlp: Any = None
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        return {"name": self.name, "payload": self.payload, "version": self.version}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["name"], state["payload"], state["version"])  # type: ignore[misc]

    def setup(self, worker: Any) -> None:
        """Nothing heavy here: registration waits for every worker's setup."""

    def teardown(self, worker: Any) -> None:
        self._nlp = None

    def analyse(self, document: Document) -> Analysis:
        from .gloss import analyse_glossed
        from .nlp import analyse, build_nlp
        from .versions import pipeline_version

        # one document at a time per worker process: spaCy pipelines are not made to be
        # shared between threads, and extraction is pure Python, so threads would not help
        with self._lock:
            if self._nlp is None:
                lexicon, segmenter = pickle.loads(self.payload)
                here = pipeline_version(segmenter)
                if here != self.version:
                    raise DistributedError(
                        f"this worker runs different tx-graph code or libraries ({here}) from the "
                        f"build's ({self.version}): install the same version on every worker"
                    )
                self._nlp = build_nlp(lexicon, segmenter=segmenter)
            # glossed pages are read without their glosses, exactly as a local build reads them
            return analyse_glossed(analyse, self._nlp, document)


def _analyse_task(plugin_name: str, document: Document) -> Analysis:
    from distributed import get_worker

    plugin: Any = get_worker().plugins.get(plugin_name)
    if plugin is None:  # registered plugins reach every worker before it takes tasks
        raise DistributedError(f"worker has no pipeline plugin {plugin_name}")
    analysis: Analysis = plugin.analyse(document)
    return analysis


# ------------------------------------------------------------------ client side


def _connect(cluster: Cluster) -> tuple[Any, bool]:
    try:
        from distributed import Client
    except ModuleNotFoundError as exc:
        raise DistributedError("a distributed build needs Dask: pip install 'tx-graph[dask]'") from exc

    if isinstance(cluster.address, Client):
        return cluster.address, False
    try:
        client = Client(cluster.address, timeout=cluster.connect_timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise DistributedError(
            f"cannot reach the Dask scheduler at {cluster.address} within {cluster.connect_timeout:g} s "
            f"({type(exc).__name__}: {exc}); is `dask scheduler` running there? Nothing was written"
        ) from exc
    return client, True


def analyse_on_cluster(
    documents: Sequence[Document],
    keys: Sequence[str],
    lexicon: Any,
    segmenter: str,
    version: str,
    scheduler: Any,
) -> list[Analysis]:
    """The analysis of each document, in order, computed on the Dask cluster.

    ``keys`` are the documents' cache keys (one per document); ``version`` the pipeline
    version the workers must also have. Raises :class:`DistributedError` when the
    scheduler cannot be reached, no worker is there, or a document cannot be analysed."""
    from distributed import as_completed
    from distributed.client import FutureCancelledError
    from distributed.scheduler import KilledWorker

    cluster = Cluster.of(scheduler)
    say = cluster.progress or (lambda _: None)
    if not documents:
        return []
    payload = pickle.dumps((lexicon, segmenter), protocol=pickle.HIGHEST_PROTOCOL)
    digest = hashlib.sha256(payload + version.encode()).hexdigest()[:16]
    plugin_name = PLUGIN_PREFIX + digest
    client, owned = _connect(cluster)
    started = time.perf_counter()
    futures: dict[str, Any] = {}
    try:
        _wait_for_workers(client, cluster)
        client.register_plugin(_PipelinePlugin(plugin_name, payload, version), name=plugin_name)
        by_key: dict[str, Document] = {}
        for doc, key in zip(documents, keys, strict=True):
            by_key.setdefault(TASK_PREFIX + key, doc)
        for key, doc in by_key.items():
            # pure: the key names the result, so a rerun of the same task is the same value
            futures[key] = client.submit(_analyse_task, plugin_name, doc, key=key, pure=True)
        workers = len(client.scheduler_info()["workers"])
        say(f"analysing {len(by_key):,} document(s) on the Dask cluster at {client.scheduler.address} "
            f"({workers} worker(s); curation {len(payload) / 1024:,.0f} KB sent once)")
        results: dict[str, Analysis] = {}
        pending = as_completed(list(futures.values()), with_results=True, raise_errors=False, loop=client.loop)
        last_said = last_checked = time.perf_counter()
        said_count = -1
        alone_since: float | None = None
        while len(results) < len(futures):
            batch = pending.next_batch(block=False)
            for future, value in batch:
                if future.status != "finished":
                    _raise_task_error(future, by_key, KilledWorker, FutureCancelledError)
                results[future.key] = value  # keyed: a task that ran twice lands once
            if results:
                kill_point("distributed.running")  # the kill test: some documents analysed, others not
            now = time.perf_counter()
            if not batch:
                if now - last_checked >= 1.0:
                    last_checked = now
                    alone_since = _check_workers(client, cluster, alone_since, now)
                time.sleep(0.05)
            # a line when the count moved, and a heartbeat while workers are still starting
            moved = len(results) != said_count
            if now - last_said >= (cluster.progress_every if moved else 5 * cluster.progress_every):
                last_said, said_count = now, len(results)
                say(_progress_line(len(results), len(futures), now - started, client))
        say(_progress_line(len(results), len(futures), time.perf_counter() - started, client, done=True))
        return [results[TASK_PREFIX + key] for key in keys]
    except (OSError, TimeoutError) as exc:
        raise DistributedError(f"lost the Dask scheduler at {cluster.address}: {exc}; nothing was written") from exc
    finally:
        for future in futures.values():
            future.release()
        # a long-running cluster would otherwise keep one pipeline per curation ever built
        with contextlib.suppress(Exception):
            client.unregister_worker_plugin(plugin_name)
        if owned:
            client.close()


def _raise_task_error(future: Any, by_key: dict[str, Document], killed: type, cancelled: type) -> None:
    error = future.exception() if future.status == "error" else None
    doc = by_key.get(future.key)
    where = f"{doc.source_path} ({doc.id})" if doc is not None else str(future.key)
    if isinstance(error, killed):
        raise DistributedError(
            f"analysing {where} killed Dask workers repeatedly ({error}); the document is "
            "too large for a worker's memory, or crashes the pipeline: nothing was written"
        )
    if isinstance(error, DistributedError):
        raise error
    if isinstance(error, cancelled) or future.status == "cancelled":
        raise DistributedError(f"the Dask task for {where} was cancelled (scheduler restarted?); nothing was written")
    if error is None:
        raise DistributedError(f"the Dask task for {where} ended as '{future.status}'; nothing was written")
    raise DistributedError(f"analysing {where} failed on a Dask worker: {type(error).__name__}: {error}") from (
        error if isinstance(error, BaseException) else None
    )


def _wait_for_workers(client: Any, cluster: Cluster) -> None:
    try:
        client.wait_for_workers(1, timeout=cluster.wait_for_workers)
    except TimeoutError as exc:
        raise DistributedError(
            f"no Dask worker joined the scheduler at {cluster.address} within {cluster.wait_for_workers:g} s "
            "(start one with `dask worker ADDRESS`); nothing was written"
        ) from exc


def _check_workers(client: Any, cluster: Cluster, alone_since: float | None, now: float) -> float | None:
    """Dask waits forever for a worker to run its tasks; a build should not."""
    if client.scheduler_info()["workers"]:
        return None
    if alone_since is None:
        return now
    if now - alone_since > cluster.wait_for_workers:
        raise DistributedError(
            f"every Dask worker left the scheduler at {cluster.address} and none came back within "
            f"{cluster.wait_for_workers:g} s; nothing was written"
        )
    return alone_since


def _progress_line(finished: int, total: int, seconds: float, client: Any, *, done: bool = False) -> str:
    rate = finished / seconds if seconds > 0 else 0.0
    workers = len(client.scheduler_info()["workers"])
    head = "analysed" if done else "analysing:"
    return f"{head} {finished:,}/{total:,} document(s) in {seconds:.1f} s ({rate:.1f}/s, {workers} worker(s))"
