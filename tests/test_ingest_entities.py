"""Entity extraction: vocabulary aliases resolve to one key; patterns find names the vocabulary lacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.entities import extract_entities
from ingest.errors import SourceError
from ingest.models import Document, DocumentKind, EntityType, Span
from ingest.sentences import split_sentences
from ingest.sources import parse_file
from ingest.vocabulary import entity_key, load_vocabulary


def _listing(title: str, abstract: str) -> tuple[str, list[Document]]:
    text = f"{title}\n\n{abstract}\n"
    start = len(title) + 2
    document = Document(
        id="t/L1",
        source="t.txt",
        kind=DocumentKind.listing_entry,
        span=Span.of(text, 0, len(text) - 1),
        title=title,
        title_span=Span.of(text, 0, len(title)),
        abstract_span=Span.of(text, start, len(text) - 1),
        sentences=split_sentences(text, 0, len(text)),
    )
    return text, [document]


def test_aliases_resolve_to_one_key(vocabulary) -> None:
    text, docs = _listing("A study", "We compare Mixture-of-Experts, mixture of experts and MoE layers. We also test RLHF.")
    entities, mentions = extract_entities(text, docs, vocabulary)
    moe = [m for m in mentions if m.entity_key == "mixture-of-experts"]
    assert [m.span.surface for m in moe] == ["Mixture-of-Experts", "mixture of experts", "MoE"]
    assert any(e.key == "reinforcement-learning-from-human-feedback" for e in entities)


def test_patterns_find_unlisted_names(vocabulary) -> None:
    text, docs = _listing(
        "Zephyrine: Sparse Routing for Long Documents",
        "We propose Zephyrine, a routing method. It builds on Hierarchical Token Routing (HTR) and is tested on "
        "Falconet-13B-Instruct. Zephyrine beats HTR by a wide margin.",
    )
    entities, mentions = extract_entities(text, docs, vocabulary)
    by_key = {e.key: e for e in entities}
    assert by_key["zephyrine"].type is EntityType.technique
    assert "Hierarchical Token Routing" in by_key["htr"].aliases
    assert by_key["falconet-13b-instruct"].type is EntityType.model
    assert [m.span.surface for m in mentions if m.entity_key == "zephyrine"] == ["Zephyrine"] * 3
    for mention in mentions:
        assert text[mention.span.start : mention.span.end] == mention.span.surface


def test_benchmark_titles_are_typed_as_benchmarks(vocabulary) -> None:
    text, docs = _listing("QuillBench: Evaluating Poetry Generation", "We release a suite of 4,000 prompts.")
    entities, _ = extract_entities(text, docs, vocabulary)
    assert {e.key: e.type for e in entities}["quillbench"] is EntityType.benchmark


def test_generic_field_words_are_not_entities(vocabulary) -> None:
    text, docs = _listing("A note", "Large Language Models (LLMs) are used widely in natural language processing (NLP).")
    entities, _ = extract_entities(text, docs, vocabulary)
    assert not {"llms", "nlp"} & {e.key for e in entities}


def test_seed_entities_cover_each_type(seed_paths, vocabulary) -> None:
    parsed = parse_file(seed_paths[0])
    entities, mentions = extract_entities(parsed.text, parsed.documents, vocabulary)
    types = {e.type for e in entities}
    assert {EntityType.model, EntityType.technique, EntityType.benchmark, EntityType.organisation, EntityType.hardware} <= types
    assert sum(1 for m in mentions if m.entity_key == "dbrx") > 10


def test_user_vocabulary_extends_and_bad_file_names_field(tmp_path: Path) -> None:
    extra = tmp_path / "mine.json"
    extra.write_text(json.dumps({"entities": [{"name": "DBRX", "type": "Model", "aliases": ["dbrx-132b"], "facts": {"experts": 16}}]}))
    vocabulary = load_vocabulary([extra])
    assert vocabulary.names["dbrx-132b"] == "dbrx" and vocabulary.entities["dbrx"].facts["experts"] == 16
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"entities": [{"name": "X", "type": "Spaceship"}]}))
    with pytest.raises(SourceError, match=r"broken.json: vocabulary field entities.0.type"):
        load_vocabulary([broken])


def test_entity_keys_are_stable_slugs() -> None:
    assert entity_key("LLaMA-2-70B") == "llama-2-70b"
    assert entity_key("Mixture of Experts") == "mixture-of-experts"
    assert entity_key("Qwen1.5-MoE") == "qwen1.5-moe"
