"""SHACL: mapped results conform to kg/shapes.ttl, and each kind of breakage is reported on the right node."""

from __future__ import annotations

import pytest

from kg.iris import claim_iri, paper_iri, span_iri
from kg.mapping import store_result
from kg.sparql import PROLOGUE
from kg.store import OxigraphStore
from kg.validation import validate_graph
from tests.kg_samples import store  # noqa: F401  (the shared sample-store fixture)
from tests.kg_samples import ARTICLE_FILE, PAPER_KEY, article_result, listing_result

CG = "https://claimgraph.dev/ontology#"
PAPER = paper_iri(PAPER_KEY)
CLAIM = claim_iri(article_result().claims[0].id)
SPAN = span_iri(ARTICLE_FILE, article_result().claims[0].span.start, article_result().claims[0].span.end)


def test_mapped_results_conform(store: OxigraphStore) -> None:
    report = validate_graph(store)
    assert report.conforms, report.text
    assert report.violations == []


def _break(store: OxigraphStore, update: str) -> set[tuple[str, str | None]]:
    store.update(PROLOGUE + update)
    report = validate_graph(store)
    assert not report.conforms
    return {(v.focus, v.path) for v in report.violations}


@pytest.mark.parametrize(
    ("update", "focus", "path"),
    [
        (f"DELETE WHERE {{ GRAPH ?g {{ <{CLAIM}> cg:inSentence ?s }} }}", CLAIM, f"{CG}inSentence"),
        (f"DELETE WHERE {{ GRAPH ?g {{ <{CLAIM}> cg:value ?v }} }}", CLAIM, None),
        (f'INSERT DATA {{ GRAPH <urn:x> {{ <{CLAIM}> cg:value "many" }} }}', CLAIM, f"{CG}value"),
        (f'INSERT DATA {{ GRAPH <urn:x> {{ <{CLAIM}> cg:comparator "roughly" }} }}', CLAIM, f"{CG}comparator"),
        (f'INSERT DATA {{ GRAPH <urn:x> {{ <{CLAIM}> cg:claimKind "vibes" }} }}', CLAIM, f"{CG}claimKind"),
        (f"DELETE WHERE {{ GRAPH ?g {{ <{PAPER}> cg:appearsIn ?d }} }}", PAPER, f"{CG}appearsIn"),
        (f'DELETE WHERE {{ GRAPH ?g {{ <{SPAN}/quote> oa:exact ?x }} }} ; '
         f'INSERT DATA {{ GRAPH <urn:x> {{ <{SPAN}/quote> oa:exact "too long a surface" }} }}', SPAN, None),
        (f"DELETE WHERE {{ GRAPH ?g {{ <{SPAN}/position> oa:end ?e }} }} ; "
         f"INSERT DATA {{ GRAPH <urn:x> {{ <{SPAN}/position> oa:end 1 }} }}", f"{SPAN}/position",
         "http://www.w3.org/ns/oa#start"),
    ],
    ids=["no-sentence", "no-value", "non-numeric-value", "bad-comparator", "bad-kind", "paper-nowhere",
         "surface-length", "end-before-start"],
)
def test_breakage_is_reported(store: OxigraphStore, update: str, focus: str, path: str | None) -> None:
    assert (focus, path) in _break(store, update)
