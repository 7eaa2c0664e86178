"""`make bench` (python -m bench.run): ingest time for the seeds, extractor throughput on synthetic abstracts, the
query service's latency and throughput (bench/http.py), a mixed load (bench/load.py), passage embedding in process
and on Dask (bench/embed.py), and the scale run (bench/scale.py: serial and parallel ingest up to 100,000
abstracts)."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from bench import embed, http, load, scale
from bench.synthetic import write_synthetic_dump
from ingest.claims import extract_claims
from ingest.sources import parse_file
from ingest.vocabulary import load_vocabulary
from kg.load import load_sources
from kg.store import OxigraphStore

ROOT = Path(__file__).resolve().parent.parent
SYNTHETIC_ABSTRACTS = 2_000  # for the extractor alone; bench/scale.py ingests up to 100,000
REPEATS = 3


def _timed_ingest(files: list[Path], vocabulary) -> tuple[float, int, int]:
    with tempfile.TemporaryDirectory() as directory:
        store = OxigraphStore(Path(directory) / "store")
        started = time.perf_counter()
        summary = load_sources(store, files, vocabulary)
        elapsed = time.perf_counter() - started
        return elapsed, sum(f.documents for f in summary.files), sum(f.triples for f in summary.files)


def _extractor_rate(path: Path, vocabulary) -> tuple[float, int]:
    parsed = parse_file(path)
    started = time.perf_counter()
    claims = sum(len(extract_claims(parsed.text, d, [], {})) for d in parsed.documents)
    return claims / (time.perf_counter() - started), claims


def main() -> None:
    vocabulary = load_vocabulary()
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    _timed_ingest(seeds, vocabulary)  # warm-up: imports, regex compilation, page cache
    seed_runs = [_timed_ingest(seeds, vocabulary) for _ in range(REPEATS)]
    seed_seconds = statistics.median(run[0] for run in seed_runs)
    print(f"seeds: {len(seeds)} files, {seed_runs[0][1]} documents, {seed_runs[0][2]} triples; ingest median {seed_seconds:.2f} s over {REPEATS} runs")
    with tempfile.TemporaryDirectory() as directory:
        dump = write_synthetic_dump(Path(directory) / "synthetic.txt", SYNTHETIC_ABSTRACTS)
        rate, claims = _extractor_rate(dump, vocabulary)
        print(f"extractor: {claims} claims at {rate:.0f} claims/s")
    http.main()  # the query service: SPARQL over HTTP against the store itself and rdflib
    load.load_seeds_service()  # 60 s of concurrent SPARQL, REST and /ask
    embed.main([])  # passages of 1,000 synthetic abstracts, in process and on 2 Dask workers
    scale.main()  # serial and parallel ingest at 10k and 100k synthetic abstracts (the longest part)


if __name__ == "__main__":
    main()
