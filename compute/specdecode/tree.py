"""Tree-based speculation in the style of Sequoia (Chen et al., arXiv 2402.12374).

Each step the draft expands a token tree of a fixed shape level by level (one draft pass per level, tree
attention mask), drawing each node's children *without replacement* from its distribution. The target
scores every node in one forward pass with a tree attention mask (node i attends to the cache, its ancestors
and itself; position = cache length + depth). Verification walks down from the root; at a node with target
distribution p, draft distribution q and children x_1..x_c (in the order drawn):

    for each child x_i: accept with probability min(1, p(x_i) / q(x_i)) and descend;
                        on rejection p <- norm(max(0, p - q)), q(x_i) <- 0, q <- norm(q)
    no child accepted (or a leaf): emit a token drawn from p

which is Sequoia's sampling-without-replacement rule and leaves the target's distribution unchanged.
Greedy: descend to the child equal to argmax p, else emit argmax p (identical to incremental greedy).

The shape is fixed (``TreeShape``, e.g. from ``tree_dp``) or grown anew each step (``DynamicTree``): level by
level, the nodes likeliest to be accepted, as many as pay for their verification and draft passes.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import torch

from compute.specdecode.baseline import DecodeConfig, Generation, finished, start, trim
from compute.specdecode.costs import Acceptance, Costs, Rates, Step
from compute.specdecode.models import CausalLM, probabilities, sample, tree_mask
from compute.specdecode.speculative import aligned, residual, uniform


@dataclass(frozen=True)
class TreeShape:
    """A token tree in breadth-first order: ``parents[0] == -1`` is the root (the last emitted token)."""

    parents: tuple[int, ...]

    def __post_init__(self) -> None:
        if not self.parents or self.parents[0] != -1 or any(not 0 <= p < i for i, p in enumerate(self.parents) if i):
            raise ValueError(f"not a breadth-first tree with one root: {self.parents}")

    @classmethod
    def chain(cls, k: int) -> TreeShape:
        return cls(tuple(range(-1, k)))

    @classmethod
    def uniform(cls, width: int, depth: int) -> TreeShape:
        parents, level = [-1], [0]
        for _ in range(depth):
            nxt = []
            for node in level:
                for _ in range(width):
                    parents.append(node)
                    nxt.append(len(parents) - 1)
            level = nxt
        return cls(tuple(parents))

    @property
    def size(self) -> int:
        return len(self.parents)

    @cached_property
    def children(self) -> tuple[tuple[int, ...], ...]:
        kids: list[list[int]] = [[] for _ in self.parents]
        for node, parent in enumerate(self.parents[1:], start=1):
            kids[parent].append(node)
        return tuple(tuple(k) for k in kids)

    @cached_property
    def depths(self) -> tuple[int, ...]:
        depth = [0] * self.size
        for node in range(1, self.size):
            depth[node] = depth[self.parents[node]] + 1
        return tuple(depth)

    @property
    def depth(self) -> int:
        return max(self.depths)

    @property
    def max_children(self) -> int:
        return max(map(len, self.children))


@dataclass(frozen=True)
class DynamicTree:
    """A tree grown anew each step, level by level, one draft pass per level: each level holds the (at most)
    ``width`` children of highest estimated reach (see ``child_values``) among the children of the level before,
    drawn without replacement from their parent's distribution, and the next pass drafts from all of them. With
    ``costs`` a level's nodes, and whether to draft another level, are sized for the most expected tokens per
    second (``costs.Step``); without, each level takes ``width``. Width 1 is the adaptive chain. At most ``depth``
    levels and ``max_nodes`` nodes. (A level of bounded width keeps the budget from going to unlikely siblings
    near the root before likelier nodes deeper down are known.)"""

    depth: int
    width: int = 1
    max_nodes: int = 64
    costs: Costs | None = None
    prior: Rates | None = None  # acceptance by confidence band measured beforehand (``costs.Acceptance``)

    def __post_init__(self) -> None:
        if self.depth < 0 or self.width < 1 or self.max_nodes < 1:
            raise ValueError(f"a dynamic tree needs depth >= 0, width >= 1, max_nodes >= 1, got {self}")

    @property
    def max_children(self) -> int:
        return self.max_nodes


@dataclass(frozen=True)
class Proposal:
    """One step's draft tree: its shape, each node's token (the root's is the sequence's last), the draft's
    distribution at each node with children, the nodes held in the draft's cache (in cache order), draft passes;
    for a dynamic tree also its chain's nodes and the draft's confidence at each (what acceptance is learnt from)."""

    shape: TreeShape
    tokens: list[int]
    dists: dict[int, torch.Tensor]
    fed: list[int]
    drafts: int
    chain: list[int] = field(default_factory=list)
    confidence: list[float] = field(default_factory=list)


def draw_children(q: torch.Tensor, count: int, config: DecodeConfig, generator: torch.Generator) -> list[int]:
    if config.greedy:
        return torch.topk(q, count).indices.tolist()
    return torch.multinomial(q, count, replacement=False, generator=generator).tolist()


def expand(draft: CausalLM, shape: TreeShape, sequence: list[int], config: DecodeConfig,
           generator: torch.Generator) -> Proposal:
    """The fixed tree drafted level by level (one draft pass per level; leaves need no distribution)."""
    drafts = 0
    if draft.length < len(sequence) - 1:
        draft.forward(sequence[draft.length:-1], last=1)
        drafts += 1
    base = draft.length
    tokens, dists, fed = [sequence[-1]] + [0] * (shape.size - 1), {}, []
    for level in range(shape.depth):
        nodes = [n for n in range(shape.size) if shape.depths[n] == level and shape.children[n]]
        order = fed + nodes
        parents = [order.index(shape.parents[n]) if shape.parents[n] >= 0 else -1 for n in order]
        mask = tree_mask(parents, base)[len(fed):]
        logits = draft.forward([tokens[n] for n in nodes], [base + level] * len(nodes), mask)
        drafts += 1
        fed = order
        for row, node in zip(logits, nodes, strict=True):
            dists[node] = probabilities(row, config.temperature if not config.greedy else 1.0)
            for child, token in zip(shape.children[node], draw_children(dists[node], len(shape.children[node]),
                                                                         config, generator), strict=True):
                tokens[child] = token
    return Proposal(shape, tokens, dists, fed, drafts)


def child_values(dist: torch.Tensor, acceptance: Acceptance, count: int) -> list[float]:
    """The chance that each of a node's first ``count`` children (in the order drawn) is the one the target
    accepts: the first's learnt from the draft's confidence (``Acceptance``), the rest sharing what is left in
    proportion to the draft's next-highest probabilities. Functions of the distribution only, never of the
    tokens drawn, so which children a tree keeps cannot bias the sampling rule."""
    top = torch.topk(dist, min(count, dist.shape[-1])).values.double().tolist()
    first = acceptance.chance(top[0])
    rest = (1.0 - first) / max(1.0 - top[0], 1e-12)
    values = [first, *(min(first, rest * q) for q in top[1:])]
    return [min(a, b) for a, b in zip(values, [1.0, *values], strict=False)]  # never above an earlier sibling


def grow(draft: CausalLM, spec: DynamicTree, sequence: list[int], config: DecodeConfig, generator: torch.Generator,
         budget: int, acceptance: Acceptance) -> Proposal:
    """The step's dynamic tree (see ``DynamicTree``), at most ``budget`` levels deep."""
    temperature = config.temperature if not config.greedy else 1.0
    parents, tokens, reach, fed = [-1], [sequence[-1]], [1.0], [0]
    dists = {0: probabilities(draft.extend(sequence), temperature)}  # one pass: uncached tokens and the root
    base, drafts = draft.length - 1, 1
    step = Step(spec.costs, drafting=spec.costs.draft_seconds(1)) if spec.costs else None
    chain, confidence, frontier, chances = [], [], [0], []
    for level in range(min(spec.depth, budget)):
        values = {node: child_values(dists[node], acceptance, spec.width) for node in frontier}
        # a child the draft gives no probability cannot be drawn without replacement: never a candidate
        ranked = sorted(((reach[node] * v, node) for node in frontier for v in values[node] if v > 0),
                        key=lambda c: -c[0])
        ranked = ranked[:min(spec.width, spec.max_nodes - len(parents))]
        count = step.best_count(value for value, _ in ranked) if step else min(spec.width, len(ranked))
        if not count:
            break
        kids: dict[int, list[int]] = {node: [] for node in frontier}
        for value, node in ranked[:count]:
            kids[node].append(len(kids[node]))
            if step:
                step.add(value)
        for node in frontier:
            drawn = draw_children(dists[node], len(kids[node]), config, generator) if kids[node] else []
            for ordinal, token in enumerate(drawn):
                parents.append(node), tokens.append(token), reach.append(reach[node] * values[node][ordinal])
                if ordinal == 0 and node == (chain[-1] if chain else 0):
                    chain.append(len(tokens) - 1)
                    confidence.append(float(dists[node].max()))
                    chances.append(values[node][0])
        expand = list(range(len(parents) - count, len(parents)))  # breadth-first, as the tree is numbered
        if level + 1 >= min(spec.depth, budget):
            break
        if step:
            # the next level yields up to the frontier's total reach (its nodes' paths exclude each other), decaying
            # by the chain's mean chance a level after that
            ahead, total = sum(chances) / len(chances), sum(reach[node] for node in expand)
            if not step.best_count((total * ahead ** i for i in range(1, min(spec.depth, budget) - level)), drafts=1,
                                   width=len(expand)):
                break
            step.add_pass(len(expand))
        order = fed + expand
        mask = tree_mask([order.index(parents[n]) if parents[n] >= 0 else -1 for n in order], base)[len(fed):]
        logits = draft.forward([tokens[n] for n in expand], [base + level + 1] * len(expand), mask)
        drafts += 1
        fed = order
        for row, node in zip(logits, expand, strict=True):
            dists[node] = probabilities(row, temperature)
        frontier = expand
    return Proposal(TreeShape(tuple(parents)), tokens, dists, fed, drafts, chain, confidence)


