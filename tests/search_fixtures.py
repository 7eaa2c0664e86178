"""A session-wide seed store and BM25-only search index for the search, ask and RAFT tests (dense search is
tested on the small sample store, so the suite never embeds the whole corpus)."""

from __future__ import annotations

import pytest

from kg.load import load_sources
from api.ask import Answerer
from kg.quotes import SourceTexts, verify_quote
from kg.search import SearchIndex
from kg.search_index import SearchSettings, open_search_index, update_search_index
from kg.store import OxigraphStore
from tests.conftest import SEEDS


@pytest.fixture(scope="session")
def seed_store(seed_paths, vocabulary) -> OxigraphStore:
    store = OxigraphStore()
    load_sources(store, seed_paths, vocabulary)
    return store


@pytest.fixture(scope="session")
def seed_index(seed_store, tmp_path_factory) -> tuple[SearchIndex, SourceTexts]:
    settings = SearchSettings(index_path=tmp_path_factory.mktemp("search") / "index", embedding_model=None)
    update_search_index(seed_store, settings)
    return open_search_index(settings), SourceTexts([SEEDS])


@pytest.fixture(scope="module")
def answerer(seed_index) -> Answerer:
    index, texts = seed_index
    return Answerer(index, texts)


def assert_quotes_verified(answerer: Answerer, response) -> None:
    """Every quote passes the quote check against its passage and lies at its stated span of the source file."""
    for quote in response.quotes:
        passage = answerer.index.passage(quote.passage_id)
        text = answerer.texts.get(quote.file)
        assert text is not None and verify_quote(quote.text, passage, text).ok
        assert text[quote.start : quote.end].split() == quote.text.split()
