"""Scaling-law verifiers: the over-training extrapolation (with and without the released table), the
compute-optimal multiplier and pairs called compute-optimal."""

from __future__ import annotations

from pathlib import Path

import pytest

from compute import verify_scaling
from compute.models import ReasonCode, Verdict
from compute.registry import VerifyOptions
from tests.compute_samples import run_verifier, store_from

RUNS_CSV = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "overtraining_scaling_runs.csv"
PREDICTION = ("From a grid of small runs the fitted law forecasts held-out models of 1.4B and 6.9B parameters "
              "trained on 900B and 138B tokens, respectively. Its forecasts land within {error} relative error in "
              "predicting their validation loss.")


def test_extrapolation_without_the_table_names_where_to_get_it(tmp_path: Path, vocabulary) -> None:
    store = store_from(tmp_path, vocabulary, PREDICTION.format(error="0.7%"))
    check = run_verifier(store, verify_scaling, "0.7%", "scaling.overtraining_extrapolation", VerifyOptions())
    assert check.reason is ReasonCode.needs_external_data
    assert "mlfoundations/scaling" in check.message and "--scaling-runs-csv" in check.message


@pytest.mark.skipif(not RUNS_CSV.is_file(), reason="reference data not present (see shared/data/README.md)")
@pytest.mark.parametrize(("error", "verdict"), [("0.7%", Verdict.supported), ("4.5%", Verdict.refuted)])
def test_extrapolation_on_the_released_losses(tmp_path: Path, vocabulary, error: str, verdict: Verdict) -> None:
    store = store_from(tmp_path, vocabulary, PREDICTION.format(error=error))
    check = run_verifier(store, verify_scaling, error, "scaling.overtraining_extrapolation",
                         VerifyOptions(scaling_runs_csv=RUNS_CSV))
    assert check.verdict is verdict
    assert "rpj-open_lm_1b-32.0" in check.method and check.plot is not None and check.seed == 0


@pytest.mark.parametrize(("value", "verdict"), [("about 20", Verdict.supported), ("about 80", Verdict.refuted)])
def test_compute_optimal_multiplier(tmp_path: Path, vocabulary, value: str, verdict: Verdict) -> None:
    text = f"Under Chinchilla-style compute-optimal training the token multiplier is {value} tokens per parameter."
    store = store_from(tmp_path, vocabulary, text)
    surface = f"{value} tokens"
    check = run_verifier(store, verify_scaling, surface, "scaling.optimal_multiplier")
    assert check.verdict is verdict and "2404.10102" in check.message


def test_pair_called_compute_optimal(tmp_path: Path, vocabulary) -> None:
    store = store_from(tmp_path, vocabulary,
                       "A compute-optimal run would be a 10B parameter model trained on 200B tokens. "
                       "A compute-optimal run would be a 10B parameter model trained on 2T tokens.")
    assert run_verifier(store, verify_scaling, "200B tokens", "scaling.optimal_pair").verdict is Verdict.supported
    assert run_verifier(store, verify_scaling, "2T tokens", "scaling.optimal_pair").verdict is Verdict.refuted
