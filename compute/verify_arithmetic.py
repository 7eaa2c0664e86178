"""Arithmetic between claims of the graph: size ratios ("X is 40% of the size of Y"), training compute
C = 6ND, token multipliers M = D/N, and chains of factors ("4× overall" against the components stated)."""

from __future__ import annotations

import math
import re

from compute.checks import claim_input, compared, rounding_interval, unchecked
from compute.graph_inputs import ClaimRecord, GraphView
from compute.models import Check, ReasonCode
from compute.registry import Registry, Verifier, VerifyOptions
from compute.roles import is_parameter_count, parameter_counts

_SIZE_OF = re.compile(r"^\s*(?:of\s+)?(?:the\s+)?(?:size|parameter\s+count|parameters)\s+of\b", re.IGNORECASE)
_BOTH_ROLES = re.compile(r"\bboth\s+total\s+and\s+active\b|\btotal\s+and\s+active\b", re.IGNORECASE)
_ACTIVE_ONLY = re.compile(r"\bactive\s+parameters\b", re.IGNORECASE)
_MULTIPLIER = re.compile(r"token\s+multiplier|tokens?\s+per\s+parameter|\bD\s*/\s*N\b", re.IGNORECASE)
_OVERALL = re.compile(r"\b(?:overall|end-to-end|in\s+total|combined|altogether|together|all\s+(?:of\s+)?(?:the|these)\b)",
                      re.IGNORECASE)
_COMBINATIONS = re.compile(r"combination", re.IGNORECASE)
CHAIN_WINDOW = 800  # characters before an overall factor in which its components are looked for


# ---------------------------------------------------------------- "X is 40% of the size of Y"

def _size_target(claim: ClaimRecord, view: GraphView) -> str | None:
    if claim.target:
        return claim.target
    later = [m for m in view.mentions(claim) if m.start >= claim.span.end and m.type == "Model"
             and m.entity != claim.subject]
    return later[0].entity if later else None


def applies_to_size_ratio(claim: ClaimRecord, view: GraphView) -> bool:
    return (claim.value is not None and claim.unit in ("percent", "x") and claim.subject is not None
            and bool(_SIZE_OF.match(claim.after)) and _size_target(claim, view) is not None)


def check_size_ratio(claim: ClaimRecord, view: GraphView, options: VerifyOptions) -> Check:
    """The subject's parameter count as a share of the target's, for total, active or both."""
    target = _size_target(claim, view) or ""
    roles = ["total", "active"] if _BOTH_ROLES.search(claim.after) else (
        ["active"] if _ACTIVE_ONLY.search(claim.after) else ["total"])
    mine, theirs = parameter_counts(claim.subject or "", claim, view), parameter_counts(target, claim, view)
    missing = [f"{who} {name}" for name in roles for who, got in ((claim.subject, mine), (target, theirs))
               if name not in got]
    if missing:
        return unchecked(ReasonCode.missing_inputs, f"no parameter count in the graph for {', '.join(missing)}")
    scale = 100.0 if claim.unit == "percent" else 1.0
    shares = {name: scale * mine[name].value / theirs[name].value for name in roles}
    worst = max(roles, key=lambda name: abs(shares[name] - claim.value))  # type: ignore[operator]
    unit = "%" if claim.unit == "percent" else "×"
    method = "; ".join(f"{name}: {scale:g} x {mine[name].value:.4g} / {theirs[name].value:.4g} = {shares[name]:.4g}{unit}"
                       for name in roles)
    inputs = [counted.source for name in roles for counted in (mine[name], theirs[name])]
    return compared(claim, shares[worst], method, inputs,
                    note=f"every stated role must hold; the furthest ({worst}) is shown")


# ---------------------------------------------------------------- C = 6ND and M = D/N

def _pair(claim: ClaimRecord, view: GraphView) -> tuple[ClaimRecord, ClaimRecord] | None:
    """The parameter and token counts stated in the claim's sentence (the last of each before the claim)."""
    sentence = view.same_sentence(claim)
    params = [c for c in sentence if c.comparator in ("exact", "approx") and is_parameter_count(c, view)]
    tokens = [c for c in sentence if c.unit == "tokens" and c.value is not None and c.comparator in ("exact", "approx")]
    if len(params) != 1 or len(tokens) != 1:
        return None  # several models in one sentence: which pairs with which is left to the reader
    return params[0], tokens[0]


def applies_to_compute(claim: ClaimRecord, view: GraphView) -> bool:
    return claim.unit == "FLOPs" and claim.value is not None and _pair(claim, view) is not None


