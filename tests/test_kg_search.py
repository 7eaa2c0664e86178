"""Passages from the graph, BM25 + dense search, the on-disk index (incremental embedding, BM25-only fallback)
and the quote check."""

from __future__ import annotations

from pathlib import Path

from kg.passages import PassageKind, build_passages
from kg.quotes import locate, verify_quote
from kg.search_index import SearchSettings, open_search_index, update_search_index
from tests.kg_samples import (  # noqa: F401  (sample_store: the shared read-only sample graph)
    ARTICLE_FILE,
    ARTICLE_TEXT,
    article_result,
    listing_result,
    sample_store,
)
from tests.search_fixtures import seed_index, seed_store  # noqa: F401  (session fixtures)


def test_seed_passages_slice_back_to_their_files(seed_index, seed_paths) -> None:
    index, _ = seed_index
    texts = {path.name: path.read_text(encoding="utf-8") for path in seed_paths}
    kinds = {p.kind for p in index.passages}
    assert kinds == set(PassageKind)
    assert all(texts[p.file][p.start : p.end] == p.text for p in index.passages)
    assert len({p.id for p in index.passages}) == len(index.passages)


def test_locators_are_headings_titles_and_arxiv_ids(seed_index) -> None:
    index, _ = seed_index
    locators = {p.locator for p in index.passages}
    assert "🧱DBRX🧱: A New State-of-the-Art Open LLM [21]" in locators  # a newsletter heading as printed
    assert "2405.21060v1" in locators  # an arXiv id as printed in the dump
    assert "CacheGen: Fast Context Loading for Language Model Applications" in locators


def test_bm25_only_search_finds_the_sentence(seed_index) -> None:
    index, _ = seed_index
    hits = index.search("CacheGen bandwidth usage reduction for long contexts", k=5)
    assert any("CacheGen reduces bandwidth usage by 3.7-4.3x" in h.passage.text for h in hits)
    assert all(h.dense_rank is None for h in hits) and index.dense_reason


def test_linked_entities_pull_in_their_passages(seed_index) -> None:
    index, _ = seed_index
    dbrx = [iri for iri in index.link("What about DBRX?")]
    assert dbrx and dbrx[0].endswith("/dbrx")
    hits = index.search("number of experts", k=10, entities=dbrx)
    assert sum(dbrx[0] in h.passage.entities for h in hits) >= 5


def test_quote_check_is_whitespace_tolerant_and_exact_otherwise(seed_index, seed_paths) -> None:
    index, _ = seed_index
    text = seed_paths[0].read_text(encoding="utf-8")
    passage = next(p for p in index.passages if p.kind is PassageKind.sentence and "65×" in p.text)
    quote = passage.text[:40].replace(" ", "\n  ", 2)
    check = verify_quote(quote, passage, text)
    assert check.ok and text[check.start : check.start + 5] == passage.text[:5]
    at = passage.text.index("65×")
    assert not verify_quote(passage.text[at - 10 : at + 10].replace("65", "66"), passage, text).ok
    assert not verify_quote(passage.text[:20], passage, "x" + text).ok, "a passage must slice back to its file"
    assert locate("", "abc") is None


def test_dense_index_embeds_once_and_reuses_vectors(sample_store, tmp_path: Path) -> None:
    settings = SearchSettings(index_path=tmp_path / "index")
    first = update_search_index(sample_store, settings)
    assert first.dense and first.embedded == first.passages > 0 and first.reused == 0, first.reason
    again = update_search_index(sample_store, settings)
    assert again.embedded == 0 and again.reused == first.passages
    index = open_search_index(settings)
    assert index.warm() is None and index.dense
    hits = index.search("How fast is DBRX compared with Mixtral?", k=3)
    assert hits[0].dense_rank is not None and "2x faster" in " ".join(h.passage.text for h in hits)


def test_a_model_that_cannot_load_gives_bm25_only_with_a_reason(sample_store, tmp_path: Path) -> None:
    settings = SearchSettings(index_path=tmp_path / "index", embedding_model="no-such-org/no-such-model")
    stats = update_search_index(sample_store, settings)
    assert not stats.dense and "no-such-model" in (stats.reason or "")
    index = open_search_index(settings)
    assert not index.dense and index.dense_reason
    assert index.search("DBRX parameters", k=1)[0].passage.file == ARTICLE_FILE


def test_sample_passages_cover_claims_windows_and_abstracts(sample_store) -> None:
    passages = build_passages(sample_store)
    claim = next(p for p in passages if p.kind is PassageKind.claim)
    assert claim.claim is not None and claim.context and claim.text in ARTICLE_TEXT
