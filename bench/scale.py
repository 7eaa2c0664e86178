"""Scale run (`python -m bench.scale`, part of `make bench`): a seeded synthetic corpus of arXiv-style abstracts
ingested serially and on a local Dask cluster, at each size (default 10,000 and 100,000 abstracts).

Each ingest is a real `kg ingest --no-index --json` process on a fresh on-disk store, so its wall time, its peak
memory (from wait4) and the store it leaves are what a user gets. Then, on the loaded store: triples, size on
disk, and the p50 of SPARQL queries run in process. Printed per size, with the growth from the smallest size.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pyoxigraph import QueryResultsFormat

from bench.synthetic import write_synthetic_corpus
from kg.sparql import PROLOGUE
from kg.store import OxigraphStore

ABSTRACTS_PER_FILE = 10_000  # as a large dump comes in parts; each file is one named graph
QUERIES = {
    "point look-up": "SELECT ?p ?o WHERE { <https://claimgraph.dev/id/paper/arxiv-2400.00042> ?p ?o }",
    "claims about one system (3-pattern join)": "SELECT ?claim ?value ?unit WHERE { ?claim cg:subject ?s . "
        "?s rdfs:label \"NimbusLM15\" . ?claim cg:value ?value . OPTIONAL { ?claim cg:unit ?unit } } LIMIT 1000",
    "count of claims above 10 (join + FILTER)": "SELECT (COUNT(*) AS ?n) WHERE { ?claim cg:value ?value . "
        "?claim cg:subject ?s FILTER(?value > 10) }",
}
MODES = {
    "serial": [],
    "parallel (Dask, 2 processes, transactional load)": ["--workers", "2"],
    "parallel (Dask, 2 processes, bulk loader)": ["--workers", "2", "--bulk"],
}


def _ingest(files: list[Path], store: Path, options: list[str]) -> dict:
    command = [str(Path(sys.executable).parent / "kg"), "ingest", *map(str, files), "--store", str(store),
               "--no-index", "--json", *options]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    output = process.stdout.read()  # type: ignore[union-attr]
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"`{' '.join(command)}` failed with exit status {os.waitstatus_to_exitcode(status)}")
    summary = json.loads(output)
    return {"seconds": seconds, "peak_rss_gib": usage.ru_maxrss / 2**20,
            "documents": sum(f["documents"] for f in summary["files"]),
            "triples": sum(f["triples"] for f in summary["files"])}


def _size_gib(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**30


def _query_p50(store: OxigraphStore, query: str, runs: int = 20) -> tuple[float, int]:
    result = store.query(PROLOGUE + query).serialize(format=QueryResultsFormat.TSV)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        store.query(PROLOGUE + query).serialize(format=QueryResultsFormat.TSV)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000, result.count(b"\n") - 1


def run(sizes: list[int], modes: list[str], workdir: Path) -> list[dict]:
    rows = []
    for size in sizes:
        corpus = workdir / f"corpus-{size}"
        corpus.mkdir()
        files = write_synthetic_corpus(corpus, size, per_file=ABSTRACTS_PER_FILE)
        for mode in modes:
            store = workdir / f"store-{size}"
            shutil.rmtree(store, ignore_errors=True)
            row = {"size": size, "mode": mode, **_ingest(files, store, MODES[mode])}
            row["docs_per_s"] = row["documents"] / row["seconds"]
            row["store_gib"] = _size_gib(store)
            with OxigraphStore(store) as loaded:
                row["quads"] = len(loaded)
                row["queries"] = {name: _query_p50(loaded, query) for name, query in QUERIES.items()}
            rows.append(row)
            _print(row)
        shutil.rmtree(corpus)
    _print_growth(rows)
    return rows


def _print(row: dict) -> None:
    print(f"scale {row['size']:>7} abstracts, {row['mode']}: {row['seconds']:.0f} s = {row['docs_per_s']:.1f} "
          f"documents/s, peak RSS {row['peak_rss_gib']:.2f} GiB; {row['quads']} quads, store {row['store_gib']:.2f} GiB "
          "on disk", flush=True)
    for name, (p50, rows) in row["queries"].items():
        print(f"scale {row['size']:>7} abstracts: {name}: p50 {p50:.2f} ms ({rows} rows)", flush=True)


def _print_growth(rows: list[dict]) -> None:
    smallest = min(row["size"] for row in rows)
    base = {row["mode"]: row for row in rows if row["size"] == smallest}
    serial = {row["size"]: row for row in rows if row["mode"] == "serial"}
    for row in rows:
        first = base[row["mode"]]
        if row["size"] != smallest:
            print(f"growth {smallest} -> {row['size']} ({row['size'] / smallest:.0f}x documents), {row['mode']}: "
                  f"time {row['seconds'] / first['seconds']:.1f}x, quads {row['quads'] / first['quads']:.1f}x, "
                  f"store {row['store_gib'] / first['store_gib']:.1f}x, peak RSS "
                  f"{row['peak_rss_gib'] / first['peak_rss_gib']:.1f}x; query p50s " + ", ".join(
                      f"{(row['queries'][n][0] / first['queries'][n][0]):.1f}x" for n in QUERIES), flush=True)
        if row["mode"] != "serial" and row["size"] in serial:
            print(f"ratio at {row['size']}: {row['mode']} / serial documents/s = "
                  f"{row['docs_per_s'] / serial[row['size']]['docs_per_s']:.2f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--modes", nargs="+", choices=list(MODES), default=list(MODES))
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="claimgraph-scale-") as workdir:
        rows = run(sorted(arguments.sizes), arguments.modes, Path(workdir))
    if arguments.json:
        arguments.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
