"""Readers on the real seeds: golden files, span invariants, format detection from content."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ingest.models import DocumentKind, SourceFormat, Span
from ingest.sources import parse_file
from tests.golden_documents import document_summary

GOLDEN = Path(__file__).parent / "golden"
EXPECTED_FORMATS = {
    "000_ece389bdadead4ee.txt": SourceFormat.newsletter,
    "001_2517cdbbfddb583d.txt": SourceFormat.daily_papers,
    "002_0b13b7f50963ea36.txt": SourceFormat.arxiv_dump,
    "003_6cf4c1c6134e3cdc.txt": SourceFormat.daily_papers,
}


def _all_spans(parsed) -> list[Span]:
    spans: list[Span] = []
    for d in parsed.documents:
        spans += [s for s in (d.span, d.title_span, d.abstract_span) if s]
        spans += d.sentences + d.paragraphs + d.quotes
        spans += [s.heading for s in d.sections] + [s.body for s in d.sections]
        spans += [b.span for b in d.bibliography] + [c.marker for c in d.citations]
        spans += [f.span for f in d.footnotes] + [f.marker for f in d.footnotes if f.marker]
    return spans


@pytest.mark.parametrize("name", sorted(EXPECTED_FORMATS))
def test_reader_matches_golden_file(name: str, seed_paths) -> None:
    parsed = parse_file(next(p for p in seed_paths if p.name == name))
    summary = [document_summary(d) for d in parsed.documents]
    golden = GOLDEN / f"{Path(name).stem}.documents.json"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    expected = json.loads(golden.read_text(encoding="utf-8"))
    assert len(summary) == len(expected)
    for got, want in zip(summary, expected, strict=True):
        assert got == want, f"document {want['id']} differs from {golden.name}"


@pytest.mark.parametrize("name", sorted(EXPECTED_FORMATS))
def test_every_span_slices_back_to_its_surface(name: str, seed_paths) -> None:
    parsed = parse_file(next(p for p in seed_paths if p.name == name))
    assert parsed.source.format is EXPECTED_FORMATS[name]
    for span in _all_spans(parsed):
        assert parsed.text[span.start : span.end] == span.surface


def test_format_is_detected_from_content_not_name(tmp_path: Path, seed_paths) -> None:
    for path in seed_paths:
        renamed = tmp_path / f"renamed-{EXPECTED_FORMATS[path.name].value[::-1]}.dat"
        renamed.write_bytes(path.read_bytes())
        assert parse_file(renamed).source.format is EXPECTED_FORMATS[path.name]


def test_newsletter_structure(seed_paths) -> None:
    article = parse_file(seed_paths[0]).documents[0]
    assert article.kind is DocumentKind.article
    titles = [s.title for s in article.sections]
    assert "Bibliography" in titles and "Honorable Mentions" in titles
    assert all("[" not in t for t in titles), "trailing citation markers are stripped from section titles"
    numbers = [entry.number for entry in article.bibliography]
    assert numbers == list(range(1, len(numbers) + 1))
    assert [f.number for f in article.footnotes] == list(range(1, len(article.footnotes) + 1))
    assert all(f.marker and f.marker.surface == str(f.number) for f in article.footnotes)
    cited = {n for c in article.citations for n in c.numbers}
    assert cited <= set(numbers)
    assert any(c.numbers == [6, 7] for c in article.citations), "multi-number markers such as [6, 7] are linked"


def test_listing_entries_carry_page_date_and_abstract(seed_paths) -> None:
    for path in (seed_paths[1], seed_paths[3]):
        documents = parse_file(path).documents
        assert {d.page_date for d in documents} and None not in {d.page_date for d in documents}
        assert all(d.kind is DocumentKind.listing_entry and d.title and d.abstract_span for d in documents)


def test_arxiv_dump_keeps_version_suffix_apart(seed_paths) -> None:
    documents = parse_file(seed_paths[2]).documents
    versioned = [d for d in documents if d.arxiv_version is not None]
    assert versioned and all("v" not in d.arxiv_id for d in versioned)
    assert all(d.abstract_span and "![" not in d.abstract_span.surface for d in documents), "figure captions trimmed"
