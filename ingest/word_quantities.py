"""Quantities written in words: counts ("three datasets"), factors ("twice", "an order of magnitude"), vague
amounts ("several hundred billion tokens")."""

from __future__ import annotations

import re
from decimal import Decimal

from ingest.models import Comparator, Quantity, Span
from ingest.number_phrases import comparator_before, unit_after
from ingest.number_words import CARDINAL_PHRASE, FACTOR_IDIOMS, SCALES, VAGUE_AMOUNT, cardinal_value

# A cardinal glued into a longer word ("someone", "bone") or used as a pronoun is not a count.
_NOT_AFTER = re.compile(r"[A-Za-z-]$")


def find_word_quantities(text: str, start: int, end: int) -> list[Quantity]:
    """Word-numeral quantities in text[start:end]; cardinals only when a unit noun follows."""
    return [*_factors(text, start, end), *_vague(text, start, end), *_cardinals(text, start, end)]


def _factors(text: str, start: int, end: int) -> list[Quantity]:
    found = []
    for idiom in FACTOR_IDIOMS:
        for match in idiom.pattern.finditer(text, start, end):
            comparator = Comparator.approx if idiom.approximate else Comparator.exact
            before = comparator_before(text, match.start(), start)
            span_start = before[1] if before else match.start()
            if before:
                comparator = before[0]
            found.append(Quantity(span=Span.of(text, span_start, match.end()), value=float(idiom.value),
                                  unit="x", comparator=comparator, precision=idiom.precision, in_words=True))
    return found


# How many of the scale a vague head implies: "several hundred billion" is 2-9 hundred billion.
_VAGUE_MULTIPLES = {"several": (2, 9), "a few": (2, 9), "a couple of": (2, 3), "tens of": (10, 99),
                    "hundreds of": (100, 999), "many": (2, 999)}


def _vague(text: str, start: int, end: int) -> list[Quantity]:
    """Vague amounts become the range their words allow, so they can still be compared with numbers."""
    found = []
    for match in VAGUE_AMOUNT.finditer(text, start, end):
        unit, noun_end = unit_after(text, match.end(), end)
        if unit is None:
            continue
        phrase = re.sub(r"\s+", " ", match.group().lower())
        head = next(h for h in _VAGUE_MULTIPLES if phrase.startswith(h))
        scale = Decimal(1)
        for word in re.findall(r"[a-z]+", phrase[len(head):]):
            scale *= SCALES.get(word.rstrip("s"), Decimal(1))
        low, high = _VAGUE_MULTIPLES[head]
        found.append(Quantity(span=Span.of(text, match.start(), noun_end), low=float(low * scale), high=float(high * scale),
                              unit=unit, comparator=Comparator.range, precision=float(scale / 2), in_words=True))
    return found


def _cardinals(text: str, start: int, end: int) -> list[Quantity]:
    found = []
    for match in CARDINAL_PHRASE.finditer(text, start, end):
        if _NOT_AFTER.search(text[max(start, match.start() - 1):match.start()]):
            continue
        unit, noun_end = unit_after(text, match.end(), end)
        if unit is None:
            continue
        value = cardinal_value(match)
        scale = Decimal(1)
        for word in (match.group("scales") or "").split():
            scale *= SCALES[word.lower()]
        comparator, span_start = Comparator.exact, match.start()
        before = comparator_before(text, match.start(), start)
        if before:
            comparator, span_start = before
        found.append(Quantity(span=Span.of(text, span_start, max(noun_end, match.end())), value=float(value),
                              unit=unit, comparator=comparator, precision=float(scale / 2), in_words=True))
    return found

