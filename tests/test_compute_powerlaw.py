"""Power-law fitting on synthetic data with known parameters: clean, noisy, with an outlier, with a floor."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

from compute import powerlaw
from compute.powerlaw import FitError, extrapolate, fit_loss_with_floor, fit_power_law, relative_error

X = np.logspace(6, 10, 12)


def noisy(values: np.ndarray, sigma: float, seed: int) -> np.ndarray:
    return values * np.exp(np.random.default_rng(seed).normal(0.0, sigma, values.size))


def test_docstring_examples_run() -> None:
    assert doctest.testmod(powerlaw).failed == 0


def test_exact_power_law_is_recovered_by_both_fits() -> None:
    fit = fit_power_law(X, 5.0 * X**-0.25, n_boot=20)
    assert fit.lam == pytest.approx(5.0, rel=1e-6)
    assert fit.alpha == pytest.approx(0.25, rel=1e-6)
    assert fit.log_space_lam == pytest.approx(5.0, rel=1e-9)
    assert fit.log_space_alpha == pytest.approx(0.25, rel=1e-9)


def test_noisy_power_law_is_recovered_within_its_interval() -> None:
    fit = fit_power_law(X, noisy(3.0 * X**-0.3, 0.02, seed=1), n_boot=100)
    assert fit.alpha == pytest.approx(0.3, abs=0.01)
    assert fit.alpha_interval.low <= 0.3 <= fit.alpha_interval.high
    assert fit.lam_interval.low <= 3.0 <= fit.lam_interval.high
    assert len(fit.boot_params) == 100


def test_robust_fit_resists_an_outlier_that_pulls_the_log_space_fit() -> None:
    y = noisy(3.0 * X**-0.3, 0.01, seed=2)
    y[-1] *= 4.0  # one corrupted run at the largest scale
    fit = fit_power_law(X, y, n_boot=20)
    assert abs(fit.alpha - 0.3) < 0.005
    assert abs(fit.log_space_alpha - 0.3) > 4 * abs(fit.alpha - 0.3)


def test_bootstrap_is_reproducible_from_its_seed() -> None:
    y = noisy(2.0 * X**-0.5, 0.05, seed=3)
    first, again, other = (fit_power_law(X, y, n_boot=30, seed=s) for s in (7, 7, 8))
    assert first.boot_params == again.boot_params
    assert first.boot_params != other.boot_params
    assert "default_rng(7)" in first.method


def test_floor_fit_recovers_the_irreducible_term() -> None:
    y = 1.7 + noisy(400.0 * X**-0.3, 0.005, seed=4)
    fit = fit_loss_with_floor(X, y, n_boot=40)
    assert fit.E == pytest.approx(1.7, abs=0.05)
    assert fit.alpha == pytest.approx(0.3, abs=0.02)
    assert fit.E_interval.low <= fit.E <= fit.E_interval.high


def test_extrapolation_interval_covers_the_true_value_of_the_law() -> None:
    y = 1.7 + noisy(400.0 * X**-0.3, 0.005, seed=4)
    prediction = extrapolate(fit_loss_with_floor(X, y, n_boot=40), 1e12)
    truth = 1.7 + 400.0 * 1e12**-0.3
    assert prediction.interval.low <= truth <= prediction.interval.high
    assert relative_error(prediction.predicted, truth).percent < 1.5


def test_relative_error_is_symmetric_in_sign_and_rejects_zero() -> None:
    assert relative_error(9.0, 10.0).relative_error == pytest.approx(0.1)
    assert relative_error(11.0, 10.0).percent == pytest.approx(10.0)
    with pytest.raises(FitError, match="actual value is 0"):
        relative_error(1.0, 0.0)


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [([1, 2], [1, 2], "at least 3"), ([1, 2, 3], [1, -2, 3], "positive"), ([1, 2, 3], [1, 2], "equal length")],
)
def test_unfittable_data_is_rejected(x: list[float], y: list[float], message: str) -> None:
    with pytest.raises(FitError, match=message):
        fit_power_law(x, y)
