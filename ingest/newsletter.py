"""Reader for long-form newsletter articles: title, sections, paragraphs, quotes, bibliography, footnotes."""

from __future__ import annotations

import re
from pathlib import Path

from ingest.bibliography import find_bibliography, parse_bib_entry
from ingest.lines import Line, non_blank, split_lines
from ingest.models import Citation, Document, DocumentKind, Footnote, Section, SourceFile, Span
from ingest.sentences import split_sentences

_CITED_HEADING = re.compile(r"^(?P<title>\W{0,6}[\w“\"].{2,160}?)\s*\[(?P<number>\d+)\]\s*$")
_CITATION = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
_QUOTE = re.compile(r"“[^”\n]{20,}”")
# Footnote markers are digits glued to the end of a word ("tokens1", "RMs9"), never part of a decimal.
_FOOTNOTE_MARKER = re.compile(r"(?<=[A-Za-z\)”’])(\d{1,2})(?=[\s,;:!?)”]|\.(?!\d)|$)")
_PLAIN_HEADING_MAX_WORDS = 6
_PARAGRAPH_MIN_CHARS = 150


def read_newsletter(path: Path, source: SourceFile, text: str) -> list[Document]:
    lines = non_blank(split_lines(text))
    bibliography_heading, bib_lines = find_bibliography(lines)
    body_end = bibliography_heading.number if bibliography_heading else lines[-1].number + 1
    body = [line for line in lines if line.number < body_end]
    after_bib = [line for line in lines if line.number > (bib_lines[-1].number if bib_lines else body_end)]
    headings = [line for index, line in enumerate(body) if index > 0 and _is_heading(body, index)]
    if bibliography_heading:
        headings.append(bibliography_heading)
    bibliography = [parse_bib_entry(text, line) for line in bib_lines]
    prose = [line for line in body[1:] if line not in headings]
    markers = _footnote_markers(text, prose)
    footnote_blocks = _blocks(text, after_bib) if bibliography_heading else []
    footnotes = [
        Footnote(number=number, span=block, marker=marker)
        for (number, marker), block in zip(enumerate(markers, start=1), footnote_blocks, strict=False)
    ]
    paragraphs = _blocks(text, prose) + footnote_blocks
    known = {entry.number for entry in bibliography}
    title = body[0]
    return [
        Document(
            id=f"{Path(source.name).stem}/article",
            source=source.name,
            kind=DocumentKind.article,
            span=Span.of(text, 0, len(text)),
            title=title.text.strip(),
            title_span=Span.of(text, title.start, title.end),
            sentences=[s for p in paragraphs for s in split_sentences(text, p.start, p.end)],
            paragraphs=paragraphs,
            sections=_sections(text, headings, end=bib_lines[-1].end if bib_lines else body[-1].end),
            quotes=[Span.of(text, m.start(), m.end()) for p in paragraphs for m in _QUOTE.finditer(text, p.start, p.end)],
            bibliography=bibliography,
            citations=_citations(text, [*prose, *headings], known),
            footnotes=footnotes,
        )
    ]


def _is_heading(lines: list[Line], index: int) -> bool:
    line = lines[index].text.strip()
    if line.startswith(("“", '"')) or re.search(r"\[[a-z]+\]$", line):
        return False  # a pulled quote ("... - from [1]") or a list of links ("... [link]")
    if _CITED_HEADING.match(line) and not re.search(r"[.!?]\s", line):
        return True
    previous = lines[index - 1].text.rstrip()
    following = lines[index + 1].text if index + 1 < len(lines) else ""
    return (
        len(line.split()) <= _PLAIN_HEADING_MAX_WORDS
        and line[:1].isupper()
        and not line.endswith((".", ",", ":", ";"))
        and previous.endswith((".", "!", "?", "”", '"', ")", "]"))
        and len(following) >= _PARAGRAPH_MIN_CHARS
    )


def _sections(text: str, headings: list[Line], end: int) -> list[Section]:
    sections: list[Section] = []
    for heading, following in zip(headings, [*headings[1:], None]):
        section_end = following.start if following else max(end, heading.end)
        sections.append(
            Section(
                heading=Span.of(text, heading.start, heading.end),
                title=clean_heading(heading.text),
                body=Span.of(text, heading.end, section_end),
            )
        )
    return sections


def clean_heading(heading: str) -> str:
    """Drop decorations (emoji, a trailing citation marker) from a heading."""
    without_marker = re.sub(r"\s*\[\d+\]\s*$", "", heading)
    return "".join(ch for ch in without_marker if ch.isprintable() and ord(ch) < 0x2190 or ch in "–—’“”").strip()


def _blocks(text: str, lines: list[Line]) -> list[Span]:
    """Group lines into paragraphs: a line that starts lower-case or with punctuation continues the last one.

    Inline mathematics in the source breaks sentences across lines ("a hyperparameter P", "% of ...").
    """
    blocks: list[tuple[int, int]] = []
    for line in lines:
        first = line.text.lstrip()[:1]
        if blocks and (first.islower() or first in ",.;:)%"):
            blocks[-1] = (blocks[-1][0], line.end)
        else:
            blocks.append((line.start, line.end))
    return [Span.of(text, start, end) for start, end in blocks]


def _footnote_markers(text: str, prose: list[Line]) -> list[Span]:
    """Glued digits that count up 1, 2, 3, ... in reading order; anything off the sequence is not a marker."""
    markers: list[Span] = []
    for line in prose:
        for match in _FOOTNOTE_MARKER.finditer(text, line.start, line.end):
            if int(match.group(1)) == len(markers) + 1:
                markers.append(Span.of(text, match.start(1), match.end(1)))
    return markers


def _citations(text: str, lines: list[Line], known: set[int]) -> list[Citation]:
    citations: list[Citation] = []
    for line in sorted(lines, key=lambda line: line.start):
        for match in _CITATION.finditer(text, line.start, line.end):
            numbers = [int(n) for n in re.split(r"\s*,\s*", match.group(1))]
            if all(n in known for n in numbers):
                citations.append(Citation(marker=Span.of(text, match.start(), match.end()), numbers=numbers))
    return citations
