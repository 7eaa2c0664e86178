"""Numbered bibliography: find the reference list of an article and parse each "[n] ..." entry."""

from __future__ import annotations

import re

from ingest.lines import Line
from ingest.models import BibEntry, Span

_HEADING = re.compile(r"^\s*(?:Bibliography|References|Works Cited)\s*:?\s*$", re.IGNORECASE)
_ENTRY = re.compile(r"^\s*\[(?P<number>\d+)\]\s+(?P<body>.+)$")
_QUOTED_TITLE = re.compile(r"[\"“](?P<title>.+?)[.,]?[\"”]")
_ARXIV = re.compile(r"arXiv:\s*(?P<id>\d{4}\.\d{4,5})(?:v\d+)?", re.IGNORECASE)
_URL = re.compile(r"https?://\S+")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")


def find_bibliography(lines: list[Line]) -> tuple[Line | None, list[Line]]:
    """The last bibliography heading and the run of numbered entries after it."""
    heading_index = max((i for i, line in enumerate(lines) if _HEADING.match(line.text)), default=None)
    if heading_index is None:
        return None, []
    entries: list[Line] = []
    for line in lines[heading_index + 1 :]:
        if not _ENTRY.match(line.text):
            break
        entries.append(line)
    return lines[heading_index], entries


def parse_bib_entry(text: str, line: Line) -> BibEntry:
    match = _ENTRY.match(line.text)
    assert match is not None, "find_bibliography only yields entry lines"
    body = match.group("body").strip()
    authors_part, title, rest = _split_entry(body)
    arxiv = _ARXIV.search(body)
    url = _URL.search(body)
    years = _YEAR.findall(_ARXIV.sub("", _URL.sub("", rest)))
    return BibEntry(
        number=int(match.group("number")),
        span=Span.of(text, line.start, line.end),
        authors=_authors(authors_part),
        title=title,
        venue=_venue(rest),
        arxiv_id=arxiv.group("id") if arxiv else None,
        year=int(years[-1]) if years else None,
        url=url.group().rstrip(".,") if url else None,
    )


def _split_entry(body: str) -> tuple[str, str, str]:
    """(authors, title, the rest): quoted titles first, else "Authors. Title. Venue" by full stops."""
    quoted = _QUOTED_TITLE.search(body)
    if quoted:
        return body[: quoted.start()], quoted.group("title").strip(), body[quoted.end() :]
    parts = re.split(r"(?<=[a-z\)])\.\s+", body, maxsplit=2)
    if len(parts) == 3:
        return parts[0], parts[1].strip(), parts[2]
    return "", body, ""


def _authors(part: str) -> list[str]:
    part = part.strip().rstrip(".").strip()
    if not part:
        return []
    et_al = re.search(r",?\s*et al\.?$", part)
    names = part[: et_al.start()] if et_al else part
    surname_first = re.match(r"^([^,]+, [^,]+), and (.+)$", names)
    if surname_first:  # "Bradley, Ralph Allan, and Milton E. Terry"
        authors = [surname_first.group(1), surname_first.group(2)]
    elif ";" in names or re.search(r",\s*(?:and\s+)?[A-Z][a-z]+ [A-Z]", names):
        authors = [n.strip() for n in re.split(r";|,\s*(?:and\s+)?|\s+and\s+", names) if n.strip()]
    else:
        authors = [names.strip()]  # "Surname, Given" is one author
    return authors + (["et al."] if et_al else [])


def _venue(rest: str) -> str | None:
    venue = _URL.sub("", _ARXIV.sub("", rest))
    venue = re.sub(r"\b\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|November|December)\b", "", venue)
    venue = re.sub(r"\(?\b(?:19|20)\d{2}\b\)?", "", venue)
    venue = re.sub(r"\s+", " ", venue).strip(" .,:;")
    return venue or None
