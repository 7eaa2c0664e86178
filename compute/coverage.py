"""Claims no verifier covers: why each stays not_checkable, from what the claim measures."""

from __future__ import annotations

import re

from compute.checks import unchecked
from compute.graph_inputs import ClaimRecord, GraphView
from compute.models import Check, ReasonCode
from compute.registry import Verifier, VerifyOptions

_MEASURED = re.compile(r"accuracy|score|win|error|perplexity|loss|wer|bleu|rouge|precision|recall|f1|success|"
                       r"pass@|elo|improvement|fid|percentage", re.IGNORECASE)
_HARDWARE = re.compile(r"speedup|throughput|latency|time|memory|seconds|tokens per second", re.IGNORECASE)


def reason_for(claim: ClaimRecord) -> tuple[ReasonCode, str]:
    if not claim.numeric:
        return ReasonCode.not_numeric, "the claim has no value and no formula to recompute"
    if claim.kind == "formula":
        return ReasonCode.no_method, "no verifier knows what this formula counts"
    if claim.kind == "speedup" or _HARDWARE.search(f"{claim.quantity} {claim.unit or ''}"):
        return ReasonCode.needs_gpu, "a measurement on hardware: re-running it needs the system and a GPU"
    if claim.kind in ("score", "improvement") or _MEASURED.search(claim.quantity):
        return ReasonCode.needs_external_data, "an experimental result: re-running it needs the model, data and benchmark"
    return ReasonCode.no_method, f"no verifier recomputes a {claim.kind} claim about {claim.quantity!r}"


def check_uncovered(claim: ClaimRecord, view: GraphView, options: VerifyOptions) -> Check:
    """Record why no verifier applies."""
    reason, message = reason_for(claim)
    return unchecked(reason, message)


UNCOVERED = Verifier("coverage.no_verifier", "No verifier applies",
                     "Claims no registered verifier can check, with the reason they stay not_checkable.",
                     lambda claim, view: True, check_uncovered)
