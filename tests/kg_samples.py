"""Hand-built IngestResults for the kg tests: a newsletter article and a daily-papers listing sharing one paper."""

from __future__ import annotations

import pytest

from kg.mapping import store_result
from kg.store import OxigraphStore
from ingest.models import (
    BibEntry,
    Citation,
    Claim,
    ClaimKind,
    Comparator,
    Document,
    DocumentKind,
    Entity,
    EntityType,
    Footnote,
    IngestResult,
    Mention,
    PaperRecord,
    Quantity,
    Section,
    SourceFile,
    SourceFormat,
    Span,
)

ARTICLE_TEXT = (
    "# DBRX beats Mixtral\n"
    "\n"
    "## Results \U0001f680 [1]\n"
    "DBRX has 132B parameters and 16 experts [1]. "
    "DBRX is 2x faster than Mixtral on H100 GPUs.\n"
    "Accuracy on MMLU rises by 50%-90% over the baseline, with d(d + 3) / 2 extra terms1.\n"
    "> \"Speed \\u0022matters\\\"\"\n"
    "\n"
    "References\n"
    "[1] Smith, J., Doe, A. Mixture of Experts at Scale. NeurIPS 2023. arXiv:2401.00001 "
    "https://arxiv.org/abs/2401.00001\n"
    "1 Terms counted per layer.\n"
)
LISTING_TEXT = (
    "Daily Papers Aug 1\n"
    "Mixture of Experts at Scale\n"
    "arXiv:2401.00001v2\n"
    "We train Mixtral-like models with 8 experts.\n"
)
ARTICLE_FILE = "000_ece389bdadead4ee.txt"
LISTING_FILE = "001_2517cdbbfddb583d.txt"
PAPER_KEY = "arxiv-2401.00001"


def find(text: str, surface: str, after: int = 0) -> Span:
    start = text.index(surface, after)
    return Span.of(text, start, start + len(surface))


def line_span(text: str, starting: str) -> Span:
    start = text.index(starting)
    return Span.of(text, start, text.index("\n", start))


def source(name: str, text: str, fmt: SourceFormat) -> SourceFile:
    return SourceFile(name=name, sha256="ab" * 32, format=fmt, char_count=len(text), line_count=text.count("\n"))


ENTITIES = [
    Entity(key="dbrx", name="DBRX", type=EntityType.model, aliases=["DBRX Base", "DBRX Instruct"],
           facts={"experts": 16, "parameters": 1.32e11, "licence": "open model licence"}),
    Entity(key="mixtral-8x7b", name="Mixtral 8x7B", type=EntityType.model, aliases=["Mixtral"]),
    Entity(key="h100", name="H100", type=EntityType.hardware),
    Entity(key="mmlu", name="MMLU", type=EntityType.benchmark),
    Entity(key="mixture-of-experts", name="Mixture of Experts", type=EntityType.technique),
    Entity(key="databricks", name="Databricks", type=EntityType.organisation, facts={"founded": 2013}),
]


def _claim(doc_id: str, sentence: Span, span: Span, **fields: object) -> Claim:
    return Claim(id=f"{doc_id}/c{span.start}-{span.end}", document_id=doc_id, sentence=sentence, span=span, **fields)


