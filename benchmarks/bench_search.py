"""Benchmark of the search index: prints figures, is not a test.

    python benchmarks/bench_search.py [--sizes 1000 10000] [--keep DIR]

For each size it writes a synthetic knowledge base (copies of the real entries with new ids, whose
texts are re-assembled from sentences of all the real entries, with some words swapped, so no two
entries are near-duplicates) and measures:

- full index: `kb index --rebuild` (reading, checking and indexing every file);
- one changed entry reindexed (incremental update), and the freshness check when nothing changed;
- query latency, p50 and p95, for a fixed set of queries on an open index (`SearchIndex.search`,
  with facets and snippets), and once per query through `kb.search.search()` as the CLI calls it
  (opening the index and checking freshness each time);
- the baseline: a linear scan of the entries' text (already in memory, lower-cased) for the same
  words, which is what searching without an index costs at best;
- the duplicate check (KB505) over all entries and `kb similar` for one entry.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))

import importlib  # noqa: E402

from kb import loading, similarity, yamlread  # noqa: E402

search = importlib.import_module("kb.searchindex")

QUERIES = [
    "cluster munition remnants", "victim assistance", "CMR survey", "demilitarization", "programme funding",
    "NSPA trust fund", "stockpile destruction", "national ownership", "Lao PDR", "risk education",
    "explosive remnants of war", "donor coordination", "information management IMSMA", "capacity building training",
    "country coalition", "Norway", "mobilisation of resources", "Article 7 reporting", "\"trust fund\"",
    "clearance OR survey", "disability rights", "completion residual contamination", "demin*", "Cambodia Colombia",
]
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.split(" ".join(text.split())) if len(s) > 20]


def make_corpus(root: Path, size: int, seed: int = 11) -> Path:
    """`size` entries in root/entries: the real ones, then copies whose texts mix sentences of all."""
    rng = random.Random(seed)
    entries = root / "entries"
    if entries.exists():
        shutil.rmtree(entries)
    entries.mkdir(parents=True)
    originals = sorted((REPO / "entries").glob("*.yaml"))
    datas = [d for d in (yamlread.read(p).data for p in originals) if isinstance(d, dict) and d.get("id")]
    pool = [s for d in datas for f in ("summary", "context", "practice", "results")
            for s in _sentences(str(d.get(f) or ""))]
    words = sorted({w for s in pool for w in re.findall(r"\b[a-z]{5,}\b", s)})
    for path in originals:
        shutil.copy(path, entries / path.name)

    # New sentences from a word-bigram model of the real entries, so no two entries share whole
    # sentences (real ones do not); and since real texts bring their own names, places and figures,
    # about one word in eight is swapped for one of 50,000 made-up words drawn by Zipf's law.
    follows: dict[str, list[str]] = {}
    for sentence in pool:
        tokens = ["<s>", *sentence.split(), "</s>"]
        for a, b in zip(tokens, tokens[1:]):
            follows.setdefault(a, []).append(b)
    syllables = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
    made_up = [rng.choice(syllables) + rng.choice(syllables) + rng.choice(syllables) + rng.choice("nrslt")
               for _ in range(50_000)]
    zipf = list(itertools.accumulate(1 / (rank + 1) ** 1.05 for rank in range(len(made_up))))

    def sentence() -> str:
        out, word = [], "<s>"
        while len(out) < 40:
            word = rng.choice(follows[word])
            if word == "</s>":
                break
            out.append(rng.choices(made_up, cum_weights=zipf)[0] if rng.random() < 0.125 else word)
        text = " ".join(out)
        return text if text.endswith(".") else text + "."

    def varied(k: int) -> str:
        return " ".join(sentence() for _ in range(k))

    for n in range(size - len(originals)):
        data = json.loads(json.dumps(datas[n % len(datas)]))
        data["id"] = f"synthetic-{n:05d}-{data['id'][:50]}"
        data["title"] = " ".join(rng.sample(words, 5)).capitalize() + f" {n}"
        data["summary"] = varied(2)[:780]
        for name in ("context", "practice", "results"):
            data[name] = varied(3)
        data["lessons"] = [{"text": varied(1), "basis": "entry"} for _ in range(2)]
        data.pop("recommendations", None)
        data["related"] = []
        data.pop("superseded_by", None)
        # JSON is YAML: the strict reader takes it as it is
        (entries / f"{data['id']}.yaml").write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    return entries


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def scan_baseline(texts: list[str], q: str) -> int:
    words = [w.lower() for w in re.findall(r"\w+", q) if w not in ("OR", "AND", "NOT")]
    return sum(1 for t in texts if all(w in t for w in words))


def run(size: int, workdir: Path) -> None:
    print(f"\n== {size:,} entries")
    t = time.perf_counter()
    entries = make_corpus(workdir, size)
    print(f"wrote synthetic entries in {time.perf_counter() - t:.1f} s")
    index_dir = workdir / "index"

    t = time.perf_counter()
    report = search.update_index(entries, index_dir, rebuild=True)
    full = time.perf_counter() - t
    size_mb = sum(f.stat().st_size for f in index_dir.rglob("*") if f.is_file()) / 1e6
    print(f"full index:                 {full:.1f} s ({report.indexed} entries, {len(report.skipped)} skipped, "
          f"{size_mb:.1f} MB)")

    t = time.perf_counter()
    search.update_index(entries, index_dir)
    print(f"update, nothing changed:    {ms(time.perf_counter() - t)}")
    t = time.perf_counter()
    status = search.index_status(entries, index_dir)
    print(f"freshness check:            {ms(time.perf_counter() - t)} (stale: {status.stale})")

    changed = sorted(entries.glob("synthetic-*.yaml"))[size // 2]
    timings = []
    for round_ in range(3):
        data = json.loads(changed.read_text(encoding="utf-8"))
        data["summary"] = f"Edited {round_}: " + data["summary"]
        changed.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
        t = time.perf_counter()
        report = search.update_index(entries, index_dir)
        timings.append(time.perf_counter() - t)
        assert report.updated == [changed.name], report
    print(f"one changed entry:          {ms(statistics.median(timings))} (median of 3)")

    requests = [search.make_request(q) for q in QUERIES]
    with search.SearchIndex(index_dir) as ix:
        for r in requests:  # warm up caches (facet sets, stems)
            ix.search(r)
        latencies, totals = [], {}
        for _ in range(5):
            for q, r in zip(QUERIES, requests):
                t = time.perf_counter()
                totals[q] = ix.search(r)["total"]
                latencies.append(time.perf_counter() - t)
    print(f"query, open index:          p50 {ms(percentile(latencies, 50))}, p95 {ms(percentile(latencies, 95))}"
          f", max {ms(max(latencies))} ({len(latencies)} queries, median hits "
          f"{statistics.median(totals.values()):.0f})")
    cold = []
    for q in QUERIES:
        t = time.perf_counter()
        search.search(q, entries_dir=entries, index_dir=index_dir)
        cold.append(time.perf_counter() - t)
    print(f"query via search():         p50 {ms(percentile(cold, 50))}, p95 {ms(percentile(cold, 95))} "
          "(opens the index and checks freshness each time)")

    corpus_texts = []
    for path in sorted(entries.glob("*.yaml")):
        data = yamlread.read(path).data
        corpus_texts.append(" ".join(str(data.get(f, "")) for f in ("title", "summary", "context", "practice",
                                                                     "results", "lessons", "recommendations")).lower())
    scan = []
    for _ in range(5):
        for q in QUERIES:
            t = time.perf_counter()
            scan_baseline(corpus_texts, q)
            scan.append(time.perf_counter() - t)
    print(f"baseline linear scan:       p50 {ms(percentile(scan, 50))}, p95 {ms(percentile(scan, 95))} "
          "(substring test over texts in memory; no ranking, stemming, synonyms or facets)")

    files, _ = loading.discover(entries)
    docs = loading.read_docs(files)
    t = time.perf_counter()
    warnings = list(similarity.duplicate_diagnostics(docs))
    print(f"duplicate check (KB505):    {time.perf_counter() - t:.2f} s ({len(warnings)} warnings)")
    t = time.perf_counter()
    texts = {d.data["id"]: similarity.data_text(d.data) for d in docs}
    model = similarity.TfIdf(texts)
    model.most_similar(next(iter(texts)), 5)
    print(f"kb similar (one entry):     {time.perf_counter() - t:.2f} s (model over all entries + ranking)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--keep", type=Path, help="Write the synthetic knowledge bases here and keep them.")
    args = parser.parse_args()
    for size in args.sizes:
        if args.keep:
            run(size, args.keep / str(size))
        else:
            with tempfile.TemporaryDirectory() as tmp:
                run(size, Path(tmp))


if __name__ == "__main__":
    main()
