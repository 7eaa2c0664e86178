"""Decoding verifiers on sentences the seeds do not contain: roofline consistency of offloaded decoding times,
and speculative speedups reported as not checkable with the local benchmark's figures."""

from __future__ import annotations

from pathlib import Path

from compute import verify_decoding
from compute.models import ReasonCode, Verdict
from compute.registry import VerifyOptions
from compute.specdecode.results import BenchResults, MethodResult, PromptSetResult, Stat, StaticPlan, save
from tests.compute_samples import run_verifier, store_from

OFFLOAD = ("We serve LLaMA-2-13B on a single RTX-2080Ti with an average time between tokens (TBT) of {tbt}, which "
           "is {factor} faster than a well-tuned offloading system.")


def test_consistent_offloading_figures_are_supported(tmp_path: Path, vocabulary) -> None:
    store = store_from(tmp_path, vocabulary, OFFLOAD.format(tbt="0.2s", factor="30X"))
    tbt = run_verifier(store, verify_decoding, "0.2s", "decoding.offload_roofline")
    # 26 GB fp16, 11 GB resident, 15 GB over PCIe 3.0 at 16 GB/s: 0.9375 s per pass; TBT >= 0.9375 / 30
    assert tbt.verdict is Verdict.supported and abs(tbt.recomputed - 0.9375 / 30) < 1e-9
    assert {i.fact for i in tbt.inputs} >= {"rtx-2080ti.memory_gb", "rtx-2080ti.memory_bandwidth_gbps"}
    factor = run_verifier(store, verify_decoding, "30X", "decoding.offload_roofline")
    assert factor.verdict is Verdict.supported and abs(factor.recomputed - 0.9375 / 0.2) < 1e-9


def test_impossible_offloading_figures_are_refuted(tmp_path: Path, vocabulary) -> None:
    store = store_from(tmp_path, vocabulary, OFFLOAD.format(tbt="0.01s", factor="5X"))
    check = run_verifier(store, verify_decoding, "0.01s", "decoding.offload_roofline")
    assert check.verdict is Verdict.refuted and "link-bound" in check.method


def results_file(path: Path) -> Path:
    def method(name: str, speedup: float, step: float | None) -> MethodResult:
        return MethodResult(method=name, tokens_per_s=Stat.of([4.0, 5.0, 6.0]), speedup=Stat.of([speedup] * 3),
                            acceptance_rate=0.5 if step else None, mean_accepted_per_step=step,
                            target_passes=20, draft_passes=40,
                            identical_to_baseline=True, tokens=64, agreeing_prefix=64)
    prompt_set = PromptSetResult(name="code", prompts=2, acceptance_prior=[0.4, None], methods={
        "incremental": method("incremental", 1.0, 1.0), "speculative": method("speculative", 1.5, 2.5),
        "tree": method("tree", 1.7, 3.1), "hf_assisted": method("hf_assisted", 1.4, None)})
    return save(BenchResults(created="2026-01-01", device="cpu: test", dtype="float32", threads=2, versions={},
                             target="T", draft="D", max_new_tokens=32, temperature=0.0, max_draft=8, tree_width=2,
                             tree_nodes=8, verify_seconds={1: 0.1}, draft_seconds={1: 0.05}, confidence_bands=[0.5],
                             static_plan=StaticPlan(acceptance=[0.6], parents=[-1, 0], expected_tokens=1.6, budget=2,
                                                    budget_parents=[-1, 0], budget_expected_tokens=1.6),
                             prompt_sets={"code": prompt_set}), path)


def test_speculative_speedups_need_a_gpu_and_show_local_figures(tmp_path: Path, vocabulary) -> None:
    store = store_from(tmp_path, vocabulary, "With speculative decoding the chat model reaches a 3.1x speedup "
                                             "over autoregressive decoding on the benchmark.")
    bare = run_verifier(store, verify_decoding, "3.1x", "decoding.speculative_speedup")
    assert bare.verdict is Verdict.not_checkable and bare.reason is ReasonCode.needs_gpu
    assert "make bench-specdec" in bare.message
    options = VerifyOptions(specdec_results=results_file(tmp_path / "results.json"))
    check = run_verifier(store, verify_decoding, "3.1x", "decoding.speculative_speedup", options)
    assert "best (tree) 1.7x" in check.message and "tree 3.1 vs sequence 2.5" in check.message
    assert "assisted generation 1.4x" in check.message and "token-identical" in check.message


def test_differing_outputs_say_how_far_they_agree() -> None:
    def method(name: str, identical: bool) -> MethodResult:
        return MethodResult(method=name, tokens_per_s=Stat.of([1.0]), speedup=Stat.of([1.0]), target_passes=1,
                            draft_passes=0, identical_to_baseline=identical, tokens=80,
                            agreeing_prefix=80 if identical else 57)

    same = [method("incremental", True), method("tree", True)]
    assert verify_decoding.agreement(same, "torch.bfloat16") == "; greedy outputs token-identical to incremental decoding"
    reduced = verify_decoding.agreement([*same, method("speculative", False)], "torch.bfloat16")
    assert "speculative first 57 of 80 tokens agree" in reduced and "bfloat16 rounds" in reduced
    assert "rounds" not in verify_decoding.agreement([method("speculative", False)], "torch.float32")
