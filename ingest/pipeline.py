"""Read source files into IngestResults: parse, find entities and claims, resolve papers across files."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

from ingest.claims import extract_claims
from ingest.entities import extract_entities
from ingest.models import IngestResult, Mention
from ingest.papers import PaperCandidate, paper_candidates, paper_records, resolve_papers
from ingest.sources import ParsedSource, parse_file
from ingest.vocabulary import Vocabulary

Progress = Callable[[Path], None]


def read_sources(
    paths: Iterable[Path],
    vocabulary: Vocabulary,
    known_papers: list[PaperCandidate] | None = None,
    on_file: Progress | None = None,
) -> list[IngestResult]:
    """Every file fully read before any result is returned, so one bad file stops the whole batch early."""
    parsed: list[ParsedSource] = []
    for path in paths:
        parsed.append(parse_file(path))
        if on_file:
            on_file(path)
    candidates = list(known_papers or [])
    for source in parsed:
        candidates.extend(paper_candidates(source.source.name, source.text, source.documents))
    keys = resolve_papers(candidates)
    return [_read_one(source, vocabulary, candidates, keys) for source in parsed]


def _read_one(parsed: ParsedSource, vocabulary: Vocabulary, candidates: list[PaperCandidate], keys: list[str]) -> IngestResult:
    entities, mentions = extract_entities(parsed.text, parsed.documents, vocabulary)
    by_key = {entity.key: entity for entity in entities}
    by_document: dict[str, list[Mention]] = defaultdict(list)
    for mention in mentions:
        by_document[mention.document_id].append(mention)
    claims = [
        claim
        for document in parsed.documents
        for claim in extract_claims(parsed.text, document, by_document[document.id], by_key)
    ]
    return IngestResult(
        source=parsed.source,
        documents=parsed.documents,
        papers=paper_records(candidates, keys, parsed.source.name),
        entities=entities,
        mentions=mentions,
        claims=claims,
    )
