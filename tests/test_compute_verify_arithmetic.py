"""Arithmetic between claims: size ratios, C = 6ND, percentages against factors, fractions against factors."""

from __future__ import annotations

from pathlib import Path

from compute import verify_arithmetic, verify_ratios
from compute.models import Verdict
from tests.compute_samples import run_verifier, store_from

SIZES = ("Grok-1 has 400B parameters in total with 100B parameters active. Mixtral has 48B parameters in total with "
         "12B parameters active.")


def test_size_ratio_true_and_false(tmp_path: Path, vocabulary) -> None:
    store = store_from(tmp_path, vocabulary, f"{SIZES} For example, Mixtral is 12% of the size of Grok-1 in both total "
                       "and active parameters.", f"{SIZES} Put another way, Mixtral is 30% of the size of Grok-1.",
                       name="901_sizes.txt")
    assert run_verifier(store, verify_arithmetic, "12%", "arithmetic.size_ratio").verdict is Verdict.supported
    false = run_verifier(store, verify_arithmetic, "30%", "arithmetic.size_ratio")
    assert false.verdict is Verdict.refuted and "100 x 4.8e+10 / 4e+11 = 12%" in false.method


def test_training_compute_true_and_false(tmp_path: Path, vocabulary) -> None:
    store = store_from(tmp_path, vocabulary, "Phi-3 is a 7B parameter model trained on 2T tokens with 8.4e22 FLOPs of compute.",
                       "OLMo is a 7B parameter model trained on 2T tokens with 2e23 FLOPs of compute.")
    assert run_verifier(store, verify_arithmetic, "8.4e22 FLOPs", "arithmetic.training_compute").verdict is Verdict.supported
    false = run_verifier(store, verify_arithmetic, "2e23 FLOPs", "arithmetic.training_compute")
    assert false.verdict is Verdict.refuted and "6 x 7e+09 x 2e+12 = 8.4e+22" in false.method


def test_percentage_against_factor(tmp_path: Path, vocabulary) -> None:
    store = store_from(tmp_path, vocabulary, "The authors cut serving costs by 80% and used 5x fewer GPUs. "
                       "Another team cut serving costs by 50% and used 4x fewer GPUs.")
    assert run_verifier(store, verify_ratios, "80%", "arithmetic.reciprocal").verdict is Verdict.supported
    false = run_verifier(store, verify_ratios, "50%", "arithmetic.reciprocal")
    assert false.verdict is Verdict.refuted and false.recomputed == 75.0


def test_fraction_against_factor(tmp_path: Path, vocabulary) -> None:
    store = store_from(tmp_path, vocabulary,
                       "The filtered corpus is 2x more efficient per token than the raw one; put differently, half as "
                       "many tokens reach the same loss.",
                       "The deduplicated corpus is 4x more efficient per token than the raw one; put differently, half "
                       "as many tokens reach the same loss.")
    view_claims = [run_verifier(store, verify_ratios, "half", "arithmetic.reciprocal")]
    assert view_claims[0].verdict is Verdict.supported


def test_chain_of_factors(tmp_path: Path, vocabulary) -> None:
    store = store_from(tmp_path, vocabulary, "A new data mix makes training 3.2× cheaper, and a sparse architecture "
                       "needs 2.5× fewer FLOPs. Combined, the recipe needs 4× less compute than before.")
    check = run_verifier(store, verify_arithmetic, "4×", "arithmetic.factor_chain")
    assert check.verdict is Verdict.refuted and abs(check.recomputed - 8.0) < 1e-9  # the components overshoot
