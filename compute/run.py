"""verify_all: run every applicable verifier on every claim of the graph and write the verifications back,
one named graph per source file (re-running replaces them: idempotent)."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from datetime import UTC, datetime

from pydantic import BaseModel

from compute.coverage import UNCOVERED
from compute.environment import environment
from compute.graph_inputs import ClaimRecord, GraphView
from compute.mapping import SUFFIX, verification_graph_iri, write_verifications
from compute.models import Check, ReasonCode, Verdict, Verification
from compute.registry import Registry, Verifier, VerifyOptions, default_registry
from kg.iris import key_from_iri
from kg.store import GraphStore

SEVERITY = (Verdict.refuted, Verdict.approximately_supported, Verdict.supported, Verdict.not_checkable)
# what a verifier may raise on inputs it cannot use (FitError, RoutingConfigError, ScalingDataError, missing files)
_INPUT_FAILURES = (ValueError, ArithmeticError, OSError)


class VerificationRun(BaseModel):
    claims: int  # numeric claims (a value, a range or a formula)
    checked: int  # claims with at least one verdict other than not_checkable
    by_verdict: dict[str, int]  # claim-level: the most severe verdict among a claim's verifications
    coverage: float  # checked / claims
    verifications: list[Verification]
    seconds: float

    def summary(self) -> dict[str, object]:
        return {"claims": self.claims, "checked": self.checked, "by_verdict": self.by_verdict,
                "coverage": round(self.coverage, 4)}


def claim_verdict(verdicts: list[Verdict]) -> Verdict:
    """The verdict a claim shows: the most severe among its checked verifications, else not_checkable."""
    return min(verdicts, key=SEVERITY.index, default=Verdict.not_checkable)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def run_one(verifier: Verifier, claim: ClaimRecord, view: GraphView, options: VerifyOptions) -> Verification:
    started, clock = _now(), time.perf_counter()
    try:
        check = verifier.check(claim, view, options)
    except _INPUT_FAILURES as error:
        check = Check(verdict=Verdict.not_checkable, reason=ReasonCode.missing_inputs, method="none",
                      message=f"the verifier could not use its inputs: {error}")
    wall = time.perf_counter() - clock
    return Verification(
        claim_id=claim.id, source=claim.source, verifier=verifier.id, verdict=check.verdict, reason=check.reason,
        claimed=claim.span.text, claimed_value=claim.value, recomputed=check.recomputed,
        recomputed_low=check.recomputed_low, recomputed_high=check.recomputed_high, tolerance=check.tolerance,
        method=check.method, message=check.message, inputs=check.inputs, plot=check.plot,
        environment=environment(verifier.packages, check.device, check.seed, wall), started=started, ended=_now(),
    )


def verify_claims(view: GraphView, registry: Registry, options: VerifyOptions, claims: list[ClaimRecord] | None = None
                  ) -> list[tuple[Verification, Verifier]]:
    """Every applicable verifier on each of ``claims`` (default: all the view's claims)."""
    done = []
    for claim in view.claims if claims is None else claims:
        for verifier in registry.for_claim(claim, view) or [UNCOVERED]:
            done.append((run_one(verifier, claim, view, options), verifier))
    return done


def _sources(store: GraphStore) -> set[str]:
    names = {key_from_iri(g, "graph") for g in store.graphs()}
    return {name.removesuffix(SUFFIX) for name in names}


def verify_all(store: GraphStore, registry: Registry | None = None, options: VerifyOptions | None = None
               ) -> VerificationRun:
    """Verify every claim; each source file's verifications replace its verification graph atomically."""
    clock = time.perf_counter()
    view = GraphView(store)
    done = verify_claims(view, registry or default_registry(), options or VerifyOptions())
    return write_back(store, view.claims, done, time.perf_counter() - clock)


def write_back(store: GraphStore, claims: list[ClaimRecord], done: list[tuple[Verification, Verifier]],
               seconds: float) -> VerificationRun:
    """Each source file's verifications replace its verification graph (emptied for a file with none left)."""
    by_source: dict[str, list[tuple[Verification, Verifier]]] = defaultdict(list)
    for pair in done:
        by_source[pair[0].source].append(pair)
    for source in sorted(_sources(store) | set(by_source)):
        write_verifications(store, source, by_source.get(source, []))
    return summarise(claims, [v for v, _ in done], seconds)


def summarise(claims: list[ClaimRecord], verifications: list[Verification], seconds: float = 0.0) -> VerificationRun:
    numeric = [c for c in claims if c.numeric]
    verdicts: dict[str, list[Verdict]] = defaultdict(list)
    for v in verifications:
        verdicts[v.claim_id].append(v.verdict)
    shown = Counter(claim_verdict(verdicts.get(c.id, [])).value for c in numeric)
    checked = sum(n for verdict, n in shown.items() if verdict != Verdict.not_checkable.value)
    return VerificationRun(
        claims=len(numeric), checked=checked, by_verdict={v.value: shown.get(v.value, 0) for v in Verdict},
        coverage=checked / len(numeric) if numeric else 0.0, verifications=verifications, seconds=seconds)


def remove_verifications(store: GraphStore, source: str) -> None:
    """Drop a source file's verifications (with its claims gone they verify nothing)."""
    store.remove_graph(verification_graph_iri(source))
