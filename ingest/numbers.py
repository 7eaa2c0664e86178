"""The numeric grammar: finds stated quantities in ML research text and normalises them.

>>> [(q.span.surface, q.value, q.unit) for q in find_quantities("trained on 12T tokens1 with 3K H100 GPUs")]
[('12T tokens', 12000000000000.0, 'tokens'), ('3K', 3000.0, 'GPUs')]
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from ingest.models import Comparator, Quantity, Span
from ingest.number_context import excluded_range_end, exclusion_reason
from ingest.number_phrases import (
    adjacent_rate,
    comparator_after,
    comparator_before,
    range_opener,
    unit_after,
)
from ingest.number_terms import NUMERAL, Term, read_term
from ingest.number_words import SUFFIX_SCALES, parse_number_words
from ingest.word_quantities import find_word_quantities

_CANDIDATE = re.compile(r"(?:US\$|\$|€|£)(?=\d)|(?<![\d])\d")
_DIGIT_RUN = re.compile(r"[$€£]?\d+(?:[.,]\d+)*")
_RANGE_JOIN = re.compile(r"\s*(?:-|–|—|to)\s*")
_BETWEEN_JOIN = re.compile(r"\s+and\s+")
_SCALED_NUMERAL = re.compile(rf"(?P<num>{NUMERAL.pattern})\s*(?P<suffix>[kKMBTb])?")
_LIST_GLUE = re.compile(r"\s*(?:,\s*and|,\s*or|,|and|or|&)\s*")
_SIZE_NOUNS = {"models"}  # "a 7B model": a scaled count of models is a parameter count


def parse_number(surface: str) -> float:
    """Value of one numeral: "132B" -> 1.32e11, "25,005" -> 25005.0, "three" -> 3.0.

    Raises ValueError naming the input when it is not a single numeral.
    """
    match = _SCALED_NUMERAL.fullmatch(surface.strip())
    if match:
        try:
            value = Decimal(match.group("num").replace(",", ""))
        except InvalidOperation as error:
            raise ValueError(f"not a numeral: {surface!r}") from error
        suffix = match.group("suffix")
        return float(value * SUFFIX_SCALES[suffix]) if suffix else float(value)
    words = parse_number_words(surface)
    if words is None:
        raise ValueError(f"not a numeral: {surface!r}")
    return float(words)


def find_quantities(text: str, start: int = 0, end: int | None = None) -> list[Quantity]:
    """Every stated quantity in text[start:end]; spans are absolute offsets into ``text``."""
    end = len(text) if end is None else min(end, len(text))
    found: list[Quantity] = []
    cursor = start
    for candidate in _CANDIDATE.finditer(text, start, end):
        if candidate.start() < cursor:
            continue
        quantity, cursor = _read_quantity(text, candidate.start(), start, end)
        if quantity is not None:
            found.append(quantity)
    taken = [(q.span.start, q.span.end) for q in found]
    for quantity in find_word_quantities(text, start, end):
        if not any(s < quantity.span.end and quantity.span.start < e for s, e in taken):
            found.append(quantity)
    return _share_list_units(text, sorted(found, key=lambda q: (q.span.start, q.span.end)))


def _share_list_units(text: str, quantities: list[Quantity]) -> list[Quantity]:
    """In "1.4B and 6.9B parameter LLMs" or "16K, 32K, and 128K tokens" the last unit covers the list."""
    shared = list(quantities)
    for index in range(len(shared) - 2, -1, -1):
        current, following = shared[index], shared[index + 1]
        glue = text[current.span.end:following.span.start]
        if current.unit is None and following.unit and not current.in_words and _LIST_GLUE.fullmatch(glue):
            shared[index] = current.model_copy(update={"unit": following.unit})
    return shared


def _skip_run(text: str, position: int, end: int) -> int:
    run = _DIGIT_RUN.match(text, position, end)
    return run.end() if run else position + 1


def _read_quantity(text: str, position: int, start: int, end: int) -> tuple[Quantity | None, int]:
    term = read_term(text, position, end)
    if term is None or exclusion_reason(text, term):
        return None, max(_skip_run(text, position, end), term.end if term else 0)
    high = _range_end(text, term, start, end)
    last = high or term
    comparator, span_end = comparator_after(text, last.end, end)
    unit = last.unit
    noun_end = span_end
    if unit is None:
        unit, noun_end = unit_after(text, span_end, end)
        if unit in _SIZE_NOUNS and last.scaled:
            unit = "parameters"
    rate = adjacent_rate(text, noun_end, end) if unit is not None else None
    if rate:
        unit, noun_end = f"{unit} {rate[0]}", rate[1]
    span_start = range_opener(text, term.start, start) if high else term.start
    before = comparator_before(text, span_start, start)
    if before:
        comparator, span_start = before
    span = Span.of(text, span_start, max(span_end, noun_end))
    if high is not None:
        return _range_quantity(span, term, high, unit), last.end
    return Quantity(span=span, value=float(term.value), unit=unit, comparator=comparator,
                    precision=float(term.precision)), last.end


def _range_end(text: str, low: Term, start: int, end: int) -> Term | None:
    """The upper term of "5k-21k", "0.011B to 6.9B", "between 2 and 4", when compatible."""
    joiner = _RANGE_JOIN.match(text, low.end, end)
    if joiner is None and re.search(r"\bbetween\s+$", text[max(start, low.start - 12):low.start]):
        joiner = _BETWEEN_JOIN.match(text, low.end, end)
    if joiner is None:
        return None
    high = read_term(text, joiner.end(), end)
    if high is None or (low.unit and high.unit and low.unit != high.unit) or high.value <= 0:
        return None
    if excluded_range_end(text, high):
        return None
    return high


def _range_quantity(span: Span, low: Term, high: Term, unit: str | None) -> Quantity:
    # "5-10B": a scale written once, on the upper end, applies to both ends.
    scale = high.scale if high.scaled and not low.scaled else Decimal(1)
    return Quantity(span=span, low=float(low.value * scale), high=float(high.value), unit=unit,
                    comparator=Comparator.range, precision=float(max(low.precision * scale, high.precision)))
