"""DenseFormer DWA closed forms, checked symbolically and against numel() of the torch modules."""

from __future__ import annotations

from pathlib import Path

from compute import verify_denseformer
from compute.models import Verdict
from tests.compute_samples import run_verifier, store_from


def _check(tmp_path: Path, vocabulary, formula: str, extra: str = ""):
    text = ("A DenseFormer adds a depth weighted averaging module after every block. "
            f"The number of added weights{extra} is {formula}, where L is the depth of the model.")
    return run_verifier(store_from(tmp_path, vocabulary, text), verify_denseformer, formula, "denseformer.dwa_parameters")


def test_true_formula_in_another_variable(tmp_path: Path, vocabulary) -> None:
    check = _check(tmp_path, vocabulary, "(L^2 + 3L)/2")
    assert check.verdict is Verdict.supported and check.plot is not None
    assert "d=64: 2144" in check.method


def test_false_formula(tmp_path: Path, vocabulary) -> None:
    check = _check(tmp_path, vocabulary, "L(L + 1) / 2")
    assert check.verdict is Verdict.refuted and "d=1" in check.message


def test_dilated_variant(tmp_path: Path, vocabulary) -> None:
    # with dilation 2 the plain d(d + 3)/2 over-counts
    check = _check(tmp_path, vocabulary, "L(L + 3) / 2", extra=" with a dilation factor of 2")
    assert check.verdict is Verdict.refuted and "dilation=2" in check.method
