"""What part a number plays, read from the words written around it: total or active parameters, total, active
or shared experts; and the counts of one entity gathered from facts and claims of the graph."""

from __future__ import annotations

import re
from typing import NamedTuple

from compute.checks import claim_input, fact_input
from compute.graph_inputs import ClaimRecord, GraphView
from compute.models import VerificationInput

_CLAUSE_END = re.compile(r"[,;()]|\s(?:and|while|with|but|whereas|of\s+which|where|which|that)\s|\d")
_ACTIVE = re.compile(r"\b(?:active|activated|chosen|selected|routed|used\s+per|per\s+token|choose|pick)", re.IGNORECASE)
_SHARED = re.compile(r"\b(?:shared|always(?:\s+be)?\s+active|always[- ]on)\b", re.IGNORECASE)
_TOTAL = re.compile(r"\b(?:total|in\s+all|overall)\b", re.IGNORECASE)
_ACTIVE_BEFORE = re.compile(r"\b(?:choos\w*|select\w*|activat\w*|rout\w*\s+to)\s+(?:the\s+)?(?:top[- ])?$", re.IGNORECASE)
MIN_PARAMETERS = 1e6  # a bare "76B" next to "active" is a parameter count, "16" is not


class Counted(NamedTuple):
    value: float
    source: VerificationInput
    explicit: bool  # the role was written ("in total", "active"), not assumed


def clause_after(claim: ClaimRecord, limit: int = 60) -> str:
    """The words after the number up to the end of its clause (next comma, bracket, conjunction or number)."""
    rest = claim.after[:limit]
    cut = _CLAUSE_END.search(rest)
    return rest[: cut.start()] if cut else rest


def role(claim: ClaimRecord) -> tuple[str, bool]:
    """("shared" | "active" | "total", explicit?) for a count of experts or parameters."""
    words = f"{claim.span.text} {clause_after(claim)}"
    tail = claim.before[-24:]
    if _SHARED.search(words):
        return "shared", True
    if _ACTIVE.search(words) or _ACTIVE_BEFORE.search(tail):
        return "active", True
    return "total", bool(_TOTAL.search(words))


def is_expert_count(claim: ClaimRecord) -> bool:
    return claim.value is not None and ("expert" in (claim.unit or "") or "expert" in claim.quantity)


def is_parameter_count(claim: ClaimRecord, view: GraphView | None = None) -> bool:
    if claim.value is None:
        return False
    if claim.unit == "parameters":
        return True
    # "304B parameter (~76B active)": a bare large number whose clause says active, after a parameter count
    bare = claim.unit is None and claim.value >= MIN_PARAMETERS and role(claim) == ("active", True)
    return bare and view is not None and any(
        c.unit == "parameters" and c.span.end <= claim.span.start for c in view.same_sentence(claim))


def _near_unattributed(claim: ClaimRecord, anchor: ClaimRecord, entity: str, view: GraphView) -> bool:
    """A count in the anchor's paragraph about no other model (e.g. about 'MoE layers')."""
    start, end = view.paragraph(anchor)
    others = {m.entity for m in view.mentions(claim) if m.type == "Model"} - {entity}
    return start <= claim.span.start < end and claim.subject_type != "Model" and not others


def expert_counts(entity: str, anchor: ClaimRecord, view: GraphView) -> dict[str, Counted]:
    """Total, active and shared expert counts of ``entity``: curated facts first, then claims about the entity,
    then unattributed expert counts earlier in the anchor's paragraph; the nearest claim wins."""
    found: dict[str, Counted] = {}
    facts = view.facts(entity)
    for fact, name in (("experts", "total"), ("active_experts", "active"), ("shared_experts", "shared")):
        if isinstance(facts.get(fact), float):
            found[name] = Counted(facts[fact], fact_input(f"{entity} {name} experts", entity, fact, facts[fact]), True)
    for attributed in (True, False):
        candidates = [c for c in view.in_document(anchor) if is_expert_count(c)
                      and (c.subject == entity if attributed else _near_unattributed(c, anchor, entity, view))]
        for claim in sorted(candidates, key=lambda c: abs(c.span.start - anchor.span.start)):
            name, _ = role(claim)
            if name not in found:
                found[name] = Counted(claim.value, claim_input(f"{entity} {name} experts", claim), True)  # type: ignore[arg-type]
        if "total" in found and "active" in found:
            break
    return found


def parameter_counts(entity: str, anchor: ClaimRecord, view: GraphView) -> dict[str, Counted]:
    """Total and active parameter counts of ``entity`` from its claims: an explicit role ("in total",
    "active") beats an assumed one, a claim whose sentence names the entity beats one that does not, then
    the nearest to the anchor."""
    found: dict[str, Counted] = {}
    candidates = [c for c in view.in_document(anchor) if c.subject == entity and c.comparator in ("exact", "approx")
                  and is_parameter_count(c, view)]
    ranked = sorted(candidates, key=lambda c: (not role(c)[1], not view.mentioned_in_sentence(c, entity),
                                               abs(c.span.start - anchor.span.start)))
    for claim in ranked:
        name, explicit = role(claim)
        if name in ("total", "active") and name not in found:
            found[name] = Counted(claim.value, claim_input(f"{entity} {name} parameters", claim), explicit)  # type: ignore[arg-type]
    return found
