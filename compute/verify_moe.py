"""Mixture-of-experts verifiers: ratios of expert combinations C(n, k), and active parameters against the
share of experts a token uses."""

from __future__ import annotations

import re

from compute.checks import claim_input, compared, unchecked
from compute.combinatorics import MoeConfig, RoutingConfigError, combination_ratio
from compute.graph_inputs import ClaimRecord, GraphView
from compute.models import Check, ReasonCode, VerificationInput
from compute.registry import Registry, Verifier, VerifyOptions
from compute.roles import Counted, expert_counts, is_parameter_count, parameter_counts, role

_COMBINATIONS = re.compile(r"^\W*(?:more|fewer|as\s+many)?\s*(?:\w+\s+){0,3}?(?:combinations?\s+of\s+experts|"
                           r"expert\s+combinations?|(?:routing\s+)?combinations)", re.IGNORECASE)


def _config(counts: dict[str, Counted]) -> tuple[MoeConfig, list[VerificationInput]] | None:
    if "total" not in counts or "active" not in counts:
        return None
    shared = counts.get("shared")
    config = MoeConfig(experts=int(counts["total"].value), active=int(counts["active"].value),
                       shared=int(shared.value) if shared else 0)
    return config, [c.source for c in counts.values()]


def applies_to_combinations(claim: ClaimRecord, view: GraphView) -> bool:
    return claim.value is not None and claim.unit == "x" and bool(_COMBINATIONS.search(claim.after[:80]))


def _targets(claim: ClaimRecord, view: GraphView) -> list[str]:
    if claim.target:
        return [claim.target]
    named = [m.entity for m in view.mentions(claim) if m.type == "Model" and m.entity != claim.subject]
    return list(dict.fromkeys(named))


def check_combinations(claim: ClaimRecord, view: GraphView, options: VerifyOptions) -> Check:
    """How many times more expert combinations the subject offers than the models it is compared with."""
    if claim.subject is None:
        return unchecked(ReasonCode.missing_inputs, "the claim names no model whose experts could be counted")
    subject = _config(expert_counts(claim.subject, claim, view))
    if subject is None:
        return unchecked(ReasonCode.missing_inputs, f"no total and active expert counts for {claim.subject} in the graph")
    resolved = [(t, c) for t in _targets(claim, view) if (c := _config(expert_counts(t, claim, view)))]
    if not resolved:
        return unchecked(ReasonCode.missing_inputs, "no compared model with known expert counts in the sentence")
    try:
        ratios = [(target, combination_ratio(subject[0], config), inputs) for target, (config, inputs) in resolved]
    except RoutingConfigError as error:
        return unchecked(ReasonCode.missing_inputs, f"the expert counts describe no router: {error}")
    first = ratios[0][1]
    values = [float(r.ratio) for _, r, _ in ratios]
    inputs = [*subject[1], *(i for _, _, extra in ratios for i in extra)]
    formulas = "; ".join(f"{claim.subject} vs {target}: {r.formula}" for target, r, _ in ratios)
    low, high = (min(values), max(values)) if len(set(values)) > 1 else (None, None)
    return compared(claim, float(first.ratio), f"{first.method}: {formulas}", inputs, low=low, high=high,
                    note="'N× more combinations' read as the ratio C(subject) / C(target), in exact fractions")


def applies_to_active_share(claim: ClaimRecord, view: GraphView) -> bool:
    return claim.subject_type == "Model" and is_parameter_count(claim, view) and role(claim)[0] == "active"


def check_active_share(claim: ClaimRecord, view: GraphView, options: VerifyOptions) -> Check:
    """Active parameters must lie between total x (active experts / experts) and the total."""
    entity = claim.subject or ""
    total = parameter_counts(entity, claim, view).get("total")
    experts = expert_counts(entity, claim, view)
    if total is None or "total" not in experts or "active" not in experts:
        return unchecked(ReasonCode.missing_inputs, f"needs {entity}'s total parameters and expert counts")
    n, k = experts["total"].value, experts["active"].value
    low = total.value * k / n
    method = (f"total x active/experts <= active <= total: {total.value:.4g} x {k:g}/{n:g} = {low:.4g} <= "
              f"active <= {total.value:.4g} (non-expert weights are always active)")
    inputs = [total.source, experts["total"].source, experts["active"].source, claim_input("active parameters", claim)]
    return compared(claim, low, method, inputs[:3], low=low, high=total.value,
                    note="the bound is consistency, not a recomputation: every value inside it is supported")


def register(registry: Registry) -> None:
    registry.register(Verifier(
        "moe.combinations", "Expert combinations of mixture-of-experts models",
        "Ratio of C(experts - shared, active - shared) between two MoE configurations, exact (Fraction).",
        applies_to_combinations, check_combinations))
    registry.register(Verifier(
        "moe.active_share", "Active parameters against the share of active experts",
        "total x active/experts <= active parameters <= total.", applies_to_active_share, check_active_share))
