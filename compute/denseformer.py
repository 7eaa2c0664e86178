"""DenseFormer depth-weighted averaging (Pagliardini et al. 2024, arXiv 2402.02622) as real torch modules,
with an exact closed form for their parameter count and a checker for closed forms claimed in text."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from math import lcm
from tokenize import TokenError

import sympy
import torch
from pydantic import BaseModel, ConfigDict
from sympy.parsing.sympy_parser import (
    convert_xor,
    implicit_multiplication_application,
    parse_expr,
    standard_transformations,
)
from sympy.utilities.exceptions import SymPyDeprecationWarning

_TRANSFORMATIONS = standard_transformations + (implicit_multiplication_application, convert_xor)
_UNICODE_OPERATORS = {"×": "*", "·": "*", "⋅": "*", "−": "-", "–": "-", "²": "^2", "³": "^3"}
# parse_expr evaluates Python, and the text comes from documents: only arithmetic characters get through,
# and powers are bounded (few, small, not stacked) so that evaluating a formula such as 9^9^9 cannot run away.
_MAX_LENGTH = 200
_MAX_POWERS = 3
_MAX_EXPONENT = 16  # per written exponent; after evaluation, nested powers may reach 64
_MAX_BITS = 3000  # about 900 digits, well inside Python's int-to-str limit
# sympy's tokenizer, transformations and eval report malformed arithmetic through all of these (found by
# fuzzing); "0()" only raises a deprecation warning (a Tuple inside a Mul), which _parse turns into an error.
_PARSER_FAILURES = (
    SyntaxError, TokenError, TypeError, ValueError, ZeroDivisionError, IndexError, AttributeError, SymPyDeprecationWarning
)


class FormulaParseError(ValueError):
    """A closed form, as written in text, that cannot be read as an expression in one variable."""

    def __init__(self, expression: str, reason: str) -> None:
        self.expression = expression
        self.reason = reason
        super().__init__(f"cannot parse formula {expression!r}: {reason}")


def _device() -> torch.device:
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


class DepthWeightedAverage(torch.nn.Module):
    """The DWA after block `block` (1-based): a learned weighted sum of earlier representations.

    Representation 0 is the embedding output and representation j the output of block j. With dilation k
    only representations j <= block with j = block (mod k) take part, so there are block // k + 1 weights
    (block + 1 when k = 1). As in the paper, the weights start as the identity: all mass on the block's
    own output, so an untrained DenseFormer computes what the plain transformer does.
    """

    def __init__(self, block: int, dilation: int = 1, device: torch.device | None = None) -> None:
        super().__init__()
        if block < 1 or dilation < 1:
            raise ValueError(f"block and dilation must be at least 1, got block={block}, dilation={dilation}")
        self.sources = tuple(range(block % dilation, block + 1, dilation))
        initial = torch.zeros(len(self.sources), device=device or _device())
        initial[-1] = 1.0
        self.weight = torch.nn.Parameter(initial)

    def forward(self, representations: Sequence[torch.Tensor]) -> torch.Tensor:
        stacked = torch.stack([representations[j] for j in self.sources])
        return torch.tensordot(self.weight, stacked, dims=1)


class DenseFormerDWA(torch.nn.Module):
    """All DWA modules of a depth-`depth` DenseFormer; with period p, only blocks divisible by p get one."""

    def __init__(self, depth: int, dilation: int = 1, period: int = 1, device: torch.device | None = None) -> None:
        super().__init__()
        if depth < 1 or dilation < 1 or period < 1:
            raise ValueError(f"depth, dilation and period must be at least 1, got {depth}, {dilation}, {period}")
        self.depth = depth
        self.modules_after = torch.nn.ModuleDict(
            {
                str(block): DepthWeightedAverage(block, dilation, device)
                for block in range(1, depth + 1)
                if block % period == 0
            }
        )

    def forward(self, representations: Sequence[torch.Tensor]) -> torch.Tensor:
        """Given the embedding and the outputs of blocks 1..i, return the input of block i + 1."""
        block = len(representations) - 1
        if not 1 <= block <= self.depth:
            raise ValueError(f"expected 2..{self.depth + 1} representations, got {len(representations)}")
        module = self.modules_after[str(block)] if str(block) in self.modules_after else None
        return representations[-1] if module is None else module(representations)


def count_dwa_parameters(depth: int, dilation: int = 1, period: int = 1) -> int:
    """Parameters of the DWA modules, counted from the real module.

    >>> [count_dwa_parameters(d) for d in (1, 2, 12)]
    [2, 5, 90]
    """
    return sum(p.numel() for p in DenseFormerDWA(depth, dilation, period).parameters())


class FormulaCheck(BaseModel):
    """A claimed parameter-count formula compared with the derived closed form and the real module."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    expression: str
    variable: str
    dilation: int
    period: int
    parsed: str
    summation: str
    derived_closed_form: str
    symbolic_equal: bool
    depths: list[int]
    module_counts: list[int]
    claimed_counts: list[str]  # exact sympy values; a claim may give fractions
    first_disagreement: int | None
    method: str

    @property
    def holds(self) -> bool:
        return self.symbolic_equal and self.first_disagreement is None


