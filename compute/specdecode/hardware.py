"""Hardware facts for the roofline estimator, as data with sources.

Memory sizes and bandwidths agree with the curated vocabulary (``ingest/vocabulary/entities.json``, facts
``memory_gb``, ``memory_bandwidth_gbps``, ``bandwidth_gbps``); a test keeps the two in step, and the verifier
prefers the graph's facts (traceable inputs) and falls back to this table. Bandwidths are per direction, peak.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    key: str  # the vocabulary entity key
    name: str
    bandwidth_gbps: float  # GB/s, one direction, peak
    source: str


@dataclass(frozen=True)
class Device:
    key: str
    name: str
    memory_gb: float
    memory_bandwidth_gbps: float  # GB/s, peak
    fp16_tflops: float  # dense tensor-core FP16, peak
    link: str  # the host link's key: weights offloaded to host memory come over it
    source: str


_PCIE = "PCI-SIG, PCI Express Base Specification (3.0: 8 GT/s, 4.0: 16 GT/s, 5.0: 32 GT/s per lane, 128b/130b); x16"
LINKS: dict[str, Link] = {link.key: link for link in (
    Link("pcie-3.0", "PCIe 3.0 x16", 16.0, f"{_PCIE}: 15.75 GB/s, rounded to 16"),
    Link("pcie-4.0", "PCIe 4.0 x16", 32.0, f"{_PCIE}: 31.5 GB/s, rounded to 32 as in the vocabulary"),
    Link("pcie-5.0", "PCIe 5.0 x16", 64.0, f"{_PCIE}: 63 GB/s, rounded to 64"),
)}

DEVICES: dict[str, Device] = {device.key: device for device in (
    Device("rtx-4090", "RTX-4090", 24, 1008, 165.2, "pcie-4.0",
           "NVIDIA Ada GPU Architecture whitepaper v2.1, appendix table 2 (GeForce RTX 4090): 24 GB GDDR6X, "
           "1008 GB/s, 165.2 dense FP16 tensor TFLOPS (FP16 accumulate), PCIe 4.0 x16"),
    Device("rtx-2080ti", "RTX-2080Ti", 11, 616, 107.6, "pcie-3.0",
           "NVIDIA Turing GPU Architecture whitepaper, table 1 (GeForce RTX 2080 Ti FE): 11 GB GDDR6, 616 GB/s, "
           "107.6 FP16 tensor TFLOPS, PCIe 3.0 x16"),
    Device("a100", "A100", 80, 2039, 312, "pcie-4.0",
           "NVIDIA A100 Tensor Core GPU datasheet (80GB SXM): 2039 GB/s HBM2e, 312 dense FP16 tensor TFLOPS, "
           "PCIe 4.0"),
    Device("h100", "H100", 80, 3350, 989.4, "pcie-5.0",
           "NVIDIA H100 Tensor Core GPU datasheet (SXM5): 80 GB HBM3, 3.35 TB/s, 1979 FP16 TFLOPS with "
           "sparsity (989.4 dense), PCIe 5.0"),
)}

BYTES_PER_PARAMETER = {"fp32": 4.0, "fp16": 2.0, "bf16": 2.0, "int8": 1.0, "int4": 0.5}


class UnknownHardwareError(KeyError):
    def __init__(self, key: str, known: list[str]) -> None:
        super().__init__(f"no hardware {key!r} in the table; known: {', '.join(known)}")


def device(key: str) -> Device:
    try:
        return DEVICES[key]
    except KeyError:
        raise UnknownHardwareError(key, list(DEVICES)) from None


def link(key: str) -> Link:
    try:
        return LINKS[key]
    except KeyError:
        raise UnknownHardwareError(key, list(LINKS)) from None
