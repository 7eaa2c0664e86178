"""Mixture-of-experts routing combinatorics: how many expert subsets a router can pick, in exact arithmetic."""

from __future__ import annotations

from fractions import Fraction
from math import comb

from pydantic import BaseModel, ConfigDict, field_serializer, model_validator

COMBINATIONS_METHOD = "C(experts - shared, active - shared)"


class RoutingConfigError(ValueError):
    """An expert count, active count or shared count that describes no possible router."""


class MoeConfig(BaseModel):
    """One mixture-of-experts layer: `experts` in total, `active` per token, of which `shared` are always on."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    experts: int
    active: int
    shared: int = 0

    @model_validator(mode="after")
    def _routable(self) -> MoeConfig:
        _validate(self.experts, self.active, self.shared)
        return self


class CombinationRatio(BaseModel):
    """How many times more expert combinations configuration `a` offers than configuration `b`."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    a: MoeConfig
    b: MoeConfig
    combinations_a: int
    combinations_b: int
    ratio: Fraction
    method: str
    formula: str

    @field_serializer("ratio")
    def _ratio_text(self, ratio: Fraction) -> str:
        # A Fraction has no JSON form; "p/q" (or "p" when whole) keeps it exact.
        return str(ratio)


def _validate(experts: int, active: int, shared: int) -> None:
    if experts < 1:
        raise RoutingConfigError(f"experts must be at least 1, got {experts}")
    if active < 1:
        raise RoutingConfigError(f"active experts must be at least 1, got {active}")
    if active > experts:
        raise RoutingConfigError(f"cannot activate {active} of only {experts} experts")
    if shared < 0:
        raise RoutingConfigError(f"shared experts cannot be negative, got {shared}")
    if shared > active:
        raise RoutingConfigError(f"{shared} shared experts exceed the {active} active per token")


def expert_combinations(experts: int, active: int, shared: int = 0) -> int:
    """Number of distinct expert subsets a token can be routed to.

    Shared experts are active for every token, so the router only chooses the remaining
    `active - shared` among the `experts - shared` routed ones.

    >>> expert_combinations(16, 4)
    1820
    >>> expert_combinations(64, 8, shared=2) == expert_combinations(62, 6)
    True
    """
    _validate(experts, active, shared)
    return comb(experts - shared, active - shared)


def _term(config: MoeConfig) -> str:
    return f"C({config.experts - config.shared},{config.active - config.shared})"


def combination_ratio(a: MoeConfig, b: MoeConfig) -> CombinationRatio:
    """Exact ratio of expert combinations, e.g. "C(16,4)/C(8,2) = 1820/28 = 65".

    >>> combination_ratio(MoeConfig(experts=16, active=4), MoeConfig(experts=8, active=2)).formula
    'C(16,4)/C(8,2) = 1820/28 = 65'
    """
    count_a = expert_combinations(a.experts, a.active, a.shared)
    count_b = expert_combinations(b.experts, b.active, b.shared)
    ratio = Fraction(count_a, count_b)
    return CombinationRatio(
        a=a,
        b=b,
        combinations_a=count_a,
        combinations_b=count_b,
        ratio=ratio,
        method=f"{COMBINATIONS_METHOD} for each configuration; ratio as an exact fraction",
        formula=f"{_term(a)}/{_term(b)} = {count_a}/{count_b} = {ratio}",
    )
