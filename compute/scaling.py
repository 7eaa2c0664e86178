"""Scaling laws: the over-training extrapolation of Gadre et al. 2024 re-run on its released losses, and
Chinchilla compute-optimal allocation from published parametric fits."""

from __future__ import annotations

import csv
from enum import Enum
from pathlib import Path

import numpy as np
from scipy.optimize import least_squares

from compute.models import Frozen

DATA_SOURCE = "the mlfoundations/scaling repository (exp_data/models), flattened as described in shared/data/README.md"
SMALL_MODELS = ("d=96_l=8_h=4", "d=512_l=8_h=4", "d=576_l=24_h=8", "d=1024_l=24_h=8")
LARGE_MODELS = ("open_lm_1b", "open_lm_7b")


class MissingDataError(FileNotFoundError):
    """The released loss table is not where the caller said it is."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(f"no scaling-run table at {path}; it is built from {DATA_SOURCE}")


class ScalingDataError(ValueError):
    """The loss table lacks the runs that a fit or a target needs."""


class RunLoss(Frozen):
    run: str
    model: str  # the shape part of the run name, e.g. "d=96_l=8_h=4" or "open_lm_1b"
    params: float
    tokens: float
    loss: float

    @property
    def multiplier(self) -> float:
        return self.tokens / self.params

    @property
    def compute(self) -> float:
        return 6 * self.params * self.tokens


class FitGrid(str, Enum):
    paper = "paper"  # Table 2 default: the four small models at M = 20, plus the smallest at M = 320
    small_grid = "small_grid"  # every run of the four small models, M = 5..640


class OvertrainingLaw(Frozen):
    """L(C, M) = E + (a M^eta + b M^-eta) C^-alpha_C, with eta = alpha_C as in the paper's derivation."""

    E: float
    a: float
    b: float
    eta: float
    alpha_C: float

    def predict(self, compute: float, multiplier: float) -> float:
        return self.E + (self.a * multiplier**self.eta + self.b * multiplier**-self.eta) * compute**-self.alpha_C


class TargetPrediction(Frozen):
    run: str
    params: float
    tokens: float
    multiplier: float
    compute: float
    predicted: float
    actual: float
    relative_error_percent: float


class OvertrainingReproduction(Frozen):
    csv_path: str
    train_dataset: str
    eval_set: str
    grid: FitGrid
    seed: int
    fit_runs: list[str]
    held_out: list[str]
    law: OvertrainingLaw
    fit_rms_residual: float
    targets: list[TargetPrediction]
    method: str


def load_runs(csv_path: Path, train_dataset: str, eval_set: str) -> list[RunLoss]:
    """The runs of one training set, with their loss on one evaluation set."""
    if not csv_path.is_file():
        raise MissingDataError(csv_path)
    with csv_path.open(newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["train_dataset"] == train_dataset and r["eval_set"] == eval_set]
    if not rows:
        raise ScalingDataError(f"{csv_path} has no runs for train_dataset={train_dataset!r}, eval_set={eval_set!r}")
    return [
        RunLoss(
            run=r["run"],
            # run names are "<dataset>-<shape>-<chinchilla multiplier>"
            model=r["run"].removeprefix(f"{train_dataset}-").rsplit("-", 1)[0],
            params=float(r["params"]),
            tokens=float(r["tokens"]),
            loss=float(r["loss"]),
        )
        for r in rows
    ]


def _fit_runs(runs: list[RunLoss], grid: FitGrid) -> list[RunLoss]:
    small = [r for r in runs if r.model in SMALL_MODELS]
    if grid is FitGrid.small_grid:
        return small
    chosen = [r for r in small if round(r.multiplier) == 20]
    chosen += [r for r in small if r.model == SMALL_MODELS[0] and round(r.multiplier) == 320]
    if len(chosen) != len(SMALL_MODELS) + 1:
        raise ScalingDataError(f"expected {len(SMALL_MODELS) + 1} runs for the paper's fit, found {len(chosen)}")
    return chosen