def propose(spec: TreeShape | DynamicTree, draft: CausalLM, sequence: list[int], config: DecodeConfig,
            generator: torch.Generator, budget: int, acceptance: Acceptance) -> Proposal:
    if isinstance(spec, TreeShape):
        return expand(draft, spec, sequence, config, generator)
    return grow(draft, spec, sequence, config, generator, budget, acceptance)


def score(target: CausalLM, sequence: list[int], proposal: Proposal) -> tuple[torch.Tensor, int]:
    """The target's logits at every node, in one pass that also feeds the sequence's uncached tokens before the
    root (as a chain above it); and the root's position in the target's cache."""
    base, shape = target.length, proposal.shape
    pending = len(sequence) - 1 - base
    parents = [*range(-1, pending - 1), *(pending + p if p >= 0 else pending - 1 for p in shape.parents)]
    depths = [*range(pending), *(pending + d for d in shape.depths)]
    rows = target.forward(sequence[base:-1] + proposal.tokens, [base + d for d in depths], tree_mask(parents, base),
                          last=shape.size)
    return rows, base + pending


def walk(shape: TreeShape, tokens: list[int], target_rows: torch.Tensor, dists: dict[int, torch.Tensor],
         config: DecodeConfig, generator: torch.Generator) -> tuple[list[int], int, list[int]]:
    """The accepted path (node ids below the root), the token the target emits after it, and the ordinal of
    the accepted child at each accepted node."""
    node, path, ordinals = 0, [], []
    while True:
        kids = shape.children[node]
        if config.greedy:
            choice = int(torch.argmax(target_rows[node]).item())
            found = [i for i, child in enumerate(kids) if tokens[child] == choice]
            if not found:
                return path, choice, ordinals
            node = kids[found[0]]
            path.append(node), ordinals.append(found[0])
            continue
        p = probabilities(target_rows[node], config.temperature)
        q = aligned(dists[node], p.shape[-1]).clone() if kids else None
        moved = False
        for i, child in enumerate(kids):
            x = tokens[child]
            if uniform(generator) * float(q[x]) < float(p[x]):
                node, moved = child, True
                path.append(child), ordinals.append(i)
                break
            p = residual(p, q)
            q[x] = 0.0
            q = q / q.sum() if q.sum() > 0 else q
        if not moved:
            return path, sample(p, generator), ordinals