def article_result() -> IngestResult:
    text = ARTICLE_TEXT
    doc_id = "000_ece389bdadead4ee/article"
    s1 = find(text, "DBRX has 132B parameters and 16 experts [1].")
    s2 = find(text, "DBRX is 2x faster than Mixtral on H100 GPUs.")
    s3 = find(text, "Accuracy on MMLU rises by 50%-90% over the baseline, with d(d + 3) / 2 extra terms1.")
    heading = line_span(text, "## Results")
    references = text.index("References")
    doc = Document(
        id=doc_id, source=ARTICLE_FILE, kind=DocumentKind.article, span=Span.of(text, 0, len(text)),
        title="DBRX beats Mixtral", title_span=find(text, "DBRX beats Mixtral"),
        sentences=[s1, s2, s3], paragraphs=[Span.of(text, s1.start, s3.end)],
        sections=[Section(heading=heading, title="Results", body=Span.of(text, heading.end, references))],
        quotes=[line_span(text, "> ")],
        bibliography=[BibEntry(number=1, span=line_span(text, "[1] Smith"), authors=["Smith, J.", "Doe, A."],
                               title="Mixture of Experts at Scale", venue="NeurIPS", arxiv_id="2401.00001",
                               year=2023, url="https://arxiv.org/abs/2401.00001")],
        citations=[
            Citation(marker=find(text, "[1]"), numbers=[1]),
            Citation(marker=find(text, "[1]", s1.start), numbers=[1, 2]),  # no entry 2: kept as a cited number
        ],
        footnotes=[Footnote(number=1, span=line_span(text, "1 Terms"), marker=find(text, "1", text.index("terms1")))],
    )
    mentioned = [  # (entity key, surface, search from, method); the first two are in the title, outside sentences
        ("dbrx", "DBRX", 0, "vocabulary"), ("mixtral-8x7b", "Mixtral", 0, "vocabulary"),
        ("dbrx", "DBRX", s1.start, "vocabulary"), ("dbrx", "DBRX", s2.start, "vocabulary"),
        ("mixtral-8x7b", "Mixtral", s2.start, "vocabulary"), ("h100", "H100", s2.start, "vocabulary"),
        ("mmlu", "MMLU", s3.start, "vocabulary"), (PAPER_KEY, "Mixture of Experts at Scale", 0, "title_colon"),
    ]
    mentions = [
        Mention(entity_key=key, document_id=doc_id, span=find(text, surface, after), method=method)
        for key, surface, after, method in mentioned
    ]
    claims = [
        _claim(doc_id, s1, find(text, "132B parameters"), kind=ClaimKind.size, quantity="parameters",
               subject_key="dbrx", value=Quantity(span=find(text, "132B parameters"), value=1.32e11,
                                                  unit="parameters", precision=5e8)),
        _claim(doc_id, s1, find(text, "16 experts"), kind=ClaimKind.count, quantity="experts", subject_key="dbrx",
               value=Quantity(span=find(text, "16 experts"), value=16, unit="experts", precision=0.5)),
        _claim(doc_id, s2, find(text, "2x"), kind=ClaimKind.speedup, quantity="speedup", subject_key="dbrx",
               target_key="mixtral-8x7b", value=Quantity(span=find(text, "2x"), value=2.0, unit="x", precision=0.5,
                                                          comparator=Comparator.approx)),
        _claim(doc_id, s3, find(text, "50%-90%"), kind=ClaimKind.improvement, quantity="accuracy",
               benchmark_key="mmlu", target_text="the baseline",
               value=Quantity(span=find(text, "50%-90%"), low=50.0, high=90.0, unit="percent", precision=0.5,
                              comparator=Comparator.range)),
        _claim(doc_id, s3, find(text, "d(d + 3) / 2"), kind=ClaimKind.formula, quantity="extra terms",
               expression="d(d + 3) / 2"),
    ]
    return IngestResult(
        source=source(ARTICLE_FILE, text, SourceFormat.newsletter), documents=[doc],
        papers=[
            PaperRecord(key=PAPER_KEY, title="Mixture of Experts at Scale", arxiv_id="2401.00001", bib_numbers=[1])
        ],
        entities=ENTITIES, mentions=mentions, claims=claims,
    )


def listing_result() -> IngestResult:
    text = LISTING_TEXT
    doc_id = "001_2517cdbbfddb583d/2401.00001"
    sentence = line_span(text, "We train")
    doc = Document(
        id=doc_id, source=LISTING_FILE, kind=DocumentKind.listing_entry, span=Span.of(text, 0, len(text)),
        title="Mixture of Experts at Scale", title_span=line_span(text, "Mixture"), abstract_span=sentence,
        arxiv_id="2401.00001", arxiv_version=2, page_date="Aug 1", sentences=[sentence],
    )
    return IngestResult(
        source=source(LISTING_FILE, text, SourceFormat.daily_papers), documents=[doc],
        papers=[PaperRecord(key=PAPER_KEY, title="Mixture of Experts at Scale", arxiv_id="2401.00001",
                            document_ids=[doc_id])],
        entities=[ENTITIES[1], ENTITIES[4]],
        mentions=[
            Mention(entity_key="mixtral-8x7b", document_id=doc_id, span=find(text, "Mixtral"), method="vocabulary"),
            Mention(entity_key="mixture-of-experts", document_id=doc_id, span=find(text, "Mixture of Experts"),
                    method="vocabulary"),
        ],
        claims=[_claim(doc_id, sentence, find(text, "8 experts"), kind=ClaimKind.count, quantity="experts",
                       value=Quantity(span=find(text, "8 experts"), value=8, unit="experts", precision=0.5))],
    )


def sample_graph() -> OxigraphStore:
    """An in-memory store holding the hand-built article and listing."""
    store = OxigraphStore()
    store_result(store, article_result())
    store_result(store, listing_result())
    return store


@pytest.fixture
def store() -> OxigraphStore:
    """The sample graph, fresh for each test (tests may change it)."""
    return sample_graph()


@pytest.fixture(scope="module")
def sample_store() -> OxigraphStore:
    """The sample graph, once per module, for tests that only read it."""
    return sample_graph()
