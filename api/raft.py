"""RAFT training sets from the graph (the record schema of gorilla's raft.py, with its defects fixed).

A record: ``id, type, question, context {title: [[...]], sentences: [[...]]}, oracle_context, cot_answer,
instruction`` plus ``sources`` (file, span, title, role of every context document). Questions come from the
graph's claims ("What is the <quantity> of <subject>?"), answered by the claim's value and quoting its sentence,
and from its entities ("What is <name>?", answered by its defining sentence, quoted; see api/raft_entities.py).

Fixes over the reference generator:
* P is honoured exactly: of N records, exactly round(P * N) hold the oracle, the set drawn with
  ``random.Random(seed)`` (the reference flips a coin per record); the others get one more distractor instead.
* No distractor repeats within a record, and none is the oracle or from the oracle's document.
* Chunks are counted in tokens of the embedding model's tokenizer (sentences packed up to ``chunk_tokens``).
* Titles are real (paper title, arXiv id, section heading) and every document carries its source span.
* Every quote in cot_answer is checked against the oracle chunk and the source file (kg/quotes.py).
* Hard distractors first: chunks holding a claim of the same quantity or benchmark about another subject.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from api.ask import BEGIN_QUOTE, END_QUOTE
from api.raft_entities import definition_items, definition_question
from kg.passages import Passage, PassageKind
from kg.quotes import SourceTexts, verify_quote
from kg.search import SearchIndex
from kg.store import GraphStore

FORMATS = ("hf", "completion", "chat")
SYSTEM = "You are a helpful assistant who answers from the documents, quoting them."


class RaftError(ValueError):
    """The dataset cannot be built as asked (no claims, unknown format, ...)."""


class Chunk(BaseModel):
    id: str
    file: str
    document_id: str
    title: str
    start: int
    end: int
    text: str
    tokens: int


class TokenCounter:
    """Tokens of the embedding model's tokenizer (tokenizer.json of the bundled model); words if unavailable."""

    def __init__(self) -> None:
        self._tokenizer = None
        try:
            from tokenizers import Tokenizer

            from kg.embeddings import DEFAULT_MODEL, model_location

            path = Path(model_location(DEFAULT_MODEL)) / "tokenizer.json"
            self._tokenizer = Tokenizer.from_file(str(path)) if path.is_file() else None
        except ImportError:  # counting words instead
            self._tokenizer = None

    def count(self, text: str) -> int:
        if self._tokenizer is None:
            return len(text.split())
        return len(self._tokenizer.encode(text, add_special_tokens=False).ids)


def chunk_documents(index: SearchIndex, texts: SourceTexts, chunk_tokens: int, counter: TokenCounter) -> list[Chunk]:
    """Consecutive sentences of each document packed into chunks of at most ``chunk_tokens`` tokens (a longer
    sentence is a chunk of its own)."""
    by_doc: dict[str, list[Passage]] = {}
    for p in index.passages:
        if p.kind is PassageKind.sentence:
            by_doc.setdefault(p.document_id, []).append(p)
    chunks: list[Chunk] = []
    for doc_id, sentences in sorted(by_doc.items()):
        sentences.sort(key=lambda p: p.start)
        group: list[Passage] = []
        size = 0
        for sentence in sentences:
            n = counter.count(sentence.text)
            if group and (size + n > chunk_tokens or sentence.locator != group[0].locator):
                chunks.append(_chunk(group, size, texts))
                group, size = [], 0
            group.append(sentence)
            size += n
        if group:
            chunks.append(_chunk(group, size, texts))
    return chunks


def _chunk(group: list[Passage], tokens: int, texts: SourceTexts) -> Chunk:
    first, last = group[0], group[-1]
    file_text = texts.get(first.file)
    text = file_text[first.start : last.end] if file_text is not None else " ".join(p.text for p in group)
    return Chunk(id=f"{first.file}/{first.start}-{last.end}", file=first.file, document_id=first.document_id,
                 title=first.locator, start=first.start, end=last.end, text=text, tokens=tokens)


def question_for(index: SearchIndex, claim: Passage) -> str | None:
    if (defined := definition_question(index, claim)) is not None:
        return defined
    facts = claim.claim
    if facts is None or facts.subject is None or facts.value_text is None or facts.quantity == "value":
        return None
    on = f" on {index.label(facts.benchmark)}" if facts.benchmark else ""
    return f"What {facts.quantity} does the corpus report for {index.label(facts.subject)}{on}?"


def _hard_pool(claim: Passage, claims: list[Passage]) -> list[Passage]:
    facts = claim.claim
    assert facts is not None
    return [c for c in claims if c.claim is not None and c.claim.subject != facts.subject
            and c.document_id != claim.document_id
            and (c.claim.quantity == facts.quantity or (facts.benchmark and c.claim.benchmark == facts.benchmark))]


def _containing(chunks_by_doc: dict[str, list[Chunk]], passage: Passage) -> Chunk | None:
    return next((c for c in chunks_by_doc.get(passage.document_id, []) if c.start <= passage.start and passage.end <= c.end), None)


