"""The networkx projection: co-mention weights, citation edges, and ranked neighbourhoods."""

from __future__ import annotations

import networkx as nx
import pytest

from ingest.models import BibEntry, Document, DocumentKind, EntityType, IngestResult, PaperRecord, SourceFormat, Span
from kg.iris import document_iri, entity_iri, paper_iri
from kg.mapping import store_result
from kg.network import NodeNotFound, build_projection, neighbourhood
from kg.store import OxigraphStore
from tests.kg_samples import PAPER_KEY, article_result, listing_result, source

DBRX = entity_iri("dbrx", EntityType.model)
MIXTRAL = entity_iri("mixtral-8x7b", EntityType.model)
H100 = entity_iri("h100", EntityType.hardware)
MMLU = entity_iri("mmlu", EntityType.benchmark)
MOE = entity_iri("mixture-of-experts", EntityType.technique)
DATABRICKS = entity_iri("databricks", EntityType.organisation)
PAPER = paper_iri(PAPER_KEY)
ARTICLE = document_iri(article_result().documents[0].id)


@pytest.fixture(scope="module")
def graph() -> nx.Graph:
    store = OxigraphStore()
    store_result(store, article_result())
    store_result(store, listing_result())
    return build_projection(store)


def test_sentence_and_document_co_mentions_are_counted(graph: nx.Graph) -> None:
    # DBRX and Mixtral share one sentence and one document (the article)
    assert dict(graph.edges[DBRX, MIXTRAL]) == {
        "sentences": 1, "documents": 1, "citations": 0, "weight": 2, "cites": []
    }
    # DBRX and MMLU only share the document
    assert (graph.edges[DBRX, MMLU]["sentences"], graph.edges[DBRX, MMLU]["weight"]) == (0, 1)
    # Mixtral and the technique share only the listing entry, in another file
    assert graph.edges[MIXTRAL, MOE]["documents"] == 1


def test_nodes_carry_label_and_type(graph: nx.Graph) -> None:
    assert graph.nodes[DBRX] == {"label": "DBRX", "type": "Model"}
    assert graph.nodes[PAPER] == {"label": "Mixture of Experts at Scale", "type": "Paper"}
    assert DATABRICKS in graph and graph.degree(DATABRICKS) == 0  # defined, never mentioned


def test_an_article_cites_the_papers_of_its_bibliography(graph: nx.Graph) -> None:
    edge = graph.edges[ARTICLE, PAPER]
    assert (edge["citations"], edge["cites"]) == (1, [(ARTICLE, PAPER)])
    assert graph.nodes[ARTICLE]["type"] == "Article"
    assert document_iri(listing_result().documents[0].id) not in graph  # cites nothing: not a node


def test_a_paper_cites_another_through_the_document_presenting_it() -> None:
    text = "Citing paper\nAbstract.\n[1] Cited paper.\n"
    entry = Span.of(text, text.index("[1]"), len(text) - 1)
    doc = Document(
        id="002_x/2402.00002", source="002_x.txt", kind=DocumentKind.arxiv_abstract, span=Span.of(text, 0, len(text)),
        title="Citing paper", arxiv_id="2402.00002",
        bibliography=[BibEntry(number=1, span=entry, authors=[], title="Cited paper")],
    )
    result = IngestResult(
        source=source("002_x.txt", text, SourceFormat.arxiv_dump), documents=[doc],
        papers=[PaperRecord(key="arxiv-2402.00002", title="Citing paper", document_ids=[doc.id]),
                PaperRecord(key="title-cited-paper", title="Cited paper", bib_numbers=[1])],
    )
    store = OxigraphStore()
    store_result(store, result)
    graph = build_projection(store)
    citing, cited = paper_iri("arxiv-2402.00002"), paper_iri("title-cited-paper")
    assert graph.edges[citing, cited]["cites"] == [(citing, cited)]
    assert document_iri(doc.id) not in graph


def test_neighbourhood_is_ranked_by_weight(graph: nx.Graph) -> None:
    ring = neighbourhood(graph, DBRX)
    assert [n.iri for n in ring[:2]] == sorted([H100, MIXTRAL])  # weight 2 each; ties by IRI
    assert [n.weight for n in ring] == sorted((n.weight for n in ring), reverse=True)
    assert {n.depth for n in ring} == {1}
    assert ring[0].label == "H100" and ring[0].type == "Hardware"


def test_neighbourhood_depth_and_limit(graph: nx.Graph) -> None:
    two = neighbourhood(graph, DBRX, depth=2)
    assert {n.iri for n in two if n.depth == 2} == {MOE, ARTICLE}
    assert DBRX not in {n.iri for n in two}
    assert len(neighbourhood(graph, DBRX, depth=2, limit=3)) == 3


def test_unknown_node(graph: nx.Graph) -> None:
    with pytest.raises(NodeNotFound):
        neighbourhood(graph, entity_iri("nope", EntityType.model))
