"""Linter-style cross-checks: two claims about the same quantity of the same model that disagree.

Only reported when both claims are point values (exact or approximate) about a model that is the only model
named in both sentences (not as a sized variant), of the same quantity kind, unit and role (total vs active), and differ beyond both claims'
loose tolerances. A finding is written as a refuted verification of the later claim, naming the other.
"""

from __future__ import annotations

from compute.checks import claim_input
from compute.graph_inputs import ClaimRecord, GraphView
from compute.models import Check, Verdict
from compute.registry import Registry, Verifier, VerifyOptions
from compute.roles import role
from compute.tolerance import judge, tolerance_for

# quantities fixed for a model; context lengths and token counts vary with the variant and the setting
_COMPARABLE_UNITS = {"parameters", "experts", "layers"}


def _key(claim: ClaimRecord) -> tuple[str, str, str, str] | None:
    if (claim.value is None or claim.comparator not in ("exact", "approx") or claim.subject_type != "Model"
            or claim.unit not in _COMPARABLE_UNITS or claim.target):
        return None
    return claim.subject or "", claim.quantity, claim.unit or "", role(claim)[0]


def _about_only(claim: ClaimRecord, view: GraphView) -> bool:
    """The sentence names the subject and no other model, and not as a sized variant ("LLaMA2 7B")."""
    models = [m for m in view.mentions(claim) if m.type == "Model"]
    variant = any(0 <= claim.span.start - m.end <= 2 for m in models)
    return {m.entity for m in models} == {claim.subject} and not variant


def _disagree(a: ClaimRecord, b: ClaimRecord) -> bool:
    for one, other in ((a, b), (b, a)):
        tolerance = tolerance_for(one.comparator, one.precision, one.value, surface=one.span.text)
        if judge(tolerance, other.value) is not Verdict.refuted:  # type: ignore[arg-type]
            return False
    return True


def conflicts(claim: ClaimRecord, view: GraphView) -> list[ClaimRecord]:
    """Earlier claims (any document) that state the same quantity of the same model differently."""
    key = _key(claim)
    if key is None or not _about_only(claim, view):
        return []
    return [other for other in view.claims
            if (other.source, other.span.start) < (claim.source, claim.span.start) and _key(other) == key
            and _about_only(other, view) and _disagree(claim, other)]


def applies(claim: ClaimRecord, view: GraphView) -> bool:
    return bool(conflicts(claim, view))


def check(claim: ClaimRecord, view: GraphView, options: VerifyOptions) -> Check:
    """Report the claims this one contradicts."""
    others = conflicts(claim, view)
    first = others[0]
    listed = "; ".join(f"{o.span.text!r} in {o.id}" for o in others)
    return Check(verdict=Verdict.refuted, recomputed=first.value,
                 tolerance=tolerance_for(claim.comparator, claim.precision, claim.value, surface=claim.span.text),
                 method=f"same subject ({claim.subject}), quantity ({claim.quantity}), unit and role; values compared "
                        f"within each claim's tolerance",
                 message=f"refuted: {claim.span.text!r} contradicts {listed}",
                 inputs=[claim_input("conflicting claim", o) for o in others])


def register(registry: Registry) -> None:
    registry.register(Verifier(
        "crosscheck.conflicting_values", "Conflicting values for one quantity of one model",
        "Two claims about the same quantity of the same model that disagree beyond both tolerances.",
        applies, check))
