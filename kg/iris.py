"""Deterministic IRIs under https://claimgraph.dev/id/: the same record always gets the same IRI, and
every IRI parses back to its kind and key."""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import quote, unquote

from ingest.models import EntityType

BASE = "https://claimgraph.dev/id/"

# The IRI path segment of each entity type; papers share the paper kind so entity and record coincide.
ENTITY_KINDS: dict[EntityType, str] = {
    EntityType.paper: "paper",
    EntityType.model: "model",
    EntityType.technique: "technique",
    EntityType.benchmark: "benchmark",
    EntityType.organisation: "organisation",
    EntityType.hardware: "hardware",
}
KINDS = frozenset(
    {*ENTITY_KINDS.values(), "source", "graph", "doc", "span", "sentence", "section", "ref", "citation",
     "footnote", "mention", "fact", "claim", "verification", "verifier"}
)


class IriRef(NamedTuple):
    kind: str  # first path segment after BASE, e.g. "model", "claim", "span"
    key: str  # the rest, unescaped: a document id, an entity key, "<source>/<start>-<end>", ...


def _slug(key: str) -> str:
    # Percent-encoding is reversible and stable; "/" is kept because document and claim ids nest.
    return quote(key, safe="/")


def _segment(key: str) -> str:
    # For a part that must stay one path segment (file names, verifier ids).
    return quote(key, safe="")


def _iri(kind: str, path: str) -> str:
    return f"{BASE}{kind}/{path}"


def source_iri(name: str) -> str:
    return _iri("source", _segment(name))


def graph_iri(source_name: str) -> str:
    """The named graph that holds every triple read from one source file."""
    return _iri("graph", _segment(source_name))


def document_iri(doc_id: str) -> str:
    return _iri("doc", _slug(doc_id))


def paper_iri(key: str) -> str:
    return _iri("paper", _slug(key))


def entity_iri(key: str, entity_type: EntityType) -> str:
    return _iri(ENTITY_KINDS[entity_type], _slug(key))


def claim_iri(claim_id: str) -> str:
    return _iri("claim", _slug(claim_id))


def span_iri(source_name: str, start: int, end: int) -> str:
    return _iri("span", f"{_segment(source_name)}/{start}-{end}")


def selector_iris(span: str) -> tuple[str, str]:
    """The text position and text quote selectors of a span IRI."""
    return f"{span}/position", f"{span}/quote"


def sentence_iri(source_name: str, start: int, end: int) -> str:
    # Keyed by offsets, not by index, so a claim can name its sentence without the document's sentence list.
    return _iri("sentence", f"{_segment(source_name)}/{start}-{end}")


def section_iri(doc_id: str, index: int) -> str:
    return _iri("section", f"{_slug(doc_id)}/{index}")


def reference_iri(doc_id: str, number: int) -> str:
    """A bibliography entry, numbered within its document."""
    return _iri("ref", f"{_slug(doc_id)}/{number}")


def citation_iri(source_name: str, start: int, end: int) -> str:
    return _iri("citation", f"{_segment(source_name)}/{start}-{end}")


def footnote_iri(doc_id: str, number: int) -> str:
    return _iri("footnote", f"{_slug(doc_id)}/{number}")


def mention_iri(source_name: str, start: int, end: int, entity_key: str) -> str:
    return _iri("mention", f"{_segment(source_name)}/{start}-{end}/{_segment(entity_key)}")


def fact_iri(entity: str, name: str) -> str:
    """A curated fact of the entity with IRI ``entity``."""
    ref = parse_iri(entity)
    return _iri("fact", f"{ref.kind}/{_slug(ref.key)}/{_segment(name)}")


def verifier_iri(verifier_id: str) -> str:
    return _iri("verifier", _segment(verifier_id))


def verification_iri(claim_id: str, verifier_id: str) -> str:
    return _iri("verification", f"{_slug(claim_id)}/{_segment(verifier_id)}")


def parse_iri(iri: str) -> IriRef:
    """Split one of our IRIs into kind and key; ValueError for anything else."""
    if not iri.startswith(BASE):
        raise ValueError(f"not a ClaimGraph IRI: {iri!r}")
    kind, _, path = iri[len(BASE):].partition("/")
    if kind not in KINDS or not path:
        raise ValueError(f"not a ClaimGraph IRI: {iri!r}")
    return IriRef(kind, unquote(path))


def key_from_iri(iri: str, kind: str | None = None) -> str:
    """The key an IRI was made from (a document id, entity key, claim id...), checking its kind if given."""
    ref = parse_iri(iri)
    if kind is not None and ref.kind != kind:
        raise ValueError(f"{iri!r} is a {ref.kind} IRI, not a {kind} IRI")
    return ref.key
