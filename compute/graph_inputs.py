"""The graph as verifiers see it: claims, curated facts, mentions and sections, read with SPARQL into typed
records once per run, so that every input a verifier uses traces back to a claim or fact in the store."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import cached_property

from compute.models import Frozen
from kg.iris import key_from_iri
from kg.store import GraphStore

CLAIMS = """
SELECT ?claim ?g ?id ?doc ?kind ?quantity ?value ?low ?high ?unit ?comparator ?precision ?inWords ?expression
       ?subject ?subjectType ?target ?targetText ?start ?end ?exact ?sentStart ?sentEnd ?sentExact WHERE {
  GRAPH ?g {
    ?claim a cg:Claim ; dcterms:identifier ?id ; prov:wasDerivedFrom ?doc ; cg:claimKind ?kind ;
           cg:quantityKind ?quantity ; cg:hasSpan ?span ; cg:inSentence ?sentence .
    ?span oa:hasSelector ?pos, ?quote . ?pos oa:start ?start ; oa:end ?end . ?quote oa:exact ?exact .
    ?sentence cg:hasSpan ?sspan . ?sspan oa:hasSelector ?spos, ?squote .
    ?spos oa:start ?sentStart ; oa:end ?sentEnd . ?squote oa:exact ?sentExact .
    OPTIONAL { ?claim cg:value ?value } OPTIONAL { ?claim cg:lowValue ?low } OPTIONAL { ?claim cg:highValue ?high }
    OPTIONAL { ?claim cg:unit ?unit } OPTIONAL { ?claim cg:comparator ?comparator }
    OPTIONAL { ?claim cg:precision ?precision } OPTIONAL { ?claim cg:inWords ?inWords }
    OPTIONAL { ?claim cg:expression ?expression } OPTIONAL { ?claim cg:targetText ?targetText }
    OPTIONAL { ?claim cg:subject ?subject . ?subject a ?subjectType }
    OPTIONAL { ?claim cg:comparisonTarget ?target }
  }
}
"""
FACTS = """
SELECT DISTINCT ?entity ?name ?value WHERE { ?entity cg:hasFact ?fact . ?fact cg:factName ?name ; cg:factValue ?value }
"""
MENTIONS = """
SELECT DISTINCT ?entity ?type ?label ?sentence ?start ?end WHERE {
  ?mention a cg:Mention ; cg:refersTo ?entity ; cg:inSentence ?sentence ; cg:hasSpan/oa:hasSelector ?pos .
  ?pos oa:start ?start ; oa:end ?end .
  ?entity a ?type ; rdfs:label ?label .
}
"""
SECTIONS = """
SELECT DISTINCT ?doc ?title ?start ?end WHERE {
  ?doc cg:hasSection ?section . ?section dcterms:title ?title ; cg:bodySpan/oa:hasSelector ?pos .
  ?pos oa:start ?start ; oa:end ?end .
}
"""
FOOTNOTES = """
SELECT DISTINCT ?doc ?start ?end ?marker WHERE {
  ?doc cg:hasFootnote ?note . ?note cg:hasSpan/oa:hasSelector ?pos ; cg:markerSpan/oa:hasSelector ?mark .
  ?pos oa:start ?start ; oa:end ?end . ?mark oa:start ?marker .
}
"""
PARAGRAPHS = """
SELECT DISTINCT ?doc ?start ?end WHERE { ?doc cg:hasParagraph/oa:hasSelector ?pos . ?pos oa:start ?start ; oa:end ?end }
"""


class TextSpan(Frozen):
    start: int
    end: int
    text: str


class ClaimRecord(Frozen):
    """One claim as stored, flattened: the value, where it sits and what it is about."""

    id: str
    iri: str
    source: str
    document: str
    kind: str
    quantity: str
    value: float | None = None
    low: float | None = None
    high: float | None = None
    unit: str | None = None
    comparator: str = "exact"
    precision: float = 0.0
    in_words: bool = False
    expression: str | None = None
    subject: str | None = None  # entity key
    subject_type: str | None = None  # "Model", "Technique", ...
    target: str | None = None
    target_text: str | None = None
    span: TextSpan
    sentence: TextSpan

    @property
    def numeric(self) -> bool:
        return self.value is not None or self.low is not None or self.expression is not None

    @property
    def after(self) -> str:
        """The rest of the sentence after the claim's span."""
        return self.sentence.text[self.span.end - self.sentence.start:]

    @property
    def before(self) -> str:
        return self.sentence.text[: self.span.start - self.sentence.start]


class MentionRecord(Frozen):
    entity: str  # key
    type: str
    label: str
    start: int
    end: int


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _float(row: dict[str, str], name: str) -> float | None:
    return float(row[name]) if name in row else None


def _claim(row: dict[str, str]) -> ClaimRecord:
    return ClaimRecord(
        id=row["id"], iri=row["claim"], source=key_from_iri(row["g"], "graph"), document=key_from_iri(row["doc"], "doc"),
        kind=row["kind"], quantity=row["quantity"], value=_float(row, "value"), low=_float(row, "low"),
        high=_float(row, "high"), unit=row.get("unit"), comparator=row.get("comparator", "exact"),
        precision=_float(row, "precision") or 0.0, in_words=row.get("inWords") == "true",
        expression=row.get("expression"),
        subject=key_from_iri(row["subject"]) if "subject" in row else None,
        subject_type=_local(row["subjectType"]) if "subjectType" in row else None,
        target=key_from_iri(row["target"]) if "target" in row else None, target_text=row.get("targetText"),
        span=TextSpan(start=int(row["start"]), end=int(row["end"]), text=row["exact"]),
        sentence=TextSpan(start=int(row["sentStart"]), end=int(row["sentEnd"]), text=row["sentExact"]),
    )


