"""Question analysis: linked entities, whether the question asks for a number, and which claim quantities and
units would answer it."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

from kg.lexical import tokenize
from kg.passages import ClaimFacts

_NUMERIC = re.compile(
    r"\bhow (many|much|long|large|big|fast|far|small)\b|\bwhat (percentage|fraction|share|proportion|factor)\b"
    r"|\bby (how much|what factor|how many)\b|\bhow many times\b|\bwhat (is|was) the .*\b(size|length|speedup|"
    r"rate|ratio|frequency|accuracy|score|error|cost|number)\b|\bwhat (value|frequency|r@\d+|accuracy|score)\b",
    re.IGNORECASE,
)
# Question words -> words of claim quantities or units that answer them (matched against tokenize()d text).
QUANTITY_CUES: dict[str, tuple[str, ...]] = {
    "expert": ("expert",),
    "faster": ("speedup", "factor", "x", "percent"),
    "speedup": ("speedup", "factor", "x"),
    "slower": ("factor", "x", "percent"),
    "time": ("factor", "x", "speedup", "time", "hour"),
    "factor": ("factor", "x", "reduction"),
    "percentage": ("percent", "percentage"),
    "percent": ("percent", "percentage"),
    "frequency": ("percent", "frequency"),
    "context": ("context", "length", "token"),
    "token": ("token",),
    "parameter": ("parameter",),
    "size": ("parameter", "size", "gb", "token"),
    "instruction": ("instruction",),
    "long": ("hour", "time", "second", "day", "context", "length", "token"),
    "hour": ("hour", "time"),
    "point": ("point", "percentage"),
    "reduce": ("reduction", "factor", "x", "percent"),
    "cut": ("reduction", "percent"),
    "error": ("error", "percent"),
    "memory": ("gb", "memory", "mb"),
    "gb": ("gb",),
    "cost": ("usd", "cost"),
    "r@5": ("percent", "recall"),
}


class QuestionAnalysis(BaseModel):
    model_config = ConfigDict(frozen=True)

    text: str
    tokens: tuple[str, ...]
    entities: tuple[str, ...]  # linked entity IRIs
    numeric: bool
    cues: frozenset[str]  # claim quantity/unit words that would answer it
    names: tuple[str, ...] = ()  # name-like words ("SpecDec++", "Qwen1.5-MoE"), tokenized


_RATIO = re.compile(r"\bhow many times\b|\btimes (more|fewer|less|faster|larger|smaller)\b|\bwhat factor\b", re.I)
_NAME = re.compile(r"\b\w*(?:[A-Z]\w*[A-Z0-9]|[0-9][A-Za-z])\w*(?:\+\+|\+)?|\b\w+\+\+")


def analyse(question: str, entities: list[str]) -> QuestionAnalysis:
    tokens = tuple(tokenize(question))
    if _RATIO.search(question):  # "how many times more X": a ratio, whatever X counts
        cues = {"factor", "x", "speedup"}
    else:
        cues = {cue for token in tokens for cue in QUANTITY_CUES.get(token, ())}
    return QuestionAnalysis(
        text=question, tokens=tokens, entities=tuple(entities), numeric=bool(_NUMERIC.search(question)),
        cues=frozenset(cues), names=tuple(t for m in _NAME.finditer(question) for t in tokenize(m.group())[:1]),
    )


def claim_match(question: QuestionAnalysis, claim: ClaimFacts) -> float:
    """How well a claim fits the question, 0..1: its quantity/unit against the cues, its entities against the
    linked ones."""
    words = set(tokenize(f"{claim.quantity} {claim.unit or ''} {claim.kind}"))
    quantity = 1.0 if question.cues & words else 0.0
    linked = set(question.entities)
    entity = 1.0 if linked & {claim.subject, claim.target, claim.benchmark} else 0.0
    return 0.7 * quantity + 0.3 * entity
