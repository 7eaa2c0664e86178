"""Evidence selection for extractive answers: score the sentences inside the top passages against the
question, pick the claim that answers a numeric question, and say how confident the pick is.

    sentence score = W_COSINE * cos(question, sentence) + W_OVERLAP * idf-weighted term overlap
                     + W_PRIOR / rank of the best passage holding the sentence
    claim score    = sentence score + W_CLAIM * claim_match (quantity/unit cue, linked entity)

Weights and ABSTAIN_THRESHOLD were tuned on the development set (see api/qa_eval.py); the confidence is the
best sentence score, less NUMERIC_MISS_PENALTY when a numeric question finds no claim of a fitting quantity.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
from pydantic import BaseModel, ConfigDict

from kg.lexical import tokenize
from kg.passages import Passage
from kg.questions import QuestionAnalysis, claim_match
from kg.search import Hit, SearchIndex

W_COSINE = 0.5
W_OVERLAP = 0.35
W_PRIOR = 0.15
W_CLAIM = 0.3
NUMERIC_MISS_PENALTY = 0.1
UNKNOWN_NAME_PENALTY = 0.2  # the question names something (e.g. "SpecDec++") no passage contains
W_PROXIMITY = 0.2
ABSTAIN_THRESHOLD = 0.40  # confidence below it: NOT_IN_CORPUS
CANDIDATE_PASSAGES = 20


class ScoredSentence(BaseModel):
    model_config = ConfigDict(frozen=True)

    sentence: Passage
    holder: Passage  # the retrieved passage the sentence was found in (the oracle)
    rank: int  # of the holder among the hits, from 1
    score: float


class Evidence(BaseModel):
    model_config = ConfigDict(frozen=True)

    best: ScoredSentence | None
    claim: Passage | None  # the claim answering a numeric question
    confidence: float
    ranked: list[ScoredSentence]


class TermWeights:
    """IDF of every token over the sentence passages, computed once per index."""

    def __init__(self, index: SearchIndex) -> None:
        counts: Counter[str] = Counter()
        sentences = [p for p in index.passages if p.kind.value == "sentence"]
        for passage in sentences:
            counts.update(set(tokenize(passage.text)))
        self._n = max(1, len(sentences))
        self._idf = {token: math.log(1 + self._n / n) for token, n in counts.items()}
        self._tokens: dict[str, frozenset[str]] = {}

    def idf(self, token: str) -> float:
        return self._idf.get(token, math.log(1 + self._n))

    def tokens(self, passage: Passage) -> frozenset[str]:
        found = self._tokens.get(passage.id)
        if found is None:
            found = self._tokens[passage.id] = frozenset(tokenize(f"{passage.locator} {passage.text}"))
        return found

    def overlap(self, question: tuple[str, ...], present: frozenset[str]) -> float:
        wanted = set(question)
        total = sum(self.idf(t) for t in wanted)
        if total == 0:
            return 0.0
        return sum(self.idf(t) for t in wanted & present) / total


def _candidates(index: SearchIndex, hits: list[Hit]) -> dict[str, tuple[Passage, Passage, int]]:
    found: dict[str, tuple[Passage, Passage, int]] = {}
    for rank, hit in enumerate(hits, start=1):
        for sentence in index.sentences_within(hit.passage):
            found.setdefault(sentence.id, (sentence, hit.passage, rank))
    return found


def select_evidence(index: SearchIndex, weights: TermWeights, question: QuestionAnalysis, hits: list[Hit],
                    query_vector: np.ndarray | None) -> Evidence:
    ranked: list[ScoredSentence] = []
    # BM25 only: the cosine's weight moves to term overlap, so confidences stay on one scale
    w_overlap = W_OVERLAP if query_vector is not None else W_OVERLAP + W_COSINE
    for sentence, holder, rank in _candidates(index, hits).values():
        cosine = 0.0
        if query_vector is not None and (vector := index.vector_of(sentence.id)) is not None:
            cosine = float(vector @ query_vector)
        overlap = weights.overlap(question.tokens, weights.tokens(sentence))
        score = W_COSINE * cosine + w_overlap * overlap + W_PRIOR / rank
        ranked.append(ScoredSentence(sentence=sentence, holder=holder, rank=rank, score=score))
    ranked.sort(key=lambda s: -s.score)
    if not ranked:
        return Evidence(best=None, claim=None, confidence=0.0, ranked=[])
    best, claim, confidence = ranked[0], None, ranked[0].score
    if question.numeric:
        best, claim, confidence = _numeric(index, weights, question, ranked[:5])
    if any(not index.lexical.knows(name) for name in question.names):
        confidence -= UNKNOWN_NAME_PENALTY
    return Evidence(best=best, claim=claim, confidence=confidence, ranked=ranked)


def _proximity(weights: TermWeights, question: QuestionAnalysis, sentence: Passage, claim: Passage) -> float:
    """Share of the question's terms (idf-weighted) in the 40 characters either side of the claim's value."""
    facts = claim.claim
    if facts is None or facts.value_start is None or facts.value_end is None:
        return 0.0
    start, end = facts.value_start - sentence.start, facts.value_end - sentence.start
    near = sentence.text[max(0, start - 40) : start] + " " + sentence.text[end : end + 40]
    return weights.overlap(question.tokens, frozenset(tokenize(near)))


def _numeric(index: SearchIndex, weights: TermWeights, question: QuestionAnalysis,
             ranked: list[ScoredSentence]) -> tuple[ScoredSentence, Passage | None, float]:
    choice: tuple[float, ScoredSentence, Passage] | None = None
    for scored in ranked:
        for claim in index.claims_of(scored.sentence):
            if claim.claim is None or claim.claim.value_text is None:
                continue
            match = claim_match(question, claim.claim)
            if match < 0.5:  # the quantity must fit; an entity alone does not make a number the answer
                continue
            total = scored.score + W_CLAIM * match + W_PROXIMITY * _proximity(weights, question, scored.sentence, claim)
            if choice is None or total > choice[0]:
                choice = (total, scored, claim)
    if choice is None:
        return ranked[0], None, ranked[0].score - NUMERIC_MISS_PENALTY
    return choice[1], choice[2], choice[1].score
