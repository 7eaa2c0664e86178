"""MoE verifiers on sentences the seeds do not contain: expert combinations and active-parameter bounds."""

from __future__ import annotations

from pathlib import Path

from compute import verify_moe
from compute.models import Verdict
from tests.compute_samples import run_verifier, store_from

SETUP = "Each MoE layer of Qwen1.5-MoE has 32 experts in total and two experts are chosen for every token."


def test_combinations_true_case(tmp_path: Path, vocabulary) -> None:
    store = store_from(tmp_path, vocabulary, f"{SETUP} Relative to Mixtral, Qwen1.5-MoE has 18× more combinations of experts.")
    check = run_verifier(store, verify_moe, "18×", "moe.combinations")
    assert check.verdict is Verdict.supported
    assert "C(32,2)/C(8,2) = 496/28 = 124/7" in check.method  # Mixtral's counts come from its curated facts
    assert {i.fact for i in check.inputs} >= {"mixtral.experts", "mixtral.active_experts"}


def test_combinations_false_case(tmp_path: Path, vocabulary) -> None:
    store = store_from(tmp_path, vocabulary, f"{SETUP} Relative to Mixtral, Qwen1.5-MoE has 25× more combinations of experts.")
    check = run_verifier(store, verify_moe, "25×", "moe.combinations")
    assert check.verdict is Verdict.refuted and abs(check.recomputed - 496 / 28) < 1e-12


def test_shared_experts_reduce_the_choice(tmp_path: Path, vocabulary) -> None:
    text = ("Each MoE layer of Qwen1.5-MoE has 34 experts in total, four experts are chosen for every token, and two "
            "shared experts are always active. Relative to Mixtral, Qwen1.5-MoE has 18× more combinations of experts.")
    check = run_verifier(store_from(tmp_path, vocabulary, text), verify_moe, "18×", "moe.combinations")
    assert "C(32,2)" in check.method and check.verdict is Verdict.supported


def test_active_share_true_and_false(tmp_path: Path, vocabulary) -> None:
    store = store_from(tmp_path, vocabulary,
                       "Grok-1 has 400B parameters in total with 100B parameters active, and it is built from eight "
                       "experts of which two experts are chosen per token.",
                       "Mixtral has 48B parameters in total with 5B parameters active.")
    assert run_verifier(store, verify_moe, "100B parameters", "moe.active_share").verdict is Verdict.supported
    refuted = run_verifier(store, verify_moe, "5B parameters", "moe.active_share")
    assert refuted.verdict is Verdict.refuted and refuted.recomputed_low == 12e9
