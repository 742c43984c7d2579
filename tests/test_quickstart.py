"""The README's quick start on a fresh clone: `make run` sets up its own venv and builds."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_make_run_on_a_fresh_clone(tmp_path: Path) -> None:
    if shutil.which("git") is None or shutil.which("make") is None or not (ROOT / ".git").exists():
        pytest.skip("needs git, make and a git checkout")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHONPATH", "TX_GRAPH"))}
    result = subprocess.run(["make", "run"], cwd=clone, env=env, capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "documents: 11" in result.stdout
    for name in ("tx_graph.trig", "tx_graph.ttl", "tx_graph.jsonld", "store"):
        assert (clone / "exports" / name).exists(), name
    query = subprocess.run(
        [str(clone / ".venv" / "bin" / "tx-graph"), "query", "towns-of-tongxiang", "--format", "csv"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert len(query.stdout.strip().splitlines()) == 12
