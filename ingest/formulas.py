"""Symbolic amounts: closed-form expressions ("d(d + 3) / 2") and percentages of a variable ("P% of questions")."""

from __future__ import annotations

import re
from typing import NamedTuple

from ingest.models import Span

_TERM = r"(?:[A-Za-z](?:\([^()\n]{1,40}\))?|\d+(?:\.\d+)?|\([^()\n]{1,40}\))"
_OPERATOR = r"\s*[-+*/^×·]\s*"
_EXPRESSION = rf"{_TERM}(?:{_OPERATOR}{_TERM})+"
# "is d(d + 3) / 2", "computed as M = D / N": an expression introduced as the value of something.
_FORMULA = re.compile(
    rf"(?:\bis|\bequals|\bas|\bof|=)\s+(?P<expr>(?:[A-Za-z]\s*=\s*)?{_EXPRESSION})(?![\w(])"
)
_VARIABLE = re.compile(r"(?<![A-Za-z])[A-Za-z](?![A-Za-z])")
_INLINE_SYMBOLIC_PERCENT = re.compile(r"(?<![\w.])(?P<expr>(?:\d+\s*-\s*)?[A-Z])\s?%")
_TRAILING_SYMBOL = re.compile(r"(?:^|\s)(?P<expr>(?:\d+\s*-\s*)?[A-Z])\s*$")
_LABEL_WORDS = 6


class Formula(NamedTuple):
    span: Span  # the expression, or the "%" of a symbolic percentage
    expression: str
    label: str  # what the expression gives, e.g. "number of total added weights"


def find_formulas(text: str, sentence: Span) -> list[Formula]:
    """Closed-form expressions and symbolic percentages within one sentence."""
    return [*_expressions(text, sentence), *_symbolic_percents(text, sentence)]


def _expressions(text: str, sentence: Span) -> list[Formula]:
    found = []
    for match in _FORMULA.finditer(text, sentence.start, sentence.end):
        expression = match.group("expr").rstrip()
        if not _VARIABLE.search(expression):
            continue
        start = match.start("expr")
        label = _label(text[sentence.start:match.start()])
        found.append(Formula(Span.of(text, start, start + len(expression)), expression, label))
    return found


def _label(before: str) -> str:
    words = re.findall(r"[A-Za-z][\w-]*", before)[-_LABEL_WORDS:]
    while words and words[0].lower() in ("the", "a", "an"):
        words = words[1:]
    return " ".join(words).lower() or "expression"


def _symbolic_percents(text: str, sentence: Span) -> list[Formula]:
    """A percentage of a variable, including the damage where the variable sits on the line above."""
    found = [
        Formula(Span.of(text, m.start("expr"), m.end()), re.sub(r"\s+", "", m.group()), "percentage")
        for m in _INLINE_SYMBOLIC_PERCENT.finditer(text, sentence.start, sentence.end)
    ]
    if sentence.surface.startswith("%"):
        previous_line = text[text.rfind("\n", 0, max(0, text.rfind("\n", 0, sentence.start))) + 1:sentence.start]
        symbol = _TRAILING_SYMBOL.search(previous_line.rstrip())
        if symbol:
            expression = re.sub(r"\s+", "", symbol.group("expr")) + "%"
            found.append(Formula(Span.of(text, sentence.start, sentence.start + 1), expression, "percentage"))
    return found
