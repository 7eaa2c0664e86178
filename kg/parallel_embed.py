"""Passage embeddings computed on a Dask cluster: the texts cut into chunks, each encoded by its worker's own copy
of the model (loaded once per worker process), the vectors gathered back in order."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np
from distributed import Client, get_worker

from kg.embeddings import Embedder, EmbeddingUnavailable, load_embedder

Encoder = Callable[[str, list[str], int], np.ndarray]  # (model name, texts, batch size) -> one row per text


@lru_cache(maxsize=2)
def _worker_embedder(model: str) -> Embedder:
    import torch

    # torch would start a thread per core in every worker process; the worker's own thread count is its share
    # (a local cluster's workers have one each, as many as the cores)
    torch.set_num_threads(max(1, get_worker().state.nthreads))
    load = load_embedder(model)
    if load.embedder is None:
        raise EmbeddingUnavailable(load.reason or f"embedding model {model!r} could not be loaded")
    return load.embedder


def _encode_chunk(texts: list[str], model: str, batch_size: int) -> np.ndarray:
    return _worker_embedder(model).encode(texts, batch_size)


def cluster_encoder(client: Client, chunk: int = 2048) -> Encoder:
    """An ``Encoder`` that spreads ``chunk`` texts a task over the client's workers. A chunk is many batches, so
    the model's per-call overhead and the transfer of texts and vectors stay small beside the encoding."""
    if chunk < 1:
        raise ValueError(f"chunk must be at least 1 text, got {chunk}")

    def encode(model: str, texts: list[str], batch_size: int) -> np.ndarray:
        chunks = [texts[i:i + chunk] for i in range(0, len(texts), chunk)]
        # positional: Client.map takes a batch_size keyword of its own
        futures = client.map(_encode_chunk, chunks, [model] * len(chunks), [batch_size] * len(chunks), pure=False)
        return np.vstack(client.gather(futures)) if chunks else np.zeros((0, 0), dtype=np.float32)

    return encode
