"""Reader for arXiv abstract dumps: a free-form header, then arXiv-id lines each followed by an abstract."""

from __future__ import annotations

import re
from pathlib import Path

from ingest.errors import SourceError
from ingest.lines import Line, split_lines
from ingest.models import Document, DocumentKind, SourceFile, Span
from ingest.sentences import split_sentences

ARXIV_ID_LINE = re.compile(
    r"^\s*(?:arXiv:)?(?P<id>\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(?:v(?P<version>\d+))?\s*$"
)
# Dumps converted from PDFs leave figure markup after the abstract: "![0_image_0.png](...) Figure 1: ..."
_TRAILING_CAPTION = re.compile(r"\s*(?:!\[[^\]]*\]\([^)]*\)|\bFig(?:ure|\.)\s*\d+\s*:)")


def looks_like_arxiv_dump(lines: list[Line]) -> bool:
    """At least three id lines, and most non-blank lines after the first one alternate id / text."""
    ids = [i for i, line in enumerate(lines) if ARXIV_ID_LINE.match(line.text)]
    if len(ids) < 3:
        return False
    body = [line for line in lines[ids[0] :] if not line.blank]
    id_lines = sum(1 for line in body if ARXIV_ID_LINE.match(line.text))
    return id_lines * 2 >= len(body) * 0.8


def read_arxiv_dump(path: Path, source: SourceFile, text: str) -> list[Document]:
    lines = split_lines(text)
    documents: list[Document] = []
    current: Line | None = None
    body: list[Line] = []
    for line in lines:
        if ARXIV_ID_LINE.match(line.text):
            if current is not None:
                documents.append(_abstract_document(path, source, text, current, body))
            current, body = line, []
        elif current is not None and not line.blank:
            body.append(line)
    if current is None:
        raise SourceError(path, "no arXiv id line found in what looked like an arXiv dump")
    documents.append(_abstract_document(path, source, text, current, body))
    return documents


def _abstract_document(path: Path, source: SourceFile, text: str, id_line: Line, body: list[Line]) -> Document:
    match = ARXIV_ID_LINE.match(id_line.text)
    assert match is not None
    if not body:
        raise SourceError(path, f"arXiv id {id_line.text.strip()} has no abstract after it", id_line.number)
    start = body[0].start
    end = _abstract_end(text, start, body[-1].end)
    version = match.group("version")
    id_span = Span.of(text, id_line.start + match.start("id"), id_line.start + match.end("id"))
    return Document(
        id=f"{Path(source.name).stem}/L{id_line.number}",
        source=source.name,
        kind=DocumentKind.arxiv_abstract,
        span=Span.of(text, id_line.start, body[-1].end),
        title_span=id_span,
        abstract_span=Span.of(text, start, end),
        arxiv_id=match.group("id"),
        arxiv_version=int(version) if version else None,
        sentences=split_sentences(text, start, end),
        paragraphs=[Span.of(text, line.start, line.end) for line in body],
    )


def _abstract_end(text: str, start: int, end: int) -> int:
    caption = _TRAILING_CAPTION.search(text, start, end)
    return caption.start() if caption else end
