"""Sentence segmentation that keeps file offsets and never crosses a line break."""

from __future__ import annotations

import re

from ingest.models import Span

# A full stop ends a sentence when followed by space and a capital, digit or quote, or when the
# source lost the space ("systems.Although"); abbreviations and decimals must not end one.
_BOUNDARY = re.compile(
    r"""(?<=[.!?])["”’)\]]?(?:\s+(?=[A-Z0-9“"(\[])|(?<=[a-z]{2}[.!?])(?=[A-Z][a-z]))"""
)
_ABBREVIATIONS = re.compile(
    r"(?:\b(?:e\.g|i\.e|et al|vs|etc|cf|Fig|Figs|Eq|Sec|Tab|approx|resp|Dr|Mr|Ms|No|Inc|Ltd|St)\.|\b[A-Z]\.)$"
)


def split_sentences(text: str, start: int, end: int) -> list[Span]:
    """Split text[start:end] into sentence spans, trimmed of surrounding whitespace."""
    spans: list[Span] = []
    for line in re.finditer(r"[^\n]+", text[start:end]):
        line_start = start + line.start()
        cursor = 0
        body = line.group()
        for boundary in _BOUNDARY.finditer(body):
            if _ABBREVIATIONS.search(body[: boundary.start()]):
                continue
            _append_trimmed(spans, text, line_start + cursor, line_start + boundary.start())
            cursor = boundary.end()
        _append_trimmed(spans, text, line_start + cursor, line_start + len(body))
    return spans


def _append_trimmed(spans: list[Span], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append(Span.of(text, start, end))
