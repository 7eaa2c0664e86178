"""Evidence selection for extractive answers: score the sentences inside the top passages against the
question, pick the claim that answers a numeric question, and say how confident the pick is.

    sentence score = W_COSINE * cos(question, sentence) + W_OVERLAP * idf-weighted term overlap
                     + W_PRIOR / rank of the best passage holding the sentence
    claim score    = sentence score + W_CLAIM * claim_match (quantity/unit cue, linked entities)
                     + W_PROXIMITY * question terms near the value

Term overlap counts the question's words, and at W_EXPANSION the field's words for its paraphrases. A question
naming two kinds of source ("the newsletter ... the arXiv dump") is answered from the best sentence of each.

The confidence is the best sentence score; plus CLAIM_CONFIDENCE * claim_match when a claim of a fitting
quantity answers a numeric question, less NUMERIC_MISS_PENALTY when none does; less UNKNOWN_NAME_PENALTY when
the question names a word no passage holds; less W_MISSING times the (idf-weighted) share of the question's
linked entities that the evidence's regions (its paper, or its newsletter section) never mention.
Weights and ABSTAIN_THRESHOLD were tuned on the development set (see api/qa_eval.py).
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
from pydantic import BaseModel, ConfigDict

from kg.lexical import tokenize
from kg.passages import Passage
from kg.questions import QuestionAnalysis, claim_match, states_number
from kg.search import Hit, SearchIndex

W_COSINE = 0.5
W_OVERLAP = 0.35
W_EXPANSION = 0.5  # an expansion word counts half a word of the question
W_PRIOR = 0.15
W_CLAIM = 0.3
W_PROXIMITY = 0.2
CLAIM_CONFIDENCE = 0.15
NUMERIC_MISS_PENALTY = 0.1
UNKNOWN_NAME_PENALTY = 0.2  # the question names something (e.g. "SpecDec++") no passage contains
W_MISSING = 0.4
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
    parts: list[tuple[ScoredSentence, Passage | None]] = []  # one (sentence, claim) per named source, when 2+


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

    def overlap(self, question: tuple[str, ...], present: frozenset[str], extra: tuple[str, ...] = ()) -> float:
        wanted = set(question)
        total = sum(self.idf(t) for t in wanted)
        if total == 0:
            return 0.0
        found = sum(self.idf(t) for t in wanted & present) + W_EXPANSION * sum(self.idf(t) for t in set(extra) & present)
        return min(1.0, found / total)


def _candidates(index: SearchIndex, hits: list[Hit]) -> dict[str, tuple[Passage, Passage, int]]:
    found: dict[str, tuple[Passage, Passage, int]] = {}
    for rank, hit in enumerate(hits, start=1):
        for sentence in index.sentences_within(hit.passage):
            found.setdefault(sentence.id, (sentence, hit.passage, rank))
    return found


def rank_sentences(index: SearchIndex, weights: TermWeights, question: QuestionAnalysis, hits: list[Hit],
                   query_vector: np.ndarray | None) -> list[ScoredSentence]:
    ranked: list[ScoredSentence] = []
    # BM25 only: the cosine's weight moves to term overlap, so confidences stay on one scale
    w_overlap = W_OVERLAP if query_vector is not None else W_OVERLAP + W_COSINE
    for sentence, holder, rank in _candidates(index, hits).values():
        cosine = 0.0
        if query_vector is not None and (vector := index.vector_of(sentence.id)) is not None:
            cosine = float(vector @ query_vector)
        overlap = weights.overlap(question.tokens, weights.tokens(sentence), question.expansion)
        score = W_COSINE * cosine + w_overlap * overlap + W_PRIOR / rank
        ranked.append(ScoredSentence(sentence=sentence, holder=holder, rank=rank, score=score))
    ranked.sort(key=lambda s: -s.score)
    return ranked


def select_evidence(index: SearchIndex, weights: TermWeights, question: QuestionAnalysis, hits: list[Hit],
                    query_vector: np.ndarray | None) -> Evidence:
    ranked = rank_sentences(index, weights, question, hits, query_vector)
    if not ranked:
        return Evidence(best=None, claim=None, confidence=0.0, ranked=[])
    groups = _per_source(question, ranked)
    if groups:  # one answer part per named source; a part may lack a number, the parts together may not
        parts = sorted((_answer_part(index, weights, question, group) for group in groups), key=lambda p: -p[2])
        parts = [parts[0], *(_bridged(index, question, ranked, parts[0][1], p) for p in parts[1:])]
        best_match = max(p[3] for p in parts)
        confidence = sum(p[0].score for p in parts) / len(parts) + CLAIM_CONFIDENCE * best_match
        if question.numeric and best_match == 0.0:
            confidence -= NUMERIC_MISS_PENALTY
    else:
        parts = [_answer_part(index, weights, question, ranked[:5])]
        confidence = parts[0][2]
    best, claim = parts[0][0], parts[0][1]
    if any(not index.lexical.knows(name) for name in question.names):
        confidence -= UNKNOWN_NAME_PENALTY
    confidence -= W_MISSING * _missing(index, question, [p[0].sentence for p in parts])
    return Evidence(best=best, claim=claim, confidence=confidence, ranked=ranked,
                    parts=[(p[0], p[1]) for p in parts] if groups else [])


def _bridged(index: SearchIndex, question: QuestionAnalysis, ranked: list[ScoredSentence], bridge: Passage | None,
             part: tuple[ScoredSentence, Passage | None, float, float]) -> tuple[ScoredSentence, Passage | None, float, float]:
    """A later part of a question asking for something with "the same" value as the first part (a bridge): the
    best sentence of its source holding a claim of that value about an entity the question does not name."""
    if bridge is None or bridge.claim is None or not question.seeks_entity or " same " not in f" {question.text.lower()} ":
        return part
    value = bridge.claim.value_text
    for scored in ranked:
        if scored.sentence.source != part[0].sentence.source or scored.sentence.document_id == bridge.document_id:
            continue
        for claim in index.claims_of(scored.sentence):
            facts = claim.claim
            if facts and facts.value_text == value and facts.subject and facts.subject not in question.entities:
                return scored, claim, max(part[2], scored.score), part[3]
    return part


def _per_source(question: QuestionAnalysis, ranked: list[ScoredSentence]) -> list[list[ScoredSentence]]:
    """The best sentences (three) from each kind of source the question names, when it names two or more."""
    if len(question.sources) < 2:
        return []
    groups = [[s for s in ranked if s.sentence.source == kind][:3] for kind in sorted(question.sources)]
    found = [g for g in groups if g]
    return found if len(found) >= 2 else []


def _missing(index: SearchIndex, question: QuestionAnalysis, sentences: list[Passage]) -> float:
    """The idf-weighted share of the question's linked entities that no region of the evidence mentions."""
    if not question.entities:
        return 0.0
    present = set().union(*(index.region_entities(s) | set(s.entities) for s in sentences))
    weights = {iri: index.entity_weight(iri) for iri in question.entities}
    return sum(w for iri, w in weights.items() if iri not in present) / sum(weights.values())


