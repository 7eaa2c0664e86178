"""Speculative and tree decoding keep the target's output: token-identical under greedy decoding, and the same
next-token distribution under sampling (chi-square goodness of fit, alpha = 0.001, fixed seeds, with a power
check that the same test rejects a wrong distribution)."""

from __future__ import annotations

import pytest
import torch
from scipy.stats import chisquare

from compute.specdecode.baseline import DecodeConfig, generate_incremental
from compute.specdecode.costs import Costs
from compute.specdecode.models import probabilities
from compute.specdecode.speculative import generate_speculative, verify_chain
from compute.specdecode.tree import DynamicTree, TreeShape, generate_tree, walk
from compute.specdecode.tree_dp import optimal_tree

ALPHA = 0.001  # false-alarm rate of each goodness-of-fit test
PROMPT = [1, 5, 7, 3]


def fit(counts: torch.Tensor, probs: torch.Tensor) -> float:
    """p-value of chi-square goodness of fit, cells with expected count < 5 pooled."""
    expected = probs.double() / probs.double().sum() * counts.sum()
    small = expected < 5
    observed = torch.cat([counts[~small], counts[small].sum().reshape(1)]).double()
    wanted = torch.cat([expected[~small], expected[small].sum().reshape(1)]).double()
    keep = wanted > 0
    wanted = wanted[keep] * observed.sum() / wanted[keep].sum()
    return float(chisquare(observed[keep].numpy(), wanted.numpy()).pvalue)


SHAPES = [TreeShape.chain(4), TreeShape.uniform(2, 2), TreeShape((-1, 0, 0, 0, 1, 1, 2, 4)),
          optimal_tree([0.5, 0.2, 0.1], 10, 4).shape]


@pytest.mark.parametrize("k", [1, 3, 6])
def test_speculative_greedy_is_token_identical(tiny_pair, k: int) -> None:
    target, draft = tiny_pair
    config = DecodeConfig(max_new_tokens=30)
    base = generate_incremental(target, PROMPT, config)
    spec = generate_speculative(target, draft, PROMPT, config, k=k)
    assert spec.tokens == base.tokens and len(spec.tokens) == 30
    assert spec.counters.target_calls < base.counters.target_calls  # the draft did save target passes
    assert spec.mean_accepted_per_step == pytest.approx(30 / spec.counters.target_calls)


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: f"{s.size}nodes")
def test_tree_greedy_is_token_identical(tiny_pair, shape: TreeShape) -> None:
    target, draft = tiny_pair
    config = DecodeConfig(max_new_tokens=30)
    assert generate_tree(target, draft, PROMPT, config, shape).tokens == generate_incremental(target, PROMPT, config).tokens


def test_end_of_sequence_stops_all_variants_alike(tiny_pair) -> None:
    target, draft = tiny_pair
    free = generate_incremental(target, PROMPT, DecodeConfig(max_new_tokens=20)).tokens
    config = DecodeConfig(max_new_tokens=20, eos_token_id=free[6])
    expected = free[:free.index(free[6]) + 1]
    assert generate_speculative(target, draft, PROMPT, config, k=4).tokens == expected
    assert generate_tree(target, draft, PROMPT, config, SHAPES[1]).tokens == expected


def first_tokens(run, n: int, vocab: int) -> torch.Tensor:
    generator = torch.Generator().manual_seed(1234)
    counts = torch.zeros(vocab)
    for _ in range(n):
        counts[run(generator)[0]] += 1
    return counts


COSTS = Costs(verify={1: 1.0, 2: 1.1, 8: 1.6}, draft=0.2)  # the adaptive rules stop at varying lengths here


@pytest.mark.parametrize("variant", ["speculative", "adaptive", "tree", "dynamic tree"])
def test_sampling_matches_the_target_end_to_end(rough_tiny_pair, variant: str) -> None:
    target, draft = rough_tiny_pair
    config = DecodeConfig(max_new_tokens=3, temperature=1.0)
    runs = {"speculative": lambda g: generate_speculative(target, draft, PROMPT, config, k=2, generator=g),
            "adaptive": lambda g: generate_speculative(target, draft, PROMPT, config, k=3, generator=g, costs=COSTS),
            "tree": lambda g: generate_tree(target, draft, PROMPT, config, TreeShape.uniform(3, 2), generator=g),
            "dynamic tree": lambda g: generate_tree(target, draft, PROMPT, config,
                                                    DynamicTree(depth=2, width=2, costs=COSTS), generator=g)}
    counts = first_tokens(lambda g: runs[variant](g).tokens, 600, 8)
    target.reset()
    p = probabilities(target.forward(PROMPT)[-1], 1.0).float()
    draft.reset()
    q = probabilities(draft.forward(PROMPT)[-1], 1.0).float()
    assert fit(counts, p) > ALPHA
    assert fit(counts, q) < ALPHA  # power: the draft's distribution is told apart


def dists(seed: int, vocab: int = 6) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    return (torch.softmax(2 * torch.randn(vocab, generator=g, dtype=torch.float64), 0),
            torch.softmax(2 * torch.randn(vocab, generator=g, dtype=torch.float64), 0))


def test_chain_rule_emits_the_target_distribution() -> None:
    """The first emitted token of a 2-token chain, 20,000 draws: the accept/reject rule alone."""
    p, q = dists(0)
    p2, q2 = dists(1)
    g = torch.Generator().manual_seed(7)
    counts = torch.zeros(6)
    for _ in range(20_000):
        drafted = [int(torch.multinomial(q, 1, generator=g)), int(torch.multinomial(q2, 1, generator=g))]
        accepted, token = verify_chain(torch.stack([p, p2, p2]), [q, q2], drafted, g)
        counts[drafted[0] if accepted else token] += 1
    assert fit(counts, p) > ALPHA and fit(counts, q) < ALPHA


def test_tree_rule_without_replacement_emits_the_target_distribution() -> None:
    """A root with 3 children drawn without replacement (Sequoia's rule), 20,000 draws."""
    p, q = dists(2)
    shape, config = TreeShape((-1, 0, 0, 0)), DecodeConfig(temperature=1.0)
    rows = torch.log(torch.stack([p] * 4))
    g = torch.Generator().manual_seed(11)
    counts = torch.zeros(6)
    for _ in range(20_000):
        children = torch.multinomial(q, 3, replacement=False, generator=g).tolist()
        path, token, _ = walk(shape, [0, *children], rows, {0: q}, config, g)
        counts[[0, *children][path[0]] if path else token] += 1
    assert fit(counts, p) > ALPHA and fit(counts, q) < ALPHA
