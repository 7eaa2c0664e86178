"""Speculative sampling (Leviathan et al., arXiv 2211.17192; Chen et al., arXiv 2302.01318): a draft model
proposes k tokens one by one, the target scores all of them in one forward pass, and the accept/reject rule
keeps exactly the target's output distribution.

Rule, for drafted x_i with draft probabilities q_i and target probabilities p_i: accept x_i with probability
min(1, p_i(x_i) / q_i(x_i)); at the first rejection emit a token drawn from norm(max(0, p_i - q_i)) and stop;
if all k are accepted, emit a bonus token drawn from p_{k+1}. Greedy variant: accept while x_i = argmax p_i,
then emit argmax of the first mismatching (or bonus) position; the output equals incremental greedy decoding.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import torch

from compute.specdecode.baseline import DecodeConfig, Generation, finished, next_token, prefill, trim
from compute.specdecode.models import CausalLM, probabilities, sample


def uniform(generator: torch.Generator) -> float:
    return float(torch.rand(1, generator=generator, dtype=torch.float64).item())


def aligned(q: torch.Tensor, size: int) -> torch.Tensor:
    """The draft's distribution over the target's vocabulary (a smaller draft vocabulary gets zeros)."""
    if q.shape[-1] == size:
        return q
    out = torch.zeros(size, dtype=q.dtype)
    n = min(size, q.shape[-1])
    out[:n] = q[:n]
    return out / out.sum()


def residual(p: torch.Tensor, q: torch.Tensor) -> torch.Tensor:
    """norm(max(0, p - q)): what the target still owes after the draft's proposal was rejected."""
    rest = torch.clamp(p - q, min=0.0)
    total = rest.sum()
    return rest / total if total > 0 else p


def verify_chain(p_rows: torch.Tensor, q_rows: Sequence[torch.Tensor], drafted: Sequence[int],
                 generator: torch.Generator) -> tuple[int, int]:
    """Sampling rule on a chain: (accepted draft tokens, the token the target emits after them).

    ``p_rows`` is (k + 1, vocab) target probabilities; ``q_rows`` the k draft distributions.
    """
    for i, token in enumerate(drafted):
        p, q = p_rows[i], aligned(q_rows[i], p_rows.shape[-1])
        if uniform(generator) * float(q[token]) < float(p[token]):
            continue
        return i, sample(residual(p, q), generator)
    return len(drafted), sample(p_rows[len(drafted)], generator)


def verify_chain_greedy(logits: torch.Tensor, drafted: Sequence[int]) -> tuple[int, int]:
    choices = torch.argmax(logits, dim=-1).tolist()
    for i, token in enumerate(drafted):
        if choices[i] != token:
            return i, choices[i]
    return len(drafted), choices[len(drafted)]


def draft_chain(draft: CausalLM, sequence: list[int], k: int, config: DecodeConfig,
                generator: torch.Generator) -> tuple[list[int], list[torch.Tensor]]:
    """k tokens proposed by the draft, each from its distribution given the sequence and the previous ones."""
    drafted: list[int] = []
    dists: list[torch.Tensor] = []
    for j in range(k):
        logits = draft.extend(sequence) if j == 0 else draft.forward([drafted[-1]])[-1]
        if config.greedy:
            drafted.append(int(torch.argmax(logits).item()))
        else:
            dists.append(probabilities(logits, config.temperature))
            drafted.append(sample(dists[-1], generator))
    return drafted, dists


def generate_speculative(target: CausalLM, draft: CausalLM, prompt: Sequence[int], config: DecodeConfig,
                         k: int = 4, generator: torch.Generator | None = None) -> Generation:
    """Speculative decoding with k draft tokens per target pass; caches keep all but the newest token."""
    if k < 0:
        raise ValueError(f"k must be >= 0, got {k}")
    generator = generator or torch.Generator().manual_seed(0)
    clock = time.perf_counter()
    prefill([target, draft], prompt)
    sequence, result = list(prompt), Generation(tokens=[])
    while not finished(result.tokens, config):
        step = min(k, config.max_new_tokens - len(result.tokens) - 1)
        drafted, dists = draft_chain(draft, sequence, step, config, generator)
        result.counters.draft_calls += len(drafted)
        logits = target.forward(sequence[target.length:] + drafted)[-(len(drafted) + 1):]
        result.counters.target_calls += 1
        result.counters.target_tokens += len(drafted) + 1
        if config.greedy:
            accepted, token = verify_chain_greedy(logits, drafted)
        elif drafted:
            accepted, token = verify_chain(probabilities(logits, config.temperature), dists, drafted, generator)
        else:
            accepted, token = 0, next_token(logits[-1], config, generator)
        kept = len(sequence) + accepted
        target.crop(kept)
        draft.crop(kept)
        emitted = drafted[:accepted] + [token]
        sequence += emitted
        result.tokens += emitted
        result.proposed += len(drafted)
        result.accepted += accepted
    result.tokens = trim(result.tokens, config)
    result.seconds = time.perf_counter() - clock
    return result
