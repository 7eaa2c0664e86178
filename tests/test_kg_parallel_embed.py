"""Passage embeddings on a Dask cluster: the same vectors, in the same rows, as embedding in the process; a model
the workers cannot load leaves a BM25-only index with the workers' reason."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from distributed import Client

from kg.parallel_embed import cluster_encoder
from kg.search_index import SearchSettings, open_search_index, update_search_index
from tests.kg_samples import sample_store  # noqa: F401  (the shared read-only sample graph)


@pytest.fixture(scope="module")
def client(dask_scheduler: str):
    with Client(dask_scheduler) as client:
        yield client


def test_cluster_embeddings_equal_the_serial_ones_row_for_row(sample_store, client, tmp_path: Path) -> None:
    serial, parallel = (SearchSettings(index_path=tmp_path / name / "index") for name in ("serial", "parallel"))
    here = update_search_index(sample_store, serial)
    there = update_search_index(sample_store, parallel, encode=cluster_encoder(client, chunk=5))  # several tasks
    assert there.dense and there.embedded == here.embedded == here.passages > 5, there.reason
    assert there.fingerprint == here.fingerprint
    rows = [np.load(settings.index_path / "embeddings.npy") for settings in (serial, parallel)]
    assert rows[0].shape == rows[1].shape and np.allclose(rows[0], rows[1], atol=1e-5)  # batching may move the last bit
    hits = open_search_index(parallel).search("How fast is DBRX compared with Mixtral?", k=3)
    assert [h.passage.id for h in hits] == [h.passage.id for h in open_search_index(serial).search(
        "How fast is DBRX compared with Mixtral?", k=3)]


def test_a_model_the_workers_cannot_load_gives_bm25_only_with_their_reason(sample_store, client,
                                                                           tmp_path: Path) -> None:
    settings = SearchSettings(index_path=tmp_path / "index", embedding_model="no-such-org/no-such-model")
    stats = update_search_index(sample_store, settings, encode=cluster_encoder(client))
    assert not stats.dense and "no-such-org/no-such-model" in (stats.reason or "")
    assert not (settings.index_path / "embeddings.npy").exists()


def test_a_chunk_must_hold_a_text(client) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        cluster_encoder(client, chunk=0)