def generate_tree(target: CausalLM, draft: CausalLM, prompt: Sequence[int], config: DecodeConfig,
                  shape: TreeShape | DynamicTree, generator: torch.Generator | None = None) -> Generation:
    """Tree speculative decoding with a fixed tree (see ``tree_dp.plan`` for choosing one) or a dynamic one."""
    generator = generator or torch.Generator().manual_seed(0)
    clock = time.perf_counter()
    start([target, draft], prompt)
    sequence, result = list(prompt), Generation(tokens=[], accepted_by_child=[0] * shape.max_children)
    acceptance = Acceptance(shape.prior) if isinstance(shape, DynamicTree) and shape.prior else Acceptance()
    while not finished(result.tokens, config):
        proposal = propose(shape, draft, sequence, config, generator, config.max_new_tokens - len(result.tokens) - 1,
                           acceptance)
        rows, root = score(target, sequence, proposal)
        path, token, ordinals = walk(proposal.shape, proposal.tokens, rows, proposal.dists, config, generator)
        on_chain = [a == b for a, b in zip(path, proposal.chain, strict=False)]
        acceptance.record(proposal.confidence, on_chain.index(False) if False in on_chain else len(on_chain))
        target.keep([*range(root), *(root + n for n in [0, *path])])
        committed = 0
        while committed <= len(path) and ([0, *path][committed] in proposal.fed):
            committed += 1
        draft_base = draft.length - len(proposal.fed)
        draft.keep([*range(draft_base), *(draft_base + proposal.fed.index(n) for n in [0, *path][:committed])])
        emitted = [proposal.tokens[n] for n in path] + [token]
        sequence += emitted
        result.tokens += emitted
        result.counters.target_calls += 1
        result.counters.target_tokens += proposal.shape.size
        result.counters.draft_calls += proposal.drafts
        result.proposed += proposal.shape.size - 1
        result.accepted += len(path)
        for ordinal in ordinals:
            result.accepted_by_child[ordinal] += 1
    result.tokens = trim(result.tokens, config)
    result.seconds = time.perf_counter() - clock
    return result