def build_raft_dataset(index: SearchIndex, store: GraphStore | None, p: float, distractors: int, seed: int,
                       chunk_tokens: int = 256, fmt: str = "hf", texts: SourceTexts | None = None,
                       limit: int | None = None) -> list[dict[str, Any]]:
    """RAFT records for the graph's claims; see the module docstring for the exact semantics."""
    if fmt not in FORMATS:
        raise RaftError(f"unknown format {fmt!r}; known formats: {', '.join(FORMATS)}")
    if not 0.0 <= p <= 1.0:
        raise RaftError(f"p must be in [0, 1], not {p}")
    texts = texts or SourceTexts([])
    rng = random.Random(seed)
    chunks = chunk_documents(index, texts, chunk_tokens, TokenCounter())
    by_doc: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        by_doc.setdefault(chunk.document_id, []).append(chunk)
    claims = [c for c in index.passages if c.kind is PassageKind.claim and question_for(index, c)]
    claims += definition_items(index)
    seen_questions: set[str] = set()
    items: list[tuple[Passage, Chunk, str]] = []
    for claim in claims:
        question, oracle = question_for(index, claim), _containing(by_doc, claim)
        if question and oracle and question not in seen_questions:
            seen_questions.add(question)
            items.append((claim, oracle, question))
    if limit is not None:
        items = items[:limit]
    if not items:
        raise RaftError("the graph has no claims with a subject and a value, nor defined entities, to ask about")
    with_oracle = set(rng.sample(range(len(items)), round(p * len(items))))
    records = [_record(i, item, i in with_oracle, distractors, chunks, by_doc, claims, rng, texts)
               for i, item in enumerate(items)]
    return [format_record(r, fmt) for r in records]


def _distractors(claim: Passage, oracle: Chunk, n: int, chunks: list[Chunk], by_doc: dict[str, list[Chunk]],
                 claims: list[Passage], rng: random.Random) -> list[tuple[Chunk, bool]]:
    picked: dict[str, tuple[Chunk, bool]] = {}
    hard = _hard_pool(claim, claims)
    rng.shuffle(hard)
    for other in hard:
        chunk = _containing(by_doc, other)
        if len(picked) < n and chunk is not None and chunk.id not in picked and chunk.document_id != oracle.document_id:
            picked[chunk.id] = (chunk, True)
    candidates = [c for c in chunks if c.document_id != oracle.document_id and c.id not in picked]
    for chunk in rng.sample(candidates, min(len(candidates), n - len(picked))):
        picked[chunk.id] = (chunk, False)
    return list(picked.values())


def _record(i: int, item: tuple[Passage, Chunk, str], keep_oracle: bool, n: int, chunks: list[Chunk],
            by_doc: dict[str, list[Chunk]], claims: list[Passage], rng: random.Random, texts: SourceTexts) -> dict[str, Any]:
    claim, oracle, question = item
    shown = _distractors(claim, oracle, n if keep_oracle else n + 1, chunks, by_doc, claims, rng)
    docs = [(oracle, "oracle")] if keep_oracle else []
    docs += [(chunk, "hard_distractor" if hard else "distractor") for chunk, hard in shown]
    rng.shuffle(docs)
    cot = _cot(claim, oracle, texts)
    instruction = "".join(f"<DOCUMENT>{c.text}</DOCUMENT>\n" for c, _ in docs) + question
    return {
        "id": f"claimgraph-{i}", "type": "general", "question": question,
        "context": {"title": [[c.title for c, _ in docs]], "sentences": [[c.text for c, _ in docs]]},
        "oracle_context": oracle.text, "cot_answer": cot, "instruction": instruction,
        "sources": [{"file": c.file, "start": c.start, "end": c.end, "title": c.title, "role": role,
                     "quantity": _quantity_in(c, claims)} for c, role in docs],
        "claim_id": claim.claim_id,
    }


def _quantity_in(chunk: Chunk, claims: list[Passage]) -> list[str]:
    return sorted({c.claim.quantity for c in claims if c.claim and c.file == chunk.file and chunk.start <= c.start < chunk.end})


def _cot(claim: Passage, oracle: Chunk, texts: SourceTexts) -> str:
    facts = claim.claim
    assert facts is not None
    oracle_passage = Passage(id=oracle.id, kind=PassageKind.window, text=oracle.text, file=oracle.file,
                             document_id=oracle.document_id, locator=oracle.title, start=oracle.start, end=oracle.end)
    file_text = texts.get(oracle.file)
    check = verify_quote(claim.text, oracle_passage, file_text) if file_text is not None else None
    if check is None or not check.ok:
        raise RaftError(f"quote of claim {claim.claim_id} failed the check: {check.reason if check else 'no source text'}")
    return (f"##Reason: The document titled {oracle.title!r} states {BEGIN_QUOTE}{claim.text}{END_QUOTE}, "
            f"which gives the {facts.quantity}.\n<ANSWER>: {facts.value_text}")


def format_record(record: dict[str, Any], fmt: str) -> dict[str, Any]:
    if fmt == "hf":
        return record
    if fmt == "completion":
        return {"prompt": record["instruction"], "completion": record["cot_answer"], "id": record["id"]}
    return {"id": record["id"], "messages": [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": record["instruction"]},
        {"role": "assistant", "content": record["cot_answer"]},
    ]}


def write_records(records: list[dict[str, Any]], out: Path) -> None:
    """JSONL, or Parquet when the file name ends in .parquet."""
    if out.suffix == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(records), out)
        return
    with out.open("w", encoding="utf-8") as sink:
        for record in records:
            sink.write(json.dumps(record, ensure_ascii=False) + "\n")
