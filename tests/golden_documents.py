"""Compact, reviewable JSON form of parsed documents for golden-file comparison (offsets, not surfaces)."""

from __future__ import annotations

from ingest.models import Document, Span


def _at(span: Span | None) -> list[int] | None:
    return [span.start, span.end] if span else None


def document_summary(document: Document) -> dict:
    return {
        "id": document.id,
        "kind": document.kind.value,
        "title": document.title,
        "arxiv_id": document.arxiv_id,
        "arxiv_version": document.arxiv_version,
        "page_date": document.page_date,
        "span": _at(document.span),
        "title_span": _at(document.title_span),
        "abstract_span": _at(document.abstract_span),
        "sentences": [_at(s) for s in document.sentences],
        "paragraphs": [_at(p) for p in document.paragraphs],
        "sections": [{"title": s.title, "heading": _at(s.heading), "body": _at(s.body)} for s in document.sections],
        "quotes": [_at(q) for q in document.quotes],
        "bibliography": [
            {"number": b.number, "authors": b.authors, "title": b.title, "venue": b.venue, "arxiv_id": b.arxiv_id, "year": b.year, "url": b.url}
            for b in document.bibliography
        ],
        "citations": [{"marker": _at(c.marker), "numbers": c.numbers} for c in document.citations],
        "footnotes": [{"number": f.number, "span": _at(f.span), "marker": _at(f.marker)} for f in document.footnotes],
    }
