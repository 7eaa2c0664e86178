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
from dataclasses import dataclass, field

import torch

from compute.specdecode.baseline import DecodeConfig, Generation, finished, next_token, start, trim
from compute.specdecode.costs import Acceptance, Costs, Rates, Step
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


@dataclass
class Chain:
    """Tokens the draft proposed one after another, its distribution at each (the one the token came from), its
    confidence (top probability) there, and each token's reach: the estimated chance that it and every token
    before it are accepted."""

    tokens: list[int] = field(default_factory=list)
    dists: list[torch.Tensor] = field(default_factory=list)
    confidence: list[float] = field(default_factory=list)
    reach: list[float] = field(default_factory=list)


def draft_chain(draft: CausalLM, sequence: list[int], k: int, config: DecodeConfig, generator: torch.Generator,
                costs: Costs | None = None, acceptance: Acceptance | None = None) -> Chain:
    """At most k tokens proposed by the draft, each from its distribution given the sequence and the previous ones.

    With ``costs`` the length adapts: after each token the draft goes on only if more tokens are expected to raise
    the step's tokens per second (``costs.Step.best_count``). A token is worth its reach, the product of the
    chances (``acceptance``, learnt from earlier steps by the draft's confidence) of it and the tokens before it;
    tokens not drafted yet get the mean chance of this chain's tokens (confident runs, long in code, go on). The
    choice depends on the draft and on earlier steps only, so the verification rules stay exact.
    """
    chain, reach, chances = Chain(), 1.0, 0.0
    step, acceptance = Step(costs) if costs else None, acceptance or Acceptance()
    for j in range(k):
        logits = draft.extend(sequence) if j == 0 else draft.forward([chain.tokens[-1]])[-1]
        dist = probabilities(logits, config.temperature if not config.greedy else 1.0)
        chain.tokens.append(int(torch.argmax(dist).item()) if config.greedy else sample(dist, generator))
        chain.dists.append(dist)
        chain.confidence.append(float(dist.max()))
        chance = acceptance.chance(chain.confidence[-1])
        chances += chance
        reach *= chance
        chain.reach.append(reach)
        if step is None:
            continue
        step.add(reach, drafts=1)
        ahead = chances / (j + 1)
        if not step.best_count((reach * ahead ** i for i in range(1, k - j)), drafts=1):
            break
    return chain


def generate_speculative(target: CausalLM, draft: CausalLM, prompt: Sequence[int], config: DecodeConfig,
                         k: int = 4, generator: torch.Generator | None = None, costs: Costs | None = None,
                         prior: Rates | None = None) -> Generation:
    """Speculative decoding with k draft tokens per target pass (at most k with ``costs``: see ``draft_chain``;
    ``prior``: acceptance by confidence band measured beforehand, see ``costs.Acceptance``); the target's first
    pass feeds the prompt with the first drafts; caches keep all but the newest token."""
    if k < 0:
        raise ValueError(f"k must be >= 0, got {k}")
    generator = generator or torch.Generator().manual_seed(0)
    clock = time.perf_counter()
    start([target, draft], prompt)
    sequence, result = list(prompt), Generation(tokens=[])
    acceptance = Acceptance(prior) if prior else Acceptance()
    while not finished(result.tokens, config):
        chain = draft_chain(draft, sequence, min(k, config.max_new_tokens - len(result.tokens) - 1), config,
                            generator, costs, acceptance)
        drafted = chain.tokens
        result.counters.draft_calls += len(drafted)
        logits = target.forward(sequence[target.length:] + drafted, last=len(drafted) + 1)
        result.counters.target_calls += 1
        result.counters.target_tokens += len(drafted) + 1
        if config.greedy:
            accepted, token = verify_chain_greedy(logits, drafted)
        elif drafted:
            accepted, token = verify_chain(probabilities(logits, config.temperature), chain.dists, drafted, generator)
        else:
            accepted, token = 0, next_token(logits[-1], config, generator)
        acceptance.record(chain.confidence, accepted)
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
