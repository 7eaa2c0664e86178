"""A seeded synthetic arXiv dump: abstracts with realistic numeric claims, for scale benchmarks."""

from __future__ import annotations

import random
from pathlib import Path

_SYSTEMS = ["Falcor", "NimbusLM", "Quokka", "Tessera", "Veridian", "Orchid", "Lumen", "Corvid", "Basalt", "Heron"]
_BENCHMARKS = ["GSM8K", "MMLU", "HumanEval", "MATH-500", "ImageNet", "AlpacaEval", "LongBench", "TriviaQA"]
_BASELINES = ["LLaMA-2-70B", "Mixtral", "GPT-3.5", "Mistral-7B", "Qwen", "DBRX"]
_TEMPLATES = [
    "We introduce {sys}, a {size}B-parameter model trained on {tokens}T tokens.",
    "{sys} improves accuracy on {bench} by {pct}% over {base}.",
    "Our method achieves a {speed}x speedup over {base} while using {mem}% less memory.",
    "We evaluate on {n} benchmarks and {m} tasks, reaching {score} on {bench}.",
    "Training costs ${cost}M on {gpus}K H100 GPUs over {days} days.",
    "{sys} supports a context length of {ctx}K tokens, up to {mult}x longer than {base}.",
    "Experiments across three datasets show gains of {lo}% to {hi}% on {bench}.",
    "The approach reduces inference latency by {pct}% and decodes {tps} tokens per second.",
]
_FILLER = [
    "Large language models have transformed natural language processing.",
    "However, their cost remains a barrier to adoption in practice.",
    "We analyse the trade-offs between quality and efficiency in detail.",
    "Code and models are released to support future research.",
]


def synthetic_abstract(rng: random.Random) -> str:
    values = {
        "sys": rng.choice(_SYSTEMS) + str(rng.randint(1, 99)), "bench": rng.choice(_BENCHMARKS), "base": rng.choice(_BASELINES),
        "size": rng.choice([1.3, 7, 13, 34, 70, 132]), "tokens": rng.choice([1, 2, 3.5, 12, 15]), "pct": round(rng.uniform(1, 60), 1),
        "speed": round(rng.uniform(1.2, 10), 2), "mem": rng.randint(10, 75), "n": rng.randint(3, 20), "m": rng.randint(5, 60),
        "score": round(rng.uniform(20, 95), 1), "cost": round(rng.uniform(0.1, 20), 1), "gpus": rng.choice([1, 2, 3, 4, 8]),
        "days": rng.randint(3, 90), "ctx": rng.choice([32, 128, 256]), "mult": rng.randint(2, 16), "lo": rng.randint(1, 9),
        "hi": rng.randint(10, 40), "tps": rng.randint(20, 400),
    }
    sentences = [rng.choice(_FILLER)] + [template.format(**values) for template in rng.sample(_TEMPLATES, 4)] + [rng.choice(_FILLER)]
    return " ".join(sentences)


def write_synthetic_dump(path: Path, count: int, seed: int = 20240101) -> Path:
    return write_synthetic_corpus(path.parent, count, per_file=max(count, 1), seed=seed, names=[path.name])[0]


def write_synthetic_corpus(directory: Path, count: int, per_file: int = 10_000, seed: int = 20240101,
                           names: list[str] | None = None) -> list[Path]:
    """``count`` abstracts in arXiv-dump files of ``per_file`` each (as a large dump comes in parts), one stream
    of the seeded generator across files so any prefix of the corpus is the same whatever the file size."""
    rng = random.Random(seed)
    paths = []
    for part, first in enumerate(range(0, count, per_file)):
        lines = ["arxiv_id", "stringlengths", "abstract", "stringlengths"]
        for index in range(first, min(count, first + per_file)):
            lines += [f"{2400 + index // 99999:04d}.{index % 99999:05d}", synthetic_abstract(rng)]
        path = directory / (names[part] if names else f"synthetic-{part:04d}.txt")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths
