"""Quote checking: a quote is kept only if it is an exact substring of the passage it cites (after whitespace
normalisation) and the passage's span slices back to the passage text in its source file.

>>> from kg.passages import Passage, PassageKind
>>> text = "DBRX has 132B parameters.  It uses 16 experts."
>>> p = Passage(id="s", kind=PassageKind.sentence, text=text, file="f.txt", document_id="f", locator="x", start=0, end=len(text))
>>> verify_quote("It uses  16\\nexperts", p, text)
QuoteCheck(ok=True, start=27, end=45, reason=None)
>>> verify_quote("It uses 17 experts", p, text).ok
False
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import NamedTuple

from kg.passages import Passage

_SPACE = re.compile(r"\s+")


class QuoteCheck(NamedTuple):
    ok: bool
    start: int | None  # the quote's offsets in the source file, when found
    end: int | None
    reason: str | None


def normalise_space(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _normalised_with_offsets(text: str) -> tuple[str, list[int]]:
    """Whitespace runs collapsed to one space, with the original index of every kept character."""
    chars: list[str] = []
    offsets: list[int] = []
    for match in re.finditer(r"\s+|\S+", text):
        if match.group().isspace():
            if chars and chars[-1] != " ":
                chars.append(" ")
                offsets.append(match.start())
        else:
            chars.extend(match.group())
            offsets.extend(range(match.start(), match.end()))
    if chars and chars[-1] == " ":
        chars.pop()
        offsets.pop()
    return "".join(chars), offsets


def locate(quote: str, text: str) -> tuple[int, int] | None:
    """Offsets of ``quote`` in ``text`` after whitespace normalisation of both, or None."""
    needle = normalise_space(quote)
    if not needle:
        return None
    haystack, offsets = _normalised_with_offsets(text)
    at = haystack.find(needle)
    if at < 0:
        return None
    return offsets[at], offsets[at + len(needle) - 1] + 1


def verify_quote(quote: str, passage: Passage, file_text: str) -> QuoteCheck:
    """Is ``quote`` a verbatim (modulo whitespace) part of ``passage``, whose span is verbatim in the file?"""
    if file_text[passage.start : passage.end] != passage.text:
        return QuoteCheck(False, None, None, f"passage {passage.id} does not slice back to its text in {passage.file}")
    found = locate(quote, passage.text)
    if found is None:
        return QuoteCheck(False, None, None, f"quote is not in passage {passage.id}")
    return QuoteCheck(True, passage.start + found[0], passage.start + found[1], None)


DOCUMENT_SPANS = "documents.json"  # {file: [[start, text], ...]}: the stored document spans, written with the index


class SourceTexts:
    """Source file texts by name, read once from the seeds directory (or any directory listed).

    A file found in no directory (a document uploaded through the API) is rebuilt from the document spans stored
    in the graph, when a listed directory holds them (``documents.json``, written by ``update_search_index``):
    each document's exact text at its offsets, NUL elsewhere, so a passage's span slices back to its text exactly
    where the graph says the document has it.
    """

    def __init__(self, directories: list[Path]) -> None:
        self._directories = directories
        self._texts: dict[str, str | None] = {}

    def get(self, name: str) -> str | None:
        if name not in self._texts:
            self._texts[name] = self._read(name)
        return self._texts[name]

    def _read(self, name: str) -> str | None:
        from ingest.sources import read_text

        for directory in self._directories:
            path = directory / name
            if path.is_file():
                return read_text(path)
        for directory in self._directories:
            spans = _document_spans(directory / DOCUMENT_SPANS).get(name)
            if spans:
                return rebuild_text(spans)
        return None


def rebuild_text(spans: list[tuple[int, str]]) -> str:
    """A file's text from its documents' spans: each text at its offset, NUL where no document lies."""
    chars = ["\0"] * max(start + len(text) for start, text in spans)
    for start, text in spans:
        chars[start : start + len(text)] = text
    return "".join(chars)


def _document_spans(path: Path) -> dict[str, list[tuple[int, str]]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {name: [(int(start), str(text)) for start, text in spans] for name, spans in data.items()}
