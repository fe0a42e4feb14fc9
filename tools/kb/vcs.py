"""Which entry files changed since a git reference (for `kb validate --changed`)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from .diagnostics import KbError


def _git(*args: str) -> list[str]:
    try:
        done = subprocess.run(["git", *args], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise KbError("git is not installed; --changed needs it. Run kb validate without --changed.") from None
    if done.returncode != 0:
        raise KbError(f"git {' '.join(args)} failed: {done.stderr.strip() or 'not a git repository?'}")
    return [line for line in done.stdout.splitlines() if line]


def changed_entry_files(entries_dir: Path, base: str) -> list[Path]:
    """Entry files added or modified since `base` (committed, staged or not), and untracked ones."""
    where = str(entries_dir)
    changed = _git("diff", "--name-only", "--diff-filter=ACMR", base, "--", where)
    untracked = _git("ls-files", "--others", "--exclude-standard", "--", where)
    top = Path(_git("rev-parse", "--show-toplevel")[0])
    paths = {(top / p).resolve() for p in changed + untracked if p.endswith((".yaml", ".yml"))}
    return sorted(p for p in paths if p.exists())
