"""Retrievable passages built from the graph: sentences, two-sentence windows of articles, colon-introduced
lists of articles (up to LIST_ITEMS items), each paper's title + abstract, and claims rendered as text. Every passage keeps its file, document, locator and span.

``text`` is always the exact text of the file at ``[start, end)``, sliced from spans stored in the graph (a
document's own span carries its full text), so a quote checked against ``text`` is a quote of the file.
``context`` is extra text that is indexed but never quoted: the locator, and for claims the claim rendered
("DBRX | factor | 65×").
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from enum import Enum

from pydantic import BaseModel, ConfigDict

from kg.iris import key_from_iri
from kg.sparql import PROLOGUE
from kg.store import GraphStore


class PassageKind(str, Enum):
    sentence = "sentence"
    window = "window"  # two consecutive sentences of an article, within one section
    abstract = "abstract"  # a listed or dumped paper: title (or arXiv id) and abstract
    claim = "claim"  # a claim rendered as text; its span is the claim's sentence
    listing = "listing"  # an article sentence ending in a colon and the items after it, within one section


class ClaimFacts(BaseModel):
    """What a claim passage states, for answering numeric questions without a store round trip."""

    model_config = ConfigDict(frozen=True)

    quantity: str  # what is measured: "parameters", "speedup", ...
    kind: str
    value_text: str | None = None  # the number as written, e.g. "65×"
    value_start: int | None = None  # its offsets in the file
    value_end: int | None = None
    unit: str | None = None
    subject: str | None = None  # entity IRIs
    target: str | None = None
    benchmark: str | None = None


class Passage(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str  # "<kind>:<file>/<start>-<end>" (claims: "claim:<claim id>"); stable across rebuilds
    kind: PassageKind
    text: str  # exactly file_text[start:end]
    context: str = ""  # indexed with the text, never quoted
    file: str
    document_id: str
    locator: str  # newsletter: section heading line; listing: paper title; dump: arXiv id as printed
    start: int
    end: int
    entities: tuple[str, ...] = ()  # entity IRIs mentioned in the passage (or the claim's subject, target, benchmark)
    claim_id: str | None = None
    claim: ClaimFacts | None = None
    title: str | None = None  # the document's title when it has one
    source: str = ""  # the document's type: Article (newsletter), ListingEntry, ArxivAbstract

    @property
    def index_text(self) -> str:
        return f"{self.locator}\n{self.context}\n{self.text}" if self.context else f"{self.locator}\n{self.text}"


_DOCUMENTS = PROLOGUE + """
SELECT ?doc ?type ?file ?title ?arxiv ?version ?docStart ?docExact ?titleStart ?absEnd WHERE {
  VALUES ?type { cg:Article cg:ListingEntry cg:ArxivAbstract }
  ?doc a ?type ; prov:wasDerivedFrom/dcterms:identifier ?file ;
       cg:hasSpan/oa:hasSelector [ oa:start ?docStart ] , [ oa:exact ?docExact ] .
  OPTIONAL { ?doc dcterms:title ?title }
  OPTIONAL { ?doc cg:arxivId ?arxiv }
  OPTIONAL { ?doc cg:arxivVersion ?version }
  OPTIONAL { ?doc cg:titleSpan/oa:hasSelector/oa:start ?titleStart }
  OPTIONAL { ?doc cg:abstractSpan/oa:hasSelector/oa:end ?absEnd }
}
"""
_SENTENCES = PROLOGUE + """
SELECT ?doc ?sentence ?start ?end ?exact WHERE {
  ?doc cg:hasSentence ?sentence . ?sentence cg:hasSpan/oa:hasSelector [ oa:start ?start ; oa:end ?end ] , [ oa:exact ?exact ] .
}
"""
_SECTIONS = PROLOGUE + """
SELECT ?doc ?heading ?start ?end WHERE {
  ?doc cg:hasSection ?section . ?section cg:headingSpan/oa:hasSelector/oa:exact ?heading ;
       cg:bodySpan/oa:hasSelector [ oa:start ?start ; oa:end ?end ] .
}
"""
_FOOTNOTES = PROLOGUE + """
SELECT ?doc ?number ?start ?end WHERE {
  ?doc cg:hasFootnote ?note . ?note cg:number ?number ; cg:hasSpan/oa:hasSelector [ oa:start ?start ; oa:end ?end ] .
}
"""
_SENTENCE_ENTITIES = PROLOGUE + """
SELECT DISTINCT ?sentence ?entity WHERE { ?m a cg:Mention ; cg:refersTo ?entity ; cg:inSentence ?sentence }
"""
_DOCUMENT_ENTITIES = PROLOGUE + "SELECT DISTINCT ?doc ?entity WHERE { ?doc cg:mentions ?entity }"
_CLAIMS = PROLOGUE + """
SELECT ?claim ?id ?doc ?quantity ?kind ?surface ?qStart ?qEnd ?unit ?start ?end ?exact
       (SAMPLE(?s) AS ?subject) (SAMPLE(?sl) AS ?subjectLabel) (SAMPLE(?t) AS ?target) (SAMPLE(?tl) AS ?targetLabel)
       (SAMPLE(?b) AS ?benchmark) (SAMPLE(?bl) AS ?benchmarkLabel) WHERE {
  ?claim a cg:Claim ; dcterms:identifier ?id ; prov:wasDerivedFrom ?doc ; cg:quantityKind ?quantity ; cg:claimKind ?kind ;
         cg:inSentence/cg:hasSpan/oa:hasSelector [ oa:start ?start ; oa:end ?end ] , [ oa:exact ?exact ] .
  OPTIONAL { ?claim cg:quantitySpan/oa:hasSelector [ oa:exact ?surface ] , [ oa:start ?qStart ; oa:end ?qEnd ] }
  OPTIONAL { ?claim cg:expression ?surface }
  OPTIONAL { ?claim cg:unit ?unit }
  OPTIONAL { ?claim cg:subject ?s . OPTIONAL { ?s rdfs:label|dcterms:title ?sl } }
  OPTIONAL { ?claim cg:comparisonTarget ?t . OPTIONAL { ?t rdfs:label|dcterms:title ?tl } }
  OPTIONAL { ?claim cg:benchmark ?b . OPTIONAL { ?b rdfs:label|dcterms:title ?bl } }
} GROUP BY ?claim ?id ?doc ?quantity ?kind ?surface ?qStart ?qEnd ?unit ?start ?end ?exact
"""


class _Doc(BaseModel):
    iri: str
    id: str
    type: str
    file: str
    start: int
    text: str
    title: str | None
    locator: str
    title_start: int | None
    abstract_end: int | None

    def slice(self, start: int, end: int) -> str:
        return self.text[start - self.start : end - self.start]


def _printed_arxiv(row: dict[str, str]) -> str:
    version = row.get("version")
    return row["arxiv"] + (f"v{version}" if version else "")


def _documents(store: GraphStore) -> dict[str, _Doc]:
    docs: dict[str, _Doc] = {}
    for row in store.select(_DOCUMENTS):
        kind = row["type"].rsplit("#", 1)[-1]
        title = row.get("title")
        locator = title or (_printed_arxiv(row) if "arxiv" in row else row["file"])
        if kind == "ArxivAbstract" and "arxiv" in row:
            locator = _printed_arxiv(row)
        docs[row["doc"]] = _Doc(
            iri=row["doc"], id=key_from_iri(row["doc"], "doc"), type=kind, file=row["file"],
            start=int(row["docStart"]), text=row["docExact"], title=title, locator=locator,
            title_start=int(row["titleStart"]) if "titleStart" in row else None,
            abstract_end=int(row["absEnd"]) if "absEnd" in row else None,
        )
    return docs


class _Regions:
    """Article locators: the heading line of the section whose body holds an offset, or "Footnote N"."""

    def __init__(self, store: GraphStore) -> None:
        self._sections: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        for row in store.select(_SECTIONS):
            self._sections[row["doc"]].append((int(row["start"]), int(row["end"]), row["heading"]))
        for regions in self._sections.values():
            regions.sort()
        for row in store.select(_FOOTNOTES):
            self._sections[row["doc"] + "#notes"].append((int(row["start"]), int(row["end"]), f"Footnote {row['number']}"))

    def locate(self, doc: _Doc, start: int) -> str:
        for key in (doc.iri + "#notes", doc.iri):
            regions = self._sections.get(key, [])
            i = bisect_right([r[0] for r in regions], start) - 1
            if i >= 0 and start < regions[i][1]:
                return regions[i][2]
        return doc.locator


def _entities(store: GraphStore, query: str, key: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for row in store.select(query):
        found[row[key]].add(row["entity"])
    return found


def document_spans(store: GraphStore) -> dict[str, list[tuple[int, str]]]:
    """Every stored document's span (start, exact text), by source file: what a quote check of a file that is
    not on disk (an uploaded document) is checked against."""
    spans: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for doc in _documents(store).values():
        spans[doc.file].append((doc.start, doc.text))
    return {name: sorted(found) for name, found in sorted(spans.items())}


def build_passages(store: GraphStore) -> list[Passage]:
    """Every passage of the stored documents, in a deterministic order (by file, offset, kind)."""
    docs = _documents(store)
    regions = _Regions(store)
    sentence_entities = _entities(store, _SENTENCE_ENTITIES, "sentence")
    sentences: dict[str, list[tuple[int, int, str, str]]] = defaultdict(list)
    for row in store.select(_SENTENCES):
        sentences[row["doc"]].append((int(row["start"]), int(row["end"]), row["exact"], row["sentence"]))
    passages: list[Passage] = []
    for iri, doc in docs.items():
        rows = sorted(sentences.get(iri, []))
        passages += _sentence_passages(doc, rows, regions, sentence_entities)
        if doc.type == "Article":
            passages += _windows(doc, rows, regions, sentence_entities)
            passages += _lists(doc, rows, regions, sentence_entities)
    passages += _abstracts(docs.values(), _entities(store, _DOCUMENT_ENTITIES, "doc"))
    passages += _claims(store, docs, regions)
    return sorted(passages, key=lambda p: (p.file, p.start, p.kind.value, p.id))


def _passage(kind: PassageKind, doc: _Doc, start: int, end: int, locator: str, **extra: object) -> Passage:
    return Passage(
        id=f"{kind.value}:{doc.file}/{start}-{end}", kind=kind, text=doc.slice(start, end), file=doc.file,
        document_id=doc.id, locator=locator, start=start, end=end, title=doc.title, source=doc.type, **extra,
    )


def _sentence_passages(doc: _Doc, rows: list[tuple[int, int, str, str]], regions: _Regions,
                       entities: dict[str, set[str]]) -> Iterable[Passage]:
    for start, end, _, sentence in rows:
        yield _passage(PassageKind.sentence, doc, start, end, regions.locate(doc, start),
                       entities=tuple(sorted(entities.get(sentence, ()))))


def _windows(doc: _Doc, rows: list[tuple[int, int, str, str]], regions: _Regions,
             entities: dict[str, set[str]]) -> Iterable[Passage]:
    for (start, _, _, first), (_, end, _, second) in zip(rows, rows[1:]):
        locator = regions.locate(doc, start)
        if locator != regions.locate(doc, end - 1):
            continue  # never straddle two sections
        mentioned = entities.get(first, set()) | entities.get(second, set())
        yield _passage(PassageKind.window, doc, start, end, locator, entities=tuple(sorted(mentioned)))


LIST_ITEMS = 6


def _lists(doc: _Doc, rows: list[tuple[int, int, str, str]], regions: _Regions,
           entities: dict[str, set[str]]) -> Iterable[Passage]:
    """"There are three patterns:" and the sentences after it in the same section (at most LIST_ITEMS)."""
    for i, (start, _, exact, first) in enumerate(rows):
        if not exact.rstrip().endswith(":"):
            continue
        locator = regions.locate(doc, start)
        items = [row for row in rows[i + 1 : i + 1 + LIST_ITEMS] if regions.locate(doc, row[0]) == locator]
        if len(items) >= 2:
            mentioned = set(entities.get(first, set())).union(*(entities.get(row[3], set()) for row in items))
            yield _passage(PassageKind.listing, doc, start, items[-1][1], locator, entities=tuple(sorted(mentioned)))


def _abstracts(docs: Iterable[_Doc], entities: dict[str, set[str]]) -> Iterable[Passage]:
    for doc in docs:
        if doc.abstract_end is None:
            continue
        start = doc.title_start if doc.title_start is not None else doc.start
        yield _passage(PassageKind.abstract, doc, start, doc.abstract_end, doc.locator,
                       entities=tuple(sorted(entities.get(doc.iri, ()))))


def render_claim(row: dict[str, str]) -> str:
    """A claim as one line of text: subject | quantity | value [| benchmark] [| vs target]."""
    parts = [row.get("subjectLabel", ""), row["quantity"], row.get("surface", "")]
    if "benchmarkLabel" in row:
        parts.append(f"on {row['benchmarkLabel']}")
    if "targetLabel" in row:
        parts.append(f"vs {row['targetLabel']}")
    return " | ".join(p for p in parts if p)


def _claims(store: GraphStore, docs: dict[str, _Doc], regions: _Regions) -> Iterable[Passage]:
    for row in store.select(_CLAIMS):
        doc = docs.get(row["doc"])
        if doc is None:
            continue
        start, end = int(row["start"]), int(row["end"])
        entities = tuple(sorted({row[k] for k in ("subject", "target", "benchmark") if k in row}))
        locator = regions.locate(doc, start)
        yield Passage(
            id=f"claim:{row['id']}", kind=PassageKind.claim, text=doc.slice(start, end), context=render_claim(row),
            file=doc.file, document_id=doc.id, locator=locator, start=start, end=end, entities=entities,
            claim_id=row["id"], claim=_facts(row), title=doc.title, source=doc.type,
        )


def _facts(row: dict[str, str]) -> ClaimFacts:
    return ClaimFacts(
        quantity=row["quantity"], kind=row["kind"], value_text=row.get("surface"), unit=row.get("unit"),
        value_start=int(row["qStart"]) if "qStart" in row else None,
        value_end=int(row["qEnd"]) if "qEnd" in row else None,
        subject=row.get("subject"), target=row.get("target"), benchmark=row.get("benchmark"),
    )
