"""Scaling-law verifiers: the over-training extrapolation re-run on the released losses, the compute-optimal
token multiplier from published Chinchilla-style fits, and (N, D) pairs a text calls compute-optimal."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np

from compute.checks import claim_input, compared, unchecked
from compute.graph_inputs import ClaimRecord, GraphView, by_position
from compute.models import Check, Plot, ReasonCode, Series, Tolerance, Verdict, VerificationInput
from compute.registry import Registry, Verifier, VerifyOptions
from compute.roles import is_parameter_count
from compute.scaling import (
    CHINCHILLA_APPROACH3,
    DATA_SOURCE,
    EPOCH_REPLICATION,
    LARGE_MODELS,
    RunLoss,
    compute_optimal_allocation,
    is_compute_optimal,
    load_runs,
    reproduce_overtraining_extrapolation,
)

EVAL_SET = "c4_val"
MATCH = 0.05  # a stated N or D matches a released run within 5% (texts round 1.44B to 1.4B, 921B to 900B)
BUDGETS = np.logspace(21, 25, 9)  # FLOPs: the budgets over which "typically M ≈ 20" is read
OPTIMAL_FACTOR, NEAR_OPTIMAL_FACTOR = 1.5, 2.0
DOWNLOAD = (f"needs the released losses of Gadre et al. 2024 (arXiv 2403.08540): {DATA_SOURCE}; give the file "
            "with --scaling-runs-csv or CLAIMGRAPH_SCALING_RUNS_CSV")
_RELATIVE_ERROR = re.compile(r"^\s*relative\s+error\b", re.IGNORECASE)
_LOSS = re.compile(r"\bloss\b|\bperplexity\b", re.IGNORECASE)
_OPTIMAL = re.compile(r"compute[- ]optimal|chinchilla[- ]optimal|chinchilla", re.IGNORECASE)
_MULTIPLIER = re.compile(r"token\s+multiplier|tokens?\s+per\s+parameter|\bD\s*/\s*N\b", re.IGNORECASE)


# ---------------------------------------------------------------- over-training extrapolation

def applies_to_extrapolation(claim: ClaimRecord, view: GraphView) -> bool:
    return claim.unit == "percent" and claim.value is not None and bool(_RELATIVE_ERROR.search(claim.after)) and (
        "predict" in claim.sentence.text.lower())


def _targets(claim: ClaimRecord, view: GraphView) -> list[tuple[ClaimRecord, ClaimRecord]]:
    """(N, D) pairs of the nearest earlier sentence in the section that states as many of each."""
    sentences: dict[int, list[ClaimRecord]] = {}
    for c in view.section_claims(claim):
        if c.sentence.start < claim.sentence.start:
            sentences.setdefault(c.sentence.start, []).append(c)
    for start in sorted(sentences, reverse=True):
        params = by_position(c for c in sentences[start] if is_parameter_count(c, view) and c.value)
        tokens = by_position(c for c in sentences[start] if c.unit == "tokens" and c.value)
        if params and len(params) == len(tokens):
            return list(zip(params, tokens))
    return []


def _datasets(path: Path) -> list[str]:
    with path.open(newline="") as handle:
        return sorted({row["train_dataset"] for row in csv.DictReader(handle)})


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= MATCH * max(abs(a), abs(b))


def _matching(path: Path, pairs: list[tuple[ClaimRecord, ClaimRecord]]) -> tuple[str, list[RunLoss]] | None:
    for dataset in _datasets(path):
        large = [r for r in load_runs(path, dataset, EVAL_SET) if r.model in LARGE_MODELS]
        matched = [next((r for r in large if _close(r.params, n.value) and _close(r.tokens, d.value)), None)  # type: ignore[arg-type]
                   for n, d in pairs]
        if all(matched):
            return dataset, matched  # type: ignore[return-value]
    return None


def check_extrapolation(claim: ClaimRecord, view: GraphView, options: VerifyOptions) -> Check:
    """Fit the over-training law on the small runs, predict the stated large runs, compare relative errors."""
    if not _LOSS.search(claim.after[:60]):
        return unchecked(ReasonCode.needs_external_data,
                         "the released table holds validation losses only; this error is on downstream tasks")
    path = options.scaling_runs_csv
    if path is None or not Path(path).is_file():
        return unchecked(ReasonCode.needs_external_data, DOWNLOAD)
    pairs = _targets(claim, view)
    if not pairs:
        return unchecked(ReasonCode.missing_inputs, "no sentence before the claim states the (N, D) of the predicted runs")
    found = _matching(Path(path), pairs)
    if found is None:
        return unchecked(ReasonCode.missing_inputs, "no released training set has large runs matching the stated "
                         + ", ".join(f"N={n.value:.3g}/D={d.value:.3g}" for n, d in pairs))
    dataset, runs = found
    result = reproduce_overtraining_extrapolation(Path(path), dataset, EVAL_SET, seed=options.seed)
    predicted = [next(t for t in result.targets if t.run == r.run) for r in runs]
    errors = [t.relative_error_percent for t in predicted]
    mean = float(np.mean(errors))
    law = result.law
    method = (f"{result.method}; train set {dataset}, eval {EVAL_SET}; fit on {len(result.fit_runs)} runs "
              f"(E={law.E:.3f}, a={law.a:.3g}, b={law.b:.3g}, alpha_C={law.alpha_C:.3f}); "
              + "; ".join(f"{t.run}: predicted {t.predicted:.4f} vs {t.actual:.4f} -> {t.relative_error_percent:.2f}%"
                          for t in predicted) + f"; mean {mean:.2f}%")
    inputs = [claim_input(f"target {i + 1} {name}", c) for i, pair in enumerate(pairs) for name, c in zip("ND", pair)]
    inputs.append(VerificationInput(name="released losses", value=f"{dataset}/{EVAL_SET}", source=str(path)))
    return compared(claim, mean, method, inputs, plot=_extrapolation_plot(result, predicted, Path(path), dataset),
                    seed=options.seed, note=f"mean over the {len(errors)} predicted runs")


def _extrapolation_plot(result, predicted, path: Path, dataset: str) -> Plot:
    runs = {r.run: r for r in load_runs(path, dataset, EVAL_SET)}
    fit = [runs[name] for name in result.fit_runs]
    series = [Series(label="fit runs", x=[r.compute for r in fit], y=[r.loss for r in fit])]
    for target in predicted:
        grid = np.logspace(np.log10(min(r.compute for r in fit)), np.log10(target.compute * 1.5), 40)
        series.append(Series(label=f"law at M={target.multiplier:.0f}", x=grid.tolist(),
                             y=[result.law.predict(c, target.multiplier) for c in grid], style="line"))
    series.append(Series(label="held-out runs (actual)", x=[t.compute for t in predicted], y=[t.actual for t in predicted]))
    series.append(Series(label="predicted", x=[t.compute for t in predicted], y=[t.predicted for t in predicted],
                         style="claim"))
    return Plot(title=f"Over-training law fitted on small runs ({dataset}, {EVAL_SET})", x_label="compute C = 6ND (FLOPs)",
                y_label="validation loss", log_x=True, series=series)


# ---------------------------------------------------------------- compute-optimal token multiplier

def applies_to_optimal_multiplier(claim: ClaimRecord, view: GraphView) -> bool:
    text = claim.sentence.text
    return ((claim.value is not None or claim.low is not None) and claim.unit in (None, "x", "tokens")
            and bool(_OPTIMAL.search(text)) and bool(_MULTIPLIER.search(text)) and not is_parameter_count(claim, view)
            and not any(is_parameter_count(c, view) for c in view.same_sentence(claim)))


def check_optimal_multiplier(claim: ClaimRecord, view: GraphView, options: VerifyOptions) -> Check:
    """Compute-optimal tokens per parameter D_opt/N_opt from a published parametric fit, over 1e21-1e25 FLOPs."""
    ratios = [compute_optimal_allocation(float(c), EPOCH_REPLICATION).tokens_per_parameter for c in BUDGETS]
    middle = compute_optimal_allocation(1e23, EPOCH_REPLICATION)
    approach3 = compute_optimal_allocation(1e23, CHINCHILLA_APPROACH3).tokens_per_parameter
    method = (f"{middle.method}; {EPOCH_REPLICATION.name} (E={EPOCH_REPLICATION.E}, A={EPOCH_REPLICATION.A}, "
              f"B={EPOCH_REPLICATION.B}, alpha={EPOCH_REPLICATION.alpha}, beta={EPOCH_REPLICATION.beta}): "
              f"D/N = {ratios[0]:.1f} at 1e21 FLOPs, {middle.tokens_per_parameter:.1f} at 1e23, {ratios[-1]:.1f} at 1e25")
    inputs = [VerificationInput(name="fit", value=EPOCH_REPLICATION.name, source=EPOCH_REPLICATION.citation)]
    plot = Plot(title="Compute-optimal tokens per parameter", x_label="compute (FLOPs)", y_label="D_opt / N_opt",
                log_x=True, series=[
                    Series(label=EPOCH_REPLICATION.name, x=BUDGETS.tolist(), y=ratios, style="line"),
                    Series(label=f"claimed {claim.span.text}", x=[float(BUDGETS[0]), float(BUDGETS[-1])],
                           y=[claim.value or claim.low or 0.0] * 2, style="claim")])
    return compared(claim, middle.tokens_per_parameter, method, inputs, low=min(ratios), high=max(ratios), plot=plot,
                    note=f"constants from {EPOCH_REPLICATION.citation}; Hoffmann et al.'s Approach 3 constants "
                         f"({CHINCHILLA_APPROACH3.citation}) would give {approach3:.0f} at 1e23 FLOPs")


# ---------------------------------------------------------------- an (N, D) called compute-optimal

def _optimal_pair(claim: ClaimRecord, view: GraphView) -> ClaimRecord | None:
    """The parameter count this token count pairs with, when the sentence calls the pair compute-optimal."""
    if claim.unit != "tokens" or claim.value is None:
        return None
    cue = _OPTIMAL.search(claim.sentence.text)
    if cue is None:
        return None
    cue_at = claim.sentence.start + cue.start()
    earlier = by_position(c for c in view.same_sentence(claim) if c.span.end <= claim.span.start)
    params = [c for c in earlier if is_parameter_count(c, view) and c.value and c.span.start > cue_at]
    if not params:
        return None
    # the pair right after the cue is the one called compute-optimal; a later pair is an alternative to it
    tokens_between = [c for c in earlier if c.unit == "tokens" and cue_at < c.span.start < params[-1].span.start]
    return params[-1] if not tokens_between else None


def applies_to_optimal_pair(claim: ClaimRecord, view: GraphView) -> bool:
    return _optimal_pair(claim, view) is not None


def check_optimal_pair(claim: ClaimRecord, view: GraphView, options: VerifyOptions) -> Check:
    """Whether D/N is within a factor 1.5 of the fit's compute-optimal D/N at the same compute C = 6ND."""
    params = _optimal_pair(claim, view)
    assert params is not None and params.value is not None and claim.value is not None
    result = is_compute_optimal(params.value, claim.value, EPOCH_REPLICATION, OPTIMAL_FACTOR)
    optimum = compute_optimal_allocation(result.compute_flops, EPOCH_REPLICATION)
    factor = result.factor_from_optimal
    verdict = (Verdict.supported if factor <= OPTIMAL_FACTOR else
               Verdict.approximately_supported if factor <= NEAR_OPTIMAL_FACTOR else Verdict.refuted)
    tolerance = Tolerance(comparator="factor", claimed_low=claim.value / OPTIMAL_FACTOR,
                          claimed_high=claim.value * OPTIMAL_FACTOR, strict=claim.value * (OPTIMAL_FACTOR - 1),
                          loose=claim.value * (NEAR_OPTIMAL_FACTOR - 1),
                          reason=f"compute-optimal means D/N within a factor {OPTIMAL_FACTOR} of the fit's optimum "
                                 f"(published fits disagree by about that much); approximately within {NEAR_OPTIMAL_FACTOR}")
    method = (f"C = 6ND = 6 x {params.value:.3g} x {claim.value:.3g} = {result.compute_flops:.3g}; {optimum.method}; "
              f"{EPOCH_REPLICATION.name}: N_opt = {optimum.params:.3g}, D_opt = {optimum.tokens:.3g}, "
              f"D/N = {result.tokens_per_parameter:.1f} vs optimal {result.optimal_tokens_per_parameter:.1f} "
              f"(factor {factor:.2f})")
    message = (f"{verdict.value}: {params.span.text!r} on {claim.span.text!r} is D/N = {result.tokens_per_parameter:.0f}; "
               f"at the same compute the optimum is {optimum.params:.3g} parameters on {optimum.tokens:.3g} tokens "
               f"(D/N = {result.optimal_tokens_per_parameter:.1f}), a factor {factor:.2f} away")
    return Check(verdict=verdict, recomputed=optimum.tokens, tolerance=tolerance, method=method, message=message,
                 inputs=[claim_input("N", params), claim_input("D", claim),
                         VerificationInput(name="fit", value=EPOCH_REPLICATION.name, source=EPOCH_REPLICATION.citation)])


def register(registry: Registry) -> None:
    for verifier in (
        Verifier("scaling.overtraining_extrapolation", "Over-training scaling-law extrapolation",
                 "Fit L(C, M) on the small released runs, predict the stated large runs, compare the relative error.",
                 applies_to_extrapolation, check_extrapolation, packages=("numpy", "scipy")),
        Verifier("scaling.optimal_multiplier", "Compute-optimal tokens per parameter",
                 "D_opt/N_opt of a published Chinchilla-style fit over 1e21-1e25 FLOPs against the claimed multiplier.",
                 applies_to_optimal_multiplier, check_optimal_multiplier, packages=("numpy",)),
        Verifier("scaling.optimal_pair", "An (N, D) called compute-optimal",
                 "D/N of a pair the text calls compute-optimal against the fit's optimum at the same compute.",
                 applies_to_optimal_pair, check_optimal_pair, packages=("numpy",)),
    ):
        registry.register(verifier)
