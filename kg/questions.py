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
    r"rate|ratio|frequency|accuracy|score|error|cost|number)\b|\bwhat (value|frequency|r@\d+|accuracy|score)\b"
    r"|\bwhat (\w+ )?(speedup|size|length|percentage|perplexity|throughput|latency|error rate|improvement)\b",
    re.IGNORECASE,
)
# "What are the five levels", "Which patterns emerge", "From which platforms were": the answer is a set.
_LIST = re.compile(
    r"\bwhat are the\b|\blist (the|all)\b|\bwhat \w+s (do|does|are|were)\b"
    r"|\bwhich (?:[\w-]+ ){0,2}?\w+s (?:do|does|did|are|were|have|has|had|can|could|emerge|mention|appear)\b",
    re.IGNORECASE,
)
# "On which base model", "What is the name of": the answer names something the question does not.
_SEEKS_ENTITY = re.compile(
    r"\bwhich\b|\bwhat is the name\b|\bwhat (?:[\w-]+ )?(?:model|method|architecture|library|framework|hardware|"
    r"dataset|benchmark|technique|algorithm)\b", re.IGNORECASE)
# A value that answers a numeric question holds a number: "P%" or "1-P%" (symbols) do not.
_HAS_NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|"
    r"thousand|million|billion|trillion|twice|thrice|half|double|triple|dozen)\b", re.IGNORECASE)
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
    "small": ("size", "parameter", "token", "gb"),
    "smaller": ("size", "parameter", "token", "gb"),
    "dataset": ("token", "sample", "example", "instruction"),
    "corpus": ("token",),
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
    expansion: tuple[str, ...] = ()  # tokens of the field's words for the question's paraphrases
    listing: bool = False  # asks for a set ("which platforms", "what are the levels")
    sources: frozenset[str] = frozenset()  # document types the question names ("newsletter" -> Article)
    seeks_entity: bool = False  # asks for a name ("which base model"): evidence naming a new entity is preferred


_RATIO = re.compile(r"\bhow many times\b|\btimes (more|fewer|less|faster|larger|smaller)\b|\bwhat factor\b", re.I)
_NAME = re.compile(r"\b\w*(?:[A-Z]\w*[A-Z0-9]|[0-9][A-Za-z])\w*(?:\+\+|\+)?|\b\w+\+\+")


def analyse(question: str, entities: list[str], expansion: str = "",
            sources: frozenset[str] = frozenset()) -> QuestionAnalysis:
    tokens = tuple(tokenize(question))
    if _RATIO.search(question):  # "how many times more X": a ratio, whatever X counts
        cues = {"factor", "x", "speedup"}
    else:
        cues = {cue for token in tokens for cue in QUANTITY_CUES.get(token, ())}
        cues |= {cue for token in tokenize(expansion) for cue in QUANTITY_CUES.get(token, ())}
    return QuestionAnalysis(
        text=question, tokens=tokens, entities=tuple(entities), numeric=bool(_NUMERIC.search(question)),
        cues=frozenset(cues), names=tuple(t for m in _NAME.finditer(question) if not m.group()[0].isdigit()
                                          for t in tokenize(m.group())[:1]),
        expansion=tuple(t for t in tokenize(expansion) if t not in tokens), listing=bool(_LIST.search(question)),
        sources=sources, seeks_entity=bool(_SEEKS_ENTITY.search(question)),
    )


_VARIABLE = re.compile(r"(?<![\w.(])[A-Z](?![\w)])")  # "P" in "1-P%": a symbol, not a number


def states_number(value: str | None) -> bool:
    """Does a claim's value text hold a number (digits or a number word), not a formula of a variable?"""
    return value is not None and bool(_HAS_NUMBER.search(value)) and not _VARIABLE.search(value)


def claim_match(question: QuestionAnalysis, claim: ClaimFacts) -> float:
    """How well a claim fits the question, 0..1: its quantity/unit against the cues, and the share of the linked
    entities (at most two counted) that are the claim's subject, comparison target or benchmark."""
    words = set(tokenize(f"{claim.quantity} {claim.unit or ''} {claim.kind}"))
    quantity = 1.0 if question.cues & words else 0.0
    linked = set(question.entities)
    shared = len(linked & {claim.subject, claim.target, claim.benchmark})
    entity = min(1.0, shared / min(2, len(linked))) if linked else 0.0
    return 0.7 * quantity + 0.3 * entity