def _fit_law(runs: list[RunLoss], seed: int, starts: int) -> tuple[OvertrainingLaw, float]:
    log_n = np.log([r.params for r in runs])
    log_d = np.log([r.tokens for r in runs])
    loss = np.array([r.loss for r in runs])

    # Fitted in the equivalent (N, D) form L = E + A N^-p + B D^-p, which is better conditioned than
    # the (C, M) form; log A and log B keep both terms positive.
    def residuals(theta: np.ndarray) -> np.ndarray:
        log_a, log_b, p, floor = theta
        return floor + np.exp(log_a - p * log_n) + np.exp(log_b - p * log_d) - loss

    # The objective is non-convex; like Chinchilla and the paper's own code, keep the best of many starts.
    rng = np.random.default_rng(seed)
    best = None
    for log_a, log_b, p, floor in rng.uniform([0.0, 0.0, 0.05, 0.0], [10.0, 10.0, 0.6, loss.min()], (starts, 4)):
        with np.errstate(over="ignore", invalid="ignore"):
            result = least_squares(residuals, [log_a, log_b, p, floor], method="lm", max_nfev=20000)
        if np.all(np.isfinite(result.fun)) and (best is None or result.cost < best.cost):
            best = result
    if best is None:
        raise ScalingDataError(f"no fit converged from {starts} starts on {len(runs)} runs")
    log_a, log_b, p, floor = best.x
    # With N = sqrt(C / 6M) and D = sqrt(C M / 6): a = A 6^(p/2), b = B 6^(p/2), eta = alpha_C = p / 2.
    scale = 6 ** (p / 2)
    law = OvertrainingLaw(E=floor, a=np.exp(log_a) * scale, b=np.exp(log_b) * scale, eta=p / 2, alpha_C=p / 2)
    return law, float(np.sqrt(np.mean(best.fun**2)))


def _predict(law: OvertrainingLaw, run: RunLoss) -> TargetPrediction:
    predicted = law.predict(run.compute, run.multiplier)
    return TargetPrediction(
        run=run.run,
        params=run.params,
        tokens=run.tokens,
        multiplier=run.multiplier,
        compute=run.compute,
        predicted=predicted,
        actual=run.loss,
        relative_error_percent=100 * abs(predicted - run.loss) / run.loss,
    )


def reproduce_overtraining_extrapolation(
    csv_path: Path,
    train_dataset: str = "rw_original",
    eval_set: str = "c4_val",
    seed: int = 0,
    grid: FitGrid = FitGrid.paper,
    starts: int = 64,
) -> OvertrainingReproduction:
    """Fit L(C, M) on the small runs (d = 96..1024) and predict every held-out 1.4B and 6.9B run.

    Gadre et al. 2024 (arXiv 2403.08540), eq. (4) with the Table 2 default fit set. Which large runs exist
    depends on the training set: RedPajama has the 1.4B run at M = 640 (900B tokens), RefinedWeb at
    M = 320 and C4 at M = 80; every set has 6.9B at M = 20 and 1.4B at M = 20. All are predicted.
    """
    runs = load_runs(Path(csv_path), train_dataset, eval_set)
    fit_runs = _fit_runs(runs, grid)
    held_out = [r for r in runs if r.model in LARGE_MODELS]
    if not held_out:
        raise ScalingDataError(f"no 1.4B or 6.9B runs for {train_dataset!r} to predict")
    law, rms = _fit_law(fit_runs, seed, starts)
    targets = [_predict(law, r) for r in sorted(held_out, key=lambda r: (r.params, r.tokens))]
    return OvertrainingReproduction(
        csv_path=str(csv_path),
        train_dataset=train_dataset,
        eval_set=eval_set,
        grid=grid,
        seed=seed,
        fit_runs=[r.run for r in fit_runs],
        held_out=[r.run for r in held_out],
        law=law,
        fit_rms_residual=rms,
        targets=targets,
        method="L = E + A N^-p + B D^-p by Levenberg-Marquardt from "
        f"{starts} default_rng({seed}) starts, reported as L(C, M) = E + (a M^eta + b M^-eta) C^-alpha_C, "
        "C = 6ND, M = D/N, N counting embeddings; relative error = |predicted - actual| / actual",
    )


class ParametricFit(Frozen):
    """L(N, D) = E + A / N^alpha + B / D^beta, with the paper that published the constants."""

    name: str
    E: float
    A: float
    B: float
    alpha: float
    beta: float
    citation: str

    def loss(self, params: float, tokens: float) -> float:
        return self.E + self.A / params**self.alpha + self.B / tokens**self.beta


