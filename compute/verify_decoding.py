"""Decoding-time claims: roofline consistency of time-between-tokens figures, and speculative-decoding
speedups against what the benchmark measured here.

- ``decoding.offload_roofline``: a time between tokens (TBT) and an "N× faster than <an offloading system>" in
  one sentence must satisfy TBT x N >= the roofline time of one offloaded forward pass of the model on the
  named device (the baseline decodes one token per pass and must stream the weights that do not fit over the
  host link). Checked on the TBT (>= roofline / N) and on each factor (>= roofline / TBT): a necessary
  condition, not a measurement. The roofline also gives the tokens per step the TBT requires.
- ``decoding.speculative_speedup``: a speedup of speculative decoding is a measurement on the authors'
  hardware and models: not_checkable (needs_gpu), with what ``make bench-specdec`` measured here (lossless
  mechanism, speedups, our variants against transformers' assisted generation, tree against sequence).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from compute.checks import claim_input, unchecked
from compute.graph_inputs import ClaimRecord, GraphView
from compute.models import Check, ReasonCode, VerificationInput
from compute.registry import Registry, Verifier, VerifyOptions
from compute.specdecode import hardware
from compute.specdecode.results import MethodResult, ResultsError, load
from compute.specdecode.roofline import ForwardPass, forward_pass, required_tokens_per_step
from compute.tolerance import judge, tolerance_for

PRECISION = "fp16"  # the claims name none; fp16 is what the cited serving systems load (int8/int4 halve/quarter)
_TBT = re.compile(r"time\s+between\s+tokens|\bTBT\b|per[\s-]+token\s+latency|seconds?\s+per\s+token", re.IGNORECASE)
_OFFLOAD = re.compile(r"offload", re.IGNORECASE)
_SPECULATIVE = re.compile(r"speculat|sequoia|draft\s+model|drafter|assisted\s+generation", re.IGNORECASE)
_FASTER_AFTER = re.compile(r"^\s*(?:faster|speed-?ups?|speed\s+up|acceleration)", re.IGNORECASE)
_FASTER_BEFORE = re.compile(r"(?:speed|faster|accelerat\w*)\s*(?:by\s*)?$", re.IGNORECASE)
_SIZE_IN_NAME = re.compile(r"(\d+(?:\.\d+)?)\s*([BM])\b", re.IGNORECASE)


def _is_speedup(claim: ClaimRecord) -> bool:
    return claim.unit == "x" and claim.value is not None and (
        claim.quantity == "speedup" or bool(_FASTER_AFTER.search(claim.after[:30]))
        or bool(_FASTER_BEFORE.search(claim.before[-30:])))


def _is_tbt(claim: ClaimRecord) -> bool:
    return claim.unit == "seconds" and claim.value is not None and bool(_TBT.search(claim.sentence.text))


def _parameters(view: GraphView, claim: ClaimRecord) -> tuple[float, str] | None:
    """The model's size as its name states it ("Llama2-70B" -> 70e9)."""
    for mention in view.mentions(claim):
        found = _SIZE_IN_NAME.search(mention.label) if mention.type == "Model" else None
        if found:
            return float(found.group(1)) * (1e9 if found.group(2).upper() == "B" else 1e6), mention.label
    return None


def _fact(view: GraphView, key: str, name: str, table_value: float, inputs: list[VerificationInput]) -> float:
    """A hardware fact from the graph's curated vocabulary when present, else the documented table."""
    value = view.facts(key).get(name)
    if isinstance(value, float):
        inputs.append(VerificationInput(name=f"{key} {name}", value=value, fact=f"{key}.{name}"))
        return value
    inputs.append(VerificationInput(name=f"{key} {name}", value=table_value, source="compute/specdecode/hardware.py"))
    return table_value


