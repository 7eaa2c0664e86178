"""One written numeral with its scale and unit marker: "132B", "$1.3B", "50\\%", "2.4times", "1 trillion (T)"."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources

from ingest.number_words import SCALES, SUFFIX_SCALES

NUMERAL = re.compile(r"(?:\d{1,3}(?:,\d{3})+(?![\d,])|\d+)(?:\.\d+)?(?:[eE][-+]?\d+(?![\w.]))?")
_CURRENCY = re.compile(r"(?:US)?\$|€|£")
_SUFFIX = re.compile(r"[kKMBTb](?![A-Za-z0-9])")
_SCALE_WORD = re.compile(r"\s+(hundred|thousand|million|billion|trillion)s?\b(?:\s*\(\s*[kKMBT]\s*\))?", re.I)
_PERCENT = re.compile(r"\s?\\?%|\s+per\s?cent\b|\s*percentage\s+points?\b|\s?pp\b", re.I)
_POINTS = re.compile(r"\s+points?\b", re.I)
# "x" counts as a factor only glued and not starting a word ("2x", not "2 x 3" or "2xA100").
_FACTOR = re.compile(r"\s?×|[xX](?![A-Za-z0-9])|\s?times(?![a-z]{2})|-fold\b")
_CURRENCY_UNITS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP"}


@cache
def vocabulary() -> dict[str, object]:
    """The curated word lists in ingest/vocabulary/units.json."""
    text = resources.files("ingest").joinpath("vocabulary/units.json").read_text(encoding="utf-8")
    loaded: dict[str, object] = json.loads(text)
    return loaded


@cache
def _glued_units() -> re.Pattern[str]:
    names = sorted(vocabulary()["glued_units"], key=len, reverse=True)  # type: ignore[arg-type]
    return re.compile(rf"(?:{'|'.join(map(re.escape, names))})(?![A-Za-z])")


@dataclass(frozen=True)
class Term:
    """A numeral as read: start/end cover currency, digits, scale and unit marker."""

    start: int
    end: int
    digits_start: int
    digits_end: int
    value: Decimal
    precision: Decimal
    unit: str | None
    scale: Decimal  # 1, or the K/M/B/T suffix or scale word's factor

    @property
    def scaled(self) -> bool:
        return self.scale != 1

    @property
    def plain_integer(self) -> bool:
        digits = self.value.as_tuple().exponent
        return not self.scaled and self.unit is None and isinstance(digits, int) and digits >= 0


def _numeral_value(surface: str) -> tuple[Decimal, Decimal]:
    """Value and half-unit precision of a bare numeral such as "25,005" or "1.74" or "3e-4"."""
    value = Decimal(surface.replace(",", ""))
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    return value, Decimal(5) * Decimal(10) ** (exponent - 1)


def read_term(text: str, position: int, limit: int) -> Term | None:
    """Read the numeral starting at ``position`` (its currency sign or first digit), or None."""
    start = position
    currency = _CURRENCY.match(text, position, limit)
    unit = _CURRENCY_UNITS[currency.group()] if currency else None
    if currency:
        position = currency.end()
    numeral = NUMERAL.match(text, position, limit)
    if numeral is None:
        return None
    value, precision = _numeral_value(numeral.group())
    end, scale = _read_scale(text, numeral.end(), limit)
    if unit is None:
        end, unit = _read_marker(text, end, limit)
    return Term(start, end, numeral.start(), numeral.end(), value * scale, precision * scale, unit, scale)


def _read_scale(text: str, position: int, limit: int) -> tuple[int, Decimal]:
    suffix = _SUFFIX.match(text, position, limit)
    if suffix:
        return suffix.end(), SUFFIX_SCALES[suffix.group()]
    word = _SCALE_WORD.match(text, position, limit)
    if word:
        return word.end(), SCALES[word.group(1).lower()]
    return position, Decimal(1)


def _read_marker(text: str, position: int, limit: int) -> tuple[int, str | None]:
    for pattern, unit in ((_PERCENT, "percent"), (_FACTOR, "x"), (_POINTS, "points")):
        marker = pattern.match(text, position, limit)
        if marker:
            surface = marker.group().strip().lower()
            if surface in ("pp",) or "percentage" in surface:
                unit = "percentage points"
            return marker.end(), unit
    glued = _glued_units().match(text, position, limit)
    if glued:
        return glued.end(), vocabulary()["glued_units"][glued.group()]  # type: ignore[index]
    return position, None