HOFFMANN = "Hoffmann et al. 2022, Training Compute-Optimal Large Language Models, arXiv 2203.15556, eq. (10)"
BESIROGLU = "Besiroglu et al. 2024, Chinchilla Scaling: A replication attempt, arXiv 2404.10102"
PUBLISHED_FITS = (
    ParametricFit(name="chinchilla_approach3", E=1.69, A=406.4, B=410.7, alpha=0.34, beta=0.28, citation=HOFFMANN),
    ParametricFit(name="epoch_replication", E=1.82, A=482.01, B=2085.43, alpha=0.3478, beta=0.3658, citation=BESIROGLU),
)
CHINCHILLA_APPROACH3, EPOCH_REPLICATION = PUBLISHED_FITS

# Hoffmann et al. 2022, Table 2: N_opt ~ C^a and D_opt ~ C^b; Approaches 1 and 2 find a ~ b ~ 0.5.
ALLOCATION_EXPONENTS = {"approach1": (0.50, 0.50), "approach2": (0.49, 0.51), "approach3": (0.46, 0.54)}


ALLOCATION_METHOD = (
    "N_opt = G (C/6)^(beta/(alpha+beta)), D_opt = (C/6)^(alpha/(alpha+beta)) / G, "
    "G = (alpha A / (beta B))^(1/(alpha+beta)): the minimum of L(N, D) on C = 6ND"
)


class Allocation(Frozen):
    compute_flops: float
    fit: str
    params: float
    tokens: float
    tokens_per_parameter: float
    params_exponent: float  # a in N_opt ~ C^a
    tokens_exponent: float  # b in D_opt ~ C^b
    method: str = ALLOCATION_METHOD


def compute_optimal_allocation(compute_flops: float, fit: ParametricFit = EPOCH_REPLICATION) -> Allocation:
    """The (N, D) that minimises the fitted loss at a fixed compute C = 6ND, in closed form."""
    if not compute_flops > 0:
        raise ValueError(f"compute must be positive, got {compute_flops}")
    total = fit.alpha + fit.beta
    g = (fit.alpha * fit.A / (fit.beta * fit.B)) ** (1 / total)
    params = g * (compute_flops / 6) ** (fit.beta / total)
    tokens = (compute_flops / 6) ** (fit.alpha / total) / g
    return Allocation(
        compute_flops=compute_flops,
        fit=fit.name,
        params=params,
        tokens=tokens,
        tokens_per_parameter=tokens / params,
        params_exponent=fit.beta / total,
        tokens_exponent=fit.alpha / total,
    )


def tokens_per_parameter_at(compute_flops: float, fit: ParametricFit = EPOCH_REPLICATION) -> float:
    return compute_optimal_allocation(compute_flops, fit).tokens_per_parameter


class ComputeOptimalVerdict(Frozen):
    params: float
    tokens: float
    compute_flops: float
    fit: str
    tokens_per_parameter: float
    optimal_tokens_per_parameter: float
    factor_from_optimal: float  # max(r / r_opt, r_opt / r) >= 1
    tolerance_factor: float
    is_compute_optimal: bool
    loss: float
    optimal_loss: float


def is_compute_optimal(
    params: float, tokens: float, fit: ParametricFit = EPOCH_REPLICATION, tolerance_factor: float = 1.5
) -> ComputeOptimalVerdict:
    """Whether D/N is within `tolerance_factor` of the fit's optimal ratio at the same compute C = 6ND."""
    if tolerance_factor < 1:
        raise ValueError(f"tolerance factor must be at least 1, got {tolerance_factor}")
    compute = 6 * params * tokens
    optimum = compute_optimal_allocation(compute, fit)
    ratio = tokens / params
    factor = max(ratio / optimum.tokens_per_parameter, optimum.tokens_per_parameter / ratio)
    return ComputeOptimalVerdict(
        params=params,
        tokens=tokens,
        compute_flops=compute,
        fit=fit.name,
        tokens_per_parameter=ratio,
        optimal_tokens_per_parameter=optimum.tokens_per_parameter,
        factor_from_optimal=factor,
        tolerance_factor=tolerance_factor,
        is_compute_optimal=factor <= tolerance_factor,
        loss=fit.loss(params, tokens),
        optimal_loss=fit.loss(optimum.params, optimum.tokens),
    )
