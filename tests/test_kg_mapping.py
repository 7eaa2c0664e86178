"""Models -> triples -> models round trips, deterministic IRIs, and the shape of the mapped graph."""

from __future__ import annotations

import pyoxigraph
import pytest

from ingest.models import EntityType, IngestResult
from kg.iris import (
    BASE,
    claim_iri,
    document_iri,
    entity_iri,
    graph_iri,
    key_from_iri,
    mention_iri,
    paper_iri,
    parse_iri,
    source_iri,
    span_iri,
    verification_iri,
)
from kg.mapping import (
    MappingError,
    claims_from_store,
    entities_from_store,
    result_to_quads,
    span_from_store,
    store_result,
)
from kg.ontology import cg, rdf, xsd
from kg.store import OxigraphStore
from tests.kg_samples import store  # noqa: F401  (the shared sample-store fixture)
from tests.kg_samples import ARTICLE_FILE, ENTITIES, article_result, listing_result


def test_claims_round_trip(store: OxigraphStore) -> None:
    expected = sorted(article_result().claims + listing_result().claims, key=lambda c: c.id)
    assert claims_from_store(store) == expected


def test_claims_of_one_document(store: OxigraphStore) -> None:
    result = listing_result()
    assert claims_from_store(store, result.documents[0].id) == result.claims
    assert claims_from_store(store, "no/such-document") == []


def test_entities_round_trip_merged_across_files(store: OxigraphStore) -> None:
    # the listing repeats two of the article's entities: they come back once each
    expected = sorted(ENTITIES, key=lambda e: (e.type.value, e.key))
    assert entities_from_store(store) == expected
    facts = {e.key: e.facts for e in entities_from_store(store)}
    assert type(facts["dbrx"]["experts"]) is int and type(facts["dbrx"]["parameters"]) is float


def test_spans_round_trip(store: OxigraphStore) -> None:
    result = article_result()
    doc = result.documents[0]
    spans = [doc.span, doc.quotes[0], doc.sections[0].heading, doc.footnotes[0].span, *doc.sentences]
    for span in spans:
        assert span_from_store(store, span_iri(ARTICLE_FILE, span.start, span.end)) == span


def test_quads_are_deterministic_and_in_the_files_graph() -> None:
    first, second = result_to_quads(article_result()), result_to_quads(article_result())
    assert first == second
    graph = pyoxigraph.NamedNode(graph_iri(ARTICLE_FILE))
    assert {q.graph_name for q in first} == {graph}


def test_numbers_are_typed_literals() -> None:
    quads = result_to_quads(article_result())
    values = [q.object for q in quads if q.predicate in (cg.value, cg.lowValue, cg.highValue, cg.precision)]
    assert values and all(v.datatype == xsd.double for v in values)
    # an integral value written as an int in the model still becomes xsd:double
    assert pyoxigraph.Literal(16.0) in values


def test_every_claim_and_document_is_typed() -> None:
    result = article_result()
    typed = {(q.subject.value, q.object) for q in result_to_quads(result) if q.predicate == rdf.type}
    assert {(claim_iri(c.id), cg.Claim) for c in result.claims} <= typed
    assert (document_iri(result.documents[0].id), cg.Article) in typed
    assert (source_iri(ARTICLE_FILE), cg.SourceFile) in typed


def test_unknown_entity_key_is_refused() -> None:
    result = article_result()
    claim = result.claims[0].model_copy(update={"subject_key": "no-such-model"})
    broken = IngestResult(source=result.source, documents=result.documents, entities=result.entities, claims=[claim])
    with pytest.raises(MappingError, match="no-such-model"):
        result_to_quads(broken)


@pytest.mark.parametrize(
    ("iri", "kind", "key"),
    [
        (document_iri("000_ece/article"), "doc", "000_ece/article"),
        (paper_iri("title-mixture of experts: 100%?"), "paper", "title-mixture of experts: 100%?"),
        (entity_iri("gpt-4o", EntityType.model), "model", "gpt-4o"),
        (entity_iri("arxiv-2401.00001", EntityType.paper), "paper", "arxiv-2401.00001"),
        (claim_iri("000_ece/article/c12-15"), "claim", "000_ece/article/c12-15"),
        (span_iri("a b#c.txt", 3, 9), "span", "a b#c.txt/3-9"),
        (mention_iri("f.txt", 1, 5, "dbrx"), "mention", "f.txt/1-5/dbrx"),
        (verification_iri("d/c1-2", "params"), "verification", "d/c1-2/params"),
    ],
)
def test_iris_parse_back(iri: str, kind: str, key: str) -> None:
    assert iri.startswith(BASE)
    pyoxigraph.NamedNode(iri)  # a valid IRI: spaces, '#', '%' and '?' are escaped
    assert parse_iri(iri) == (kind, key)
    assert key_from_iri(iri, kind) == key


def test_iris_are_stable_and_distinct() -> None:
    assert entity_iri("dbrx", EntityType.model) == entity_iri("dbrx", EntityType.model)
    assert entity_iri("dbrx", EntityType.model) != entity_iri("dbrx", EntityType.technique)
    assert entity_iri("dbrx", EntityType.model) == f"{BASE}model/dbrx"
    assert graph_iri("000_ece389bdadead4ee.txt") == f"{BASE}graph/000_ece389bdadead4ee.txt"
    assert span_iri("x.txt", 1, 2) != span_iri("x.txt", 1, 3)


def test_foreign_or_mistyped_iris_are_refused() -> None:
    with pytest.raises(ValueError):
        parse_iri("https://example.org/model/dbrx")
    with pytest.raises(ValueError):
        parse_iri(f"{BASE}nonsense/dbrx")
    with pytest.raises(ValueError):
        key_from_iri(entity_iri("dbrx", EntityType.model), "claim")

