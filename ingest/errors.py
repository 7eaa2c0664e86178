"""Exceptions raised while reading source files; each names the file and, where it applies, the line."""

from __future__ import annotations

from pathlib import Path


class SourceError(Exception):
    """A source file that cannot be read or parsed."""

    def __init__(self, path: Path | str, message: str, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {message}")


class UnknownFormatError(SourceError):
    """The content matches none of the known document formats."""
