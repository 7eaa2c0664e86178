"""`make bench` (python -m bench.run): ingest time for the seeds and a synthetic 10,000-abstract corpus, extractor
throughput, and the query service's latency and throughput (bench/http.py)."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from bench import http
from bench.synthetic import write_synthetic_dump
from ingest.claims import extract_claims
from ingest.entities import extract_entities
from ingest.sources import parse_file
from ingest.vocabulary import load_vocabulary
from kg.load import load_sources
from kg.store import OxigraphStore

ROOT = Path(__file__).resolve().parent.parent
SYNTHETIC_ABSTRACTS = 10_000
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
    _, mentions = extract_entities(parsed.text, parsed.documents, vocabulary)
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
        seconds, documents, triples = _timed_ingest([dump], vocabulary)
        print(f"synthetic: {documents} abstracts, {triples} triples; ingest {seconds:.1f} s = {documents / seconds:.0f} documents/s")
        rate, claims = _extractor_rate(dump, vocabulary)
        print(f"extractor: {claims} claims at {rate:.0f} claims/s")
    print(f"ratio: synthetic ingest per document / seed ingest per document = "
          f"{(seconds / documents) / (seed_seconds / seed_runs[0][1]):.2f}")
    http.main()  # the query service: SPARQL over HTTP against the store itself and rdflib


if __name__ == "__main__":
    main()