def check_compute(claim: ClaimRecord, view: GraphView, options: VerifyOptions) -> Check:
    """Training compute C = 6ND from the parameter and token counts stated beside it."""
    params, tokens = _pair(claim, view)  # type: ignore[misc]
    compute = 6 * params.value * tokens.value  # type: ignore[operator]
    method = f"C = 6 N D = 6 x {params.value:.4g} x {tokens.value:.4g} = {compute:.4g} FLOPs"
    return compared(claim, compute, method, [claim_input("N", params), claim_input("D", tokens)],
                    rounding=rounding_interval(lambda n, d: 6 * n * d, [params, tokens]),
                    note="6ND counts forward and backward passes over dense weights (Kaplan et al. 2020)")


def applies_to_multiplier(claim: ClaimRecord, view: GraphView) -> bool:
    return (claim.value is not None and claim.unit in (None, "x", "tokens") and claim.comparator != "range"
            and bool(_MULTIPLIER.search(claim.before[-40:] + claim.span.text + claim.after[:30]))
            and _pair(claim, view) is not None and not is_parameter_count(claim, view))


def check_multiplier(claim: ClaimRecord, view: GraphView, options: VerifyOptions) -> Check:
    """Token multiplier M = D / N from the parameter and token counts stated beside it."""
    params, tokens = _pair(claim, view)  # type: ignore[misc]
    multiplier = tokens.value / params.value  # type: ignore[operator]
    method = f"M = D / N = {tokens.value:.4g} / {params.value:.4g} = {multiplier:.4g}"
    return compared(claim, multiplier, method, [claim_input("N", params), claim_input("D", tokens)],
                    rounding=rounding_interval(lambda n, d: d / n, [params, tokens]))


# ---------------------------------------------------------------- chains of factors

def _is_factor(claim: ClaimRecord) -> bool:
    return (claim.unit == "x" and claim.value is not None and claim.value > 1
            and not _COMBINATIONS.search(claim.after[:60]))


def _components(claim: ClaimRecord, view: GraphView) -> list[ClaimRecord]:
    section = view.section(claim)
    start = max(claim.span.start - CHAIN_WINDOW, section.start if section else view.paragraph(claim)[0])
    return [c for c in view.in_document(claim) if start <= c.span.start < claim.sentence.start and _is_factor(c)
            and c.comparator in ("exact", "approx") and not _OVERALL.search(c.sentence.text)]


def applies_to_chain(claim: ClaimRecord, view: GraphView) -> bool:
    return (_is_factor(claim) and claim.comparator in ("exact", "approx")
            and bool(_OVERALL.search(claim.sentence.text)) and len(_components(claim, view)) >= 2)


def check_chain(claim: ClaimRecord, view: GraphView, options: VerifyOptions) -> Check:
    """An overall factor against the product of the component factors stated before it."""
    parts = _components(claim, view)
    product = math.prod(c.value for c in parts)  # type: ignore[misc]
    method = " x ".join(f"{c.value:g} ({c.span.text!r})" for c in parts) + f" = {product:.4g}"
    inputs = [claim_input(f"component {i + 1}", c) for i, c in enumerate(parts)]
    check = compared(claim, product, method, inputs,
                     rounding=rounding_interval(lambda *xs: math.prod(xs), parts))
    if product < claim.value and check.verdict.value == "refuted":  # type: ignore[operator]
        share = claim.value / product  # type: ignore[operator]
        return unchecked(ReasonCode.missing_inputs, f"the stated components multiply to {product:.3g}×, short of the "
                         f"{claim.span.text!r} overall by {share:.3g}×: the rest is not quantified in the text",
                         method, inputs)
    return check


def register(registry: Registry) -> None:
    for verifier in (
        Verifier("arithmetic.size_ratio", "Size ratio against stated parameter counts",
                 "'X is p% of the size of Y' against the total and/or active parameter counts in the graph.",
                 applies_to_size_ratio, check_size_ratio),
        Verifier("arithmetic.training_compute", "Training compute C = 6ND",
                 "A FLOPs figure against 6 x parameters x tokens stated in the same sentence.",
                 applies_to_compute, check_compute),
        Verifier("arithmetic.token_multiplier", "Token multiplier M = D/N",
                 "A tokens-per-parameter figure against the parameter and token counts stated beside it.",
                 applies_to_multiplier, check_multiplier),
        Verifier("arithmetic.factor_chain", "Overall factor against its stated components",
                 "An overall speed-up or saving against the product of the factors stated before it.",
                 applies_to_chain, check_chain),
    ):
        registry.register(verifier)
