"""Typed records of the compute layer: the frozen base, verdicts, tolerances, and one verification of one claim."""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, ConfigDict, model_validator


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Interval(Frozen):
    low: float
    high: float
    level: float = 0.95


class Verdict(str, Enum):
    supported = "supported"
    approximately_supported = "approximately_supported"  # outside the reported precision, inside the looser band
    refuted = "refuted"
    not_checkable = "not_checkable"


class ReasonCode(str, Enum):
    """Why a claim is not checkable; every not_checkable verification carries one."""

    missing_inputs = "missing_inputs"  # the graph lacks a number the method needs
    needs_external_data = "needs_external_data"  # a data set outside the graph (benchmark runs, released losses)
    needs_gpu = "needs_gpu"  # a measurement on hardware (latency, throughput)
    not_numeric = "not_numeric"  # nothing to compare: no value and no formula
    no_method = "no_method"  # no verifier knows how to recompute this kind of claim


class Tolerance(Frozen):
    """What a claim accepts: strict is the reported precision, loose the band of approximately_supported.

    ``low``/``high`` bound the claimed value itself (both ends for a range, one end open for bounds).
    """

    comparator: str
    claimed_low: float | None  # None: open below ("up to 10×")
    claimed_high: float | None  # None: open above ("at least 2x")
    strict: float  # absolute slack for supported
    loose: float  # absolute slack for approximately_supported (>= strict)
    reason: str


class VerificationInput(Frozen):
    """One number (or formula) a verifier used, and where it came from: a claim, a curated fact, or data."""

    name: str
    value: float | str
    claim_id: str | None = None  # the claim it was read from
    fact: str | None = None  # "<entity key>.<fact name>" for a curated vocabulary fact
    source: str | None = None  # a data file or a published constant's citation
    text: str | None = None  # the text it was read from


class Environment(Frozen):
    python: str
    packages: dict[str, str]
    code_version: str
    device: str = "cpu"
    seed: int | None = None
    wall_time_s: float = 0.0


class Series(Frozen):
    """Points for a plot: a fit line, observed runs, predictions, the claimed value."""

    label: str
    x: list[float]
    y: list[float]
    style: str = "points"  # "points" | "line" | "claim"


class Plot(Frozen):
    title: str
    x_label: str
    y_label: str
    log_x: bool = False
    log_y: bool = False
    series: list[Series]


class Outcome(Frozen):
    """The result of re-running a claim's method: what a verifier finds, before and after the runner records it."""

    verdict: Verdict
    reason: ReasonCode | None = None
    recomputed: float | None = None
    recomputed_low: float | None = None
    recomputed_high: float | None = None
    tolerance: Tolerance | None = None
    method: str
    message: str
    inputs: list[VerificationInput] = []
    plot: Plot | None = None

    @model_validator(mode="after")
    def _reason_iff_not_checkable(self) -> Outcome:
        if (self.verdict is Verdict.not_checkable) != (self.reason is not None):
            raise ValueError("a reason code goes with not_checkable and only with it")
        return self


class Check(Outcome):
    """What a verifier returns; the runner adds the claim, the verifier, the environment and the times."""

    seed: int | None = None
    device: str | None = None


class Verification(Outcome):
    claim_id: str
    source: str  # the source file the claim was read from
    verifier: str  # verifier id, e.g. "moe.combinations"
    claimed: str  # the claim as written, e.g. "65×" or "d(d + 3) / 2"
    claimed_value: float | None = None
    environment: Environment
    started: str  # ISO 8601
    ended: str

    @property
    def checked(self) -> bool:
        return self.verdict is not Verdict.not_checkable
