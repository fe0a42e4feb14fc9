"""One benchmark for every figure, each next to a baseline measured in the same run.

    python benchmarks/run.py                 # 1,000, 5,000 and 10,000 entries
    python benchmarks/run.py --sizes 1000    # chosen sizes
    python benchmarks/run.py --quick         # a small run (CI runs it so the script cannot rot)

Writes the table as Markdown and JSON under benchmarks/results/ (ignored by git) and prints it.
Each command runs in a child process of its own, so its peak memory is measured alone; times are
of the work itself, not of starting Python. The machines are shared and noisy: read the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import synthetic  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
QUERIES = ["clearance", "victim assistance", "stockpile destruction", "trust fund", "Lao", "Norway",
           "country coalition", "reporting", "survey", "demilitarization", "CMR", "training deminers"]
SEARCH_WORD = "clearance"


# ---- child tasks: each prints one JSON line -------------------------------------------------------

def task_validate(root: Path) -> dict:
    from kb.loading import load_corpus

    start = time.perf_counter()
    corpus = load_corpus(root / "entries")
    return {"seconds": time.perf_counter() - start, "entries": len(corpus.entries), "errors": len(corpus.errors)}


def task_parse(root: Path, pure: bool) -> dict:
    from kb.yamlread import baseline_parse

    files = sorted((root / "entries").glob("*.yaml"))
    start = time.perf_counter()
    for f in files:
        baseline_parse(f.read_text(encoding="utf-8"), pure_python=pure)
    return {"seconds": time.perf_counter() - start}


def task_build(root: Path) -> dict:
    from kb import building

    start = time.perf_counter()
    building.build(root)
    return {"seconds": time.perf_counter() - start}


def task_mkdocs_default(root: Path) -> dict:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    start = time.perf_counter()
    os.chdir(root)
    build(load_config(config_file=str(root / "mkdocs.yml")))
    return {"seconds": time.perf_counter() - start}


def task_index(root: Path) -> dict:
    from kb import searchindex as search
    from kb.loading import load_corpus

    index_dir = root / ".kb" / "index"
    corpus = load_corpus(root / "entries")
    start = time.perf_counter()
    search.build_index(corpus.entries, index_dir, rebuild=True)
    full = time.perf_counter() - start
    # one entry changes: its summary gets a new sentence
    path = sorted((root / "entries").glob("*.yaml"))[len(corpus.entries) // 2]
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^summary: >-\n", "summary: >-\n  Changed for the benchmark.\n", text, count=1,
                           flags=re.M), encoding="utf-8")
    corpus = load_corpus(root / "entries")
    start = time.perf_counter()
    search.build_index(corpus.entries, index_dir)
    one = time.perf_counter() - start
    path.write_text(text, encoding="utf-8")
    return {"full": full, "one_changed": one}


def task_search(root: Path) -> dict:
    from kb import searchindex as search
    from kb.loading import load_corpus
    from kb.similarity import similarity_normaliser

    corpus = load_corpus(root / "entries")
    index_dir = root / ".kb" / "index"
    search.update_index(root / "entries", index_dir)
    opened, once = [], []
    with search.SearchIndex(search.resolve_index_dir(index_dir)) as ix:  # as a program using kb.search would
        for _ in range(5):
            for q in QUERIES:
                start = time.perf_counter()
                ix.search(search.make_request(q, limit=10))
                opened.append(time.perf_counter() - start)
    for q in QUERIES:  # as `kb search` runs: open the index and check it is fresh, every time
        start = time.perf_counter()
        search.search(q, entries_dir=root / "entries", index_dir=index_dir, limit=10)
        once.append(time.perf_counter() - start)
    texts = [" ".join(e.text_fields().values()) for e in corpus.entries]
    lowered = [t.lower() for t in texts]
    naive = []
    for _ in range(5):
        for q in QUERIES:
            words = q.lower().split()
            start = time.perf_counter()
            hits = [i for i, t in enumerate(lowered) if all(w in t for w in words)]
            hits.sort(key=lambda i: -sum(lowered[i].count(w) for w in words))
            naive.append(time.perf_counter() - start)
    norm = similarity_normaliser()
    fair = []
    for q in QUERIES[:4]:  # the same words found the way the index finds them: folded, spelled one way, stemmed
        terms = [t for t in norm.bag(q)]
        start = time.perf_counter()
        bags = (norm.bag(t) for t in texts)
        hits = [(sum(b[t] for t in terms), i) for i, b in enumerate(bags) if all(t in b for t in terms)]
        hits.sort(reverse=True)
        fair.append(time.perf_counter() - start)
    return {"p50": _pct(opened, 50), "p95": _pct(opened, 95), "once_p50": _pct(once, 50),
            "once_p95": _pct(once, 95), "scan_p50": _pct(naive, 50), "scan_p95": _pct(naive, 95),
            "fair_p50": _pct(fair, 50)}


def _pct(values: list[float], p: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


TASKS = {"validate": task_validate, "parse-c": lambda r: task_parse(r, False), "parse-py": lambda r: task_parse(r, True),
         "build": task_build, "mkdocs-default": task_mkdocs_default, "index": task_index, "search": task_search}


# ---- the parent: runs children, measures memory, drives Chromium --------------------------------

def site_size(site: Path) -> tuple[int, float]:
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    pages = list((site / "entries").glob("*.html"))
    per_page = sum(p.stat().st_size for p in pages) / max(len(pages), 1)
    return total, per_page


def make_baseline(root: Path, base: Path) -> Path:
    """The same generated pages, built with mkdocs-material's defaults: every page in the navigation,
    its own search (lunr, made to work offline with the offline plugin and a vendored shim)."""
    if base.exists():
        shutil.rmtree(base)
    shutil.copytree(root / "docs", base / "docs")
    shutil.copy(HERE / "vendor" / "iframe-worker-shim.js", base / "docs" / "assets" / "iframe-worker-shim.js")
    (base / "mkdocs.yml").write_text(
        "site_name: Baseline\nuse_directory_urls: false\ntheme:\n  name: material\n  font: false\n"
        "plugins:\n  - search\n  - offline\nextra:\n  polyfills:\n    - assets/iframe-worker-shim.js\n",
        encoding="utf-8")
    return base


OBSERVE = """
new MutationObserver((_, obs) => {
  if (document.querySelector('.kb-result, .md-search-result__item')) {
    window.__firstResult = performance.now(); obs.disconnect();
  }
}).observe(document, {childList: true, subtree: true});
"""


def first_results(url: str, kind: str, runs: int = 3) -> float:
    """Seconds from navigation start until the first result shows, typing as soon as the page has
    loaded (median of `runs` fresh page loads)."""
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--disable-background-networking", "--no-first-run"])
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.add_init_script(OBSERVE)
            page.goto(url)
            if kind == "kb":
                page.fill("#kb-q", SEARCH_WORD)
                page.wait_for_selector(".kb-result", timeout=120_000)
            else:
                page.fill(".md-search__input", SEARCH_WORD)
                page.wait_for_selector(".md-search-result__item", timeout=120_000)
            page.wait_for_function("window.__firstResult !== undefined")
            times.append(page.evaluate("window.__firstResult") / 1000)
            page.close()
        browser.close()
    return sorted(times)[len(times) // 2]


def run_child(task: str, root: Path) -> tuple[dict, float]:
    """Run a task in a child process and return (its result, its peak resident memory in MiB)."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONWARNINGS="ignore")
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen([sys.executable, __file__, "--task", task, "--root", str(root)], stdout=out,
                                stderr=err, text=True, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise SystemExit(f"benchmark task {task} failed:\n{err.read()[-3000:]}")
        return json.loads(out.read().strip().splitlines()[-1]), usage.ru_maxrss / 1024


def measure(size: int, work: Path, baseline_max: int, browser: bool) -> dict:
    root = synthetic.make_repo(work / f"kb-{size}", size)
    r: dict = {"size": size}
    r["validate"], r["validate_mib"] = run_child("validate", root)
    r["parse_c"], _ = run_child("parse-c", root)
    r["parse_py"], _ = run_child("parse-py", root)
    r["build"], r["build_mib"] = run_child("build", root)
    r["site_bytes"], r["page_bytes"] = site_size(root / "site")
    try:
        r["index"], r["index_mib"] = run_child("index", root)
        r["search"], r["search_mib"] = run_child("search", root)
    except SystemExit as exc:
        r["index_error"] = str(exc)[:300]
    if browser and Path(CHROMIUM).exists():
        r["first_results"] = first_results((root / "site" / "search.html").as_uri(), "kb")
    if size <= baseline_max:
        base = make_baseline(root, work / f"baseline-{size}")
        r["baseline_build"], r["baseline_mib"] = run_child("mkdocs-default", base)
        r["baseline_site_bytes"], r["baseline_page_bytes"] = site_size(base / "site")
        if browser and Path(CHROMIUM).exists():
            r["baseline_first_results"] = first_results((base / "site" / "index.html").as_uri(), "material")
    shutil.rmtree(root, ignore_errors=True)
    return r


def _s(x) -> str:
    return "–" if x is None else f"{x:.3f} s" if x < 10 else f"{x:.1f} s"


def _mb(x) -> str:
    return "–" if x is None else f"{x / 1e6:.1f} MB"


def _kb(x) -> str:
    return "–" if x is None else f"{x / 1e3:.1f} kB"


def table(results: list[dict]) -> str:
    head = "| figure | " + " | ".join(f"{r['size']:,} entries" for r in results) + " |"
    rows = [head, "|---" * (len(results) + 1) + "|"]

    def row(name, fmt):
        rows.append(f"| {name} | " + " | ".join(fmt(r) for r in results) + " |")

    get = lambda r, *keys: _dig(r, keys)  # noqa: E731
    row("`kb validate`", lambda r: _s(get(r, "validate", "seconds")))
    row("baseline: PyYAML C loader, parse only", lambda r: _s(get(r, "parse_c", "seconds")))
    row("baseline: PyYAML pure-Python loader, parse only", lambda r: _s(get(r, "parse_py", "seconds")))
    row("`kb build` (validate, index, pages, MkDocs)", lambda r: _s(get(r, "build", "seconds")))
    row("baseline: `mkdocs build`, material defaults, every page in nav", lambda r: _s(get(r, "baseline_build", "seconds")))
    row("site size", lambda r: _mb(r.get("site_bytes")))
    row("baseline: site size", lambda r: _mb(r.get("baseline_site_bytes")))
    row("bytes per entry page", lambda r: _kb(r.get("page_bytes")))
    row("baseline: bytes per entry page", lambda r: _kb(r.get("baseline_page_bytes")))
    row(f"offline first search results ('{SEARCH_WORD}'), Chromium, file://", lambda r: _s(r.get("first_results")))
    row("baseline: mkdocs-material search, same pages", lambda r: _s(r.get("baseline_first_results")))
    row("`kb index` full", lambda r: _s(get(r, "index", "full")))
    row("`kb index` one changed entry (baseline: the full rebuild above)", lambda r: _s(get(r, "index", "one_changed")))
    row("`kb.search` query on an open index, p50 / p95", lambda r: _ms(get(r, "search", "p50")) + " / "
        + _ms(get(r, "search", "p95")))
    row("`kb search` one-shot (opens the index, checks it is fresh), p50 / p95",
        lambda r: _ms(get(r, "search", "once_p50")) + " / " + _ms(get(r, "search", "once_p95")))
    row("baseline: linear scan, same word matching (fold, spelling, stem), p50",
        lambda r: _ms(get(r, "search", "fair_p50")))
    row("baseline: naive substring scan (no ranking, stemming or synonyms), p50 / p95",
        lambda r: _ms(get(r, "search", "scan_p50")) + " / " + _ms(get(r, "search", "scan_p95")))
    row("peak memory: validate / build / index / search", lambda r: " / ".join(
        "–" if r.get(k) is None else f"{r[k]:.0f} MiB" for k in ("validate_mib", "build_mib", "index_mib", "search_mib")))
    row("peak memory: baseline mkdocs build", lambda r: "–" if r.get("baseline_mib") is None else f"{r['baseline_mib']:.0f} MiB")
    return "\n".join(rows) + "\n"


def _ms(x) -> str:
    return "–" if x is None else f"{x * 1000:.1f} ms"


def _dig(r: dict, keys) -> float | None:
    for k in keys:
        if not isinstance(r, dict) or k not in r:
            return None
        r = r[k]
    return r


def machine() -> str:
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


PERFORMANCE_PAGE = """# Performance

How fast the knowledge base's tools and site are, measured by `python benchmarks/run.py` on
synthetic knowledge bases made from the real entries (copies with new ids and varied text). Each
figure stands next to a baseline measured in the same run: these machines are shared and noisy, so
compare ratios rather than absolute times.

{table}
**Baselines.** `kb validate` against plainly parsing the same files with PyYAML; `kb build` against
a plain `mkdocs build` of the same generated pages with mkdocs-material's defaults (every page in the
navigation, its lunr search made to work offline); the site's search against that lunr search, both
from `file://` in headless Chromium; an incremental `kb index` against a full rebuild; `kb search`
against a linear scan of the entries' text. The mkdocs-material baseline is only built up to 1,000
entries by default: with every page in the navigation its size grows with the square of the number
of pages (`--baseline-max` raises the limit).

**How to run it:** `python benchmarks/run.py` (sizes 1,000, 5,000 and 10,000; about half an hour on
two cores), `--sizes 1000,5000`, or `--quick` for a small run. Results are written to
`benchmarks/results/`; a full run also rewrites this page.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")], default=[1000, 5000, 10000])
    parser.add_argument("--quick", action="store_true", help="a small run: 100 entries, baselines included")
    parser.add_argument("--baseline-max", type=int, default=1000,
                        help="largest size for the mkdocs-material baseline (it grows with the square of the size)")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--task", help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.task:
        print(json.dumps(TASKS[args.task](args.root)))
        return
    sizes = [100] if args.quick else args.sizes
    work = Path(tempfile.mkdtemp(prefix="kb-bench-"))
    try:
        results = [measure(n, work, args.baseline_max, not args.no_browser) for n in sizes]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out_dir = HERE / "results"
    out_dir.mkdir(exist_ok=True)
    stamp = time.strftime("%Y-%m-%d")
    text = f"Machine: {machine()}. Date: {stamp}.\n\n" + table(results)
    (out_dir / "latest.md").write_text(text, encoding="utf-8")
    (out_dir / "latest.json").write_text(json.dumps({"machine": machine(), "date": stamp, "results": results},
                                                    indent=1), encoding="utf-8")
    print(text)
    print(f"Written to {out_dir / 'latest.md'} and latest.json.")
    if not args.quick:
        (HERE.parent / "docs" / "performance.md").write_text(PERFORMANCE_PAGE.format(table=text), encoding="utf-8")
        print("Updated docs/performance.md.")


if __name__ == "__main__":
    main()
