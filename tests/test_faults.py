"""Faults: a build killed at any point, two builds at once, a read-only or full disk. The last good
site must stay usable and every failure must be a clear message, never a traceback."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, entry_text

pytestmark = pytest.mark.slow
COPIED = ["mkdocs.yml", "docs", "tools", "CONTRIBUTING.md", "schema"]


def make_repo(root: Path, n: int = 6) -> Path:
    from kb.site import GENERATED

    root.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, root / name, ignore=shutil.ignore_patterns("__pycache__", *GENERATED))
        else:
            shutil.copy(src, root / name)
    (root / "entries").mkdir()
    for i in range(n):
        (root / "entries" / f"entry-{i:03d}.yaml").write_text(entry_text(f"entry-{i:03d}", f"Entry number {i}"))
    return root


def kb(root: Path, *args: str, **kw) -> subprocess.Popen:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return subprocess.Popen([sys.executable, "-m", "kb", *args], cwd=root, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, **kw)


def run_kb(root: Path, *args: str) -> subprocess.CompletedProcess:
    proc = kb(root, *args)
    out, err = proc.communicate(timeout=300)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def site_is_complete(site: Path, ids: list[str]) -> bool:
    return ((site / "index.html").is_file() and (site / "search" / "docs.js").is_file()
            and all((site / "entries" / f"{i}.html").is_file() for i in ids))


def test_build_killed_at_any_point_keeps_the_last_good_site(tmp_path):
    root = make_repo(tmp_path / "repo")
    assert run_kb(root, "build").returncode == 0
    ids = [p.stem for p in (root / "entries").glob("*.yaml")]
    (root / "entries" / "entry-000.yaml").write_text(entry_text("entry-000", "A changed title"))
    start = time.monotonic()
    done = run_kb(root, "build")
    duration = time.monotonic() - start
    assert done.returncode == 0
    (root / "entries" / "entry-001.yaml").write_text(entry_text("entry-001", "Changed again"))
    kills = 0
    for fraction in (0.05, 0.15, 0.3, 0.45, 0.6, 0.75, 0.85, 0.95):
        proc = kb(root, "build")
        time.sleep(duration * fraction)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.communicate()
        assert site_is_complete(root / "site", ids), f"killed at {fraction:.0%}"
    assert kills >= 4
    assert run_kb(root, "build").returncode == 0
    assert site_is_complete(root / "site", ids)
    assert "Changed again" in (root / "site" / "entries" / "entry-001.html").read_text()
    assert not list(root.glob(".site.*")), "leftover temporary folders"


def test_two_builds_at_once(tmp_path):
    root = make_repo(tmp_path / "repo")
    first, second = kb(root, "build"), kb(root, "build")
    results = [first.communicate(timeout=300), second.communicate(timeout=300)]
    assert (first.returncode, second.returncode) == (0, 0), results
    assert site_is_complete(root / "site", [p.stem for p in (root / "entries").glob("*.yaml")])


def test_failed_build_leaves_the_previous_site(tmp_path):
    root = make_repo(tmp_path / "repo")
    assert run_kb(root, "build").returncode == 0
    before = (root / "site" / "entries" / "entry-002.html").read_text()
    (root / "entries" / "entry-002.yaml").write_text(entry_text("entry-002", "Broken", themes="[nope]"))
    done = run_kb(root, "build")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "entries/entry-002.yaml:14:10: KB301" in done.stderr
    assert (root / "site" / "entries" / "entry-002.html").read_text() == before


@pytest.fixture
def tmpfs(tmp_path):
    """A small filesystem of its own (root only: CI runs as root), so disks can fill or turn read-only."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("needs root to mount a tmpfs; CI runs as root")
    mount = tmp_path / "fs"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", str(mount)], check=True)
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_read_only_folder_gives_a_clear_message(tmpfs):
    root = make_repo(tmpfs / "repo")
    assert run_kb(root, "build").returncode == 0
    before = (root / "site" / "index.html").read_bytes()
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    done = run_kb(root, "build")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "read-only" in done.stderr
    assert (root / "site" / "index.html").read_bytes() == before


def test_full_disk_gives_a_clear_message(tmpfs):
    root = make_repo(tmpfs / "repo")
    assert run_kb(root, "build").returncode == 0
    before = (root / "site" / "index.html").read_bytes()
    (root / "entries" / "entry-003.yaml").write_text(entry_text("entry-003", "Changed"))
    free = shutil.disk_usage(tmpfs).free
    with open(tmpfs / "filler", "wb") as filler:
        filler.write(b"\0" * max(free - 200_000, 0))
    done = run_kb(root, "build")
    assert done.returncode == 1, done.stdout
    assert "Traceback" not in done.stderr
    assert "the disk is full" in done.stderr
    assert (root / "site" / "index.html").read_bytes() == before
    (tmpfs / "filler").unlink()
    assert run_kb(root, "build").returncode == 0
