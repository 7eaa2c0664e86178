"""Claims as triples (quantity flattened onto the claim node) and claims read back from a store."""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode, QuerySolution

from ingest.models import Claim, ClaimKind, Comparator, Quantity, Span
from kg.iris import claim_iri, document_iri, key_from_iri
from kg.mapping_entities import EntityIndex
from kg.ontology import cg, dcterms, prov, rdf
from kg.quads import QuadSink
from kg.sparql import claims_query, literal_value
from kg.store import GraphStore


def add_claim(sink: QuadSink, claim: Claim, index: EntityIndex) -> None:
    node = NamedNode(claim_iri(claim.id))
    doc = NamedNode(document_iri(claim.document_id))
    context = f"claim {claim.id}"
    sink.add(node, rdf.type, cg.Claim)
    sink.add_text(node, dcterms.identifier, claim.id)
    sink.add(node, prov.wasDerivedFrom, doc)
    sink.add_text(node, cg.claimKind, claim.kind.value)
    sink.add_text(node, cg.quantityKind, claim.quantity)
    sink.add(node, cg.hasSpan, sink.span(claim.span))
    sink.add(node, cg.inSentence, sink.sentence(claim.sentence, doc))
    sink.add_text(node, cg.expression, claim.expression)
    if claim.subject_key is not None:
        sink.add(node, cg.subject, index.node(claim.subject_key, context))
    if claim.target_key is not None:
        sink.add(node, cg.comparisonTarget, index.node(claim.target_key, context))
    sink.add_text(node, cg.targetText, claim.target_text)
    if claim.benchmark_key is not None:
        sink.add(node, cg.benchmark, index.node(claim.benchmark_key, context))
    if claim.value is not None:
        _add_quantity(sink, node, claim.value)


def _add_quantity(sink: QuadSink, node: NamedNode, quantity: Quantity) -> None:
    sink.add(node, cg.quantitySpan, sink.span(quantity.span))
    sink.add_double(node, cg.value, quantity.value)
    sink.add_double(node, cg.lowValue, quantity.low)
    sink.add_double(node, cg.highValue, quantity.high)
    sink.add_text(node, cg.unit, quantity.unit)
    sink.add_text(node, cg.comparator, quantity.comparator.value)
    sink.add_double(node, cg.precision, quantity.precision)
    sink.add(node, cg.inWords, Literal(quantity.in_words))


def claims_from_store(
    store: GraphStore, document_id: str | None = None, claim_ids: list[str] | None = None
) -> list[Claim]:
    """Claims read back from the store (all, one document's, or those with these ids), ordered by id."""
    chosen = [claim_iri(claim_id) for claim_id in claim_ids] if claim_ids is not None else None
    query = claims_query(document_iri(document_id) if document_id is not None else None, chosen)
    return [_claim(row) for row in store.query(query)]


def _text(row: QuerySolution, var: str) -> str | None:
    term = row[var]
    return None if term is None else term.value


def _number(row: QuerySolution, var: str) -> float | None:
    term = row[var]
    return None if term is None else float(term.value)


def _key(row: QuerySolution, var: str) -> str | None:
    term = row[var]
    return None if term is None else key_from_iri(term.value)


def _span(row: QuerySolution, var: str) -> Span:
    return Span(
        start=int(row[f"{var}Start"].value), end=int(row[f"{var}End"].value), surface=row[f"{var}Exact"].value
    )


def _quantity(row: QuerySolution) -> Quantity | None:
    if row["qty"] is None:
        return None
    return Quantity(
        span=_span(row, "qty"),
        value=_number(row, "value"),
        low=_number(row, "low"),
        high=_number(row, "high"),
        unit=_text(row, "unit"),
        comparator=Comparator(row["comparator"].value),
        precision=float(row["precision"].value),
        in_words=bool(literal_value(row["inWords"])),
    )


def _claim(row: QuerySolution) -> Claim:
    return Claim(
        id=row["id"].value,
        document_id=key_from_iri(row["doc"].value, "doc"),
        kind=ClaimKind(row["kind"].value),
        quantity=row["quantity"].value,
        value=_quantity(row),
        expression=_text(row, "expression"),
        subject_key=_key(row, "subject"),
        target_key=_key(row, "target"),
        target_text=_text(row, "targetText"),
        benchmark_key=_key(row, "benchmark"),
        sentence=_span(row, "sent"),
        span=_span(row, "span"),
    )
