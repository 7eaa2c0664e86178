"""Read source files into IngestResults: parse, find entities and claims, resolve papers across files.

The steps are separate so a parallel engine can run the per-document ones on batches (kg/parallel_ingest.py):
parse and resolve papers for all files; discover entity names per file (any batch split, merged in file order);
then read any batch of a file's documents with that file's catalogue. Reading the batches of a file gives the
same records, between them, as reading the file in one piece.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from ingest.claims import extract_claims
from ingest.entities import EntityCatalogue, discover_entities, entity_catalogue, find_mentions, mentioned_entities
from ingest.models import Document, IngestResult, Mention, PaperRecord
from ingest.papers import PaperCandidate, paper_candidates, paper_records, resolve_papers
from ingest.sources import ParsedSource, parse_file
from ingest.vocabulary import Vocabulary

Progress = Callable[[Path], None]


class ResolvedSources(BaseModel):
    """Parsed files with each one's paper records, resolved against each other and against stored papers."""

    model_config = ConfigDict(frozen=True)

    parsed: list[ParsedSource]
    papers: dict[str, list[PaperRecord]]  # by file name


def read_sources(
    paths: Iterable[Path],
    vocabulary: Vocabulary,
    known_papers: list[PaperCandidate] | None = None,
    on_file: Progress | None = None,
) -> list[IngestResult]:
    """Every file fully read before any result is returned, so one bad file stops the whole batch early."""
    resolved = resolve_sources(paths, known_papers, on_file)
    return [read_file(parsed, vocabulary, resolved.papers[parsed.source.name]) for parsed in resolved.parsed]


def read_file(parsed: ParsedSource, vocabulary: Vocabulary, papers: list[PaperRecord]) -> IngestResult:
    """One resolved file's records, all documents at once."""
    catalogue = entity_catalogue(discover_entities(parsed.text, parsed.documents, vocabulary), vocabulary)
    return read_documents(parsed, parsed.documents, catalogue, papers)


def resolve_sources(
    paths: Iterable[Path], known_papers: list[PaperCandidate] | None = None, on_file: Progress | None = None
) -> ResolvedSources:
    parsed: list[ParsedSource] = []
    for path in paths:
        parsed.append(parse_file(path))
        if on_file:
            on_file(path)
    candidates = list(known_papers or [])
    for source in parsed:
        candidates.extend(paper_candidates(source.source.name, source.text, source.documents))
    keys = resolve_papers(candidates)
    papers = {source.source.name: paper_records(candidates, keys, source.source.name) for source in parsed}
    return ResolvedSources(parsed=parsed, papers=papers)


def read_documents(
    parsed: ParsedSource, documents: list[Document], catalogue: EntityCatalogue, papers: list[PaperRecord]
) -> IngestResult:
    """The records of some of a file's documents (all of them, or one batch): ``papers`` are the file's."""
    mentions = find_mentions(parsed.text, documents, catalogue)
    entities = mentioned_entities(mentions, catalogue)
    by_key = {entity.key: entity for entity in entities}
    by_document: dict[str, list[Mention]] = defaultdict(list)
    for mention in mentions:
        by_document[mention.document_id].append(mention)
    claims = [
        claim
        for document in documents
        for claim in extract_claims(parsed.text, document, by_document[document.id], by_key)
    ]
    return IngestResult(
        source=parsed.source,
        documents=documents,
        papers=_papers_presented_in(papers, documents),
        entities=entities,
        mentions=mentions,
        claims=claims,
    )


def _papers_presented_in(papers: list[PaperRecord], documents: list[Document]) -> list[PaperRecord]:
    """The file's papers cut to these documents: those they present or cite, linked to these documents only."""
    ids = {document.id for document in documents}
    cited = {entry.number for document in documents for entry in document.bibliography}
    cut = []
    for paper in papers:
        present = [doc_id for doc_id in paper.document_ids if doc_id in ids]
        numbers = [number for number in paper.bib_numbers if number in cited]
        if present or numbers:
            cut.append(paper.model_copy(update={"document_ids": present, "bib_numbers": numbers}))
    return cut
