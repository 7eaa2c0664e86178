"""Tolerance from the claim itself: the precision the author reported and the comparator they wrote.

Rules (the ``reason`` of every Tolerance states the one applied):

- exact "65×": the truth must round to the claim, |t - v| <= p, where p is half a unit of the last digit written
  (Quantity.precision: "65×" -> 0.5, "1.74×" -> 0.005).
- approx "~76B", "about", "roughly", "≈": |t - v| <= max(p, 5% of |v|).
- bounds: "at least"/"over"/"more than" v accept t >= v - p; "at most"/"up to"/"less than"/"under" accept t <= v + p.
- range "20 to 640": low - p <= t <= high + p; a recomputed range is compared end by end.
- approximately_supported: outside the strict slack above but within twice it (the looser, stated band).

A recomputed interval (a quantity that depends on conditions the text leaves open, such as the compute budget)
supports a point claim when it meets the accepted set.
"""

from __future__ import annotations

from compute.models import Tolerance, Verdict

APPROX_RELATIVE = 0.05
LOOSE_FACTOR = 2.0
_LOWER_BOUNDS = {"at_least", "more_than"}
_UPPER_BOUNDS = {"at_most", "up_to", "less_than"}


def tolerance_for(
    comparator: str, precision: float, value: float | None = None, low: float | None = None, high: float | None = None,
    surface: str = "",
) -> Tolerance:
    """The Tolerance a claim allows; ValueError when the comparator has no value to bound."""
    shown = f"{surface!r} " if surface else ""
    p = abs(precision)
    if comparator == "range":
        if low is None or high is None:
            raise ValueError("a range claim needs both ends")
        return _make(comparator, low, high, p, f"{shown}is a range: both ends within ±{p:g} (half the last digit)")
    if value is None:
        raise ValueError(f"a {comparator} claim needs a value")
    if comparator == "approx":
        slack = max(p, APPROX_RELATIVE * abs(value))
        return _make(comparator, value, value, slack,
                     f"{shown}is approximate: ±{slack:g} (the larger of half the last digit and 5%)")
    if comparator in _LOWER_BOUNDS:
        return _make(comparator, value, None, p, f"{shown}is a lower bound: at least {value:g} - {p:g}")
    if comparator in _UPPER_BOUNDS:
        return _make(comparator, None, value, p, f"{shown}is an upper bound: at most {value:g} + {p:g}")
    return _make("exact", value, value, p, f"{shown}is written to ±{p:g} (half a unit of the last digit)")


def _make(comparator: str, low: float | None, high: float | None, strict: float, reason: str) -> Tolerance:
    loose = LOOSE_FACTOR * strict
    return Tolerance(
        comparator=comparator, claimed_low=low, claimed_high=high, strict=strict, loose=loose,
        reason=f"{reason}; approximately supported within ±{loose:g}",
    )


def distance(tolerance: Tolerance, low: float, high: float | None = None) -> float:
    """How far the recomputed value (or interval [low, high]) lies outside what the claim states; 0 inside."""
    high = low if high is None else high
    if low > high:
        raise ValueError(f"empty interval [{low}, {high}]")
    if tolerance.comparator == "range" and high > low:
        # "ranges test both ends": each end of the recomputed range against the claimed end
        return max(abs(low - tolerance.claimed_low), abs(high - tolerance.claimed_high))  # type: ignore[operator]
    below = tolerance.claimed_low - high if tolerance.claimed_low is not None else 0.0
    above = low - tolerance.claimed_high if tolerance.claimed_high is not None else 0.0
    return max(below, above, 0.0)


def judge(tolerance: Tolerance, low: float, high: float | None = None) -> Verdict:
    """supported within the strict slack, approximately_supported within the loose one, else refuted.

    >>> judge(tolerance_for("exact", 0.5, 65.0), 65.0)
    <Verdict.supported: 'supported'>
    >>> judge(tolerance_for("exact", 0.5, 40.0), 43.4).value
    'refuted'
    """
    gap = distance(tolerance, low, high)
    if gap <= tolerance.strict * (1 + 1e-9):
        return Verdict.supported
    if gap <= tolerance.loose * (1 + 1e-9):
        return Verdict.approximately_supported
    return Verdict.refuted


def describe_gap(claimed: float, recomputed: float) -> str:
    """"the text rounds 3.4 to 4 (+0.6, 17.6%)": the gap between claim and recomputation, signed."""
    gap = claimed - recomputed
    relative = f", {100 * gap / recomputed:+.1f}%" if recomputed else ""
    return f"claimed {claimed:g} vs recomputed {recomputed:.6g} ({gap:+.3g}{relative})"
