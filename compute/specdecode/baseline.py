"""Incremental decoding with a KV cache: one target forward pass per token, the baseline every speculative
variant is measured against (and must reproduce token for token under greedy decoding)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import torch

from compute.specdecode.models import CausalLM, Counters, probabilities, sample


@dataclass(frozen=True)
class DecodeConfig:
    """What to generate: ``temperature`` 0 is greedy (argmax), otherwise sampling from softmax(logits / T)."""

    max_new_tokens: int = 32
    temperature: float = 0.0
    eos_token_id: int | None = None

    @property
    def greedy(self) -> bool:
        return self.temperature == 0.0


@dataclass
class Generation:
    """The generated tokens and what producing them cost.

    ``mean_accepted_per_step`` is tokens emitted / target forward passes (the first pass also feeds the prompt):
    every target pass emits the draft tokens it accepted plus one token of its own (the correction or the bonus),
    so it is 1 for incremental decoding and 1 + (accepted draft tokens per pass) for speculation (the "block
    efficiency"). ``acceptance_rate`` is accepted draft tokens / draft tokens the target verified (for a tree,
    every node but the root).
    """

    tokens: list[int]
    counters: Counters = field(default_factory=Counters)
    proposed: int = 0
    accepted: int = 0
    seconds: float = 0.0
    accepted_by_child: list[int] = field(default_factory=list)  # tree: how often the k-th child was accepted

    @property
    def mean_accepted_per_step(self) -> float:
        return len(self.tokens) / self.counters.target_calls if self.counters.target_calls else 0.0

    @property
    def acceptance_rate(self) -> float:
        return self.accepted / self.proposed if self.proposed else 0.0

    @property
    def tokens_per_s(self) -> float:
        return len(self.tokens) / self.seconds if self.seconds else 0.0


def next_token(logits: torch.Tensor, config: DecodeConfig, generator: torch.Generator) -> int:
    if config.greedy:
        return int(torch.argmax(logits).item())
    return sample(probabilities(logits, config.temperature), generator)


def finished(tokens: list[int], config: DecodeConfig) -> bool:
    return len(tokens) >= config.max_new_tokens or (config.eos_token_id is not None and config.eos_token_id in tokens)


def trim(tokens: list[int], config: DecodeConfig) -> list[int]:
    """Cut at the token budget and after the first end-of-sequence token."""
    tokens = tokens[:config.max_new_tokens]
    if config.eos_token_id is not None and config.eos_token_id in tokens:
        tokens = tokens[:tokens.index(config.eos_token_id) + 1]
    return tokens


def start(models: Sequence[CausalLM], prompt: Sequence[int]) -> None:
    """Empty each model's cache: a decoder's first pass feeds the whole prompt (there is no separate prefill pass,
    which would cost one more read of the weights)."""
    if not prompt:
        raise ValueError("an empty prompt: at least one token is needed to condition on")
    for model in models:
        model.reset()


def generate_incremental(target: CausalLM, prompt: Sequence[int], config: DecodeConfig,
                         generator: torch.Generator | None = None) -> Generation:
    """Autoregressive decoding: feed the last token, pick the next from the target's logits, repeat."""
    generator = generator or torch.Generator().manual_seed(0)
    clock = time.perf_counter()
    start([target], prompt)
    sequence, result = list(prompt), Generation(tokens=[])
    while not finished(result.tokens, config):
        logits = target.extend(sequence)
        result.counters.target_calls += 1
        result.counters.target_tokens += 1
        token = next_token(logits, config, generator)
        sequence.append(token)
        result.tokens.append(token)
    result.tokens = trim(result.tokens, config)
    result.seconds = time.perf_counter() - clock
    return result
