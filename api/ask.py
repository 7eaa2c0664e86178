"""Question answering over the graph in the RAFT style: retrieve, select evidence, answer with checked quotes.

``answer_question`` is what `POST /ask` and `kg ask` call. The answer cites its evidence between
``##begin_quote##`` and ``##end_quote##`` and ends with ``<ANSWER>: ...``; every quote is checked
(kg/quotes.py) against the passage it cites and that passage's span in its source file, and a quote failing
the check is dropped, never returned. Too little evidence gives ``NOT_IN_CORPUS``.
"""

from __future__ import annotations

import time
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from kg.answers import compose
from kg.evidence import ABSTAIN_THRESHOLD, CANDIDATE_PASSAGES, TermWeights, select_evidence
from kg.passages import Passage
from kg.questions import analyse
from kg.quotes import SourceTexts, verify_quote
from kg.search import Hit, SearchIndex

NOT_IN_CORPUS = "NOT_IN_CORPUS"
BEGIN_QUOTE, END_QUOTE = "##begin_quote##", "##end_quote##"


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=2000)
    k: int = Field(default=5, ge=1, le=20, description="passages shown: the oracle(s) plus distractors")
    mode: Literal["auto", "extractive", "chat"] = "auto"  # auto: chat when an endpoint is configured


class SourcePassage(BaseModel):
    id: str
    role: Literal["oracle", "distractor"]
    kind: str
    document_id: str
    file: str
    locator: str
    start: int
    end: int
    text: str
    score: float


class Quote(BaseModel):
    text: str
    passage_id: str
    file: str
    start: int  # of the quote in the file
    end: int


class ClaimUsed(BaseModel):
    id: str
    quantity: str
    value: str | None
    unit: str | None
    subject: str | None
    file: str
    start: int | None  # of the value in the file
    end: int | None


class AskMetadata(BaseModel):
    retrieval: Literal["hybrid", "bm25"]
    dense_reason: str | None  # why retrieval is BM25 only
    generator: str  # "extractive" or "chat:<model>"
    linked_entities: list[str]
    numeric: bool
    confidence: float
    threshold: float
    quotes_dropped: int  # quotes that failed the check and were removed
    notes: list[str] = []
    latency_ms: float


class AskResponse(BaseModel):
    question: str
    answer: str
    abstained: bool
    cot_answer: str
    quotes: list[Quote]
    oracle: list[SourcePassage]
    distractors: list[SourcePassage]
    claims: list[ClaimUsed]
    metadata: AskMetadata


class AskSettings(BaseModel):
    """What answering reads from the service Settings (same field names; ``from_settings`` copies them)."""

    ask_abstain_threshold: float = ABSTAIN_THRESHOLD
    chat_base_url: str | None = None  # an OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080
    chat_model: str | None = None
    chat_api_key: SecretStr | None = None
    chat_timeout_s: float = 30.0

    @classmethod
    def from_settings(cls, settings: object) -> AskSettings:
        if isinstance(settings, AskSettings):
            return settings
        return cls(**{name: getattr(settings, name) for name in cls.model_fields if hasattr(settings, name)})


class Answerer:
    """Everything answering needs, built once: the index, term weights and source texts."""

    def __init__(self, index: SearchIndex, texts: SourceTexts, settings: object | None = None) -> None:
        self.index = index
        self.texts = texts
        self.settings = AskSettings.from_settings(settings) if settings is not None else AskSettings()
        self.weights = TermWeights(index)

    def ask(self, request: AskRequest) -> AskResponse:
        return answer_question(self, request)


def _source(hit: Hit, role: Literal["oracle", "distractor"]) -> SourcePassage:
    p = hit.passage
    return SourcePassage(id=p.id, role=role, kind=p.kind.value, document_id=p.document_id, file=p.file,
                         locator=p.locator, start=p.start, end=p.end, text=p.text, score=hit.score)


def check_quotes(answerer: Answerer, quotes: list[tuple[str, Passage]]) -> tuple[list[Quote], int]:
    """The quotes that pass verify_quote, and how many were dropped."""
    kept: list[Quote] = []
    for text, passage in quotes:
        file_text = answerer.texts.get(passage.file)
        check = verify_quote(text, passage, file_text) if file_text is not None else None
        if check is not None and check.ok and check.start is not None and check.end is not None:
            kept.append(Quote(text=text, passage_id=passage.id, file=passage.file, start=check.start, end=check.end))
    return kept, len(quotes) - len(kept)


