"""What a speculation step costs and yields: measured costs (a target pass by tokens verified, a draft pass over one
token), the chance a drafted token is accepted as learnt during a generation, and the rule that sizes a step by
them: of the nodes that could come next, add as many as give the most expected tokens per second.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise


class CostError(ValueError):
    """The measured costs cannot price a step (no verification sizes, a negative time)."""


@dataclass(frozen=True)
class Costs:
    """Seconds of one target pass verifying n tokens (measured at a few n) and of one draft pass over one token."""

    verify: Mapping[int, float]
    draft: float

    def __post_init__(self) -> None:
        if not self.verify or min(self.verify) < 1 or min(self.verify.values()) < 0 or self.draft < 0:
            raise CostError(f"cannot price steps from verify={dict(self.verify)}, draft={self.draft}")

    @cached_property
    def _points(self) -> list[tuple[int, float]]:
        # a wider pass never costs less: the running maximum irons out timing noise between sizes
        points, high = [], 0.0
        for n in sorted(self.verify):
            high = max(high, self.verify[n])
            points.append((n, high))
        return points

    def verify_seconds(self, n: int) -> float:
        """t(n), linear between measured sizes, extended with the nearest segment's slope outside them."""
        points = self._points
        if len(points) == 1:
            return points[0][1]
        for (n0, t0), (n1, t1) in pairwise(points):
            if n <= n1:
                break
        return max(0.0, t0 + (t1 - t0) * (n - n0) / (n1 - n0))


@dataclass
class Step:
    """A speculation step as it is built: expected tokens (the reach probabilities of its nodes; the root, the token
    the target always emits, counts 1), tokens the target verifies, and draft passes."""

    costs: Costs
    tokens: float = 1.0
    nodes: int = 1
    drafts: int = 0
    _seconds: float = field(init=False, default=0.0)

    def __post_init__(self) -> None:
        self._seconds = self._cost(self.nodes, self.drafts)

    def _cost(self, nodes: int, drafts: int) -> float:
        return drafts * self.costs.draft + self.costs.verify_seconds(nodes)

    def best_count(self, values: Iterable[float], drafts: int = 0) -> int:
        """How many of the next nodes (their expected tokens, in the order they would be added, each needing
        ``drafts`` draft passes) to add for the most expected tokens per second; 0 when none raises it.

        The whole run of candidates is weighed, not only the next one: a costlier next pass (wider kernels past a
        size) may be worth it for the cheap ones after it."""
        best, rate, tokens = 0, self.tokens / self._seconds, self.tokens
        for count, value in enumerate(values, start=1):
            tokens += value
            candidate = tokens / self._cost(self.nodes + count, self.drafts + count * drafts)
            if candidate > rate:
                best, rate = count, candidate
        return best

    def add(self, value: float, drafts: int = 0) -> None:
        self.tokens += value
        self.nodes += 1
        self.drafts += drafts
        self._seconds = self._cost(self.nodes, self.drafts)


BANDS = (0.5, 0.8, 0.95)  # upper edges of the draft-confidence bands acceptance is counted in (the last runs to 1)
PRIOR = 1.0  # pseudo-tokens behind each band's prior guess
Rates = tuple[float | None, ...]  # acceptance by band, None where nothing was seen


@dataclass
class Acceptance:
    """The chance that a drafted token is accepted (given the ones before it were), learnt from one generation's
    verifications in bands of the draft's confidence in it. Before any, each band's ``prior`` rate (measured on
    held-out text, see ``rates``) or, without one, the confidence itself. A draft that is right more often than it
    is sure soon earns longer chains."""

    prior: Rates = (None,) * (len(BANDS) + 1)
    accepted: list[float] = field(default_factory=lambda: [0.0] * (len(BANDS) + 1))
    seen: list[float] = field(default_factory=lambda: [0.0] * (len(BANDS) + 1))

    @staticmethod
    def _band(confidence: float) -> int:
        return sum(confidence >= edge for edge in BANDS)

    def chance(self, confidence: float) -> float:
        band = self._band(confidence)
        guess = self.prior[band] if self.prior[band] is not None else confidence
        return (self.accepted[band] + PRIOR * guess) / (self.seen[band] + PRIOR)

    def record(self, confidences: Sequence[float], accepted: int) -> None:
        """A verified chain: its first ``accepted`` tokens were accepted, the next (if any) was rejected; the
        tokens after a rejection say nothing about acceptance given the ones before."""
        for i, confidence in enumerate(confidences[:accepted + 1]):
            band = self._band(confidence)
            self.seen[band] += 1
            self.accepted[band] += i < accepted

    def rates(self) -> Rates:
        return tuple(a / n if n else None for a, n in zip(self.accepted, self.seen, strict=True))
