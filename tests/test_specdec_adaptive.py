"""Step sizing from measured costs: the cost table, the sizing rule, acceptance learnt by confidence, the adaptive
chain and the dynamic tree (greedy output unchanged, the chain follows the costs, the tree's leaves add tokens per
step); tiny models, no downloads."""

from __future__ import annotations

import pytest
import torch

from compute.specdecode.baseline import DecodeConfig, generate_incremental
from compute.specdecode.bench import held_out_rates
from compute.specdecode.costs import PRIOR, Acceptance, CostError, Costs, Step
from compute.specdecode.speculative import generate_speculative
from compute.specdecode.tree import DynamicTree, generate_tree
from tests.specdec_tiny import tiny_lm

PROMPT = [1, 5, 7, 3]
FREE = Costs(verify={1: 1.0, 64: 1.0}, draft=0.0)  # drafting and wider verification cost nothing: always pays
DEAR = Costs(verify={1: 1.0, 64: 64.0}, draft=10.0)  # a draft pass costs ten target passes: never pays


def test_costs_interpolate_between_measurements_and_extrapolate() -> None:
    costs = Costs(verify={1: 1.0, 4: 0.9, 8: 2.0}, draft={1: 0.1, 4: 0.1, 8: 0.3})
    assert costs.verify_seconds(4) == 0.9  # measured cheaper than a narrower pass: kept, not smoothed away
    assert costs.verify_seconds(6) == pytest.approx(1.45)
    assert costs.verify_seconds(16) == pytest.approx(4.2)  # past the widest: the last segment's slope
    assert costs.draft_seconds(2) == pytest.approx(0.1) and costs.draft_seconds(6) == pytest.approx(0.2)
    assert Costs(verify={1: 1.0}, draft=0.2).draft_seconds(16) == 0.2  # one figure for every width
    with pytest.raises(CostError):
        Costs(verify={}, draft=0.1)
    with pytest.raises(CostError):
        Costs(verify={1: 1.0}, draft={0: 0.1})


def test_nodes_are_added_for_the_most_tokens_per_second() -> None:
    step = Step(Costs(verify={1: 1.0, 2: 2.0}, draft=0.0))  # 1 token in 1 s; each node adds 1 s
    assert step.best_count([0.9]) == 0 and step.best_count([1.1, 1.2, 0.5]) == 2
    step.add(1.1)
    assert step.tokens == pytest.approx(2.1) and step.nodes == 2
    assert Step(FREE).best_count([1e-6] * 3, drafts=1) == 3 and Step(DEAR).best_count([1.0] * 3, drafts=1) == 0
    bump = Step(Costs(verify={1: 1.0, 2: 2.0, 8: 2.0}, draft=0.0))  # the second node is dear, the ones after free
    assert bump.best_count([0.9] * 6) == 6
    wide = Step(Costs(verify={1: 1.0}, draft={1: 0.1, 8: 10.0}))  # a pass over 8 tokens is dear, over 1 cheap
    assert wide.best_count([0.5], drafts=1) == 1 and wide.best_count([0.5], drafts=1, width=8) == 0


def test_acceptance_is_learnt_by_confidence_band() -> None:
    acceptance = Acceptance()
    assert acceptance.chance(0.6) == pytest.approx(0.6)  # before any verification: the draft's confidence
    acceptance.record([0.6, 0.6, 0.99, 0.7], accepted=2)  # the third token rejected; the fourth says nothing
    assert acceptance.chance(0.6) == pytest.approx((2 + PRIOR * 0.6) / (2 + PRIOR))
    assert acceptance.chance(0.99) == pytest.approx(PRIOR * 0.99 / (1 + PRIOR))
    assert acceptance.chance(0.3) == pytest.approx(0.3)
    assert acceptance.rates() == (None, 1.0, None, 0.0)
    primed = Acceptance(prior=(0.9, None, None, None))  # measured on held-out text: low confidence, often right
    assert primed.chance(0.3) == pytest.approx(0.9) and primed.chance(0.6) == pytest.approx(0.6)