def _claim_used(claim: Passage, index: SearchIndex) -> ClaimUsed:
    facts = claim.claim
    assert facts is not None
    return ClaimUsed(id=claim.claim_id or claim.id, quantity=facts.quantity, value=facts.value_text, unit=facts.unit,
                     subject=index.label(facts.subject) if facts.subject else None, file=claim.file,
                     start=facts.value_start, end=facts.value_end)


def _roles(hits: list[Hit], oracle_ids: set[str], k: int) -> tuple[list[SourcePassage], list[SourcePassage]]:
    """The first ``k`` hits, every oracle among them (an oracle ranked lower takes the last distractor's place)."""
    oracles = [i for i, h in enumerate(hits) if h.passage.id in oracle_ids][:k]
    others = [i for i, h in enumerate(hits[:k]) if h.passage.id not in oracle_ids][: k - len(oracles)]
    shown = [hits[i] for i in sorted(oracles + others)]
    oracle = [_source(h, "oracle") for h in shown if h.passage.id in oracle_ids]
    distractors = [_source(h, "distractor") for h in shown if h.passage.id not in oracle_ids]
    return oracle, distractors


def build_cot(quotes: list[Quote], answer: str, entities: list[str], quantity: str | None) -> str:
    """The RAFT chain of thought: what to look for, the quoted evidence, the answer."""
    about = ", ".join(entities) if entities else "the question's subject"
    lines = [f"To answer, I look for what the context says about {about}" + (f" ({quantity})." if quantity else ".")]
    for quote in quotes:
        lines.append(f"The passage at {quote.file}:{quote.start}-{quote.end} says {BEGIN_QUOTE}{quote.text}{END_QUOTE}.")
    if answer == NOT_IN_CORPUS:
        lines.append("The context does not hold enough evidence to answer.")
    lines.append(f"<ANSWER>: {answer}")
    return "\n".join(lines)


def answer_question(answerer: Answerer, request: AskRequest) -> AskResponse:
    started = time.perf_counter()
    index = answerer.index
    expansion = index.paraphrases.expand(request.question)
    vector = index.embed_query(f"{request.question} {expansion}" if expansion else request.question)
    question = analyse(request.question, index.link(request.question), expansion,
                       index.paraphrases.sources(request.question))
    hits = index.search(request.question, k=max(CANDIDATE_PASSAGES, request.k), entities=question.entities,
                        query_vector=vector)
    evidence = select_evidence(index, answerer.weights, question, hits, vector)
    threshold = answerer.settings.ask_abstain_threshold
    composed = compose(index, question, evidence)
    abstain = composed is None or evidence.confidence < threshold
    quotes, dropped = ([], 0) if composed is None or abstain else check_quotes(answerer, composed.quotes)
    abstain = abstain or not quotes or dropped > 0  # an answer whose evidence cannot be checked is not given
    answer = NOT_IN_CORPUS if abstain or composed is None else composed.answer
    claims = [] if abstain or composed is None else composed.claims
    labels = [index.label(iri) for iri in question.entities]
    oracle_ids = {q.passage_id for q in quotes}
    oracle, distractors = _roles(hits, oracle_ids, request.k) if not abstain else ([], [_source(h, "distractor") for h in hits[: request.k]])
    generator, notes = "extractive", []
    response = AskResponse(
        question=request.question, answer=answer or NOT_IN_CORPUS, abstained=abstain,
        cot_answer=build_cot(quotes, answer or NOT_IN_CORPUS, labels, claims[0].claim.quantity if claims and claims[0].claim else None),
        quotes=quotes if not abstain else [], oracle=oracle, distractors=distractors,
        claims=[_claim_used(claim, index) for claim in claims],
        metadata=AskMetadata(
            retrieval="hybrid" if vector is not None else "bm25", dense_reason=index.dense_reason, generator=generator,
            linked_entities=labels, numeric=question.numeric, confidence=round(evidence.confidence, 4),
            threshold=threshold, quotes_dropped=dropped, notes=notes, latency_ms=0.0,
        ),
    )
    if request.mode != "extractive" and answerer.settings.chat_base_url and answerer.settings.chat_model:
        from api.chat import chat_answer

        response = chat_answer(answerer, request, response, hits)
    response.metadata.latency_ms = round((time.perf_counter() - started) * 1000, 2)
    return response