def roofline_for(claim: ClaimRecord, view: GraphView) -> tuple[ForwardPass, list[VerificationInput], str] | None:
    """The offloaded forward pass of the sentence's model on the sentence's device, with its inputs."""
    size = _parameters(view, claim)
    devices = [m.entity for m in view.mentions(claim) if m.type == "Hardware" and m.entity in hardware.DEVICES]
    if size is None or not devices:
        return None
    table = hardware.device(devices[0])
    host = hardware.link(table.link)
    inputs = [VerificationInput(name="parameters (from the model's name)", value=size[0], text=size[1]),
              VerificationInput(name="bytes per parameter", value=hardware.BYTES_PER_PARAMETER[PRECISION],
                                source=f"assumed {PRECISION}")]
    device = table.__class__(**{**table.__dict__,
                                "memory_gb": _fact(view, table.key, "memory_gb", table.memory_gb, inputs),
                                "memory_bandwidth_gbps": _fact(view, table.key, "memory_bandwidth_gbps",
                                                               table.memory_bandwidth_gbps, inputs)})
    link = host.__class__(**{**host.__dict__,
                             "bandwidth_gbps": _fact(view, host.key, "bandwidth_gbps", host.bandwidth_gbps, inputs)})
    inputs.append(VerificationInput(name=f"{table.key} peak FP16 FLOPs (TFLOPS)", value=table.fp16_tflops,
                                    source=table.source))
    rooflined = forward_pass(size[0], hardware.BYTES_PER_PARAMETER[PRECISION], device, link)
    return rooflined, inputs, f"{size[1]} ({PRECISION}) on {device.name} with {link.name}"


def _offload_factors(claim: ClaimRecord, view: GraphView) -> list[ClaimRecord]:
    return [c for c in view.same_sentence(claim) if _is_speedup(c)] if _OFFLOAD.search(claim.sentence.text) else []


def _tbts(claim: ClaimRecord, view: GraphView) -> list[ClaimRecord]:
    return [c for c in view.same_sentence(claim) if _is_tbt(c)]


def applies_to_offload(claim: ClaimRecord, view: GraphView) -> bool:
    if _is_tbt(claim):
        return bool(_offload_factors(claim, view))
    return _is_speedup(claim) and bool(_offload_factors(claim, view)) and bool(_tbts(claim, view))


def check_offload(claim: ClaimRecord, view: GraphView, options: VerifyOptions) -> Check:
    """TBT x N >= roofline time of one offloaded forward pass (N: the claimed factor over offloading)."""
    found = roofline_for(claim, view)
    if found is None:
        return unchecked(ReasonCode.missing_inputs, "the sentence names no model size or no device in the table")
    rooflined, inputs, setup = found
    assert claim.value is not None
    if _is_tbt(claim):
        partners = _offload_factors(claim, view)
        bound = max(rooflined.seconds / c.value for c in partners)  # type: ignore[operator]
        what = f"TBT >= roofline / N = {rooflined.seconds:.4g} s / {min(c.value for c in partners):g}"  # type: ignore[type-var]
    else:
        partners = _tbts(claim, view)
        bound = max(rooflined.seconds / c.value for c in partners)  # type: ignore[operator]
        what = f"N >= roofline / TBT = {rooflined.seconds:.4g} s / {min(c.value for c in partners):g} s"  # type: ignore[type-var]
    inputs += [claim_input(c.span.text, c) for c in partners]
    tokens = required_tokens_per_step(rooflined.seconds, min(c.value for c in [claim, *partners] if _is_tbt(c)))  # type: ignore[type-var]
    tolerance = tolerance_for("at_most", claim.precision, claim.value, surface=claim.span.text).model_copy(
        update={"reason": f"the claim must be at least the physical bound {bound:.4g} (within ±{claim.precision:g}, "
                          f"half its last digit)"})
    verdict = judge(tolerance, bound)
    method = f"roofline, {setup}: {rooflined.describe()}; {what} = {bound:.4g}"
    message = (f"{verdict.value}: claimed {claim.span.text!r} vs physical bound {bound:.4g} (roofline, perfect overlap); "
               f"consistent means possible, not measured. The offloaded baseline needs >= {rooflined.seconds:.3g} s "
               f"per token, so the claimed TBT needs >= {tokens:.3g} tokens accepted per target pass")
    return Check(verdict=verdict, recomputed=bound, recomputed_low=None, recomputed_high=None, tolerance=tolerance,
                 method=method, message=message, inputs=inputs)


