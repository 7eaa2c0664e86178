"""What the service opens in its lifespan: the graph (in memory, mirrored to disk; or a SPARQL server's client),
the query runner, the vocabulary for ingesting uploads, the search index and answerer, and views derived from the
graph (the networkx projection, the verification report), rebuilt once the graph's generation moves on."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

import networkx as nx

from api.ask import Answerer
from api.runner import QueryRunner
from api.settings import Settings
from compute.report import VerificationReport, verification_report
from ingest.vocabulary import Vocabulary, load_vocabulary
from kg.mirror import MirroredStore
from kg.network import build_projection
from kg.quotes import SourceTexts
from kg.search_index import IndexMissing, SearchSettings, open_search_index
from kg.store import ServedStore, StoreUnavailable

T = TypeVar("T")
logger = logging.getLogger(__name__)


@dataclass
class Resources:
    settings: Settings
    store: ServedStore
    runner: QueryRunner
    vocabulary: Vocabulary | None  # loaded only when writes are enabled
    answerer: Answerer | None  # None when no search index has been built
    search_status: str  # "hybrid", or why search is BM25 only or missing: shown by /health
    write_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _views: dict[str, tuple[int, object]] = field(default_factory=dict)
    _views_lock: threading.Lock = field(default_factory=threading.Lock)

    def projection(self) -> nx.Graph:
        """The entity/citation projection of the current graph (built again once the graph has changed)."""
        return self._view("projection", lambda: build_projection(self.store))

    def verification_report(self) -> VerificationReport:
        """The report of the stored verifications (built again once the graph has changed)."""
        return self._view("verifications", lambda: verification_report(self.store, self.settings.seeds_path))

    def _view(self, name: str, build: Callable[[], T]) -> T:
        with self._views_lock:
            generation = self.store.generation
            cached = self._views.get(name)
            if cached is None or cached[0] != generation:
                cached = (generation, build())
                self._views[name] = cached
            return cached[1]  # type: ignore[return-value]

    async def write(self, work: Callable[[], T]) -> T:
        """Writes one at a time, off the event loop; reads go on meanwhile against the last committed graph."""
        async with self.write_lock:
            return await asyncio.to_thread(work)


@contextmanager
def open_resources(settings: Settings) -> Iterator[Resources]:
    writable = settings.write_token is not None
    store = open_graph(settings, writable)
    try:
        logger.info("graph: %d quads from %s (%s)", len(store), settings.store_location,
                    "writes enabled" if writable else "read-only")
    except StoreUnavailable as error:
        # Started anyway: requests that need the graph are answered 503 until the server is back, and then served
        # without a restart, so a server that starts later than the service is no reason to crash-loop.
        logger.warning("%s; answering 503 until it is back", error)
    runner = QueryRunner(settings.query_workers, settings.query_timeout_s, settings.max_result_rows,
                         settings.max_result_bytes)
    vocabulary = load_vocabulary(settings.vocabulary_paths) if writable else None
    answerer, search_status = open_answerer(settings)
    try:
        yield Resources(settings=settings, store=store, runner=runner, vocabulary=vocabulary, answerer=answerer,
                        search_status=search_status)
    finally:
        runner.close()
        store.close()


def open_graph(settings: Settings, writable: bool) -> ServedStore:
    """The embedded store copied into memory (kg/mirror.py), or a client of the SPARQL server the settings name."""
    if settings.store_backend == "sparql":
        return settings.sparql_store(writable)
    return MirroredStore(settings.store_path, writable=writable)


def open_answerer(settings: Settings) -> tuple[Answerer | None, str]:
    """The answerer over the on-disk search index, its embedder loaded now rather than on the first question."""
    try:
        index = open_search_index(settings)
    except IndexMissing as error:
        logger.warning("question answering is off: %s", error)
        return None, str(error)
    reason = index.warm()
    logger.info("search index: %d passages, %s", len(index.passages), reason or "hybrid (BM25 + dense)")
    sources = SourceTexts([settings.seeds_path, SearchSettings.from_settings(settings).index_path / "sources"])
    return Answerer(index, sources, settings), f"BM25 only: {reason}" if reason else "hybrid"
