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
    """One decoding method on one prompt set; speedups are over our incremental decoding, run for run."""

    method: str  # incremental | speculative | tree | hf_generate | hf_assisted
    tokens_per_s: Stat
    speedup: Stat
    acceptance_rate: float | None = None  # accepted draft tokens / proposed draft tokens
    mean_accepted_per_step: float | None = None  # tokens emitted / target forward passes after the prefill
    identical_to_baseline: bool  # greedy output token-identical to incremental decoding on every prompt
    tokens: int  # tokens generated per run


class PromptSetResult(Frozen):
    name: str
    prompts: int
    methods: dict[str, MethodResult]


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
    speculative_k: int
    tree_parents: list[int]
    acceptance_vector: list[float]  # per-position p_k measured on the calibration prompts
    verify_seconds: dict[int, float]  # target forward time by number of tokens verified
    prompt_sets: dict[str, PromptSetResult]

    OURS: ClassVar[tuple[str, ...]] = ("speculative", "tree")

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