def test_held_out_rates_count_every_position(tiny_pair) -> None:
    target, draft = tiny_pair
    tokens = generate_incremental(target, PROMPT, DecodeConfig(max_new_tokens=12)).tokens
    own = held_out_rates(target, target, PROMPT, tokens)  # a draft that is the target agrees everywhere
    assert set(own) - {None} == {1.0}
    rates = held_out_rates(target, draft, PROMPT, tokens)
    assert all(r is None or 0.0 <= r <= 1.0 for r in rates) and any(r is not None for r in rates)


def target_passes(model, run) -> int:
    calls = []
    handle = model.model.register_forward_hook(lambda *_: calls.append(1))
    try:
        run()
    finally:
        handle.remove()
    return len(calls)


def test_adaptive_chain_is_token_identical_and_follows_the_costs(tiny_pair) -> None:
    target, draft = tiny_pair
    config = DecodeConfig(max_new_tokens=30)
    base = generate_incremental(target, PROMPT, config)
    assert base.counters.target_calls == 30  # the first pass feeds the prompt: no separate prefill pass
    free = generate_speculative(target, draft, PROMPT, config, k=6, costs=FREE)
    dear = generate_speculative(target, draft, PROMPT, config, k=6, costs=DEAR)
    assert free.tokens == dear.tokens == base.tokens
    assert free.tokens == generate_speculative(target, draft, PROMPT, config, k=6).tokens
    assert dear.counters.draft_calls <= dear.counters.target_calls  # at most one draft token per step
    assert free.mean_accepted_per_step > dear.mean_accepted_per_step
    assert target_passes(target, lambda: generate_speculative(target, draft, PROMPT, config, k=6, costs=FREE)) == \
        free.counters.target_calls


@pytest.mark.parametrize("costs", [None, FREE, DEAR], ids=["fixed", "free", "dear"])
def test_dynamic_tree_is_token_identical(tiny_pair, rough_tiny_pair, costs: Costs | None) -> None:
    config = DecodeConfig(max_new_tokens=30)
    for target, draft in (tiny_pair, rough_tiny_pair):
        tree = generate_tree(target, draft, PROMPT, config, DynamicTree(depth=5, width=3, max_nodes=12, costs=costs))
        assert tree.tokens == generate_incremental(target, PROMPT, config).tokens


def test_a_wider_tree_adds_tokens_per_step(rough_tiny_pair) -> None:
    """Three nodes a level against the chain of the same depth: more tokens per target pass, a draft pass a level."""
    target, draft = rough_tiny_pair
    config = DecodeConfig(max_new_tokens=40)
    chain = generate_speculative(target, draft, PROMPT, config, k=4)
    tree = generate_tree(target, draft, PROMPT, config, DynamicTree(depth=4, width=3))
    assert tree.tokens == chain.tokens
    assert tree.mean_accepted_per_step > chain.mean_accepted_per_step
    assert tree.counters.draft_calls <= 4 * tree.counters.target_calls


def test_tree_nodes_follow_the_costs(tiny_pair) -> None:
    """Free verification and drafting: full levels; dear drafting: one level only (no pass past the root's)."""
    target, draft = tiny_pair
    config = DecodeConfig(max_new_tokens=30)
    free = generate_tree(target, draft, PROMPT, config, DynamicTree(depth=4, width=2, max_nodes=9, costs=FREE))
    dear = generate_tree(target, draft, PROMPT, config, DynamicTree(depth=4, width=2, max_nodes=9, costs=DEAR))
    assert free.tokens == dear.tokens
    assert dear.counters.draft_calls == dear.counters.target_calls  # one draft pass a step: the root's
    assert free.proposed > 6 * free.counters.target_calls  # 8 nodes a step but where the output's end cuts in
    assert free.mean_accepted_per_step > dear.mean_accepted_per_step


def test_logits_of_the_last_positions_only() -> None:
    model = tiny_lm(vocab=32)
    model.reset()
    full = model.forward([3, 9, 4, 7])
    model.reset()
    assert torch.allclose(model.forward([3, 9, 4, 7], last=2), full[-2:], atol=1e-6)
