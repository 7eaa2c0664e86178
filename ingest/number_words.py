"""English number words: cardinals ("three", "twenty-five"), scale words ("billion") and factor idioms ("twice")."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import NamedTuple

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}
SCALES = {
    "hundred": Decimal(100), "thousand": Decimal(10) ** 3, "million": Decimal(10) ** 6,
    "billion": Decimal(10) ** 9, "trillion": Decimal(10) ** 12,
}
SUFFIX_SCALES = {
    "k": Decimal(10) ** 3, "K": Decimal(10) ** 3, "M": Decimal(10) ** 6, "B": Decimal(10) ** 9,
    "b": Decimal(10) ** 9, "T": Decimal(10) ** 12,
}

_CARDINAL = "|".join(sorted([*UNITS, *TENS, "dozen"], key=len, reverse=True))
# "twenty-five", "three hundred", "two million": a cardinal optionally followed by a unit and scales.
CARDINAL_PHRASE = re.compile(
    rf"\b(?P<tens>{'|'.join(TENS)})(?:[- ](?P<unit>{'|'.join(UNITS)}))?\b"
    rf"|\b(?P<card>{_CARDINAL})\b(?P<scales>(?:\s+(?:hundred|thousand|million|billion|trillion)\b)*)",
    re.IGNORECASE,
)


# "twice" is a factor when it compares ("twice as long", "twice its size"), not in "made the mistake twice".
_COMPARED = "as|the|its|their|that|faster|slower|more|fewer|less|larger|smaller|longer|shorter|higher|lower|cheaper"

# "twofold" is a factor before a result word ("twofold speedup"), not in "the details are twofold".
_FOLD_RESULTS = "speedup|speed-up|increase|improvement|reduction|faster|fewer|less|more|higher|lower|larger|smaller"


class WordFactor(NamedTuple):
    pattern: re.Pattern[str]
    value: Decimal
    precision: float
    approximate: bool


# Factor idioms that read as multiplicative results: "twice as long", "an order of magnitude lower".
FACTOR_IDIOMS = [
    WordFactor(re.compile(r"\b(?:an?|one)\s+orders?\s+of\s+magnitude\b", re.I), Decimal(10), 5.0, True),
    WordFactor(re.compile(r"\btwo\s+orders\s+of\s+magnitude\b", re.I), Decimal(100), 50.0, True),
    WordFactor(re.compile(r"\bthree\s+orders\s+of\s+magnitude\b", re.I), Decimal(1000), 500.0, True),
    WordFactor(re.compile(rf"\btwice\b(?=\s+(?:{_COMPARED}))", re.I), Decimal(2), 0.5, False),
    WordFactor(re.compile(rf"\bthrice\b(?=\s+(?:{_COMPARED}))", re.I), Decimal(3), 0.5, False),
    WordFactor(re.compile(r"\bhalf\b(?=\s+(?:as|the)\b)", re.I), Decimal("0.5"), 0.05, False),
    WordFactor(re.compile(rf"\b(?:two|2)-?fold\b(?=\s+(?:{_FOLD_RESULTS}))", re.I), Decimal(2), 0.5, False),
    WordFactor(re.compile(rf"\b(?:three|3)-?fold\b(?=\s+(?:{_FOLD_RESULTS}))", re.I), Decimal(3), 0.5, False),
]

# A vague amount with a scale word: "several hundred billion tokens"; the value is unknown.
VAGUE_AMOUNT = re.compile(
    r"\b(?:several|a\s+few|a\s+couple\s+of|hundreds\s+of|tens\s+of|many)\s+"
    r"(?:(?:hundred|thousand)s?\s+)?(?:(?:of\s+)?(?:thousand|million|billion|trillion)s?)(?:\s+of)?(?=\s)",
    re.IGNORECASE,
)


def cardinal_value(phrase: re.Match[str]) -> Decimal:
    """Value of a CARDINAL_PHRASE match."""
    if phrase.group("tens"):
        tens = TENS[phrase.group("tens").lower()]
        unit = phrase.group("unit")
        return Decimal(tens + (UNITS[unit.lower()] if unit else 0))
    card = phrase.group("card").lower()
    value = Decimal(12) if card == "dozen" else Decimal(UNITS.get(card, TENS.get(card, 0)))
    for scale in (phrase.group("scales") or "").split():
        value *= SCALES[scale.lower()]
    return value


def parse_number_words(surface: str) -> Decimal | None:
    """Value of a whole-string number phrase ("three", "twenty-five", "two million"), else None."""
    phrase = CARDINAL_PHRASE.fullmatch(surface.strip())
    return cardinal_value(phrase) if phrase else None