def _bounded(tree: sympy.Basic, max_exponent: int) -> bool:
    for power in tree.atoms(sympy.Pow):
        # x^-1 is how an unevaluated parse writes division, so it is the one power allowed inside an exponent
        stacked = any(inner.exp != -1 for inner in power.exp.atoms(sympy.Pow))
        if stacked or any(abs(n) > max_exponent for n in power.exp.atoms(sympy.Number)):
            return False
    return all(max(abs(r.p), r.q).bit_length() <= _MAX_BITS for r in tree.atoms(sympy.Rational))


def _parse(expression: str, text: str, symbol: sympy.Symbol, evaluate: bool) -> object:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", SymPyDeprecationWarning)
            return parse_expr(text, {symbol.name: symbol}, _TRANSFORMATIONS, evaluate=evaluate)
    except _PARSER_FAILURES as error:
        raise FormulaParseError(expression, str(error) or type(error).__name__) from error


def parse_formula(expression: str, variable: str = "d") -> sympy.Expr:
    """Read a formula as written in text ("d(d + 3) / 2", "(d^2+3d)/2") as a sympy expression."""
    if not (len(variable) == 1 and variable.isascii() and variable.isalpha()):
        raise FormulaParseError(expression, f"the variable must be one ASCII letter, got {variable!r}")
    text = expression
    for symbol, ascii_form in _UNICODE_OPERATORS.items():
        text = text.replace(symbol, ascii_form)
    allowed = set("0123456789+-*/^(). \t") | {variable}
    unexpected = sorted(set(text) - allowed)
    if unexpected or not text.strip():
        raise FormulaParseError(expression, f"unexpected characters {unexpected}" if unexpected else "empty formula")
    if len(text) > _MAX_LENGTH or text.count("^") + text.count("**") > _MAX_POWERS:
        raise FormulaParseError(expression, f"longer than {_MAX_LENGTH} characters or more than {_MAX_POWERS} powers")
    symbol = sympy.Symbol(variable, integer=True, nonnegative=True)
    unevaluated = _parse(expression, text, symbol, evaluate=False)
    if not isinstance(unevaluated, sympy.Expr):
        raise FormulaParseError(expression, f"not an expression: {unevaluated!r}")
    if not _bounded(unevaluated, _MAX_EXPONENT):
        raise FormulaParseError(expression, f"exponents must be numbers of at most {_MAX_EXPONENT}, not stacked")
    parsed = _parse(expression, text, symbol, evaluate=True)
    if not isinstance(parsed, sympy.Expr):
        raise FormulaParseError(expression, f"not an expression: {parsed!r}")
    if not _bounded(parsed, 4 * _MAX_EXPONENT):
        raise FormulaParseError(expression, "the evaluated formula has too large a degree or constant")
    if parsed.has(sympy.zoo, sympy.oo, sympy.nan):
        raise FormulaParseError(expression, "the formula is not finite")
    if parsed.free_symbols - {symbol}:
        raise FormulaParseError(expression, f"not an expression in {symbol} alone: {parsed}")
    return parsed


