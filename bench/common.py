"""What every benchmark shares: the machine description, medians, isolated project
roots, child processes measured for time and peak memory, and the results folder."""

from __future__ import annotations

import importlib.metadata as md
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
CACHE = ROOT / ".cache" / "bench"  # gitignored: big synthetic stores live here between steps
PYTHON = sys.executable


def machine() -> dict[str, Any]:
    """Enough to judge a number: CPU, cores, memory, OS and the versions that matter."""
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    versions = {}
    for pkg in ("tx-graph", "pyoxigraph", "oxigraph", "rdflib", "jieba", "rjieba", "pyahocorasick", "spacy",
                "SPARQLWrapper"):
        try:
            versions[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            versions[pkg] = "absent"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": mem_gb,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "versions": versions,
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }


def code_fingerprint() -> dict[str, str]:
    """Which tx_graph code a result measured: where it was imported from and a hash of
    its sources (others edit the code while a long benchmark runs)."""
    import hashlib
    import importlib.util

    spec = importlib.util.find_spec("tx_graph")
    if spec is None or spec.origin is None:
        return {"location": "absent", "sha256": ""}
    package = Path(spec.origin).parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return {"location": str(package), "sha256": digest.hexdigest()[:12]}


def load_average() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def timed_runs(fn: Callable[[], Any], runs: int, warmup: int = 0) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def write_result(name: str, data: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def read_result(name: str) -> dict[str, Any] | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


@contextmanager
def project_copy(curation: Path | None = None, corpus: Path | None = None) -> Iterator[Path]:
    """A throw-away project root: its own curation copy, .cache and exports, sharing the
    real corpus and ontology by symlink. Nothing a benchmark does can warm or disturb the
    real project's caches or exports, and every build in it starts cold."""
    tmp = Path(tempfile.mkdtemp(prefix="tx-bench-"))
    try:
        shutil.copy2(ROOT / "pyproject.toml", tmp / "pyproject.toml")
        shutil.copytree(curation or ROOT / "curation", tmp / "curation")
        (tmp / "corpus").symlink_to(corpus or ROOT / "corpus")
        (tmp / "ontology").symlink_to(ROOT / "ontology")
        if (ROOT / "queries").is_dir():
            (tmp / "queries").symlink_to(ROOT / "queries")
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@dataclass(frozen=True)
class ChildRun:
    seconds: float
    peak_rss_mb: float
    returncode: int
    stdout: str
    stderr: str
    killed: str | None = None  # why the child was stopped early (timeout, memory cap)
    rss_samples: tuple[tuple[float, float], ...] = ()  # (seconds since start, MB)
    # user + system CPU seconds of the child and the children it waited for (its NLP
    # workers): what a run costs whatever else loads the machine
    cpu_seconds: float = 0.0


def _descendants(pid: int) -> list[int]:
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                queue += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return found


def _rss_mb(pid: int) -> float:
    """Memory of the process and every process it started (the build forks NLP workers).
    Proportional set size, so pages forked children share with their parent count once."""
    total = 0.0
    for member in _descendants(pid):
        try:
            for line in Path(f"/proc/{member}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) / 1024
                    break
        except (OSError, ValueError):
            continue
    return total


def run_child(cmd: Sequence[str], *, cwd: Path = ROOT, env: dict[str, str] | None = None,
              timeout: float | None = None, max_rss_mb: float | None = None) -> ChildRun:
    """Run a command; wall time and peak memory: the larger of the child's own peak resident
    memory (from wait4) and the sampled memory of the child with its own children.

    With ``max_rss_mb`` the child is killed once its resident memory passes the cap, so a
    run that would exhaust the machine (and hurt whatever else runs on it) stops early."""
    start = time.perf_counter()
    samples: list[tuple[float, float]] = []
    killed = None
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        # own process group, so that stopping it also stops the workers it forked
        process = subprocess.Popen(list(cmd), cwd=cwd, env=env, stdout=out, stderr=err, text=True,
                                   start_new_session=True)
        deadline = None if timeout is None else time.monotonic() + timeout
        last_sample = 0.0
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            now = time.perf_counter() - start
            if now - last_sample >= (0.5 if max_rss_mb is not None else 1.0):
                rss = _rss_mb(process.pid)
                samples.append((round(now, 1), round(rss, 1)))
                last_sample = now
                if max_rss_mb is not None and rss > max_rss_mb:
                    killed = f"resident memory passed the {max_rss_mb / 1024:.1f} GB cap after {now:.0f} s"
            if deadline is not None and time.monotonic() > deadline:
                killed = f"timeout after {timeout:.0f} s"
            if killed:
                os.killpg(process.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        peak = max([usage.ru_maxrss / 1024, *(mb for _, mb in samples)])
        return ChildRun(seconds, peak, process.returncode, out.read(), err.read(),
                        killed, tuple(samples), usage.ru_utime + usage.ru_stime)


def self_peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def tx_graph_cmd(*args: str) -> list[str]:
    return [PYTHON, "-m", "tx_graph.cli", *args]


def rerun_command(module: str, argv: Sequence[str] | None = None) -> str:
    """The command line that produced a result, as someone would type it."""
    args = list(sys.argv[1:] if argv is None else argv)
    return " ".join([f".venv/bin/python -m bench.{module}", *args]).strip()
