"""Entity extraction: vocabulary names plus pattern discoveries, linked as mentions with exact spans."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from pydantic import BaseModel

from ingest.entity_patterns import Discovery, acronym_definitions, model_names, name_before_colon, proposals
from ingest.models import Document, Entity, Mention, Span
from ingest.vocabulary import Vocabulary, entity_key

_WORD = re.compile(r"\w+")
_CASE_INSENSITIVE_MIN_CHARS = 5  # short names ("RAG", "MATH", "Pile") only match as written


class NameIndex:
    """Names grouped by their first word, so matching costs one dict look-up per word of text."""

    def __init__(self, names: dict[str, str]) -> None:
        self._by_first_word: dict[str, list[tuple[str, str, bool]]] = defaultdict(list)
        for name, key in names.items():
            first = _WORD.match(name)
            if first is None:
                continue
            fold = len(name) >= _CASE_INSENSITIVE_MIN_CHARS and any(ch.islower() for ch in name)
            self._by_first_word[first.group().casefold()].append((name, key, fold))
        for candidates in self._by_first_word.values():
            candidates.sort(key=lambda item: -len(item[0]))

    def find(self, text: str, start: int, end: int) -> Iterator[tuple[int, int, str, str]]:
        """Longest non-overlapping matches in text[start:end] as (start, end, name, key)."""
        position = start
        for word in _WORD.finditer(text, start, end):
            if word.start() < position or (word.start() > 0 and text[word.start() - 1].isalnum()):
                continue
            for name, key, fold in self._by_first_word.get(word.group().casefold(), ()):
                stop = word.start() + len(name)
                if stop > end or (stop < len(text) and (text[stop].isalnum() or text[stop] == "_")):
                    continue
                found = text[word.start() : stop]
                if found == name or (fold and found.casefold() == name.casefold()):
                    yield word.start(), stop, name, key
                    position = stop
                    break


class EntityCatalogue(BaseModel):
    """A file's names and entities: the vocabulary's plus what its patterns discovered anywhere in the file, so a
    name defined in one document is found in every other document of the file too."""

    names: dict[str, str]
    methods: dict[str, str]
    entities: dict[str, Entity]


def extract_entities(text: str, documents: list[Document], vocabulary: Vocabulary) -> tuple[list[Entity], list[Mention]]:
    catalogue = entity_catalogue(discover_entities(text, documents, vocabulary), vocabulary)
    mentions = find_mentions(text, documents, catalogue)
    return mentioned_entities(mentions, catalogue), mentions


def entity_catalogue(discovered: list[tuple[Discovery, str]], vocabulary: Vocabulary) -> EntityCatalogue:
    """Discoveries in file order: the first one of a name or key wins, as when the file is read in one piece."""
    names = dict(vocabulary.names)
    methods: dict[str, str] = {}
    entities = dict(vocabulary.entities)
    for discovery, key in discovered:
        for name in [discovery.name, *([discovery.long_form] if discovery.long_form else [])]:
            names.setdefault(name, key)
        methods.setdefault(key, discovery.method)
        entities[key] = _with_discovery(entities.get(key), key, discovery)
    return EntityCatalogue(names=names, methods=methods, entities=entities)


def find_mentions(text: str, documents: list[Document], catalogue: EntityCatalogue) -> list[Mention]:
    index = NameIndex(catalogue.names)
    return [
        Mention(entity_key=key, document_id=document.id, span=Span.of(text, start, end),
                method=catalogue.methods.get(key, "vocabulary"))
        for document in documents
        for region in _regions(document)
        for start, end, _, key in index.find(text, region.start, region.end)
    ]


def mentioned_entities(mentions: list[Mention], catalogue: EntityCatalogue) -> list[Entity]:
    return [catalogue.entities[key] for key in sorted({mention.entity_key for mention in mentions})]


def discover_entities(text: str, documents: list[Document], vocabulary: Vocabulary) -> list[tuple[Discovery, str]]:
    found: list[tuple[Discovery, str]] = []
    for document in documents:
        for span in _title_like(document):
            discovery = name_before_colon(text, span.start, span.end)
            if discovery:
                found.append(discovery)  # type: ignore[arg-type]
        for sentence in document.sentences:
            for pattern in (acronym_definitions, proposals, model_names):
                found.extend(pattern(text, sentence.start, sentence.end))  # type: ignore[arg-type]
    return [
        (discovery, _key_for(discovery, vocabulary))
        for discovery in found  # type: ignore[misc]
        if discovery.name not in vocabulary.stop_names and discovery.name.rstrip("s") not in vocabulary.stop_names
    ]


def _key_for(discovery: Discovery, vocabulary: Vocabulary) -> str:
    for name in (discovery.name, discovery.long_form):
        if name and name in vocabulary.names:
            return vocabulary.names[name]
    return entity_key(discovery.name)


def _with_discovery(existing: Entity | None, key: str, discovery: Discovery) -> Entity:
    if existing is None:
        aliases = [discovery.long_form] if discovery.long_form else []
        return Entity(key=key, name=discovery.name, type=discovery.type, aliases=aliases)
    extra = [n for n in (discovery.name, discovery.long_form) if n and n != existing.name and n not in existing.aliases]
    return existing.model_copy(update={"aliases": existing.aliases + extra}) if extra else existing


def _title_like(document: Document) -> list[Span]:
    spans = [section.heading for section in document.sections]
    if document.title_span is not None and document.title is not None:
        spans.append(document.title_span)
    spans.extend(entry.span for entry in document.bibliography)
    return spans


def _regions(document: Document) -> list[Span]:
    """Where mentions are looked for: titles, headings, and every sentence, in file order."""
    regions = [*document.sentences, *(section.heading for section in document.sections)]
    if document.title_span is not None and document.title is not None:
        regions.append(document.title_span)
    return sorted(set(regions), key=lambda span: span.start)
