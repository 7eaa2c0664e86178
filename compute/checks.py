"""Building a Check from a claim and a recomputation: the verdict through the claim's own tolerance."""

from __future__ import annotations

from collections.abc import Callable
from itertools import product

from compute.graph_inputs import ClaimRecord
from compute.models import Check, Plot, ReasonCode, Verdict, VerificationInput
from compute.tolerance import describe_gap, judge, tolerance_for


def rounding_interval(function: Callable[..., float], claims: list[ClaimRecord]) -> tuple[float, float]:
    """The range of ``function`` over every corner of the inputs' rounding boxes (value +/- precision)."""
    corners = product(*[(c.value - c.precision, c.value + c.precision) for c in claims])  # type: ignore[operator]
    values = [function(*corner) for corner in corners]
    return min(values), max(values)


def claim_input(name: str, claim: ClaimRecord, value: float | str | None = None) -> VerificationInput:
    shown = claim.value if value is None else value
    return VerificationInput(name=name, value=shown if shown is not None else claim.span.text, claim_id=claim.id,
                             text=claim.span.text)


def fact_input(name: str, entity: str, fact: str, value: float | str) -> VerificationInput:
    return VerificationInput(name=name, value=value, fact=f"{entity}.{fact}")


def unchecked(reason: ReasonCode, message: str, method: str = "none", inputs: list[VerificationInput] | None = None
              ) -> Check:
    return Check(verdict=Verdict.not_checkable, reason=reason, method=method, message=message, inputs=inputs or [])


def compared(
    claim: ClaimRecord, recomputed: float, method: str, inputs: list[VerificationInput], *,
    low: float | None = None, high: float | None = None, note: str = "", plot: Plot | None = None,
    seed: int | None = None, device: str | None = None, rounding: tuple[float, float] | None = None,
) -> Check:
    """Judge the claim's value against ``recomputed`` (or the interval [low, high]) with the claim's tolerance."""
    tolerance = tolerance_for(claim.comparator, claim.precision, claim.value, claim.low, claim.high, claim.span.text)
    lo, hi = (low, high) if low is not None and high is not None else (recomputed, recomputed)
    verdict = judge(tolerance, lo, hi)
    if rounding is not None and verdict is not Verdict.supported and claim.comparator != "range":
        # the inputs were rounded too: if some values they round from satisfy the claim, it is a near miss
        if judge(tolerance, min(rounding), max(rounding)) is Verdict.supported:
            verdict = Verdict.approximately_supported
        rounded = f"inputs as written round from values giving [{min(rounding):.4g}, {max(rounding):.4g}]"
        note = f"{note}; {rounded}" if note else rounded
    claimed = claim.value if claim.value is not None else (claim.low or 0.0)
    if hi > lo:
        gap = f"claimed {claim.span.text!r} vs recomputed [{lo:.4g}, {hi:.4g}]"
    elif claim.value is not None:
        gap = describe_gap(claimed, recomputed)
    else:
        gap = f"claimed {claim.span.text!r} vs recomputed {recomputed:.6g}"
    message = f"{verdict.value}: {gap}; {tolerance.reason}" + (f". {note}" if note else "")
    return Check(verdict=verdict, recomputed=recomputed, recomputed_low=low, recomputed_high=high,
                 tolerance=tolerance, method=method, message=message, inputs=inputs, plot=plot, seed=seed,
                 device=device)
