"""Words around a numeral: comparators ("up to", "50+"), range openers ("from"), and unit nouns ("tokens")."""

from __future__ import annotations

import re
from functools import cache

from ingest.models import Comparator
from ingest.number_terms import vocabulary

_BEFORE = [
    # "up to" may be glued to a preceding word in damaged text ("scaleSambaup to").
    (r"up\s+to", Comparator.up_to),
    (r"\bat\s+least|\bno\s+(?:less|fewer|smaller|shorter|lower)\s+than|>=|≥|⩾", Comparator.at_least),
    (r"\bat\s+most|\bno\s+(?:more|greater|larger|longer|higher)\s+than|<=|≤|⩽", Comparator.at_most),
    (r"\b(?:more|greater|higher|larger|longer)\s+than|\bover|\babove|\bexceeding|>", Comparator.more_than),
    (r"\b(?:less|fewer|lower|smaller|shorter)\s+than|\bunder|\bbelow|<", Comparator.less_than),
    (r"\b(?:about|around|approximately|approx\.|roughly|nearly|almost|some)|~|∼|≈", Comparator.approx),
]
_BEFORE_PATTERNS = [(re.compile(rf"(?:{pattern})\s*$", re.I), comparator) for pattern, comparator in _BEFORE]
_AFTER_PLUS = re.compile(r"\+(?![\d\w])")
_AFTER_OR_MORE = re.compile(r"\s+or\s+(?:even\s+)?(?:more|higher|greater|above|longer|larger)\b", re.I)
_AFTER_OR_LESS = re.compile(r"\s+or\s+(?:even\s+)?(?:less|fewer|lower|below|shorter|smaller)\b", re.I)
_RANGE_OPENER = re.compile(r"(?:\branging\s+from|\bfrom|\bbetween)\s+$", re.I)
_WORD = re.compile(r"[ \t\u00a0]*(-)?[ \t\u00a0]*([A-Za-z][A-Za-z0-9'’.-]*[A-Za-z0-9]|[A-Za-z])")
_STOP_WORDS = frozenset(
    "of with on in for and or to from that which by at as than per is are was were the a an its their our "
    "this these those using via across over under while when where both each into onto without within "
    "after before between against during among versus vs".split()
)
_LOOKAHEAD_WORDS = 4
_MAX_UNIT_WORDS = 3


def comparator_before(text: str, position: int, floor: int) -> tuple[Comparator, int] | None:
    """The comparator written just before ``position`` and where it starts."""
    window = text[max(floor, position - 24):position]
    for pattern, comparator in _BEFORE_PATTERNS:
        match = pattern.search(window)
        if match:
            return comparator, position - len(window) + match.start()
    return None


def comparator_after(text: str, position: int, limit: int) -> tuple[Comparator, int]:
    """A trailing comparator ("50+", "256k or even more") and the span end it implies."""
    for pattern, comparator in ((_AFTER_PLUS, Comparator.more_than), (_AFTER_OR_MORE, Comparator.at_least),
                                (_AFTER_OR_LESS, Comparator.at_most)):
        match = pattern.match(text, position, limit)
        if match:
            return comparator, match.end()
    return Comparator.exact, position


def range_opener(text: str, position: int, floor: int) -> int:
    """Start of "from"/"between"/"ranging from" before a range, else ``position``."""
    window = text[max(floor, position - 16):position]
    match = _RANGE_OPENER.search(window)
    return position - len(window) + match.start() if match else position


@cache
def _unit_table() -> dict[tuple[str, ...], str]:
    nouns: dict[str, list[str]] = vocabulary()["unit_nouns"]  # type: ignore[assignment]
    return {tuple(surface.split()): unit for unit, surfaces in nouns.items() for surface in surfaces}


def unit_after(text: str, position: int, limit: int) -> tuple[str | None, int]:
    """The unit noun within a few words after ``position`` ("24 off-the-shelf models").

    Returns the canonical unit and the span end: the noun's end when it follows the numeral
    directly (so the span reads "132B parameters"), else ``position``.
    """
    words: list[re.Match[str]] = []
    cursor = position
    while len(words) < _LOOKAHEAD_WORDS + _MAX_UNIT_WORDS:
        word = _WORD.match(text, cursor, limit)
        if word is None or (words and word.group(1)):
            break
        words.append(word)
        cursor = word.end()
    for index in range(min(_LOOKAHEAD_WORDS, len(words))):
        found = _unit_at(words, index)
        if found:
            unit, last = found
            return unit, (_noun_end(words[last]) if index == 0 else position)
        if _normal(words[index]) in _STOP_WORDS:
            break
    return None, position


def _normal(word: re.Match[str]) -> str:
    # Footnote digits glued to the noun ("tokens1") do not change it.
    return word.group(2).lower().rstrip("0123456789").rstrip(".")


def _noun_end(word: re.Match[str]) -> int:
    noun = word.group(2)
    return word.end() - (len(noun) - len(noun.rstrip("0123456789")))


def _unit_at(words: list[re.Match[str]], index: int) -> tuple[str, int] | None:
    table = _unit_table()
    for size in range(_MAX_UNIT_WORDS, 0, -1):
        chunk = tuple(_normal(word) for word in words[index:index + size])
        if len(chunk) == size and chunk in table:
            return table[chunk], index + size - 1
    return None


def adjacent_rate(text: str, position: int, limit: int) -> tuple[str, int] | None:
    """A rate written after a unit noun: "tokens per second" -> ("per second", end)."""
    rates: dict[str, str] = vocabulary()["rate_units"]  # type: ignore[assignment]
    for surface, rate in rates.items():
        match = re.compile(rf"\s*{re.escape(surface)}\b", re.I).match(text, position, limit)
        if match:
            return rate, match.end()
    return None
