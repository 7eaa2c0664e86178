"""Score question answering against a question set in the format of ``shared/eval/dev_qa.json``.

Rules, written down so the numbers can be reproduced:

* Retrieval: the ranked list is ``SearchIndex.search(question, k=10)`` (the stage `/ask` starts from). A gold
  evidence counts as retrieved at rank r when the passage at rank r contains it after whitespace normalisation,
  or overlaps its span in the same file (the evidence is located in the file, whitespace-normalised, first
  occurrence). Recall@k averages, over answerable questions, the share of their gold sources retrieved in the
  top k; MRR averages 1/rank of the first retrieved gold source (0 when none is in the top 10).
* Answer accuracy: an unanswerable question is right when the answer is NOT_IN_CORPUS; any other is right when
  the normalised gold answer or one of its aliases is contained in the normalised answer (NFKC, lower case,
  "×" as "x", whitespace collapsed).
* Aggregate F1: per aggregate question, recall is the share of ``answer_set`` items contained in the answer,
  precision the share of the answer's items (split on commas, semicolons and "and") that contain or are
  contained in a gold item; F1 averaged over those questions.
* Abstention precision/recall: over abstained answers / over unanswerable questions.
* Latency: wall time of each answer after one warm-up question; p50 and p95 in milliseconds.
"""

from __future__ import annotations

import json
import re
import statistics
import time
import unicodedata
from pathlib import Path

from pydantic import BaseModel

from api.ask import NOT_IN_CORPUS, Answerer, AskRequest
from kg.passages import Passage
from kg.quotes import locate, normalise_space


class GoldSource(BaseModel):
    file: str
    locator: str = ""
    evidence: str


class QAItem(BaseModel):
    id: str
    type: str
    question: str
    answer: str
    answer_aliases: list[str] = []
    answer_set: list[str] = []
    gold_sources: list[GoldSource] = []


class QAScore(BaseModel):
    recall_at_1: float
    recall_at_5: float
    recall_at_10: float
    mrr: float
    answer_accuracy: float
    aggregate_f1: float
    abstention_precision: float
    abstention_recall: float
    p50_ms: float
    p95_ms: float


class QAOutcome(BaseModel):
    id: str
    answer: str
    correct: bool
    first_gold_rank: int | None
    confidence: float


def load_questions(path: Path) -> list[QAItem]:
    return [QAItem.model_validate(item) for item in json.loads(path.read_text(encoding="utf-8"))]


def normalise_answer(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower().replace("×", "x").replace("\\%", "%")
    return normalise_space(text)


def answer_correct(item: QAItem, answer: str) -> bool:
    if item.answer == NOT_IN_CORPUS:
        return answer == NOT_IN_CORPUS
    if answer == NOT_IN_CORPUS:
        return False
    predicted = normalise_answer(answer)
    return any(normalise_answer(gold) in predicted for gold in [item.answer, *item.answer_aliases] if gold.strip())


def set_f1(gold: list[str], answer: str) -> float:
    predicted = normalise_answer(answer)
    items = [normalise_answer(p) for p in re.split(r",|;|\band\b", answer) if p.strip()]
    golds = [normalise_answer(g) for g in gold]
    recall = sum(g in predicted for g in golds) / len(golds) if golds else 0.0
    precision = sum(any(g in p or p in g for g in golds) for p in items) / len(items) if items else 0.0
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def _matches(passage: Passage, source: GoldSource, span: tuple[int, int] | None) -> bool:
    if passage.file != source.file:
        return False
    if normalise_space(source.evidence) in normalise_space(passage.text):
        return True
    return span is not None and passage.start < span[1] and span[0] < passage.end


def _gold_ranks(answerer: Answerer, item: QAItem, ranked: list[Passage]) -> list[int | None]:
    ranks: list[int | None] = []
    for source in item.gold_sources:
        text = answerer.texts.get(source.file)
        span = locate(source.evidence, text) if text is not None else None
        ranks.append(next((r for r, p in enumerate(ranked, 1) if _matches(p, source, span)), None))
    return ranks


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def evaluate(answerer: Answerer, items: list[QAItem]) -> tuple[QAScore, list[QAOutcome]]:
    if items:
        answerer.ask(AskRequest(question=items[0].question))  # warm-up: embedder, caches
    recalls: dict[int, list[float]] = {1: [], 5: [], 10: []}
    reciprocal: list[float] = []
    latencies: list[float] = []
    outcomes: list[QAOutcome] = []
    for item in items:
        started = time.perf_counter()
        response = answerer.ask(AskRequest(question=item.question))
        latencies.append((time.perf_counter() - started) * 1000)
        ranked = [hit.passage for hit in answerer.index.search(item.question, k=10)]
        ranks = _gold_ranks(answerer, item, ranked)
        if ranks:
            for k in recalls:
                recalls[k].append(sum(r is not None and r <= k for r in ranks) / len(ranks))
            found = [r for r in ranks if r is not None]
            reciprocal.append(1 / min(found) if found else 0.0)
        outcomes.append(QAOutcome(id=item.id, answer=response.answer, correct=answer_correct(item, response.answer),
                                  first_gold_rank=min((r for r in ranks if r is not None), default=None),
                                  confidence=response.metadata.confidence))
    return _score(items, outcomes, recalls, reciprocal, latencies), outcomes


def _score(items: list[QAItem], outcomes: list[QAOutcome], recalls: dict[int, list[float]],
           reciprocal: list[float], latencies: list[float]) -> QAScore:
    mean = lambda values: statistics.fmean(values) if values else 0.0  # noqa: E731
    aggregate = [set_f1(i.answer_set, o.answer) for i, o in zip(items, outcomes) if i.type == "aggregate" and i.answer_set]
    abstained = [i.answer == NOT_IN_CORPUS for i, o in zip(items, outcomes) if o.answer == NOT_IN_CORPUS]
    unanswerable = [o.answer == NOT_IN_CORPUS for i, o in zip(items, outcomes) if i.answer == NOT_IN_CORPUS]
    return QAScore(
        recall_at_1=mean(recalls[1]), recall_at_5=mean(recalls[5]), recall_at_10=mean(recalls[10]), mrr=mean(reciprocal),
        answer_accuracy=mean([float(o.correct) for o in outcomes]), aggregate_f1=mean(aggregate),
        abstention_precision=mean([float(a) for a in abstained]), abstention_recall=mean([float(u) for u in unanswerable]),
        p50_ms=_percentile(latencies, 0.5), p95_ms=_percentile(latencies, 0.95),
    )
