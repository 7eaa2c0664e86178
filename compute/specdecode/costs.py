"""What a speculation step costs and yields: measured costs (a target pass by tokens verified, a draft pass by
tokens fed), the chance a drafted token is accepted as learnt during a generation, and the rule that sizes a step by
them: of the nodes that could come next, add as many as give the most expected tokens per second.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise


class CostError(ValueError):
    """The measured costs cannot price a step (no verification sizes, a negative time)."""


def _interpolate(points: list[tuple[int, float]], n: int) -> float:
    """Linear between measured sizes, extended with the nearest segment's slope outside them."""
    if len(points) == 1:
        return points[0][1]
    for (n0, t0), (n1, t1) in pairwise(points):
        if n <= n1:
            break
    return max(0.0, t0 + (t1 - t0) * (n - n0) / (n1 - n0))


@dataclass(frozen=True)
class Costs:
    """Seconds of one target pass verifying n tokens, and of one draft pass: by the tokens it feeds, or one figure
    for every width. Measured, not smoothed: a wider pass can cost less where the matrix kernels change with the
    width (float32 on a 2-core AVX-512 CPU: 16 tokens verified in less time than 12)."""

    verify: Mapping[int, float]
    draft: float | Mapping[int, float]

    def __post_init__(self) -> None:
        drafts = list(self.draft.values()) if isinstance(self.draft, Mapping) else [self.draft]
        sizes = [*self.verify, *(self.draft if isinstance(self.draft, Mapping) else [1])]
        if not self.verify or not drafts or min(sizes) < 1 or min([*self.verify.values(), *drafts]) < 0:
            raise CostError(f"cannot price steps from verify={dict(self.verify)}, draft={self.draft}")

    def verify_seconds(self, n: int) -> float:
        return _interpolate(sorted(self.verify.items()), n)

    def draft_seconds(self, width: int = 1) -> float:
        if not isinstance(self.draft, Mapping):
            return self.draft
        return _interpolate(sorted(self.draft.items()), width)


@dataclass
class Step:
    """A speculation step as it is built: expected tokens (the reach probabilities of its nodes; the root, the token
    the target always emits, counts 1), tokens the target verifies, and seconds of draft passes."""

    costs: Costs
    tokens: float = 1.0
    nodes: int = 1
    drafting: float = 0.0

    def _seconds(self, nodes: int, drafting: float) -> float:
        return drafting + self.costs.verify_seconds(nodes)

    def best_count(self, values: Iterable[float], drafts: int = 0, width: int = 1) -> int:
        """How many of the next nodes (their expected tokens, in the order they would be added, each needing
        ``drafts`` draft passes over ``width`` tokens) to add for the most expected tokens per second; 0 when none
        raises it.

        The whole run of candidates is weighed, not only the next one: a costlier next pass (wider kernels past a
        size) may be worth it for the cheap ones after it."""
        per_node = drafts * self.costs.draft_seconds(width)
        best, tokens = 0, self.tokens
        rate = tokens / self._seconds(self.nodes, self.drafting)
        for count, value in enumerate(values, start=1):
            tokens += value
            candidate = tokens / self._seconds(self.nodes + count, self.drafting + count * per_node)
            if candidate > rate:
                best, rate = count, candidate
        return best

    def add(self, value: float, drafts: int = 0, width: int = 1) -> None:
        self.tokens += value
        self.nodes += 1
        self.drafting += drafts * self.costs.draft_seconds(width)

    def add_pass(self, width: int) -> None:
        self.drafting += self.costs.draft_seconds(width)


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