def _context(claim: ClaimRecord, view: GraphView) -> str:
    section = view.section(claim)
    return " ".join([claim.sentence.text, section.text if section else "",
                     *(c.sentence.text for c in view.section_claims(claim))])


def applies_to_speedup(claim: ClaimRecord, view: GraphView) -> bool:
    return _is_speedup(claim) and bool(_SPECULATIVE.search(_context(claim, view)))


def agreement(methods: Iterable[MethodResult], dtype: str) -> str:
    """Whether greedy outputs matched incremental decoding's; where not, how far they agreed and, in reduced
    precision, why that is rounding rather than a broken rule."""
    differing = [m for m in methods if not m.identical_to_baseline]
    if not differing:
        return "; greedy outputs token-identical to incremental decoding"
    where = ", ".join(f"{m.method} first {m.agreeing_prefix} of {m.tokens} tokens" for m in differing)
    why = (f" ({dtype} rounds a pass over many tokens differently from one over one, so near-tied greedy choices "
           f"can flip; tests/test_specdec_lossless.py checks the rules token-identical in float32)"
           if "float32" not in dtype else "")
    return f"; OUTPUTS DIFFER from incremental decoding: {where} agree{why}"


def measured_summary(path: Path | None) -> tuple[str, list[VerificationInput]]:
    """What the local benchmark measured, in one paragraph, or how to measure it."""
    if path is None or not path.exists():
        return "no local measurement yet (run `make bench-specdec`)", []
    try:
        results = load(path)
    except ResultsError as error:
        return f"the benchmark results are unreadable ({error})", []
    parts, inputs = [], []
    for name, prompt_set in results.prompt_sets.items():
        best, methods = results.best_ours(name), prompt_set.methods
        hf = methods.get("hf_assisted")
        seq, tree = methods.get("speculative"), methods.get("tree")
        parts.append(
            f"{name} prompts: best ({best.method}) {best.speedup.show('x')} over incremental decoding"
            + (f", transformers assisted generation {hf.speedup.show('x')}" if hf else "")
            + (f"; mean accepted tokens per step tree {tree.mean_accepted_per_step:.3g} vs sequence "
               f"{seq.mean_accepted_per_step:.3g}" if seq and tree else "")
            + agreement(methods.values(), results.dtype))
        inputs.append(VerificationInput(name=f"measured speedup, {name} prompts ({best.method})",
                                        value=best.speedup.median, source=str(path)))
    head = (f"measured with {results.draft} drafting for {results.target} on {results.device} ({results.dtype}, "
            f"{results.threads} threads, greedy, {results.max_new_tokens} new tokens): ")
    return head + "; ".join(parts), inputs


def check_speedup(claim: ClaimRecord, view: GraphView, options: VerifyOptions) -> Check:
    """A speculative-decoding speedup: not checkable here (other hardware and models); the local figures."""
    summary, inputs = measured_summary(options.specdec_results)
    found = roofline_for(claim, view)
    setup = f"; roofline for the claimed setup, {found[2]}: {found[0].describe()}" if found else ""
    return unchecked(ReasonCode.needs_gpu,
                     f"mechanism reproduced (lossless speculative and tree decoding, tests/test_specdec_*); the claimed "
                     f"{claim.span.text!r} was measured on other hardware and models; {summary}{setup}",
                     method="speculative and tree decoding re-run on a local model pair (compute/specdecode)",
                     inputs=[claim_input("claimed speedup", claim), *inputs])


def register(registry: Registry) -> None:
    registry.register(Verifier(
        "decoding.offload_roofline", "Decoding times against the roofline of offloaded inference",
        "TBT x (speedup over an offloading system) >= the time to stream the weights that do not fit.",
        applies_to_offload, check_offload))
    registry.register(Verifier(
        "decoding.speculative_speedup", "Speculative-decoding speedups against a local measurement",
        "Speedups of speculative decoding need the authors' GPU; the local benchmark's figures are attached.",
        applies_to_speedup, check_speedup, packages=("torch", "transformers")))
