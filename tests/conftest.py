"""Shared fixtures: the real seed files and a vocabulary, stores and services over them; a free port."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.http import free_port  # noqa: F401  (tests import it from here)

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


@pytest.fixture(scope="session")
def vocabulary():
    from ingest.vocabulary import load_vocabulary

    return load_vocabulary()


@pytest.fixture(scope="session")
def seed_store_path(tmp_path_factory: pytest.TempPathFactory, seed_paths: list[Path], vocabulary) -> Path:
    """An on-disk store holding the real seeds, ingested once per session (~4 s) and closed again, with a
    BM25-only search index beside it (``<store>/../index``)."""
    from kg.load import load_sources
    from kg.search_index import SearchSettings, update_search_index
    from kg.store import OxigraphStore

    path = tmp_path_factory.mktemp("api") / "store"
    with OxigraphStore(path) as store:
        load_sources(store, seed_paths, vocabulary)
        update_search_index(store, SearchSettings(index_path=path.parent / "index", embedding_model=None))
    return path


@pytest.fixture(scope="session")
def api_settings(seed_store_path: Path):
    """Read-only service settings over the seed store (a read-only app releases the store's lock at start)."""
    from api.settings import Settings

    return Settings(store_path=seed_store_path, index_path=seed_store_path.parent / "index", embedding_model=None,
                    seeds_path=SEEDS)


@pytest.fixture(scope="session")
def client(api_settings):
    """A TestClient over one read-only app for the whole session."""
    from fastapi.testclient import TestClient

    from api.app import create_app

    with TestClient(create_app(api_settings)) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def verified_settings(seed_store_path: Path, tmp_path_factory: pytest.TempPathFactory):
    """Read-only service settings over a copy of the seed store whose claims were verified (~12 s), with the
    seed store's BM25-only search index: what the web pages show."""
    import shutil

    from api.settings import Settings
    from compute.registry import default_registry
    from compute.run import verify_all
    from kg.store import OxigraphStore

    path = tmp_path_factory.mktemp("verified") / "store"
    shutil.copytree(seed_store_path, path)
    with OxigraphStore(path) as store:
        verify_all(store, default_registry())
    return Settings(store_path=path, index_path=seed_store_path.parent / "index", embedding_model=None,
                    seeds_path=SEEDS)


@pytest.fixture(scope="session")
def dask_scheduler() -> Iterator[str]:
    """A two-process Dask cluster for the session, reached by address as a real cluster would be."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address="127.0.0.1:0",
                      host="127.0.0.1") as cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def tiny_pair():
    """(target, draft) tiny LMs whose draft agrees with the target almost always."""
    from tests.specdec_tiny import pair

    return pair(vocab=32, noise=0.02)


@pytest.fixture(scope="module")
def rough_tiny_pair():
    """A poor draft (large noise): most proposals are rejected, so the residual rule does the work."""
    from tests.specdec_tiny import pair

    return pair(vocab=8, noise=0.5)
