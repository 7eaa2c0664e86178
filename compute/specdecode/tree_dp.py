"""Sequoia's dynamic program for the token tree (Chen et al., arXiv 2402.12374, section 3.1 and 3.3).

Positional acceptance: the k-th child drawn (without replacement) at a node is the one the target accepts with
probability p_k, whatever the node. A node v is then reached with probability f(v), the product of p_k along
its path (f(root) = 1), and a tree T yields E[tokens per step] = F(T) = sum over v in T of f(v) (the root
stands for the token the target always emits). The best tree with n nodes and depth at most d satisfies

    c(1, d) = 1,    c(n, 0) = -inf for n > 1,
    c(n, d) = 1 + max over a_1 + ... + a_K = n - 1 (a_i >= 0, a_i = 0 => a_j = 0 for j > i)
                  of sum_i p_i * c(a_i, d - 1)

(subtree i hangs under the i-th child); an inner table best(m, i) over the first children makes it
O(D * K * n^2). Hardware-aware choice (section 3.3): with measured verification time t(n) of n tokens and
draft time per level t_d, pick (n, d) maximising c(n, d) / (t(n) + d * t_d): tokens per second.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from compute.specdecode.tree import TreeShape

NEG = float("-inf")


class PlanError(ValueError):
    """No tree fits the inputs (empty acceptance vector, no measured verification sizes)."""


@dataclass(frozen=True)
class TreePlan:
    shape: TreeShape
    expected_tokens: float  # c(n, d): expected tokens per target pass
    seconds_per_step: float | None = None
    tokens_per_s: float | None = None


def _solve(acceptance: Sequence[float], size: int, depth: int) -> tuple[list[list[float]], list[dict]]:
    """c[d][n] for d <= depth, n <= size, and the child sizes that achieve each."""
    k = len(acceptance)
    c = [[NEG] * (size + 1) for _ in range(depth + 1)]
    splits: list[dict] = [{} for _ in range(depth + 1)]
    for d in range(depth + 1):
        c[d][1] = 1.0
    for d in range(1, depth + 1):
        # best[i][m]: max sum over children i.. with m nodes among them; choice[i][m]: size of child i
        best = [[NEG] * size for _ in range(k + 1)]
        choice = [[0] * size for _ in range(k + 1)]
        best[k][0] = 0.0
        for i in range(k - 1, -1, -1):
            best[i][0] = 0.0
            for m in range(1, size):
                for a in range(1, m + 1):
                    if c[d - 1][a] == NEG or best[i + 1][m - a] == NEG:
                        continue
                    value = acceptance[i] * c[d - 1][a] + best[i + 1][m - a]
                    if value > best[i][m]:
                        best[i][m], choice[i][m] = value, a
        for n in range(2, size + 1):
            if best[0][n - 1] > NEG:
                c[d][n] = 1.0 + best[0][n - 1]
                splits[d][n] = _children(choice, n - 1)
    return c, splits


def _children(choice: list[list[int]], m: int) -> list[int]:
    sizes, i = [], 0
    while m > 0:
        sizes.append(choice[i][m])
        m -= choice[i][m]
        i += 1
    return sizes


def _nested(splits: list[dict], n: int, d: int) -> list:
    """The optimal tree as nested lists of children."""
    return [_nested(splits, a, d - 1) for a in splits[d].get(n, [])] if n > 1 else []


def _breadth_first(tree: list) -> TreeShape:
    parents, queue = [-1], [(0, tree)]
    while queue:
        node, kids = queue.pop(0)
        for sub in kids:
            parents.append(node)
            queue.append((len(parents) - 1, sub))
    return TreeShape(tuple(parents))


def optimal_tree(acceptance: Sequence[float], size: int, depth: int | None = None) -> TreePlan:
    """The tree of at most ``size`` nodes (and depth) maximising expected tokens per step."""
    if not acceptance or size < 1:
        raise PlanError("need a non-empty acceptance vector and a size >= 1")
    depth = size - 1 if depth is None else depth
    c, splits = _solve(acceptance, size, depth)
    n = max(range(1, size + 1), key=lambda m: (c[depth][m], -m))
    return TreePlan(_breadth_first(_nested(splits, n, depth)), c[depth][n])


def expected_tokens(shape: TreeShape, acceptance: Sequence[float]) -> float:
    """F(T) = sum of f(v) over the nodes: the DP's objective evaluated on any tree (for checks)."""
    reach = [1.0] * shape.size
    for node in range(1, shape.size):
        ordinal = shape.children[shape.parents[node]].index(node)
        p = acceptance[ordinal] if ordinal < len(acceptance) else 0.0
        reach[node] = reach[shape.parents[node]] * p
    return sum(reach)


def plan(acceptance: Sequence[float], verify_seconds: Mapping[int, float], draft_seconds_per_level: float,
         max_depth: int) -> TreePlan:
    """Hardware-aware: the (size, depth) with the most tokens per second under the measured costs."""
    if not verify_seconds:
        raise PlanError("no measured verification times")
    size = max(verify_seconds)
    c, splits = _solve(acceptance, size, max_depth)
    best: TreePlan | None = None
    for n, seconds in sorted(verify_seconds.items()):
        for d in range(0 if n == 1 else 1, max_depth + 1):
            if c[d][n] == NEG:
                continue
            step = seconds + d * draft_seconds_per_level
            rate = c[d][n] / step
            if best is None or rate > (best.tokens_per_s or 0.0):
                best = TreePlan(_breadth_first(_nested(splits, n, d)), c[d][n], step, rate)
    if best is None:
        raise PlanError("no tree fits the measured sizes")
    return best


def acceptance_from_counts(accepted_by_child: Sequence[int], visits: int) -> list[float]:
    """p_k estimated from calibration counts (how often the k-th child was accepted per visited node), made
    non-increasing as the positional model assumes."""
    if visits <= 0:
        raise PlanError("no visited nodes to estimate acceptance from")
    rates, floor = [], 1.0
    for count in accepted_by_child:
        floor = min(floor, count / visits)
        rates.append(floor)
    return rates
