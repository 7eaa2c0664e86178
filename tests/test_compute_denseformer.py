"""DenseFormer DWA: the module's forward pass, its parameter counts, and checking claimed closed forms."""

from __future__ import annotations

import doctest

import pytest
import sympy
import torch
from hypothesis import example, given
from hypothesis import strategies as st

from compute import denseformer
from compute.denseformer import (
    DenseFormerDWA,
    DepthWeightedAverage,
    FormulaParseError,
    check_closed_form,
    count_dwa_parameters,
    derived_closed_form,
    parse_formula,
)

CPU = torch.device("cpu")


def test_docstring_examples_run() -> None:
    assert doctest.testmod(denseformer).failed == 0


@pytest.mark.parametrize("written", ["d(d + 3) / 2", "d*(d+3)/2", "(d^2+3d)/2", "(d² + 3d)/2"])
def test_true_formula_passes_symbolically_and_numerically(written: str) -> None:
    check = check_closed_form(written)
    assert check.symbolic_equal
    assert check.first_disagreement is None
    assert check.holds
    assert check.derived_closed_form == "d*(d + 3)/2"
    assert check.module_counts[:4] == [2, 5, 9, 14]
    assert check.module_counts[-1] == 64 * 67 // 2
    assert check.depths == list(range(1, 65))


@pytest.mark.parametrize(("written", "first_bad"), [("d(d + 1)/2", 1), ("d^2", 1), ("d(d+3)/2 + (d-1)(d-2)(d-3)", 4)])
def test_false_formula_is_refuted_at_first_disagreeing_depth(written: str, first_bad: int) -> None:
    check = check_closed_form(written)
    assert not check.symbolic_equal
    assert check.first_disagreement == first_bad
    assert not check.holds


def test_claim_that_agrees_only_on_small_depths_is_refuted_symbolically_when_range_is_short() -> None:
    check = check_closed_form("d(d+3)/2 + (d-1)(d-2)(d-3)(d-4)(d-5)", depths=range(1, 6))
    assert check.first_disagreement is None
    assert not check.symbolic_equal


@pytest.mark.parametrize("written", ["d(d+3", "import os", "d^2 + n", "d^9999", "", "d /"])
def test_unreadable_formula_raises_with_the_expression(written: str) -> None:
    with pytest.raises(FormulaParseError) as caught:
        parse_formula(written)
    assert caught.value.expression == written


@given(st.text(alphabet="0123456789+-*/^(). d", max_size=30))
@example(")(")
@example("0()")
@example("0 ..0")
@example("9^9^9")
@example("((d^16)^16)^16")
def test_parser_never_fails_any_other_way(written: str) -> None:
    try:
        parsed = parse_formula(written)
    except FormulaParseError:
        return
    assert parsed.free_symbols <= {sympy.Symbol("d", integer=True, nonnegative=True)}


def test_weighted_average_forward_matches_hand_computation() -> None:
    dwa = DepthWeightedAverage(block=2, device=CPU)
    assert dwa.sources == (0, 1, 2)
    torch.testing.assert_close(dwa.weight.detach(), torch.tensor([0.0, 0.0, 1.0]))
    with torch.no_grad():
        dwa.weight.copy_(torch.tensor([0.5, -1.0, 2.0]))
    x0, x1, x2 = torch.tensor([[1.0, 2.0]]), torch.tensor([[3.0, -1.0]]), torch.tensor([[0.5, 4.0]])
    expected = torch.tensor([[0.5 * 1.0 - 1.0 * 3.0 + 2.0 * 0.5, 0.5 * 2.0 - 1.0 * -1.0 + 2.0 * 4.0]])
    torch.testing.assert_close(dwa([x0, x1, x2]), expected)


def test_dilated_average_skips_the_other_residues() -> None:
    dwa = DepthWeightedAverage(block=5, dilation=2, device=CPU)
    assert dwa.sources == (1, 3, 5)
    with torch.no_grad():
        dwa.weight.copy_(torch.tensor([1.0, 10.0, 100.0]))
    representations = [torch.full((2, 3), float(j)) for j in range(6)]
    torch.testing.assert_close(dwa(representations), torch.full((2, 3), 1.0 + 30.0 + 500.0))


def test_identity_initialisation_returns_the_block_output() -> None:
    model = DenseFormerDWA(depth=4, period=2, device=CPU)
    representations = [torch.randn(3, 5, generator=torch.Generator().manual_seed(j)) for j in range(5)]
    for block in range(1, 5):
        torch.testing.assert_close(model(representations[: block + 1]), representations[block])
    assert set(model.modules_after) == {"2", "4"}


def test_forward_rejects_a_history_longer_than_the_model() -> None:
    with pytest.raises(ValueError, match="representations"):
        DenseFormerDWA(depth=2, device=CPU)([torch.zeros(1)] * 4)


@pytest.mark.parametrize(("dilation", "period"), [(1, 1), (2, 1), (4, 1), (1, 2), (1, 3), (2, 2), (3, 2), (4, 4)])
def test_derived_closed_form_matches_module_counts(dilation: int, period: int) -> None:
    form = derived_closed_form(dilation, period)
    d = next(iter(form.free_symbols))
    for depth in range(1, 25):
        assert form.subs(d, depth) == count_dwa_parameters(depth, dilation, period)


def test_dilated_and_periodic_counts_match_hand_counts() -> None:
    # dilation 2, depth 4: blocks 1..4 average over {1}, {0,2}, {1,3}, {0,2,4} -> 1 + 2 + 2 + 3 weights
    assert count_dwa_parameters(4, dilation=2) == 8
    # period 2, depth 4: DWAs only after blocks 2 and 4, with 3 and 5 weights
    assert count_dwa_parameters(4, period=2) == 8
    # both: after block 2 {0, 2}, after block 4 {0, 2, 4}
    assert count_dwa_parameters(4, dilation=2, period=2) == 5


def test_closed_form_for_dilated_model_is_checked_per_residue() -> None:
    even_only = check_closed_form("d(d + 4)/4", dilation=2, depths=range(1, 17))
    assert not even_only.symbolic_equal
    assert even_only.first_disagreement == 1
    assert even_only.module_counts[1::2] == [int(sympy.Rational(d * (d + 4), 4)) for d in range(2, 17, 2)]
    assert "Mod(d, 2)" in even_only.derived_closed_form
