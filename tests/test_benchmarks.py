"""The benchmark script runs (a quick run), so it cannot rot; its figures are not asserted."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import REPO

pytestmark = pytest.mark.slow


def test_quick_benchmark_runs_and_fills_the_table():
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "run.py"), "--quick"], capture_output=True,
                          text=True, timeout=900, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((REPO / "benchmarks" / "results" / "latest.json").read_text())["results"]
    (r,) = results
    assert r["size"] == 100
    for key in ("validate", "parse_c", "parse_py", "build", "baseline_build", "index", "search"):
        assert key in r, key
    assert r["first_results"] > 0 and r["baseline_first_results"] > 0
    assert "| `kb validate` |" in done.stdout
