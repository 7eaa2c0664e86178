"""DenseFormer verifier: a claimed closed form for the number of depth-weighted-averaging weights, checked
symbolically (sympy) and against numel() of the real torch modules for every depth up to MAX_DEPTH."""

from __future__ import annotations

import re

from compute.checks import unchecked
from compute.denseformer import FormulaParseError, check_closed_form, parse_formula
from compute.graph_inputs import ClaimRecord, GraphView
from compute.models import Check, Plot, ReasonCode, Series, Verdict, VerificationInput
from compute.registry import Registry, Verifier, VerifyOptions

MAX_DEPTH = 64
_DWA = re.compile(r"dense\s*former|depth[- ]weighted[- ]averag|\bDWA\b", re.IGNORECASE)
_COUNTS_WEIGHTS = re.compile(r"\b(?:weights?|parameters?|params|coefficients?)\b", re.IGNORECASE)
_VARIABLE = re.compile(r"\b([a-zA-Z])\b\s+(?:is|denotes|being)\s+the\s+(?:depth|number\s+of\s+(?:blocks|layers))", re.IGNORECASE)
_DILATION = re.compile(r"dilation(?:\s+factor)?\s+(?:of\s+)?(?:k\s*=\s*)?(\d{1,2})\b", re.IGNORECASE)
_PERIOD = re.compile(r"(?:dwa\s+)?period(?:icity)?\s+(?:of\s+)?(?:p\s*=\s*)?(\d{1,2})\b", re.IGNORECASE)


def _context(claim: ClaimRecord, view: GraphView) -> str:
    section = view.section(claim)
    named = " ".join(m.label for m in view.mentions(claim))
    return " ".join([claim.sentence.text, section.text if section else "", claim.subject or "", named])


def _variable(claim: ClaimRecord) -> str:
    written = _VARIABLE.search(claim.after)
    letters = sorted({ch for ch in claim.expression or "" if ch.isalpha()})
    return written.group(1) if written else (letters[0] if len(letters) == 1 else "d")


def applies(claim: ClaimRecord, view: GraphView) -> bool:
    if claim.kind != "formula" or not claim.expression:
        return False
    if not (_COUNTS_WEIGHTS.search(claim.quantity) or _COUNTS_WEIGHTS.search(claim.sentence.text)):
        return False
    return bool(_DWA.search(_context(claim, view)))


def check(claim: ClaimRecord, view: GraphView, options: VerifyOptions) -> Check:
    """Parameters of the DWA modules of a depth-d DenseFormer, against the claimed closed form."""
    import torch

    expression, variable = claim.expression or "", _variable(claim)
    dilation = int(m.group(1)) if (m := _DILATION.search(claim.sentence.text)) else 1
    period = int(m.group(1)) if (m := _PERIOD.search(claim.sentence.text)) else 1
    try:
        parse_formula(expression, variable)
        result = check_closed_form(expression, variable, range(1, MAX_DEPTH + 1), dilation, period)
    except FormulaParseError as error:
        return unchecked(ReasonCode.not_numeric, f"the formula cannot be read: {error.reason}")
    at = result.first_disagreement or MAX_DEPTH
    index = result.depths.index(at)
    counts = ", ".join(f"d={d}: {n}" for d, n in list(zip(result.depths, result.module_counts))[:4])
    method = (f"sum(p.numel()) of DenseFormerDWA(d, dilation={dilation}, period={period}) for d = 1..{MAX_DEPTH} "
              f"({counts}, ..., d={at}: {result.module_counts[index]}) against {expression} = {result.parsed} "
              f"({result.claimed_counts[index]} at d={at}); symbolic: {result.summation} = {result.derived_closed_form}")
    if result.holds:
        verdict, message = Verdict.supported, (f"supported: {expression} equals the derived closed form "
                                               f"{result.derived_closed_form} and numel() for every d = 1..{MAX_DEPTH}")
    else:
        verdict = Verdict.refuted
        message = (f"refuted: at d={at} the module has {result.module_counts[index]} weights, the formula gives "
                   f"{result.claimed_counts[index]}; the closed form is {result.derived_closed_form}"
                   + ("" if result.symbolic_equal else " (symbolically different)"))
    plot = Plot(title="DWA weights by depth", x_label="depth d", y_label="weights", series=[
        Series(label="numel() of the torch modules", x=[float(d) for d in result.depths],
               y=[float(n) for n in result.module_counts]),
        Series(label=f"claimed {expression}", x=[float(d) for d in result.depths],
               y=[float(eval_rational(c)) for c in result.claimed_counts], style="line"),
    ])
    inputs = [VerificationInput(name="formula", value=expression, claim_id=claim.id, text=claim.span.text),
              VerificationInput(name="dilation", value=dilation, claim_id=claim.id),
              VerificationInput(name="period", value=period, claim_id=claim.id)]
    device = "cuda" if torch.cuda.is_available() else "cpu"
    return Check(verdict=verdict, recomputed=float(result.module_counts[index]), method=method, message=message,
                 inputs=inputs, plot=plot, device=device)


def eval_rational(text: str) -> float:
    numerator, _, denominator = text.partition("/")
    return float(numerator) / float(denominator or 1)


def register(registry: Registry) -> None:
    registry.register(Verifier(
        "denseformer.dwa_parameters", "DenseFormer depth-weighted-averaging parameter count",
        "A claimed closed form for the DWA weights of a depth-d DenseFormer, against sympy and numel().",
        applies, check, packages=("torch", "sympy")))