def _answer_part(index: SearchIndex, weights: TermWeights, question: QuestionAnalysis,
                 ranked: list[ScoredSentence]) -> tuple[ScoredSentence, Passage | None, float, float]:
    """The answering sentence, its claim (numeric questions), the confidence and the claim's fit."""
    if not question.numeric:
        return ranked[0], None, ranked[0].score, 0.0
    return _numeric(index, weights, question, ranked)


def _proximity(weights: TermWeights, question: QuestionAnalysis, sentence: Passage, claim: Passage) -> float:
    """Share of the question's terms (idf-weighted) in the 40 characters either side of the claim's value."""
    facts = claim.claim
    if facts is None or facts.value_start is None or facts.value_end is None:
        return 0.0
    start, end = facts.value_start - sentence.start, facts.value_end - sentence.start
    near = sentence.text[max(0, start - 40) : start] + " " + sentence.text[end : end + 40]
    return weights.overlap(question.tokens, frozenset(tokenize(near)))


def _fits(index: SearchIndex, question: QuestionAnalysis, claim: Passage) -> float:
    """claim_match, or 0 when the claim cannot answer: no number in its value, or measured on a benchmark
    other than the one the question names."""
    facts = claim.claim
    if facts is None or not states_number(facts.value_text):
        return 0.0
    named = set(question.entities) & index.benchmarks
    if named and facts.benchmark not in named:
        return 0.0
    return claim_match(question, facts)


def _numeric(index: SearchIndex, weights: TermWeights, question: QuestionAnalysis,
             ranked: list[ScoredSentence]) -> tuple[ScoredSentence, Passage | None, float, float]:
    choice: tuple[float, ScoredSentence, Passage, float] | None = None
    for scored in ranked:
        for claim in index.claims_of(scored.sentence):
            match = _fits(index, question, claim)
            if match < 0.5:  # the quantity must fit; an entity alone does not make a number the answer
                continue
            total = scored.score + W_CLAIM * match + W_PROXIMITY * _proximity(weights, question, scored.sentence, claim)
            if choice is None or total > choice[0]:
                choice = (total, scored, claim, match)
    if choice is None:
        return ranked[0], None, ranked[0].score - NUMERIC_MISS_PENALTY, 0.0
    return choice[1], choice[2], choice[1].score + CLAIM_CONFIDENCE * choice[3], choice[3]
