"""The benchmark's results file: what ``bench`` writes and the decoding verifier reads (a typed hand-off)."""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import ClassVar

from pydantic import ValidationError

from compute.models import Frozen

DEFAULT_PATH = Path(".claimgraph/specdec-results.json")


class ResultsError(ValueError):
    """The results file is missing or not in this schema."""


class Stat(Frozen):
    median: float
    low: float
    high: float
    runs: list[float]

    @classmethod
    def of(cls, values: list[float]) -> Stat:
        return cls(median=statistics.median(values), low=min(values), high=max(values), runs=values)

    def show(self, unit: str = "") -> str:
        return f"{self.median:.3g}{unit} (min {self.low:.3g}, max {self.high:.3g}, {len(self.runs)} runs)"


class MethodResult(Frozen):
    """One decoding method on one prompt set; speedups are over our incremental decoding, run for run.

    A step is one forward pass of the target (the first also feeds the prompt); each step emits the draft tokens it
    accepted plus one token of the target's own, so ``mean_accepted_per_step`` = tokens emitted / target passes
    (1 for incremental decoding) and accepted draft tokens = tokens emitted - target passes.
    ``acceptance_rate`` = accepted draft tokens / draft tokens the target verified: for a chain one per draft pass
    (transformers' passes are counted with forward hooks), for the tree every node but the root.
    """

    method: str  # incremental | speculative | tree | sequoia | hf_assisted
    tokens_per_s: Stat
    speedup: Stat
    acceptance_rate: float | None = None
    mean_accepted_per_step: float | None = None
    target_passes: int  # per run, all prompts
    draft_passes: int
    identical_to_baseline: bool  # greedy output token-identical to incremental decoding on every prompt
    tokens: int  # tokens generated per run
    agreeing_prefix: int  # leading tokens equal to incremental decoding's, summed over prompts (first run)


class PromptSetResult(Frozen):
    name: str
    prompts: int
    acceptance_prior: list[float | None]  # by confidence band, on the set's held-out prompt; None: no token there
    methods: dict[str, MethodResult]


class StaticPlan(Frozen):
    """Sequoia's hardware-aware planner for a fixed tree (tree_dp.plan) on the measured costs: its pick (run as
    ``sequoia``), and the DP's best tree within ``budget`` nodes, with their expected tokens per step."""

    acceptance: list[float]  # per-position p_k measured on the calibration prompts
    parents: list[int]
    expected_tokens: float
    budget: int
    budget_parents: list[int]
    budget_expected_tokens: float


class BenchResults(Frozen):
    created: str
    device: str
    dtype: str
    threads: int
    versions: dict[str, str]
    target: str
    draft: str
    max_new_tokens: int
    temperature: float
    max_draft: int  # the most draft tokens per step (the chain, ours and the tree's)
    tree_width: int  # the most nodes a level of the dynamic tree
    tree_nodes: int  # the most nodes of the dynamic tree
    verify_seconds: dict[int, float]  # target forward time by number of tokens verified
    draft_seconds: dict[int, float]  # draft forward time by number of tokens fed
    confidence_bands: list[float]  # upper edges of the draft-confidence bands of ``acceptance_prior``
    static_plan: StaticPlan
    prompt_sets: dict[str, PromptSetResult]

    OURS: ClassVar[tuple[str, ...]] = ("speculative", "tree", "sequoia")

    def best_ours(self, prompt_set: str) -> MethodResult:
        methods = self.prompt_sets[prompt_set].methods
        return max((methods[m] for m in self.OURS if m in methods), key=lambda r: r.speedup.median)


def save(results: BenchResults, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(results.model_dump_json(indent=2))
    return path


def load(path: Path) -> BenchResults:
    try:
        return BenchResults.model_validate(json.loads(path.read_text()))
    except (OSError, json.JSONDecodeError, ValidationError) as error:
        raise ResultsError(f"cannot read benchmark results {path}: {error}") from None
