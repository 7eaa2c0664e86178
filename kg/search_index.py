"""The on-disk search index: passages, BM25, entity names and the embedding matrix, rebuilt from the graph.

Layout of ``index_path``::

    manifest.json     model name, dimension, fingerprint of the passages, counts, why dense search is off
    passages.json     every passage (text, span, locator, entities, claim facts), in row order
    entities.json     entity names for linking questions
    bm25/             the bm25s index (rebuilt on every update: cheap)
    embeddings.npy    float32 matrix, one L2-normalised row per passage, in passage order
    embeddings.json   {"model", "keys"}: the content hash of each row, so an update embeds only new texts
    sources/          documents.json: the stored document spans by file, for quote checks of files not on disk

A row's key is sha256(model name, passage index text): a passage whose text is unchanged keeps its vector.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel, TypeAdapter

from kg.embeddings import DEFAULT_MODEL, EmbeddingUnavailable, load_embedder
from kg.lexical import LexicalIndex
from kg.passages import Passage, build_passages, document_spans
from kg.quotes import DOCUMENT_SPANS
from kg.search import EntityName, SearchIndex
from kg.sparql import ENTITIES, ENTITY_ALIASES
from kg.store import GraphStore

if TYPE_CHECKING:
    from kg.parallel_embed import Encoder

_PASSAGES = TypeAdapter(list[Passage])
_ENTITIES = TypeAdapter(list[EntityName])


class SearchSettings(BaseModel):
    """The settings search needs; ``from_settings`` reads them off the service's Settings when present."""

    index_path: Path = Path(".claimgraph/index")
    embedding_model: str | None = DEFAULT_MODEL  # a sentence-transformers name or directory; None: BM25 only
    embedding_batch_size: int = 64

    @classmethod
    def from_settings(cls, settings: object) -> SearchSettings:
        if isinstance(settings, SearchSettings):
            return settings
        fields = {name: getattr(settings, name) for name in cls.model_fields if hasattr(settings, name)}
        return cls(**fields)


class IndexStats(BaseModel):
    passages: int
    embedded: int  # vectors computed by this update
    reused: int  # vectors kept from the previous index
    model: str | None
    dense: bool
    reason: str | None  # why dense search is off
    fingerprint: str
    seconds: float


def fingerprint(passages: list[Passage]) -> str:
    digest = hashlib.sha256()
    for passage in passages:
        digest.update(f"{passage.id}\0{passage.index_text}\0".encode())
    return digest.hexdigest()[:16]


def _row_key(model: str, passage: Passage) -> str:
    return hashlib.sha256(f"{model}\0{passage.index_text}".encode()).hexdigest()[:24]


def stored_entities(store: GraphStore) -> list[EntityName]:
    aliases: dict[str, set[str]] = {}
    for row in store.select(ENTITY_ALIASES):
        aliases.setdefault(row["entity"], set()).add(row["alias"])
    labels = {row["entity"]: row["name"] for row in store.select(ENTITIES)}
    return [
        EntityName(iri=iri, label=label, names=tuple(sorted({label, *aliases.get(iri, ())})))
        for iri, label in sorted(labels.items())
    ]


def _previous_vectors(path: Path, model: str) -> dict[str, np.ndarray]:
    try:
        meta = json.loads((path / "embeddings.json").read_text())
        matrix = np.load(path / "embeddings.npy")
    except (OSError, ValueError):
        return {}
    if meta.get("model") != model or len(meta.get("keys", [])) != len(matrix):
        return {}
    return dict(zip(meta["keys"], matrix))


