"""Line records with file offsets, the common ground of every reader."""

from __future__ import annotations

import re
from typing import NamedTuple

_LINE = re.compile(r"[^\r\n]*")


class Line(NamedTuple):
    number: int  # 1-based, as an editor shows it
    start: int
    end: int  # exclusive, before the line break
    text: str

    @property
    def blank(self) -> bool:
        return not self.text.strip()


def split_lines(text: str) -> list[Line]:
    """Every line of ``text`` (blank ones included) with its offsets; handles \\n, \\r\\n and \\r."""
    lines: list[Line] = []
    position = 0
    number = 1
    while position <= len(text):
        match = _LINE.match(text, position)
        assert match is not None  # the pattern matches the empty string
        lines.append(Line(number, match.start(), match.end(), match.group()))
        position = match.end()
        if position >= len(text):
            break
        position += 2 if text.startswith("\r\n", position) else 1
        number += 1
    return lines


def non_blank(lines: list[Line]) -> list[Line]:
    return [line for line in lines if not line.blank]


def line_of_offset(text: str, offset: int) -> int:
    """1-based line number of a character offset."""
    return text.count("\n", 0, offset) + 1
