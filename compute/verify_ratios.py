"""Percentages and fractions against the factors stated beside them: "75% fewer" is "4× fewer", "half as
many tokens" is "2× better token-for-token"."""

from __future__ import annotations

import re

from compute.checks import claim_input, compared, rounding_interval
from compute.graph_inputs import ClaimRecord, GraphView
from compute.models import Check
from compute.registry import Registry, Verifier, VerifyOptions

_DECREASE = re.compile(r"^\W{0,3}(?:\w+\s+){0,2}?(?:decrease|reduction|drop|cut|fewer|less|lower|cheaper|smaller|savings?)\b",
                       re.IGNORECASE)
_REDUCING_FACTOR = re.compile(r"^\W{0,3}(?:\w+\s+){0,1}?(?:fewer|less|lower|cheaper|smaller|reduction|decrease|cut)\b",
                              re.IGNORECASE)
_BETTER_FACTOR = re.compile(r"^\W{0,3}(?:\w+\s+){0,1}?(?:better|more\s+efficient|fewer|less|cheaper|smaller)\b", re.IGNORECASE)
_AS_MANY = re.compile(r"^\s*(?:as\s+(?:many|much)|the\s+(?:number|amount|cost|compute|tokens))\b", re.IGNORECASE)


def _neighbours(claim: ClaimRecord, view: GraphView) -> list[ClaimRecord]:
    """Claims of the claim's sentence and of the sentence before it in the same paragraph."""
    start, _ = view.paragraph(claim)
    earlier = [c for c in view.in_document(claim) if start <= c.sentence.start < claim.sentence.start]
    previous = max((c.sentence.start for c in earlier), default=None)
    return [c for c in view.in_document(claim) if c.id != claim.id
            and (c.sentence.start == claim.sentence.start or c.sentence.start == previous)]


def _factor(claim: ClaimRecord, view: GraphView, cue: re.Pattern[str]) -> ClaimRecord | None:
    found = [c for c in _neighbours(claim, view) if c.unit == "x" and c.value is not None and c.value > 1
             and c.comparator in ("exact", "approx", "at_least", "more_than") and cue.search(c.after[:40])]
    return min(found, key=lambda c: abs(c.span.start - claim.span.start)) if found else None


_DECREASED_BY = re.compile(r"\b(?:cut|cuts|reduc\w*|decreas\w*|lower\w*|sav\w*|shr[iu]nk\w*)\s+(?:\w+\s+){0,3}by\s+$",
                           re.IGNORECASE)


def _is_percent_decrease(claim: ClaimRecord) -> bool:
    return claim.unit == "percent" and claim.value is not None and 0 < claim.value < 100 and bool(
        _DECREASE.search(claim.after[:40]) or _DECREASED_BY.search(claim.before[-50:]))


def _is_fraction(claim: ClaimRecord) -> bool:
    return claim.unit == "x" and claim.value is not None and 0 < claim.value < 1 and bool(_AS_MANY.search(claim.after))


def applies(claim: ClaimRecord, view: GraphView) -> bool:
    if _is_percent_decrease(claim):
        return _factor(claim, view, _REDUCING_FACTOR) is not None
    return _is_fraction(claim) and _factor(claim, view, _BETTER_FACTOR) is not None


def check(claim: ClaimRecord, view: GraphView, options: VerifyOptions) -> Check:
    """A percentage decrease 100 (1 - 1/f) or a fraction 1/f against the factor f stated beside it."""
    if _is_percent_decrease(claim):
        factor = _factor(claim, view, _REDUCING_FACTOR)
        assert factor is not None and factor.value is not None
        value = 100 * (1 - 1 / factor.value)
        method = f"100 x (1 - 1/f) = 100 x (1 - 1/{factor.value:g}) = {value:.4g}%"
        bounds = rounding_interval(lambda f: 100 * (1 - 1 / f), [factor])
    else:
        factor = _factor(claim, view, _BETTER_FACTOR)
        assert factor is not None and factor.value is not None
        value = 1 / factor.value
        method = f"1/f = 1/{factor.value:g} = {value:.4g}"
        bounds = rounding_interval(lambda f: 1 / f, [factor])
    note = "" if factor.comparator in ("exact", "approx") else (
        f"{factor.span.text!r} is a lower bound, so the recomputed value is a bound the other way")
    return compared(claim, value, method, [claim_input("factor f", factor)], rounding=bounds, note=note)


def register(registry: Registry) -> None:
    registry.register(Verifier(
        "arithmetic.reciprocal", "Percentages and fractions against stated factors",
        "'75% decrease' against '4× fewer', 'half as many' against '2× better', in the same or the previous sentence.",
        applies, check))