def _embed(passages: list[Passage], path: Path, settings: SearchSettings,
           encode: Encoder | None) -> tuple[np.ndarray | None, int, int, str | None]:
    model = settings.embedding_model
    if model is None:
        return None, 0, 0, "dense search disabled in settings (embedding_model is None)"
    keys = [_row_key(model, p) for p in passages]
    previous = _previous_vectors(path, model)
    missing = [i for i, key in enumerate(keys) if key not in previous]
    fresh: np.ndarray | None = None
    if missing:
        texts = [passages[i].index_text for i in missing]
        if encode is None:
            load = load_embedder(model)
            if load.embedder is None:
                return None, 0, 0, load.reason
            fresh = load.embedder.encode(texts, settings.embedding_batch_size)
        else:
            try:
                fresh = encode(model, texts, settings.embedding_batch_size)
            except EmbeddingUnavailable as error:
                return None, 0, 0, str(error)
    dimension = fresh.shape[1] if fresh is not None else (len(next(iter(previous.values()))) if previous else 0)
    matrix = np.zeros((len(passages), dimension), dtype=np.float32)
    for i, key in enumerate(keys):
        if key in previous:
            matrix[i] = previous[key]
    if fresh is not None:
        matrix[missing] = fresh
    (path / "embeddings.json").write_text(json.dumps({"model": model, "keys": keys}))
    np.save(path / "embeddings.npy", matrix)
    return matrix, len(missing), len(passages) - len(missing), None


def update_search_index(store: GraphStore, settings: object, encode: Encoder | None = None) -> IndexStats:
    """Rebuild the index at ``settings.index_path`` from the graph, embedding only passages not embedded before
    (here, or by ``encode``: ``kg.parallel_embed.cluster_encoder`` spreads them over a Dask cluster).

    Called at the end of ``kg ingest``; a model that cannot be loaded leaves a BM25-only index and says why.
    """
    config = SearchSettings.from_settings(settings)
    started = time.perf_counter()
    path = config.index_path
    path.mkdir(parents=True, exist_ok=True)
    passages = build_passages(store)
    matrix, embedded, reused, reason = _embed(passages, path, config, encode)
    if matrix is None:
        for stale in ("embeddings.npy", "embeddings.json"):
            (path / stale).unlink(missing_ok=True)
    LexicalIndex.build([p.index_text for p in passages]).save(path / "bm25")
    (path / "passages.json").write_bytes(_PASSAGES.dump_json(passages))
    (path / "entities.json").write_bytes(_ENTITIES.dump_json(stored_entities(store)))
    (path / "sources").mkdir(exist_ok=True)
    (path / "sources" / DOCUMENT_SPANS).write_text(json.dumps(document_spans(store), ensure_ascii=False), encoding="utf-8")
    stats = IndexStats(
        passages=len(passages), embedded=embedded, reused=reused, model=config.embedding_model if matrix is not None else None,
        dense=matrix is not None, reason=reason, fingerprint=fingerprint(passages), seconds=time.perf_counter() - started,
    )
    (path / "manifest.json").write_text(stats.model_dump_json(indent=2))
    return stats


class IndexMissing(FileNotFoundError):
    """There is no search index at the path; run `kg ingest` (or update_search_index) first."""


def open_search_index(settings: object) -> SearchIndex:
    """Load the index from disk; the embedder loads lazily on first use (``SearchIndex.warm()`` to force it)."""
    config = SearchSettings.from_settings(settings)
    path = config.index_path
    try:
        manifest = IndexStats.model_validate_json((path / "manifest.json").read_text())
        passages = _PASSAGES.validate_json((path / "passages.json").read_bytes())
        entities = _ENTITIES.validate_json((path / "entities.json").read_bytes())
    except FileNotFoundError as error:
        raise IndexMissing(f"no search index at {path}: run `kg ingest` first ({error.filename} missing)") from error
    lexical = LexicalIndex.load(path / "bm25", len(passages))
    vectors = None
    reason = manifest.reason
    if manifest.dense and config.embedding_model is not None:
        vectors = np.load(path / "embeddings.npy")
        if manifest.model != config.embedding_model:
            vectors, reason = None, f"index embedded with {manifest.model!r}, settings name {config.embedding_model!r}: re-run `kg ingest`"
    elif config.embedding_model is None:
        reason = "dense search disabled in settings (embedding_model is None)"
    return SearchIndex(passages, lexical, vectors, entities, manifest.model if vectors is not None else None, reason)
