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
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import torch

from compute.specdecode.baseline import DecodeConfig, Generation, finished, prefill, trim
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


def draw_children(q: torch.Tensor, count: int, config: DecodeConfig, generator: torch.Generator) -> list[int]:
    if config.greedy:
        return torch.topk(q, count).indices.tolist()
    return torch.multinomial(q, count, replacement=False, generator=generator).tolist()


def expand(draft: CausalLM, shape: TreeShape, sequence: list[int], config: DecodeConfig,
           generator: torch.Generator) -> tuple[list[int], dict[int, torch.Tensor], list[int]]:
    """Tokens of the tree's nodes, the draft's distribution at each internal node, and the nodes fed to the
    draft in cache order (internal nodes only: leaves need no distribution)."""
    if draft.length < len(sequence) - 1:
        draft.forward(sequence[draft.length:-1])
    base = draft.length
    tokens, dists, fed = [sequence[-1]] + [0] * (shape.size - 1), {}, []
    for level in range(shape.depth):
        nodes = [n for n in range(shape.size) if shape.depths[n] == level and shape.children[n]]
        order = fed + nodes
        parents = [order.index(shape.parents[n]) if shape.parents[n] >= 0 else -1 for n in order]
        mask = tree_mask(parents, base)[len(fed):]
        logits = draft.forward([tokens[n] for n in nodes], [base + level] * len(nodes), mask)
        fed = order
        for row, node in zip(logits, nodes, strict=True):
            dists[node] = probabilities(row, config.temperature if not config.greedy else 1.0)
            for child, token in zip(shape.children[node], draw_children(dists[node], len(shape.children[node]),
                                                                         config, generator), strict=True):
                tokens[child] = token
    return tokens, dists, fed


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
                  shape: TreeShape, generator: torch.Generator | None = None) -> Generation:
    """Tree speculative decoding with a fixed tree shape (see ``tree_dp.plan`` for choosing one)."""
    generator = generator or torch.Generator().manual_seed(0)
    clock = time.perf_counter()
    prefill([target, draft], prompt)
    sequence, result = list(prompt), Generation(tokens=[], accepted_by_child=[0] * max(map(len, shape.children)))
    while not finished(result.tokens, config):
        tokens, dists, fed = expand(draft, shape, sequence, config, generator) if shape.size > 1 else (
            [sequence[-1]], {}, [])
        base = target.length
        rows = target.forward(tokens, [base + d for d in shape.depths], tree_mask(shape.parents, base))
        path, token, ordinals = walk(shape, tokens, rows, dists, config, generator)
        target.keep([*range(base), *(base + n for n in [0, *path])])
        committed = 0
        while committed <= len(path) and ([0, *path][committed] in fed):
            committed += 1
        draft_base = draft.length - len(fed)
        draft.keep([*range(draft_base), *(draft_base + fed.index(n) for n in [0, *path][:committed])])
        emitted = [tokens[n] for n in path] + [token]
        sequence += emitted
        result.tokens += emitted
        result.counters.target_calls += 1
        result.counters.target_tokens += shape.size
        result.counters.draft_calls += shape.depth
        result.proposed += shape.size - 1
        result.accepted += len(path)
        for ordinal in ordinals:
            result.accepted_by_child[ordinal] += 1
    result.tokens = trim(result.tokens, config)
    result.seconds = time.perf_counter() - clock
    return result