def _residue_counts(dilation: int, period: int, m: sympy.Symbol) -> list[sympy.Expr]:
    """Exact DWA weight count at depth d = L*m + r, one polynomial in m per residue r (L = lcm(k, p)).

    Block n = L*t + s carries a DWA iff p divides s, with floor(n/k) + 1 = (L/k)*t + floor(s/k) + 1
    weights, because k and p both divide L. Summing over whole periods t < m and the partial period
    s <= r gives a sympy summation with polynomial summands, which sympy evaluates symbolically.
    """
    period_length = lcm(dilation, period)
    t = sympy.Symbol("t", integer=True, nonnegative=True)
    stride = sympy.Integer(period_length // dilation)
    per_period = sum(stride * t + s // dilation + 1 for s in range(1, period_length + 1) if s % period == 0)
    whole_periods = sympy.Sum(per_period, (t, 0, m - 1)).doit()
    counts = []
    for r in range(period_length):
        partial = sum((stride * m + s // dilation + 1 for s in range(1, r + 1) if s % period == 0), sympy.Integer(0))
        counts.append(sympy.expand(whole_periods + partial))
    return counts


def derived_closed_form(dilation: int = 1, period: int = 1, variable: str = "d") -> sympy.Expr:
    """The DWA parameter count as a function of depth: a polynomial, or a Piecewise over depth mod lcm(k, p).

    >>> derived_closed_form()
    d*(d + 3)/2
    """
    d = sympy.Symbol(variable, integer=True, nonnegative=True)
    m = sympy.Symbol("m", integer=True, nonnegative=True)
    period_length = lcm(dilation, period)
    residues = _residue_counts(dilation, period, m)
    forms = [sympy.factor(count.subs(m, (d - r) / period_length)) for r, count in enumerate(residues)]
    if period_length == 1:
        return forms[0]
    return sympy.Piecewise(*[(f, sympy.Eq(sympy.Mod(d, period_length), r)) for r, f in enumerate(forms)])


def _symbolically_equal(claimed: sympy.Expr, symbol: sympy.Symbol, dilation: int, period: int) -> bool:
    m = sympy.Symbol("m", integer=True, nonnegative=True)
    period_length = lcm(dilation, period)
    residues = _residue_counts(dilation, period, m)
    return all(
        sympy.simplify(claimed.subs(symbol, period_length * m + r) - count) == 0 for r, count in enumerate(residues)
    )


def check_closed_form(
    expression: str, variable: str = "d", depths: range = range(1, 65), dilation: int = 1, period: int = 1
) -> FormulaCheck:
    """Check a claimed DWA parameter-count formula symbolically and against numel() of the real module."""
    # Decimals in text ("0.5 d (d + 3)") become exact rationals, so that every comparison below is exact.
    claimed = sympy.nsimplify(parse_formula(expression, variable), rational=True)
    symbol = next(iter(claimed.free_symbols), sympy.Symbol(variable, integer=True, nonnegative=True))
    module_counts = [count_dwa_parameters(depth, dilation, period) for depth in depths]
    claimed_counts = [claimed.subs(symbol, depth) for depth in depths]
    first = next((depth for depth, c, n in zip(depths, claimed_counts, module_counts) if c != n), None)
    i = sympy.Symbol("i", integer=True, positive=True)
    summation = str(sympy.Sum(sympy.floor(i / dilation) + 1, (i, 1, variable)))
    return FormulaCheck(
        expression=expression,
        variable=variable,
        dilation=dilation,
        period=period,
        parsed=str(claimed),
        summation=summation if period == 1 else f"{summation}, over the blocks i divisible by {period} only",
        derived_closed_form=str(derived_closed_form(dilation, period, variable)),
        symbolic_equal=_symbolically_equal(claimed, symbol, dilation, period),
        depths=list(depths),
        module_counts=module_counts,
        claimed_counts=[str(c) for c in claimed_counts],
        first_disagreement=first,
        method="sympy summation of DWA weights per block vs the claim; sum(p.numel()) of DenseFormerDWA per depth",
    )
