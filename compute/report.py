"""The verification report the renderers (json, md, html, sarif) and the API read: summary counts, the rules
(verifiers) and, per claim, its sentence, location, claim-level verdict and verifications. Read from the store."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from pydantic import BaseModel

from compute.environment import code_version
from compute.graph_inputs import ClaimRecord, GraphView
from compute.mapping import verifications_from_store
from compute.models import Verdict, Verification
from compute.run import claim_verdict, summarise
from kg.store import GraphStore

RULES = """
SELECT DISTINCT ?id ?title ?description WHERE {
  ?agent a cg:Verifier ; dcterms:identifier ?id ; rdfs:label ?title ; rdfs:comment ?description
} ORDER BY ?id
"""


class Rule(BaseModel):
    id: str
    title: str
    description: str


class Location(BaseModel):
    source: str
    start: int  # character offsets into the decoded file
    end: int
    line: int | None = None  # 1-based, when the source file was at hand
    column: int | None = None  # 1-based, in characters
    end_line: int | None = None
    end_column: int | None = None


class ClaimReport(BaseModel):
    claim_id: str
    document: str
    kind: str
    quantity: str
    claimed: str
    sentence: str
    location: Location
    verdict: Verdict
    verifications: list[Verification]


class Summary(BaseModel):
    claims: int
    checked: int
    coverage: float
    by_verdict: dict[str, int]
    by_reason: dict[str, int]
    by_verifier: dict[str, int]


class VerificationReport(BaseModel):
    code_version: str
    summary: Summary
    rules: list[Rule]
    claims: list[ClaimReport]

    def claim(self, claim_id: str) -> ClaimReport:
        for item in self.claims:
            if item.claim_id == claim_id:
                return item
        raise KeyError(f"no verified claim {claim_id!r}")


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _location(claim: ClaimRecord, texts: dict[str, str | None]) -> Location:
    text = texts.get(claim.source)
    if text is None or text[claim.span.start:claim.span.end] != claim.span.text:
        return Location(source=claim.source, start=claim.span.start, end=claim.span.end)
    (line, column), (end_line, end_column) = _position(text, claim.span.start), _position(text, claim.span.end)
    return Location(source=claim.source, start=claim.span.start, end=claim.span.end, line=line, column=column,
                    end_line=end_line, end_column=end_column)


def _read_sources(names: set[str], source_dir: Path | None) -> dict[str, str | None]:
    from ingest.sources import read_text

    found: dict[str, str | None] = {}
    for name in names:
        path = source_dir / name if source_dir else None
        found[name] = read_text(path) if path is not None and path.is_file() else None
    return found


def verification_report(store: GraphStore, source_dir: Path | None = None) -> VerificationReport:
    """The report of the verifications stored; line and column need the source files (``source_dir``)."""
    view = GraphView(store)
    verifications = verifications_from_store(store)
    by_claim: dict[str, list[Verification]] = {}
    for v in verifications:
        by_claim.setdefault(v.claim_id, []).append(v)
    numeric = [c for c in view.claims if c.numeric]
    texts = _read_sources({c.source for c in numeric}, source_dir)
    run = summarise(view.claims, verifications)
    items = [ClaimReport(claim_id=c.id, document=c.document, kind=c.kind, quantity=c.quantity, claimed=c.span.text,
                         sentence=c.sentence.text, location=_location(c, texts),
                         verdict=claim_verdict([v.verdict for v in by_claim.get(c.id, [])]),
                         verifications=by_claim.get(c.id, [])) for c in numeric]
    summary = Summary(
        claims=run.claims, checked=run.checked, coverage=run.coverage, by_verdict=run.by_verdict,
        by_reason=dict(Counter(v.reason.value for v in verifications if v.reason)),
        by_verifier=dict(Counter(v.verifier for v in verifications if v.checked)))
    rules = [Rule(**row) for row in store.select(RULES)]
    return VerificationReport(code_version=code_version(), summary=summary, rules=rules, claims=items)
