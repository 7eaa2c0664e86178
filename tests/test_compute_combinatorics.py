"""Mixture-of-experts combinatorics: worked examples, argument checks and exact-arithmetic properties."""

from __future__ import annotations

import doctest
import json
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compute import combinatorics
from compute.combinatorics import (
    MoeConfig,
    RoutingConfigError,
    combination_ratio,
    expert_combinations,
)


@st.composite
def configs(draw: st.DrawFn, max_experts: int = 80) -> MoeConfig:
    experts = draw(st.integers(1, max_experts))
    active = draw(st.integers(1, experts))
    shared = draw(st.integers(0, active))
    return MoeConfig(experts=experts, active=active, shared=shared)


def test_docstring_examples_run() -> None:
    assert doctest.testmod(combinatorics).failed == 0


def test_fine_grained_example_is_65_times_more_combinations() -> None:
    result = combination_ratio(MoeConfig(experts=16, active=4), MoeConfig(experts=8, active=2))
    assert (result.combinations_a, result.combinations_b) == (1820, 28)
    assert result.ratio == Fraction(65)
    assert result.formula == "C(16,4)/C(8,2) = 1820/28 = 65"


def test_non_integer_ratio_stays_exact_and_serialises() -> None:
    result = combination_ratio(MoeConfig(experts=8, active=2), MoeConfig(experts=16, active=4))
    assert result.ratio == Fraction(1, 65)
    assert result.formula.endswith("= 28/1820 = 1/65")
    assert json.loads(result.model_dump_json())["ratio"] == "1/65"


def test_shared_experts_appear_reduced_in_the_formula() -> None:
    result = combination_ratio(MoeConfig(experts=64, active=8, shared=2), MoeConfig(experts=8, active=2))
    assert result.formula.startswith("C(62,6)/C(8,2)")
    assert result.combinations_a == 61474519


@pytest.mark.parametrize(
    ("experts", "active", "shared", "message"),
    [
        (0, 1, 0, "experts must be at least 1"),
        (8, 0, 0, "active experts must be at least 1"),
        (8, 9, 0, "cannot activate 9 of only 8"),
        (8, 2, -1, "cannot be negative"),
        (8, 2, 3, "exceed the 2 active"),
    ],
)
def test_impossible_routers_are_rejected(experts: int, active: int, shared: int, message: str) -> None:
    with pytest.raises(RoutingConfigError, match=message):
        expert_combinations(experts, active, shared)
    with pytest.raises(ValueError, match=message):
        MoeConfig(experts=experts, active=active, shared=shared)


@given(configs(), configs())
def test_ratio_times_smaller_count_is_exact(a: MoeConfig, b: MoeConfig) -> None:
    result = combination_ratio(a, b)
    assert result.ratio * result.combinations_b == result.combinations_a
    assert result.ratio * combination_ratio(b, a).ratio == 1


@given(st.integers(2, 200).flatmap(lambda n: st.tuples(st.just(n), st.integers(1, n - 1))))
def test_choosing_active_equals_choosing_inactive(pair: tuple[int, int]) -> None:
    experts, active = pair
    assert expert_combinations(experts, active) == expert_combinations(experts, experts - active)
    assert expert_combinations(experts, experts) == 1


@given(configs())
def test_shared_experts_reduce_to_the_smaller_problem(config: MoeConfig) -> None:
    reduced_experts = config.experts - config.shared
    reduced_active = config.active - config.shared
    expected = 1 if reduced_active == 0 else expert_combinations(reduced_experts, reduced_active)
    assert expert_combinations(config.experts, config.active, config.shared) == expected


@given(st.integers(2, 120).flatmap(lambda n: st.tuples(st.just(n), st.integers(1, n - 1))))
def test_pascal_rule_holds(pair: tuple[int, int]) -> None:
    experts, active = pair
    left = expert_combinations(experts - 1, active - 1) if active > 1 else 1
    assert expert_combinations(experts, active) == left + expert_combinations(experts - 1, active)
