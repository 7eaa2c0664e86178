"""Power-law fits y = lam * x^(-alpha) and y = E + A * x^(-alpha), with seeded bootstrap intervals."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.optimize import least_squares

from compute.models import Frozen, Interval

DEFAULT_SEED = 0
INTERVAL_LEVEL = 0.95


class FitError(ValueError):
    """Data that a power law cannot be fitted to (too few points, non-positive values, mismatched lengths)."""


class PowerLawFit(Frozen):
    """y = lam * x^(-alpha): a log-space least-squares fit and a robust (soft_l1) fit with bootstrap intervals."""

    x: list[float]
    y: list[float]
    log_space_lam: float
    log_space_alpha: float
    lam: float
    alpha: float
    lam_interval: Interval
    alpha_interval: Interval
    boot_params: list[tuple[float, float]]  # (lam, alpha) per bootstrap resample, for prediction intervals
    n_boot: int
    seed: int
    method: str

    def predict(self, x: np.ndarray, params: Sequence[float] | None = None) -> np.ndarray:
        lam, alpha = params if params is not None else (self.lam, self.alpha)
        return lam * np.power(x, -alpha)


class FloorFit(Frozen):
    """y = E + A * x^(-alpha): a power law above an irreducible floor E."""

    x: list[float]
    y: list[float]
    E: float
    A: float
    alpha: float
    E_interval: Interval
    alpha_interval: Interval
    boot_params: list[tuple[float, float, float]]  # (E, A, alpha) per bootstrap resample
    n_boot: int
    seed: int
    method: str

    def predict(self, x: np.ndarray, params: Sequence[float] | None = None) -> np.ndarray:
        E, A, alpha = params if params is not None else (self.E, self.A, self.alpha)
        return E + A * np.power(x, -alpha)


class Extrapolation(Frozen):
    x: float
    predicted: float
    interval: Interval
    method: str


class RelativeError(Frozen):
    predicted: float
    actual: float
    relative_error: float
    percent: float
    method: str = "|predicted - actual| / |actual|"


def _arrays(x: Sequence[float], y: Sequence[float], minimum: int) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if xs.shape != ys.shape or xs.ndim != 1:
        raise FitError(f"x and y must be 1-D and of equal length, got shapes {xs.shape} and {ys.shape}")
    if len(xs) < minimum:
        raise FitError(f"need at least {minimum} points, got {len(xs)}")
    if not (np.all(np.isfinite(xs)) and np.all(np.isfinite(ys)) and np.all(xs > 0) and np.all(ys > 0)):
        raise FitError("power-law fits need finite, positive x and y")
    return xs, ys


def _interval(samples: np.ndarray) -> Interval:
    tail = 100 * (1 - INTERVAL_LEVEL) / 2
    low, high = np.percentile(samples, [tail, 100 - tail])
    return Interval(low=float(low), high=float(high))


def _log_space(xs: np.ndarray, ys: np.ndarray) -> tuple[float, float]:
    slope, intercept = np.polyfit(np.log(xs), np.log(ys), 1)
    return float(np.exp(intercept)), float(-slope)


def _robust(xs: np.ndarray, ys: np.ndarray, f_scale: float) -> tuple[float, float]:
    lam0, alpha0 = _log_space(xs, ys)
    # Relative residuals keep points spread over decades on one footing; log(lam) keeps lam positive.
    result = least_squares(
        lambda p: np.exp(p[0]) * np.power(xs, -p[1]) / ys - 1.0,
        x0=[np.log(lam0), alpha0],
        loss="soft_l1",
        f_scale=f_scale,
    )
    return float(np.exp(result.x[0])), float(result.x[1])


def fit_power_law(
    x: Sequence[float], y: Sequence[float], n_boot: int = 200, seed: int = DEFAULT_SEED, f_scale: float = 0.05
) -> PowerLawFit:
    """Fit y = lam * x^(-alpha) by log-space least squares and by robust nonlinear least squares.

    The robust fit (soft_l1 loss on relative residuals; f_scale is the relative residual beyond which a
    point counts as an outlier) is the headline; its intervals come from `n_boot` pair-bootstrap resamples
    drawn by numpy.random.default_rng(seed).
    """
    xs, ys = _arrays(x, y, minimum=3)
    rng = np.random.default_rng(seed)
    boots = []
    for _ in range(n_boot):
        pick = rng.integers(0, len(xs), len(xs))
        if np.unique(xs[pick]).size >= 2:  # a resample with a single x value fixes no slope
            boots.append(_robust(xs[pick], ys[pick], f_scale))
    samples = np.array(boots).reshape(-1, 2)
    lam, alpha = _robust(xs, ys, f_scale)
    log_lam, log_alpha = _log_space(xs, ys)
    return PowerLawFit(
        x=xs.tolist(),
        y=ys.tolist(),
        log_space_lam=log_lam,
        log_space_alpha=log_alpha,
        lam=lam,
        alpha=alpha,
        lam_interval=_interval(samples[:, 0]) if len(boots) else Interval(low=lam, high=lam),
        alpha_interval=_interval(samples[:, 1]) if len(boots) else Interval(low=alpha, high=alpha),
        boot_params=[(float(a), float(b)) for a, b in samples],
        n_boot=n_boot,
        seed=seed,
        method=f"y = lam*x^(-alpha); polyfit(log x, log y); least_squares(soft_l1, f_scale={f_scale}) "
        f"on y_hat/y - 1; {n_boot} pair-bootstrap resamples, default_rng({seed})",
    )


def _floor_fit(xs: np.ndarray, ys: np.ndarray) -> tuple[float, float, float]:
    best = None
    # The floor makes the problem non-convex: start from several floors below min(y) and keep the best.
    for fraction in (0.0, 0.5, 0.8, 0.95):
        floor = fraction * ys.min()
        lam0, alpha0 = _log_space(xs, np.maximum(ys - floor, 1e-12 * ys.min()))
        result = least_squares(
            lambda p: p[0] + np.exp(p[1]) * np.power(xs, -p[2]) - ys,
            x0=[floor, np.log(lam0), max(alpha0, 1e-3)],
            bounds=([0.0, -np.inf, 0.0], [ys.min(), np.inf, np.inf]),
        )
        if best is None or result.cost < best.cost:
            best = result
    E, log_A, alpha = best.x
    return float(E), float(np.exp(log_A)), float(alpha)


def fit_loss_with_floor(
    x: Sequence[float], y: Sequence[float], n_boot: int = 200, seed: int = DEFAULT_SEED
) -> FloorFit:
    """Fit y = E + A * x^(-alpha) with 0 <= E <= min(y), plus pair-bootstrap intervals (default_rng(seed))."""
    xs, ys = _arrays(x, y, minimum=4)
    rng = np.random.default_rng(seed)
    boots = []
    for _ in range(n_boot):
        pick = rng.integers(0, len(xs), len(xs))
        if np.unique(xs[pick]).size >= 3:  # three parameters need three distinct x values
            boots.append(_floor_fit(xs[pick], ys[pick]))
    samples = np.array(boots).reshape(-1, 3)
    E, A, alpha = _floor_fit(xs, ys)
    return FloorFit(
        x=xs.tolist(),
        y=ys.tolist(),
        E=E,
        A=A,
        alpha=alpha,
        E_interval=_interval(samples[:, 0]) if len(boots) else Interval(low=E, high=E),
        alpha_interval=_interval(samples[:, 2]) if len(boots) else Interval(low=alpha, high=alpha),
        boot_params=[(float(e), float(a), float(b)) for e, a, b in samples],
        n_boot=n_boot,
        seed=seed,
        method=f"y = E + A*x^(-alpha); least_squares from 4 starting floors, 0 <= E <= min(y); "
        f"{n_boot} pair-bootstrap resamples, default_rng({seed})",
    )


def extrapolate(fit: PowerLawFit | FloorFit, x_new: float) -> Extrapolation:
    """Predict at `x_new`, with the percentile interval of the bootstrap fits' predictions there."""
    if not x_new > 0:
        raise FitError(f"cannot extrapolate a power law to x = {x_new}")
    predicted = float(fit.predict(np.array(x_new)))
    spread = np.array([fit.predict(np.array(x_new), params) for params in fit.boot_params])
    interval = _interval(spread) if spread.size else Interval(low=predicted, high=predicted)
    return Extrapolation(
        x=x_new,
        predicted=predicted,
        interval=interval,
        method=f"point fit at x; {INTERVAL_LEVEL:.0%} percentile interval over {spread.size} bootstrap fits",
    )


def relative_error(predicted: float, actual: float) -> RelativeError:
    """|predicted - actual| / |actual|, also as a percentage.

    >>> round(relative_error(2.52, 2.50).percent, 6)
    0.8
    """
    if actual == 0:
        raise FitError("relative error is undefined when the actual value is 0")
    error = abs(predicted - actual) / abs(actual)
    return RelativeError(predicted=predicted, actual=actual, relative_error=error, percent=100 * error)
