"""Roofline estimate of decoding time: a target forward pass during decoding must at least read every weight
once (from device memory, or over the host link for the part that does not fit) and do 2 x parameters FLOPs
per token; with perfect overlap its time is the largest of the three. Time between tokens (TBT) is then

    TBT = (t_target(n tokens verified) + t_draft per step) / E[tokens per step]

where E is the mean accepted tokens per step (1 for incremental decoding).

>>> from compute.specdecode.hardware import device, link
>>> pass_ = forward_pass(70e9, 2.0, device("rtx-4090"), link("pcie-4.0"))
>>> round(pass_.seconds, 3), round(pass_.streamed_gb, 1)
(3.625, 116.0)
"""

from __future__ import annotations

from dataclasses import dataclass

from compute.specdecode.hardware import Device, Link


class RooflineError(ValueError):
    """The deployment cannot run as described (weights do not fit and no link to stream them over)."""


@dataclass(frozen=True)
class ForwardPass:
    weights_gb: float
    resident_gb: float
    streamed_gb: float
    memory_s: float  # resident weights read from device memory
    link_s: float  # offloaded weights streamed over the host link
    compute_s: float
    tokens: int

    @property
    def seconds(self) -> float:
        """Lower bound with perfect overlap of reads, transfers and compute."""
        return max(self.memory_s, self.link_s, self.compute_s)

    @property
    def bound(self) -> str:
        return max((self.memory_s, "memory"), (self.link_s, "link"), (self.compute_s, "compute"))[1]

    def describe(self) -> str:
        return (f"{self.weights_gb:.4g} GB of weights: {self.resident_gb:.4g} GB resident / device bandwidth = "
                f"{self.memory_s:.4g} s, {self.streamed_gb:.4g} GB streamed / link bandwidth = {self.link_s:.4g} s, "
                f"2 x params x {self.tokens} tokens / peak FLOPs = {self.compute_s:.3g} s; "
                f"pass >= {self.seconds:.4g} s ({self.bound}-bound)")


def forward_pass(parameters: float, bytes_per_parameter: float, device: Device, link: Link | None = None,
                 tokens: int = 1, reserved_gb: float = 0.0) -> ForwardPass:
    """The fastest one target forward pass over ``tokens`` tokens can be on ``device`` (weights beyond the
    device's memory minus ``reserved_gb`` for KV cache and activations are streamed over ``link``)."""
    if parameters <= 0 or bytes_per_parameter <= 0 or tokens < 1:
        raise RooflineError("parameters, bytes per parameter and tokens must be positive")
    weights = parameters * bytes_per_parameter / 1e9
    resident = min(weights, max(device.memory_gb - reserved_gb, 0.0))
    streamed = weights - resident
    if streamed > 0 and link is None:
        raise RooflineError(f"{weights:.4g} GB of weights do not fit in {device.name}'s {device.memory_gb:g} GB "
                            "and no host link was given to stream them")
    link_s = streamed / link.bandwidth_gbps if streamed > 0 and link is not None else 0.0
    return ForwardPass(weights_gb=weights, resident_gb=resident, streamed_gb=streamed,
                       memory_s=resident / device.memory_bandwidth_gbps, link_s=link_s,
                       compute_s=2 * parameters * tokens / (device.fp16_tflops * 1e12), tokens=tokens)


def time_between_tokens(step_seconds: float, expected_tokens: float, draft_seconds: float = 0.0) -> float:
    """TBT for a step of ``step_seconds`` (target pass) plus ``draft_seconds`` yielding ``expected_tokens``."""
    if expected_tokens <= 0:
        raise RooflineError("expected tokens per step must be positive")
    return (step_seconds + draft_seconds) / expected_tokens


def required_tokens_per_step(step_seconds: float, tbt: float) -> float:
    """How many tokens each target pass must yield on average for the claimed TBT (draft time ignored, so a
    lower bound on what the claim needs)."""
    if tbt <= 0:
        raise RooflineError("time between tokens must be positive")
    return step_seconds / tbt
