"""Closed vocabularies: the ClaimGraph namespace mirroring ontology.ttl, the standard ones it reuses,
and pyoxigraph views of them so a misspelt term fails on first use on the hot path too."""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import NamedNode
from rdflib.namespace import (
    DCTERMS,
    OWL,
    PROV,
    RDF,
    RDFS,
    SDO,
    SKOS,
    XSD,
    DefinedNamespace,
    Namespace,
)
from rdflib.term import URIRef

ONTOLOGY_TTL = Path(__file__).with_name("ontology.ttl")
SHAPES_TTL = Path(__file__).with_name("shapes.ttl")
ONTOLOGY_IRI = "https://claimgraph.dev/ontology"
SCHEMA = SDO


class CG(DefinedNamespace):
    """ClaimGraph ontology (kg/ontology.ttl); tests keep this list and the .ttl identical."""

    _fail = True
    _NS = Namespace("https://claimgraph.dev/ontology#")

    # classes
    Article: URIRef
    ArxivAbstract: URIRef
    Benchmark: URIRef
    BibliographicReference: URIRef
    Citation: URIRef
    Claim: URIRef
    Document: URIRef
    Fact: URIRef
    Footnote: URIRef
    Hardware: URIRef
    ListingEntry: URIRef
    Mention: URIRef
    Model: URIRef
    Organisation: URIRef
    Paper: URIRef
    ResearchEntity: URIRef
    Section: URIRef
    Sentence: URIRef
    SourceFile: URIRef
    Span: URIRef
    Technique: URIRef
    Verification: URIRef
    Verifier: URIRef

    # object properties
    abstractSpan: URIRef
    appearsIn: URIRef
    benchmark: URIRef
    bodySpan: URIRef
    cites: URIRef
    citesReference: URIRef
    comparisonTarget: URIRef
    hasCitation: URIRef
    hasFact: URIRef
    hasFootnote: URIRef
    hasParagraph: URIRef
    hasQuote: URIRef
    hasReference: URIRef
    hasSection: URIRef
    hasSentence: URIRef
    hasSpan: URIRef
    headingSpan: URIRef
    inDocument: URIRef
    inSentence: URIRef
    markerSpan: URIRef
    mentions: URIRef
    quantitySpan: URIRef
    refersTo: URIRef
    subject: URIRef
    titleSpan: URIRef
    verifies: URIRef

    # datatype properties
    arxivId: URIRef
    loadIncomplete: URIRef
    arxivVersion: URIRef
    charCount: URIRef
    citedNumber: URIRef
    claimKind: URIRef
    claimedValue: URIRef
    comparator: URIRef
    expression: URIRef
    factName: URIRef
    environmentJson: URIRef
    factValue: URIRef
    formula: URIRef
    highValue: URIRef
    inWords: URIRef
    index: URIRef
    inputsJson: URIRef
    lineCount: URIRef
    looseTolerance: URIRef
    lowValue: URIRef
    mentionMethod: URIRef
    message: URIRef
    number: URIRef
    pageDate: URIRef
    plotJson: URIRef
    precision: URIRef
    quantityKind: URIRef
    reasonCode: URIRef
    recomputedHigh: URIRef
    recomputedLow: URIRef
    recomputedValue: URIRef
    sha256: URIRef
    sourceFormat: URIRef
    targetText: URIRef
    tolerance: URIRef
    toleranceReason: URIRef
    unit: URIRef
    value: URIRef
    venue: URIRef
    verdict: URIRef


class OA(DefinedNamespace):
    """The W3C Web Annotation terms ClaimGraph uses for spans (rdflib ships no OA namespace)."""

    _fail = True
    _NS = Namespace("http://www.w3.org/ns/oa#")

    SpecificResource: URIRef
    TextPositionSelector: URIRef
    TextQuoteSelector: URIRef
    end: URIRef
    exact: URIRef
    hasSelector: URIRef
    hasSource: URIRef
    prefix: URIRef
    start: URIRef
    suffix: URIRef


class Terms:
    """pyoxigraph NamedNodes of a namespace: ``Terms(CG).value``; unknown names raise AttributeError."""

    def __init__(self, namespace: type[DefinedNamespace]) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> NamedNode:
        # rdflib's XSD and SDO only warn on unknown names, so check membership here for every namespace.
        if name.startswith("_") or name not in self._namespace:
            raise AttributeError(f"term {name!r} not in namespace {self._namespace}")
        node = NamedNode(str(self._namespace[name]))
        setattr(self, name, node)  # cached: later look-ups are plain attribute reads
        return node


cg = Terms(CG)
oa = Terms(OA)
prov = Terms(PROV)
dcterms = Terms(DCTERMS)
schema = Terms(SDO)
skos = Terms(SKOS)
rdf = Terms(RDF)
rdfs = Terms(RDFS)
xsd = Terms(XSD)

PREFIXES: dict[str, str] = {
    "cg": str(CG),
    "oa": str(OA),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "schema": str(SDO),
    "skos": str(SKOS),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
}

__all__ = [
    "CG", "DCTERMS", "OA", "ONTOLOGY_IRI", "ONTOLOGY_TTL", "OWL", "PREFIXES", "PROV", "RDF", "RDFS", "SCHEMA",
    "SHAPES_TTL", "SKOS", "Terms", "XSD", "cg", "dcterms", "oa", "prov", "rdf", "rdfs", "schema", "skos", "xsd",
]
