"""Reader for "Daily Papers" listing pages: a header ending at the page date, then title / abstract lines."""

from __future__ import annotations

import re
from pathlib import Path

from ingest.errors import SourceError
from ingest.lines import Line, non_blank, split_lines
from ingest.models import Document, DocumentKind, SourceFile, Span
from ingest.sentences import split_sentences

PAGE_DATE = re.compile(
    r"^\s*(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2}(?:, \d{4})?\s*$"
)
_HEADER_SCAN = 20  # the date sits within the first lines however long the header is
_TITLE_MAX_WORDS = 30


def find_page_date(lines: list[Line]) -> Line | None:
    for line in non_blank(lines)[:_HEADER_SCAN]:
        if PAGE_DATE.match(line.text):
            return line
    return None


def read_daily_papers(path: Path, source: SourceFile, text: str) -> list[Document]:
    lines = split_lines(text)
    date_line = find_page_date(lines)
    if date_line is None:
        raise SourceError(path, "no page date line (such as 'Aug 1') in the listing's header")
    entries = _group_entries([line for line in non_blank(lines) if line.number > date_line.number])
    if not entries:
        raise SourceError(path, "listing has no paper entries after its date line", date_line.number)
    page_date = date_line.text.strip()
    return [_entry_document(source, text, title, body, page_date) for title, body in entries]


def _looks_like_title(line: Line) -> bool:
    words = line.text.split()
    return len(words) <= _TITLE_MAX_WORDS and not line.text.rstrip().endswith((".", ";", ","))


def _group_entries(lines: list[Line]) -> list[tuple[Line, list[Line]]]:
    """Pair each title with the prose lines after it; a title may lack its abstract (truncated pages).

    A title-like line right after a title is still that title's abstract unless the line after it is
    prose, in which case it opens the next entry.
    """
    entries: list[tuple[Line, list[Line]]] = []
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else None
        opens_entry = _looks_like_title(line) and (
            not entries or entries[-1][1] or following is None or not _looks_like_title(following)
        )
        if opens_entry:
            entries.append((line, []))
        elif entries:
            entries[-1][1].append(line)
    return entries


def _entry_document(source: SourceFile, text: str, title: Line, body: list[Line], page_date: str) -> Document:
    title_span = _trimmed(text, title.start, title.end)
    abstract = _trimmed(text, body[0].start, body[-1].end) if body else None
    end = body[-1].end if body else title.end
    return Document(
        id=f"{Path(source.name).stem}/L{title.number}",
        source=source.name,
        kind=DocumentKind.listing_entry,
        span=Span.of(text, title.start, end),
        title=title_span.surface,
        title_span=title_span,
        abstract_span=abstract,
        page_date=page_date,
        sentences=split_sentences(text, title.start, end),
        paragraphs=[_trimmed(text, line.start, line.end) for line in body],
    )


def _trimmed(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span.of(text, start, end)
