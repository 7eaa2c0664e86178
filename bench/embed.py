"""Passage embedding, in process and on a local Dask cluster (`python -m bench.embed`, part of `make bench`): the
passages of a seeded synthetic corpus, encoded by the default model both ways; passages/s, the ratio, the workers'
one-off model load, and whether the vectors agree."""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.synthetic import write_synthetic_corpus
from ingest.vocabulary import load_vocabulary
from kg.cluster import dask_client
from kg.embeddings import DEFAULT_MODEL, load_embedder
from kg.load import load_sources
from kg.parallel_embed import cluster_encoder
from kg.passages import build_passages
from kg.store import OxigraphStore

BATCH = 64


def corpus_texts(abstracts: int) -> list[str]:
    with tempfile.TemporaryDirectory() as directory:
        files = write_synthetic_corpus(Path(directory), abstracts, per_file=abstracts)
        store = OxigraphStore()
        load_sources(store, files, load_vocabulary())
    return [passage.index_text for passage in build_passages(store)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--abstracts", type=int, default=1_000)
    parser.add_argument("--workers", type=int, default=2)
    arguments = parser.parse_args(argv)
    texts = corpus_texts(arguments.abstracts)
    load = load_embedder(DEFAULT_MODEL)
    if load.embedder is None:
        print(f"embed: skipped, {load.reason}")
        return
    load.embedder.encode(texts[:BATCH], BATCH)  # warm-up: first-call allocations
    started = time.perf_counter()
    serial = load.embedder.encode(texts, BATCH)
    serial_seconds = time.perf_counter() - started
    with dask_client(None, arguments.workers) as client:
        encode = cluster_encoder(client, chunk=max(BATCH, len(texts) // (4 * arguments.workers)))
        started = time.perf_counter()
        encode(DEFAULT_MODEL, texts[:BATCH * arguments.workers], BATCH)  # each worker loads the model once
        load_seconds = time.perf_counter() - started
        started = time.perf_counter()
        parallel = encode(DEFAULT_MODEL, texts, BATCH)
        parallel_seconds = time.perf_counter() - started
    agree = parallel.shape == serial.shape and bool(np.allclose(parallel, serial, atol=1e-5))
    print(f"embed: {len(texts)} passages of {arguments.abstracts} synthetic abstracts, {DEFAULT_MODEL}: in process "
          f"{len(texts) / serial_seconds:.0f} passages/s; Dask, {arguments.workers} worker processes "
          f"{len(texts) / parallel_seconds:.0f} passages/s (ratio {serial_seconds / parallel_seconds:.2f}), after a "
          f"one-off {load_seconds:.1f} s model load on the workers; vectors agree within 1e-5: {agree}", flush=True)


if __name__ == "__main__":
    main()
