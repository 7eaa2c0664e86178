"""Find source files, read them safely, detect their format from content, and hand them to the right reader."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from ingest.arxiv_dump import looks_like_arxiv_dump, read_arxiv_dump
from ingest.bibliography import find_bibliography
from ingest.daily_papers import find_page_date, read_daily_papers
from ingest.errors import SourceError, UnknownFormatError
from ingest.lines import Line, non_blank, split_lines
from ingest.models import Document, SourceFile, SourceFormat
from ingest.newsletter import read_newsletter

Reader = Callable[[Path, SourceFile, str], list[Document]]

READERS: dict[SourceFormat, Reader] = {
    SourceFormat.newsletter: read_newsletter,
    SourceFormat.daily_papers: read_daily_papers,
    SourceFormat.arxiv_dump: read_arxiv_dump,
}
_PROSE_LINE_CHARS = 200  # a newsletter is mostly paragraphs, not short lines
_MIN_PROSE_LINES = 3


class ParsedSource(BaseModel):
    model_config = ConfigDict(frozen=True)

    path: Path
    source: SourceFile
    text: str
    documents: list[Document]


def find_source_files(paths: Iterable[Path]) -> list[Path]:
    """Expand directories into their regular files (sorted, hidden files skipped); keep files as given."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(p for p in sorted(path.iterdir()) if p.is_file() and not p.name.startswith("."))
        elif path.exists():
            found.append(path)
        else:
            raise SourceError(path, "no such file or directory")
    return found


def read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError as error:
        raise SourceError(path, "no such file") from error
    except OSError as error:
        raise SourceError(path, f"cannot read: {error.strerror}") from error
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise SourceError(path, f"not valid UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start})", line) from error
    if not text.strip():
        raise SourceError(path, "empty file")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise SourceError(path, "binary content (NUL character)", line)
    return text


def detect_format(path: Path, lines: list[Line]) -> SourceFormat:
    if looks_like_arxiv_dump(lines):
        return SourceFormat.arxiv_dump
    if find_page_date(lines) is not None:
        return SourceFormat.daily_papers
    prose = [line for line in non_blank(lines) if len(line.text) >= _PROSE_LINE_CHARS]
    if len(prose) >= _MIN_PROSE_LINES or (find_bibliography(non_blank(lines))[0] and prose):
        return SourceFormat.newsletter
    raise UnknownFormatError(
        path,
        "unknown format: not an arXiv dump (id / abstract lines), a Daily Papers listing (a page date such as "
        "'Aug 1' then title / abstract lines) or a newsletter article (paragraphs of prose)",
    )


def parse_file(path: Path) -> ParsedSource:
    text = read_text(path)
    lines = split_lines(text)
    source_format = detect_format(path, lines)
    source = SourceFile(
        name=path.name,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        format=source_format,
        char_count=len(text),
        line_count=len(lines),
    )
    return ParsedSource(path=path, source=source, text=text, documents=READERS[source_format](path, source, text))
