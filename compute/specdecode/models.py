"""The small interface the decoders use: a causal LM behind a KV cache that can be extended, cropped, and
reduced to chosen positions (what tree verification keeps).

``CausalLM`` wraps any Hugging Face causal LM (the tests build tiny Qwen2/Llama models, the benchmark loads
Qwen2.5-Coder); a decoder only calls ``forward``, ``extend``, ``keep`` and ``length``. Tree attention goes
through a 4D additive mask of shape (1, 1, queries, cached + queries) with explicit position ids, which
transformers passes to the attention kernels as-is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

NEG = float("-inf")


class CacheError(RuntimeError):
    """The KV cache does not hold what a decoder asked to keep."""


def probabilities(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """Softmax of ``logits / temperature`` in float64 (exact enough for the accept/reject ratios)."""
    return torch.softmax(logits.double() / temperature, dim=-1)


def sample(probs: torch.Tensor, generator: torch.Generator) -> int:
    return int(torch.multinomial(probs, 1, generator=generator).item())


@dataclass
class Counters:
    """Forward passes a decoder ran, by model."""

    target_calls: int = 0
    draft_calls: int = 0
    target_tokens: int = 0  # tokens the target verified, prompt tokens not counted


class CausalLM:
    """A causal LM with its own KV cache; batch size 1."""

    def __init__(self, model: torch.nn.Module) -> None:
        from transformers import DynamicCache

        self.model = model.eval()
        self._cache_type = DynamicCache
        self.cache = DynamicCache()
        self.device = next(model.parameters()).device
        self.dtype = next(model.parameters()).dtype

    def reset(self) -> None:
        self.cache = self._cache_type()

    @property
    def length(self) -> int:
        return self.cache.get_seq_length()

    @torch.inference_mode()
    def forward(self, tokens: Sequence[int], positions: Sequence[int] | None = None,
                mask: torch.Tensor | None = None, last: int | None = None) -> torch.Tensor:
        """Logits (n, vocab) for ``tokens`` appended to the cache; ``mask`` is (n, cached + n) of booleans
        (True: may attend), default causal; ``positions`` default to consecutive positions after the cache.
        ``last``: logits for the last ``last`` tokens only (the output layer is a large share of a pass over a
        150k vocabulary, wasted on positions nobody reads)."""
        start = self.length
        ids = torch.tensor([list(tokens)], device=self.device)
        pos = torch.arange(start, start + len(tokens)) if positions is None else torch.tensor(list(positions))
        extra = {"logits_to_keep": last} if last else {}
        if mask is not None:
            additive = torch.zeros(mask.shape, dtype=self.dtype).masked_fill(~mask, torch.finfo(self.dtype).min)
            extra["attention_mask"] = additive[None, None].to(self.device)
        out = self.model(input_ids=ids, position_ids=pos[None].to(self.device), past_key_values=self.cache,
                         use_cache=True, **extra)
        self.cache = out.past_key_values
        return out.logits[0].float()

    def extend(self, sequence: Sequence[int]) -> torch.Tensor:
        """Feed the part of ``sequence`` the cache lacks; the logits after its last token."""
        missing = list(sequence[self.length:])
        if not missing:
            raise CacheError("the cache already holds the whole sequence: no logits to return")
        return self.forward(missing, last=1)[-1]

    def keep(self, indices: Sequence[int]) -> None:
        """Reduce the cache to the given positions, in order (a prefix crop or a tree path)."""
        if indices and max(indices) >= self.length:
            raise CacheError(f"position {max(indices)} is past the cache's {self.length} tokens")
        index = torch.tensor(list(indices), dtype=torch.long, device=self.device)
        for layer in self.cache.layers:
            if getattr(layer, "keys", None) is not None and layer.keys.numel():
                layer.keys = layer.keys.index_select(-2, index)
                layer.values = layer.values.index_select(-2, index)

    def crop(self, length: int) -> None:
        if length < self.length:
            self.keep(range(length))


def tree_mask(parents: Sequence[int], cached: int) -> torch.Tensor:
    """Boolean mask (n, cached + n): node i sees the cache, its ancestors and itself (parent -1: a root)."""
    n = len(parents)
    mask = torch.zeros(n, cached + n, dtype=torch.bool)
    mask[:, :cached] = True
    for i, parent in enumerate(parents):
        mask[i, cached + i] = True
        if parent >= 0:
            if parent >= i:
                raise ValueError(f"node {i}'s parent {parent} must come before it")
            mask[i, cached:] |= mask[parent, cached:]
    return mask
