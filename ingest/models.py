"""Typed records that ingestion hands to the graph layer: documents, spans, entities, mentions and claims.

Every offset is a Python ``str`` index into the decoded text of the source file, so that
``file_text[span.start:span.end] == span.surface`` holds for every span.
"""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Span(Frozen):
    """A stretch of a source file: half-open character offsets plus the exact text they cover."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    surface: str

    @model_validator(mode="after")
    def _length_matches(self) -> "Span":
        if self.end < self.start or self.end - self.start != len(self.surface):
            raise ValueError(f"span [{self.start}, {self.end}) does not fit surface {self.surface!r}")
        return self

    @classmethod
    def of(cls, text: str, start: int, end: int) -> "Span":
        return cls(start=start, end=end, surface=text[start:end])


class SourceFormat(str, Enum):
    newsletter = "newsletter"
    daily_papers = "daily_papers"
    arxiv_dump = "arxiv_dump"


class DocumentKind(str, Enum):
    article = "article"  # a long-form newsletter post
    listing_entry = "listing_entry"  # one paper on a "Daily Papers" page
    arxiv_abstract = "arxiv_abstract"  # one abstract from an arXiv dump


class SourceFile(Frozen):
    name: str  # file name, e.g. "000_ece389bdadead4ee.txt"
    sha256: str
    format: SourceFormat
    char_count: int
    line_count: int


class Section(Frozen):
    heading: Span  # the heading line, without its newline
    title: str  # heading with decorations (emoji, trailing citation marker) removed
    body: Span  # from the end of the heading to the next heading (or end of article body)


class BibEntry(Frozen):
    number: int
    span: Span  # the whole entry line
    authors: list[str]
    title: str
    venue: str | None = None
    arxiv_id: str | None = None
    year: int | None = None
    url: str | None = None


class Citation(Frozen):
    marker: Span  # e.g. "[5]" or "[6, 7]"
    numbers: list[int]  # bibliography numbers the marker points at


class Footnote(Frozen):
    number: int
    span: Span  # the footnote text line
    marker: Span | None = None  # the digit glued to a word in the body ("tokens1"), when found


class Document(Frozen):
    """One unit of reading: a whole article, one listed paper, or one dumped abstract."""

    id: str  # deterministic: "<file stem>/<local key>"
    source: str  # SourceFile.name
    kind: DocumentKind
    span: Span  # the document's extent in the file
    title: str | None = None
    title_span: Span | None = None
    abstract_span: Span | None = None  # listing entries and dumped abstracts
    arxiv_id: str | None = None  # without version suffix, e.g. "2406.07522"
    arxiv_version: int | None = None  # 1 for "2406.07522v1"
    page_date: str | None = None  # the listing page's date as printed, e.g. "Aug 1"
    sentences: list[Span] = []
    paragraphs: list[Span] = []
    sections: list[Section] = []
    quotes: list[Span] = []
    bibliography: list[BibEntry] = []
    citations: list[Citation] = []
    footnotes: list[Footnote] = []


class EntityType(str, Enum):
    paper = "Paper"
    model = "Model"
    technique = "Technique"
    benchmark = "Benchmark"
    organisation = "Organisation"
    hardware = "Hardware"


class Entity(Frozen):
    key: str  # deterministic slug, e.g. "dbrx"; becomes the IRI's last segment
    name: str  # preferred label
    type: EntityType
    aliases: list[str] = []
    facts: dict[str, str | float | int] = {}  # curated facts from the vocabulary, e.g. {"experts": 16}


class Mention(Frozen):
    entity_key: str
    document_id: str
    span: Span
    method: str  # "vocabulary", "title_colon", "acronym", "proposal", "model_size"


class Comparator(str, Enum):
    exact = "exact"
    approx = "approx"
    at_least = "at_least"  # "at least", ">=", "or more", "no smaller than"
    at_most = "at_most"  # "at most", "<=", "no more than"
    more_than = "more_than"  # "more than", "over", "50+", ">"
    less_than = "less_than"  # "less than", "under", "<"
    up_to = "up_to"
    range = "range"


class Quantity(Frozen):
    """A number read from text, normalised: "132B" -> 1.32e11, "2.4times" -> 2.4 x, "50%-90%" -> range."""

    span: Span  # the number with its unit/multiplier/qualifier words, as written
    value: float | None = None  # None for ranges (see low/high)
    low: float | None = None
    high: float | None = None
    unit: str | None = None  # "x", "percent", "tokens", "parameters", "USD", "GPUs", "seconds", ...
    comparator: Comparator = Comparator.exact
    precision: float  # half a unit of the last reported digit after scaling: "1.74x" -> 0.005, "132B" -> 5e8
    in_words: bool = False  # "three datasets", "twice"


class ClaimKind(str, Enum):
    size = "size"
    count = "count"
    score = "score"
    improvement = "improvement"
    reduction = "reduction"
    speedup = "speedup"
    cost = "cost"
    formula = "formula"
    other = "other"


class Claim(Frozen):
    id: str  # deterministic: "<document id>/c<start>-<end>"
    document_id: str
    kind: ClaimKind
    quantity: str  # what is measured, e.g. "parameters", "training tokens", "speedup", "accuracy"
    value: Quantity | None = None  # None only for formula claims
    expression: str | None = None  # formula claims: the expression as written, e.g. "d(d + 3) / 2"
    subject_key: str | None = None  # Entity.key of what the claim is about
    target_key: str | None = None  # Entity.key of the comparison target ("than Mixtral")
    target_text: str | None = None  # the comparison phrase as written when no entity resolves
    benchmark_key: str | None = None
    sentence: Span
    span: Span  # the claim's own extent: the quantity, or the formula


class PaperRecord(Frozen):
    """A paper as seen by one source file; papers from several files resolve to one key."""

    key: str  # resolved key: "arxiv-<id>" when an arXiv id is known anywhere, else "title-<slug>"
    title: str | None = None
    arxiv_id: str | None = None
    document_ids: list[str] = []  # documents of this file that present the paper
    bib_numbers: list[int] = []  # bibliography entries of this file that cite it


class IngestResult(Frozen):
    """Everything read from one source file; the unit the graph stores in one named graph."""

    source: SourceFile
    documents: list[Document]
    papers: list[PaperRecord] = []
    entities: list[Entity] = []
    mentions: list[Mention] = []
    claims: list[Claim] = []
