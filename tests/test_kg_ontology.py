"""The ontology parses, documents every term, and matches the closed namespace in kg/ontology.py term for term."""

from __future__ import annotations

import pyoxigraph
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH

from kg.ontology import CG, OA, ONTOLOGY_IRI, ONTOLOGY_TTL, SHAPES_TTL, cg, xsd

NS = str(CG)
KINDS = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_TTL, format="turtle")


def defined_terms(graph: Graph) -> set[str]:
    return {str(s)[len(NS):] for s in graph.subjects(RDF.type, None) if str(s).startswith(NS)}


def test_parses_with_both_libraries(ontology: Graph) -> None:
    assert (URIRef(ONTOLOGY_IRI), RDF.type, OWL.Ontology) in ontology
    store = pyoxigraph.Store()
    store.load(path=str(ONTOLOGY_TTL), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(store) == len(ontology)


def test_every_term_has_one_kind_label_and_comment(ontology: Graph) -> None:
    for name in defined_terms(ontology):
        term = CG[name]
        assert len(set(ontology.objects(term, RDF.type)) & KINDS) == 1, name
        assert len(list(ontology.objects(term, RDFS.label))) == 1, f"{name} needs one rdfs:label"
        assert len(list(ontology.objects(term, RDFS.comment))) == 1, f"{name} needs one rdfs:comment"


def test_no_term_is_used_without_being_defined(ontology: Graph) -> None:
    used = {str(t)[len(NS):] for triple in ontology for t in triple if str(t).startswith(NS)}
    assert used <= defined_terms(ontology)


def test_closed_namespace_lists_exactly_the_ontology_terms(ontology: Graph) -> None:
    assert set(CG.__annotations__) == defined_terms(ontology)


def test_shapes_use_only_defined_terms(ontology: Graph) -> None:
    shapes = Graph().parse(SHAPES_TTL, format="turtle")
    used = {str(t) for triple in shapes for t in triple if isinstance(t, URIRef)}
    assert {t[len(NS):] for t in used if t.startswith(NS)} <= defined_terms(ontology)
    assert {t[len(str(OA)):] for t in used if t.startswith(str(OA))} <= set(OA.__annotations__)
    assert set(shapes.subjects(RDF.type, SH.NodeShape))


def test_misspelt_terms_fail_on_first_use() -> None:
    with pytest.raises(AttributeError):
        CG.valeu  # noqa: B018
    with pytest.raises(AttributeError):
        cg.valeu  # noqa: B018
    with pytest.raises(AttributeError):
        xsd.dobule  # noqa: B018 - rdflib's XSD only warns; the pyoxigraph view refuses


def test_pyoxigraph_terms_match_the_namespace() -> None:
    assert cg.Claim == pyoxigraph.NamedNode(str(CG.Claim))
    assert cg.Claim is cg.Claim  # cached after first use