def _fact_value(text: str) -> float | str:
    try:
        return float(text)
    except ValueError:
        return text


class GraphView:
    """Read-only, typed view of the store for verifiers; every query runs once, on first use."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store

    @cached_property
    def claims(self) -> list[ClaimRecord]:
        records = {row["id"]: _claim(row) for row in self.store.select(CLAIMS)}
        return sorted(records.values(), key=lambda c: (c.source, c.document, c.span.start, c.span.end))

    @cached_property
    def _by_document(self) -> dict[str, list[ClaimRecord]]:
        grouped: dict[str, list[ClaimRecord]] = defaultdict(list)
        for claim in self.claims:
            grouped[claim.document].append(claim)
        return grouped

    @cached_property
    def _facts(self) -> dict[str, dict[str, float | str]]:
        facts: dict[str, dict[str, float | str]] = defaultdict(dict)
        for row in self.store.select(FACTS):
            facts[key_from_iri(row["entity"])][row["name"]] = _fact_value(row["value"])
        return facts

    @cached_property
    def _mentions(self) -> dict[tuple[str, int], list[MentionRecord]]:
        found: dict[tuple[str, int], list[MentionRecord]] = defaultdict(list)
        for row in self.store.select(MENTIONS):
            sentence = key_from_iri(row["sentence"], "sentence")  # "<source>/<start>-<end>"
            source, _, offsets = sentence.rpartition("/")
            found[(source, int(offsets.split("-")[0]))].append(MentionRecord(
                entity=key_from_iri(row["entity"]), type=_local(row["type"]), label=row["label"],
                start=int(row["start"]), end=int(row["end"])))
        return {key: sorted(set(value), key=lambda m: m.start) for key, value in found.items()}

    @cached_property
    def _sections(self) -> dict[str, list[TextSpan]]:
        found: dict[str, list[TextSpan]] = defaultdict(list)
        for row in self.store.select(SECTIONS):
            found[key_from_iri(row["doc"], "doc")].append(
                TextSpan(start=int(row["start"]), end=int(row["end"]), text=row["title"]))
        return found

    @cached_property
    def _footnotes(self) -> dict[str, list[tuple[int, int, int]]]:
        found: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
        for row in self.store.select(FOOTNOTES):
            found[key_from_iri(row["doc"], "doc")].append((int(row["start"]), int(row["end"]), int(row["marker"])))
        return found

    @cached_property
    def _paragraphs(self) -> dict[str, list[tuple[int, int]]]:
        found: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for row in self.store.select(PARAGRAPHS):
            found[key_from_iri(row["doc"], "doc")].append((int(row["start"]), int(row["end"])))
        return found

    def claim(self, claim_id: str) -> ClaimRecord:
        for claim in self.claims:
            if claim.id == claim_id:
                return claim
        raise KeyError(f"no claim {claim_id!r} in the graph")

    def facts(self, entity: str | None) -> dict[str, float | str]:
        return dict(self._facts.get(entity, {})) if entity else {}

    def mentions(self, claim: ClaimRecord) -> list[MentionRecord]:
        """Entities mentioned in the claim's sentence, in text order."""
        return list(self._mentions.get((claim.source, claim.sentence.start), []))

    def mentioned_in_sentence(self, claim: ClaimRecord, entity: str | None) -> bool:
        return entity is not None and any(m.entity == entity for m in self.mentions(claim))

    def section(self, claim: ClaimRecord) -> TextSpan | None:
        """The section body that holds the claim (newsletter articles), if any; a claim in a footnote belongs
        to the section that holds the footnote's marker."""
        position = claim.span.start
        for start, end, marker in self._footnotes.get(claim.document, []):
            if start <= position < end:
                position = marker
        return next((s for s in self._sections.get(claim.document, []) if s.start <= position < s.end), None)

    def paragraph(self, claim: ClaimRecord) -> tuple[int, int]:
        found = [p for p in self._paragraphs.get(claim.document, []) if p[0] <= claim.span.start < p[1]]
        return found[0] if found else (claim.sentence.start, claim.sentence.end)

    def in_document(self, claim: ClaimRecord) -> list[ClaimRecord]:
        return list(self._by_document.get(claim.document, []))

    def same_sentence(self, claim: ClaimRecord) -> list[ClaimRecord]:
        return [c for c in self.in_document(claim) if c.sentence.start == claim.sentence.start]

    def nearby(self, claim: ClaimRecord, before: int, after: int = 0) -> list[ClaimRecord]:
        """Claims of the same document starting within ``before`` characters before and ``after`` after the claim."""
        low, high = claim.span.start - before, claim.span.end + after
        return [c for c in self.in_document(claim) if low <= c.span.start <= high]

    def section_claims(self, claim: ClaimRecord) -> list[ClaimRecord]:
        """Claims in the claim's section, or in its paragraph where the document has no sections."""
        section = self.section(claim)
        start, end = (section.start, section.end) if section else self.paragraph(claim)
        return [c for c in self.in_document(claim) if start <= c.span.start < end]


def by_position(claims: Iterable[ClaimRecord]) -> list[ClaimRecord]:
    return sorted(claims, key=lambda c: c.span.start)
