"""`kg ask`, `kg export-raft` and `kg eval-qa`: registered on the `kg` app in api/cli.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.table import Table

from api.cli_common import IndexOption, JsonOption, StoreOption, console, errors, fail, open_store, settings_with
from api.settings import Settings

if TYPE_CHECKING:
    from api.ask import Answerer


def _answerer(settings: Settings) -> Answerer:
    from api.ask import Answerer
    from kg.quotes import SourceTexts
    from kg.search_index import IndexMissing, SearchSettings, open_search_index

    try:
        index = open_search_index(settings)
    except IndexMissing as error:
        raise fail(str(error)) from error
    index.warm()
    search = SearchSettings.from_settings(settings)
    return Answerer(index, SourceTexts([settings.seeds_path, search.index_path / "sources"]), settings)


def ask(
    question: Annotated[str, typer.Argument(help="A question about the corpus.")],
    k: Annotated[int, typer.Option("--k", help="Passages shown (oracle + distractors).")] = 5,
    index: IndexOption = None,
    as_json: JsonOption = False,
) -> None:
    """Answer a question from the graph with checked quotes, or NOT_IN_CORPUS."""
    from api.ask import AskRequest

    response = _answerer(settings_with(index=index)).ask(AskRequest(question=question, k=k))
    if as_json:
        print(response.model_dump_json(indent=2))
        return
    console.print(response.cot_answer, highlight=False)
    table = Table("role", "locator", "file", "span", show_lines=False)
    for source in [*response.oracle, *response.distractors]:
        table.add_row(source.role, source.locator[:70], source.file, f"{source.start}-{source.end}")
    console.print(table)
    meta = response.metadata
    console.print(f"retrieval: {meta.retrieval}" + (f" ({meta.dense_reason})" if meta.dense_reason else "")
                  + f"; confidence {meta.confidence:.3f} (threshold {meta.threshold}); {meta.latency_ms:.1f} ms")


def export_raft(
    out: Annotated[Path, typer.Option("--out", help="Output file (.jsonl or .parquet).")],
    p: Annotated[float, typer.Option("--p", min=0.0, max=1.0, help="Share of records whose context holds the oracle.")] = 0.8,
    distractors: Annotated[int, typer.Option("--distractors", min=0, help="Distractor documents per record.")] = 3,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random generator.")] = 0,
    chunk_tokens: Annotated[int, typer.Option("--chunk-tokens", min=16, help="Chunk size in tokens.")] = 256,
    fmt: Annotated[str, typer.Option("--format", help="hf | completion | chat")] = "hf",
    limit: Annotated[Optional[int], typer.Option("--limit", min=1, help="At most this many questions.")] = None,
    index: IndexOption = None,
    store: StoreOption = None,
) -> None:
    """Export a RAFT training set built from the graph's claims (JSONL or Parquet by the file's suffix)."""
    from api.raft import FORMATS, RaftError, build_raft_dataset, write_records

    if fmt not in FORMATS:
        raise fail(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    settings = settings_with(store, index)
    answerer = _answerer(settings)
    try:
        with open_store(settings) as graph:
            records = build_raft_dataset(answerer.index, graph, p=p, distractors=distractors, seed=seed,
                                         chunk_tokens=chunk_tokens, fmt=fmt, texts=answerer.texts, limit=limit)
        write_records(records, out)
    except RaftError as error:
        raise fail(str(error)) from error
    except OSError as error:
        raise fail(f"{out}: cannot write: {error.strerror}") from error
    errors.print(f"wrote {len(records)} records to {out}")


def eval_qa(
    file: Annotated[Path, typer.Argument(help="Questions in the dev_qa.json format.")],
    index: IndexOption = None,
    as_json: JsonOption = False,
) -> None:
    """Recall@1/5/10, MRR, answer accuracy, aggregate F1, abstention precision/recall and latency."""
    from api.qa_eval import evaluate, load_questions

    try:
        items = load_questions(file)
    except (OSError, ValueError) as error:
        raise fail(f"{file}: {error}") from error
    score, outcomes = evaluate(_answerer(settings_with(index=index)), items)
    if as_json:
        print(json.dumps(score.model_dump(mode="json")))
        return
    table = Table("id", "correct", "gold rank", "confidence", "answer")
    for outcome in outcomes:
        table.add_row(outcome.id, "yes" if outcome.correct else "no", str(outcome.first_gold_rank or "-"),
                      f"{outcome.confidence:.3f}", outcome.answer[:80])
    console.print(table)
    summary = Table(*score.model_dump().keys())
    summary.add_row(*(f"{v:.3f}" for v in score.model_dump().values()))
    console.print(summary)
