"""The numeric grammar: a JSON case table (tests/data/quantities.json) plus hypothesis properties."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ingest.numbers import find_quantities, parse_number

CASES = json.loads((Path(__file__).parent / "data" / "quantities.json").read_text(encoding="utf-8"))
_FIELDS = ("value", "low", "high", "unit", "precision")


@pytest.mark.parametrize("case", CASES, ids=[case["text"][:40] for case in CASES])
def test_quantity_table(case: dict) -> None:
    found = find_quantities(case["text"])
    assert [q.span.surface for q in found] == [e["surface"] for e in case["expected"]]
    for quantity, expected in zip(found, case["expected"]):
        for field in _FIELDS:
            if field not in expected:
                continue
            actual = getattr(quantity, field)
            if isinstance(expected[field], (int, float)) and actual is not None:
                assert math.isclose(actual, expected[field], rel_tol=1e-9), (field, quantity)
            else:
                assert actual == expected[field], (field, quantity)
        assert quantity.comparator.value == expected.get("comparator", quantity.comparator.value)
        assert quantity.in_words == expected.get("in_words", False)


def test_offsets_are_absolute_and_window_is_respected() -> None:
    text = "Intro 7 words. We train on 12T tokens and 3K GPUs."
    start = text.index("We")
    found = find_quantities(text, start, text.index("and"))
    assert [(q.span.start, q.span.surface) for q in found] == [(text.index("12T"), "12T tokens")]


@pytest.mark.parametrize("surface, value", [("132B", 1.32e11), ("256K", 256000.0), ("25,005", 25005.0),
                                            ("0.011B", 1.1e7), ("three", 3.0), ("twenty-five", 25.0)])
def test_parse_number(surface: str, value: float) -> None:
    assert parse_number(surface) == value


@pytest.mark.parametrize("surface", ["", "GPT-4", "12 tokens", "1.2.3"])
def test_parse_number_names_bad_input(surface: str) -> None:
    with pytest.raises(ValueError, match="not a numeral"):
        parse_number(surface)


@given(st.text())
@example("1-P\n% of 2024 x2014 [3] (1) 5k-21k")
@example("0\u00a0%")
@example("$0")
@example("1,000,000.5B to")
def test_never_raises_and_spans_slice_back(text: str) -> None:
    for quantity in find_quantities(text):
        span = quantity.span
        assert text[span.start:span.end] == span.surface
        assert quantity.precision >= 0


@given(st.text(alphabet="ab 0123456789.,%×xKMBT-", max_size=30), st.integers(0, 30), st.integers(0, 30))
def test_window_spans_stay_inside(text: str, start: int, length: int) -> None:
    for quantity in find_quantities(text, start, start + length):
        assert start <= quantity.span.start and quantity.span.end <= start + length


_SCALES = {"": 1, "K": 10**3, "M": 10**6, "B": 10**9, "T": 10**12}


@given(st.decimals(min_value=0, max_value=99999, places=3, allow_nan=False, allow_infinity=False),
       st.sampled_from(sorted(_SCALES)))
@example(Decimal("0.011"), "B")
@example(Decimal("1.000"), "T")
def test_suffixed_value_round_trips(mantissa: Decimal, suffix: str) -> None:
    surface = f"{mantissa}{suffix}"
    expected = float(mantissa * _SCALES[suffix])
    assert parse_number(surface) == expected
    found = find_quantities(f"trained on {surface} tokens")
    assert len(found) == 1 and found[0].value == expected
