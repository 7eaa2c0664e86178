"""Paper identity across files: arXiv ids, normalised titles and near-duplicate abstracts resolve to one key."""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict

from pydantic import BaseModel, ConfigDict

from ingest.models import Document, DocumentKind, PaperRecord
from ingest.vocabulary import entity_key

_SHINGLE_WORDS = 3
_ABSTRACT_MATCH = 0.5  # word-trigram Jaccard; damaged copies of one abstract measured 0.86-1.0, distinct ones < 0.1
_COMMON_SHINGLE = 50  # shingles shared by this many abstracts are boilerplate, not evidence
_TITLE_QUOTE = re.compile(r"“(?P<title>[^”\n]{10,300})”:")


class PaperCandidate(BaseModel):
    """One sighting of a paper: a listed entry, a dumped abstract, a bibliography entry, or a stored paper."""

    model_config = ConfigDict(frozen=True)

    source: str  # file name, or "" for a paper already in the store
    document_id: str | None = None
    bib_number: int | None = None
    title: str | None = None
    arxiv_id: str | None = None
    abstract: str | None = None
    stored_key: str | None = None


def paper_candidates(source: str, text: str, documents: list[Document]) -> list[PaperCandidate]:
    candidates: list[PaperCandidate] = []
    for document in documents:
        if document.kind is DocumentKind.article:
            candidates.extend(
                PaperCandidate(source=source, document_id=document.id, bib_number=entry.number, title=entry.title, arxiv_id=entry.arxiv_id)
                for entry in document.bibliography
            )
            candidates.extend(
                PaperCandidate(source=source, document_id=document.id, title=match.group("title"))
                for quote in document.quotes
                for match in [_TITLE_QUOTE.match(text, quote.start, quote.end + 1)]
                if match
            )
        else:
            abstract = document.abstract_span.surface if document.abstract_span else None
            candidates.append(
                PaperCandidate(source=source, document_id=document.id, title=document.title, arxiv_id=document.arxiv_id, abstract=abstract)
            )
    return candidates


def normalised_title(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", title.casefold())


def resolve_papers(candidates: list[PaperCandidate]) -> list[str]:
    """A paper key per candidate: candidates that share an arXiv id, a title or an abstract share a key."""
    parent = list(range(len(candidates)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for group in _groups_by_identity(candidates) + _groups_by_abstract(candidates):
        for member in group[1:]:
            parent[root(member)] = root(group[0])
    clusters: dict[int, list[int]] = defaultdict(list)
    for i in range(len(candidates)):
        clusters[root(i)].append(i)
    keys = [""] * len(candidates)
    for members in clusters.values():
        key = _cluster_key([candidates[i] for i in members])
        for i in members:
            keys[i] = key
    return keys


def _groups_by_identity(candidates: list[PaperCandidate]) -> list[list[int]]:
    by_value: dict[str, list[int]] = defaultdict(list)
    for i, candidate in enumerate(candidates):
        if candidate.arxiv_id:
            by_value["arxiv:" + candidate.arxiv_id].append(i)
        if candidate.title and len(normalised_title(candidate.title)) >= 12:
            by_value["title:" + normalised_title(candidate.title)].append(i)
        if candidate.stored_key:
            by_value["key:" + candidate.stored_key].append(i)
    return [group for group in by_value.values() if len(group) > 1]


def _shingles(text: str) -> set[str]:
    words = re.findall(r"[a-z]+", text.casefold())
    return {" ".join(words[i : i + _SHINGLE_WORDS]) for i in range(len(words) - _SHINGLE_WORDS + 1)}


def _groups_by_abstract(candidates: list[PaperCandidate]) -> list[list[int]]:
    shingles = {i: _shingles(c.abstract) for i, c in enumerate(candidates) if c.abstract}
    postings: dict[str, list[int]] = defaultdict(list)
    for i, items in shingles.items():
        for shingle in items:
            postings[shingle].append(i)
    groups: list[list[int]] = []
    for i, items in shingles.items():
        shared: Counter[int] = Counter()
        for shingle in items:
            if len(postings[shingle]) <= _COMMON_SHINGLE:
                shared.update(j for j in postings[shingle] if j > i)
        for j, common in shared.items():
            if common / len(items | shingles[j]) >= _ABSTRACT_MATCH:
                groups.append([i, j])
    return groups


def _cluster_key(members: list[PaperCandidate]) -> str:
    stored = sorted(c.stored_key for c in members if c.stored_key)
    if stored:
        return stored[0]  # keep the IRI already in the store so other files' triples still point at it
    arxiv = sorted(c.arxiv_id for c in members if c.arxiv_id)
    if arxiv:
        return "arxiv-" + arxiv[0]
    titles = sorted(c.title for c in members if c.title)
    if titles:
        return "title-" + entity_key(titles[0])[:80]
    abstract = min(c.abstract or "" for c in members)
    return "abstract-" + hashlib.sha256(abstract.encode()).hexdigest()[:16]


def paper_records(candidates: list[PaperCandidate], keys: list[str], source: str) -> list[PaperRecord]:
    """Fold one file's candidates into one record per resolved paper, with the arXiv id any file knows."""
    arxiv_by_key = {key: c.arxiv_id for c, key in zip(candidates, keys, strict=True) if c.arxiv_id}
    records: dict[str, dict] = {}
    for candidate, key in zip(candidates, keys, strict=True):
        if candidate.source != source:
            continue
        record = records.setdefault(key, {"key": key, "title": None, "arxiv_id": None, "document_ids": [], "bib_numbers": []})
        record["title"] = record["title"] or candidate.title
        record["arxiv_id"] = record["arxiv_id"] or candidate.arxiv_id or arxiv_by_key.get(key)
        if candidate.bib_number is not None:
            record["bib_numbers"].append(candidate.bib_number)
        elif candidate.document_id and candidate.document_id not in record["document_ids"]:
            record["document_ids"].append(candidate.document_id)
    return [PaperRecord(**record) for _, record in sorted(records.items())]
