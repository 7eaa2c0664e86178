"""Tolerance from the claim's precision and comparator: a table of cases and hypothesis properties."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from compute.models import Verdict
from compute.tolerance import judge, tolerance_for

CASES = [  # comparator, precision, value (or low/high), recomputed, verdict
    ("exact", 0.5, 65.0, 65.0, "supported"),
    ("exact", 0.5, 65.0, 65.4, "supported"),
    ("exact", 0.5, 65.0, 65.9, "approximately_supported"),
    ("exact", 0.5, 65.0, 67.0, "refuted"),
    ("exact", 0.005, 1.74, 1.744, "supported"),
    ("exact", 0.005, 1.74, 1.75, "approximately_supported"),
    ("approx", 0.5, 20.0, 20.9, "supported"),  # "≈ 20": 5% relative
    ("approx", 0.5, 20.0, 21.8, "approximately_supported"),
    ("up_to", 0.5, 10.0, 3.0, "supported"),
    ("up_to", 0.5, 10.0, 12.0, "refuted"),
    ("at_least", 0.5, 2.0, 9.0, "supported"),
    ("at_least", 0.5, 2.0, 1.2, "approximately_supported"),
    ("more_than", 0.5, 4.0, 2.0, "refuted"),
]


@pytest.mark.parametrize(("comparator", "precision", "value", "recomputed", "verdict"), CASES)
def test_table(comparator: str, precision: float, value: float, recomputed: float, verdict: str) -> None:
    assert judge(tolerance_for(comparator, precision, value), recomputed).value == verdict


def test_ranges_test_both_ends() -> None:
    tolerance = tolerance_for("range", 0.5, low=20.0, high=640.0)
    assert judge(tolerance, 300.0) is Verdict.supported
    assert judge(tolerance, 20.0, 640.3) is Verdict.supported
    assert judge(tolerance, 20.0, 700.0) is Verdict.refuted  # the high end is off
    assert judge(tolerance, 5.0) is Verdict.refuted


def test_reason_states_the_rule() -> None:
    assert "±0.5" in tolerance_for("exact", 0.5, 65.0, surface="65×").reason
    assert "5%" in tolerance_for("approx", 0.5, 20.0).reason


values = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False)
precisions = st.floats(min_value=1e-6, max_value=1e9, allow_nan=False)
comparators = st.sampled_from(["exact", "approx", "at_least", "at_most", "more_than", "less_than", "up_to"])


@given(comparators, precisions, values)
@example("exact", 0.5, 0.0)
def test_the_claimed_value_itself_is_supported(comparator: str, precision: float, value: float) -> None:
    assert judge(tolerance_for(comparator, precision, value), value) is Verdict.supported


@given(comparators, precisions, values, st.floats(min_value=0, max_value=1e12, allow_nan=False))
def test_further_away_is_never_better(comparator: str, precision: float, value: float, gap: float) -> None:
    tolerance = tolerance_for(comparator, precision, value)
    order = [Verdict.supported, Verdict.approximately_supported, Verdict.refuted]
    for sign in (-1, 1):
        near, far = judge(tolerance, value + sign * gap / 2), judge(tolerance, value + sign * gap)
        assert order.index(far) >= order.index(near)


@given(comparators, precisions, values)
def test_loose_band_contains_strict(comparator: str, precision: float, value: float) -> None:
    tolerance = tolerance_for(comparator, precision, value)
    assert tolerance.loose >= tolerance.strict >= 0
