"""Which quantities state claims, and what kind of claim: the judgement rules of claim extraction."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

from ingest.models import ClaimKind, Quantity

_COUNT_UNITS_EXCLUDED = {"tokens", "parameters", "words", "seconds", "minutes", "hours", "days", "months", "GB",
                         "MB", "TB", "USD", "FLOPs", "x", "percent", "percentage points", "points"}
_MEASURES = {"watts", "kilowatts", "GHz", "MHz", "milliseconds", "FLOPs", "epochs", "steps", "words"}
# Spelled-out small numbers of tokens or words ("two special tokens") describe a design, not a scale.
_NOT_COUNTED_IN_WORDS = {"tokens", "words", "parameters", "layers"}
_WORDS_BEFORE = re.compile(r"([A-Za-z-]+)\s+$")


@cache
def claim_words() -> dict[str, object]:
    """The cue lists in ingest/vocabulary/claim_words.json."""
    text = resources.files("ingest").joinpath("vocabulary/claim_words.json").read_text(encoding="utf-8")
    loaded: dict[str, object] = json.loads(text)
    return loaded


def _cues(key: str) -> list[str]:
    return claim_words()[key]  # type: ignore[return-value]


def has_cue(text: str, cues: list[str]) -> bool:
    """Whether ``text`` holds a cue at a word start (cues are stems: "improv" matches "improves")."""
    lowered = text.lower()
    return any(re.search(rf"(?<![a-z]){re.escape(cue)}", lowered) for cue in cues)


def states_claim(text: str, quantity: Quantity) -> bool:
    """Whether a quantity found in a sentence is a claim rather than a passing mention of a number.

    Digits are claims unless the grammar already set them aside (names, years, citations...).
    Spelled-out counts are claims only when they count experimental units: not after a determiner
    that refers back ("the two models", "all five datasets"), not a single item ("one token"), and
    not a count of described components ("two popular generative models").
    """
    if quantity.value == 0 and quantity.unit is None:
        return False
    if not quantity.in_words or quantity.unit == "x" or quantity.value is None:
        return True
    if quantity.value <= 1 or quantity.unit in _NOT_COUNTED_IN_WORDS:
        return False
    previous = _WORDS_BEFORE.search(text[max(0, quantity.span.start - 30):quantity.span.start])
    if previous and previous.group(1).lower() in _cues("reference_determiners"):
        return False
    counted_phrase = text[quantity.span.start:quantity.span.start + 60].lower().split()
    return not any(word in _cues("component_adjectives") for word in counted_phrase[1:4])


def classify(quantity: Quantity, before: str, after: str) -> tuple[ClaimKind, str]:
    """Kind and measured-thing label of a claim, from its unit and the words around it."""
    unit = quantity.unit or ""
    near = f"{before[-40:]} {after[:50]}"
    if unit == "x":
        return _factor_kind(after[:40] or near)
    if unit in ("percent", "percentage points", "points"):
        return _relative_kind(near, after)
    if unit == "USD":
        return ClaimKind.cost, "cost"
    if unit == "parameters":
        return ClaimKind.size, "parameters"
    if unit.startswith("tokens per"):
        return ClaimKind.score, "throughput"
    if unit == "tokens":
        return _token_kind(near)
    if unit in ("seconds", "minutes", "hours", "days"):
        return ClaimKind.other, "time"
    if unit in ("GB", "MB", "TB"):
        return ClaimKind.size, "memory"
    if unit in _MEASURES:
        return ClaimKind.other, unit
    if unit and unit not in _COUNT_UNITS_EXCLUDED:
        return ClaimKind.count, f"number of {unit}"
    return _bare_kind(near)


def _factor_kind(context: str) -> tuple[ClaimKind, str]:
    cues: dict[str, list[str]] = claim_words()["kind_cues"]  # type: ignore[assignment]
    for kind, label in ((ClaimKind.speedup, "speedup"), (ClaimKind.cost, "compute ratio"),
                        (ClaimKind.reduction, "reduction factor"), (ClaimKind.improvement, "improvement factor")):
        if has_cue(context, cues[kind.value]):
            return kind, label
    return ClaimKind.other, "factor"


def _relative_kind(near: str, after: str) -> tuple[ClaimKind, str]:
    cues: dict[str, list[str]] = claim_words()["kind_cues"]  # type: ignore[assignment]
    metric = _metric(near)
    for kind in (ClaimKind.speedup, ClaimKind.improvement, ClaimKind.reduction, ClaimKind.cost):
        if has_cue(after[:25], cues[kind.value]):
            return kind, metric or kind.value
    for kind in (ClaimKind.improvement, ClaimKind.reduction, ClaimKind.speedup):
        if has_cue(near, cues[kind.value]):
            return kind, metric or kind.value
    return ClaimKind.score, metric or "percentage"


def _metric(context: str) -> str | None:
    lowered = context.lower()
    hits = [(lowered.find(metric), metric) for metric in _cues("score_metrics") if metric in lowered]
    return min(hits)[1] if hits else None


def _token_kind(near: str) -> tuple[ClaimKind, str]:
    if has_cue(near, _cues("context_cues")):
        return ClaimKind.other, "context length"
    if has_cue(near, _cues("training_cues")):
        return ClaimKind.size, "training tokens"
    return ClaimKind.size, "tokens"


def _bare_kind(near: str) -> tuple[ClaimKind, str]:
    cues: dict[str, list[str]] = claim_words()["kind_cues"]  # type: ignore[assignment]
    metric = _metric(near)
    if has_cue(near, cues["reduction"]):
        return ClaimKind.reduction, metric or "value"
    if has_cue(near, cues["improvement"]):
        return ClaimKind.improvement, metric or "value"
    return (ClaimKind.score, metric) if metric else (ClaimKind.other, "value")


def is_change(before: str) -> bool:
    """Whether a "from X to Y" range reports a change (X is the old value), not an interval."""
    return has_cue(before[-80:], _cues("change_verbs")) and not has_cue(before[-30:], _cues("range_words"))
