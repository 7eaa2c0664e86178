"""The `kg` command: ingest sources, inspect and query the graph, export it, score claim extraction."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from api.cli_common import JsonOption, StoreOption, console, errors, fail, open_store, settings_with
from api.settings import Settings
from ingest.errors import SourceError

if TYPE_CHECKING:
    from kg.parallel_ingest import ParallelOptions
    from kg.search_index import IndexStats
    from kg.store import GraphStore

app = typer.Typer(help="ClaimGraph: a static analyser for numeric claims in ML research text.", no_args_is_help=True)
EXPORT_FORMATS = ("ttl", "nt", "nq", "trig", "jsonld")


@app.command()
def ingest(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Files or directories (default: seeds/).")] = None,
    store: StoreOption = None,
    vocabulary: Annotated[Optional[list[Path]], typer.Option("--vocabulary", help="Extra vocabulary JSON file(s).")] = None,
    index: Annotated[bool, typer.Option("--index/--no-index", help="Update the search index (passages, BM25, embeddings) afterwards.")] = True,
    workers: Annotated[Optional[int], typer.Option(help="Read and embed on a local Dask cluster of this many processes (default: $CLAIMGRAPH_INGEST_WORKERS, 0 = serial).")] = None,
    scheduler: Annotated[Optional[str], typer.Option(help="Read and embed on the Dask cluster at this scheduler address (default: $CLAIMGRAPH_DASK_SCHEDULER).")] = None,
    batch_size: Annotated[int, typer.Option(help="Documents per parallel task and N-Quads shard.")] = 500,
    bulk: Annotated[bool, typer.Option(help="Parallel only: Oxigraph's bulk loader, faster but not transactional (for a store nothing reads yet).")] = False,
    as_json: JsonOption = False,
) -> None:
    """Read source files into the graph; each file replaces its own named graph in one transaction."""
    from ingest.sources import find_source_files
    from ingest.vocabulary import load_vocabulary
    from kg.load import load_sources
    from kg.parallel_ingest import ParallelOptions, ingest_parallel

    settings = settings_with(store)
    workers = settings.ingest_workers if workers is None else workers
    scheduler = scheduler or settings.dask_scheduler
    parallel = ParallelOptions(scheduler=scheduler, workers=max(workers, 1), batch_documents=batch_size,
                               shard_dir=settings.ingest_shard_dir, bulk=bulk) if workers or scheduler else None
    try:
        files = find_source_files(paths or [settings.seeds_path])
        if not files:
            raise fail(f"no source files found in {', '.join(str(p) for p in paths or [settings.seeds_path])}")
        words = load_vocabulary([*settings.vocabulary_paths, *(vocabulary or [])])
        with open_store(settings) as graph, _progress(disable=as_json) as progress:
            task = progress.add_task("reading", total=len(files))
            read = lambda path: progress.update(task, advance=1, description=path.name)
            summary = (ingest_parallel(graph, files, words, parallel, on_file=read) if parallel
                       else load_sources(graph, files, words, on_file=read))
            if index:
                progress.update(task, description="search index")
                search = _index_with_embeddings(graph, settings, parallel)
    except SourceError as error:
        raise fail(str(error)) from error
    if as_json:
        print(json.dumps({**summary.model_dump(mode="json"), **({"index": search.model_dump(mode="json")} if index else {})}, indent=2))
        return
    table = Table(title=f"Ingested into {settings.store_path}")
    for column in ("file", "format", "documents", "papers", "entities", "mentions", "claims", "triples"):
        table.add_column(column, justify="left" if column in ("file", "format") else "right")
    for row in summary.files:
        table.add_row(row.file, row.format, *(str(v) for v in (row.documents, row.papers, row.entities, row.mentions, row.claims, row.triples)))
    console.print(table)
    console.print(f"{summary.seconds:.2f} s")
    if index:
        console.print(f"search index: {search.passages} passages, {search.embedded} embedded, {search.reused} reused, "
                      f"{'dense ' + str(search.model) if search.dense else 'BM25 only: ' + str(search.reason)} ({search.seconds:.1f} s)")


def _index_with_embeddings(graph: GraphStore, settings: Settings, parallel: ParallelOptions | None) -> IndexStats:
    """The search index, its passages embedded on the same kind of cluster the documents were read on."""
    from kg.search_index import update_search_index

    if parallel is None:
        return update_search_index(graph, settings)
    from kg.cluster import dask_client
    from kg.parallel_embed import cluster_encoder

    with dask_client(parallel.scheduler, parallel.workers) as client:
        return update_search_index(graph, settings, encode=cluster_encoder(client))


def _progress(disable: bool) -> Progress:
    return Progress(
        TextColumn("{task.description:<32}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=errors, disable=disable or not errors.is_terminal, transient=True,
    )


@app.command()
def stats(store: StoreOption = None, as_json: JsonOption = False) -> None:
    """Counts of documents, papers (by source file), entities (by type), claims and triples."""
    from kg.stats import graph_stats

    with open_store(settings_with(store)) as graph:
        result = graph_stats(graph)
    if as_json:
        print(json.dumps(result.model_dump(mode="json"), indent=2))
        return
    table = Table(title="ClaimGraph", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    for label, value in (("documents", result.documents), ("papers", result.papers), ("claims", result.claims), ("triples", result.triples)):
        table.add_row(label, str(value))
    for source, count in sorted(result.papers_by_source.items()):
        table.add_row(f"  papers in {source}", str(count))
    for kind, count in sorted(result.entities_by_type.items()):
        table.add_row(f"  entities: {kind}", str(count))
    console.print(table)


@app.command()
def sparql(
    query: Annotated[Optional[str], typer.Argument(help="A SPARQL query.")] = None,
    file: Annotated[Optional[Path], typer.Option("--file", "-f", help="Read the query from a file.")] = None,
    store: StoreOption = None,
    as_json: JsonOption = False,
) -> None:
    """Run a SPARQL query over the union of all named graphs."""
    from kg.sparql import QueryError, run_query

    if (query is None) == (file is None):
        raise fail("give a query or --file, not both or neither")
    text = query if query is not None else _read_query(file)  # type: ignore[arg-type]
    try:
        with open_store(settings_with(store)) as graph:
            result = run_query(graph, text)
    except QueryError as error:
        raise fail(str(error)) from error
    if as_json or result.kind != "select":
        print(result.as_json() if as_json else result.as_text())
        return
    table = Table(*result.variables)
    for row in result.rows:
        table.add_row(*("" if cell is None else cell for cell in row))
    console.print(table)
    console.print(f"{len(result.rows)} row(s)")


def _read_query(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except OSError as error:
        raise fail(f"{file}: cannot read query: {error.strerror}") from error


@app.command()
def export(
    format: Annotated[str, typer.Option("--format", help="ttl | nt | nq | trig | jsonld")] = "ttl",
    out: Annotated[Optional[Path], typer.Option("--out", help="Write to this file instead of standard output.")] = None,
    store: StoreOption = None,
) -> None:
    """Serialise the whole graph (named graphs kept in nq, trig and jsonld)."""
    if format not in EXPORT_FORMATS:
        raise fail(f"unknown format {format!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    from kg.store import StoreError

    try:
        with open_store(settings_with(store)) as graph:
            _write_export(graph, format, out)
    except StoreError as error:
        if isinstance(error.__cause__, BrokenPipeError):  # `kg export | head`: the reader left, nothing is wrong
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(0) from None
        raise fail(str(error)) from error
    except OSError as error:
        raise fail(f"{out}: cannot write: {error.strerror}") from error
    if out is not None:
        errors.print(f"wrote {out}")


def _write_export(graph: GraphStore, format: str, out: Path | None) -> None:
    if out is None:
        graph.serialize(format, sys.stdout.buffer)
        return
    with out.open("wb") as sink:
        graph.serialize(format, sink)


@app.command()
def remove(source: Annotated[str, typer.Argument(help="Source file name, e.g. 000_ece389bdadead4ee.txt")], store: StoreOption = None) -> None:
    """Remove one source file's named graph."""
    from compute.mapping import verification_graph_iri
    from kg.iris import graph_iri

    with open_store(settings_with(store)) as graph:
        if graph_iri(source) not in set(graph.graphs()):
            raise fail(f"{source}: not in the store")
        graph.remove_graph(graph_iri(source))
        graph.remove_graph(verification_graph_iri(source))
    console.print(f"removed {source}")


@app.command()
def serve(
    host: Annotated[Optional[str], typer.Option("--host", help="Address to listen on (default 127.0.0.1; $CLAIMGRAPH_HOST).")] = None,
    port: Annotated[Optional[int], typer.Option("--port", help="Port (default 8000; $CLAIMGRAPH_PORT).")] = None,
    store: StoreOption = None,
) -> None:
    """Serve the graph over HTTP: SPARQL at /sparql, REST look-ups, OpenAPI docs at /docs (Ctrl-C stops it)."""
    import uvicorn

    from api.app import create_app

    settings = settings_with(store)
    settings = settings.model_copy(update={k: v for k, v in (("host", host), ("port", port)) if v is not None})
    base = f"http://{settings.host}:{settings.port}"
    errors.print(f"serving {settings.store_location} at {base}/sparql and {base}/docs "
                 f"({'writes enabled' if settings.write_token else 'read-only'})", highlight=False)
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info")


@app.command("eval-claims")
def eval_claims(
    gold: Annotated[Path, typer.Argument(help="Hand-labelled claims (the dev_claims.json schema).")],
    seeds: Annotated[Optional[Path], typer.Option("--seeds", help="Directory holding the files the gold set names.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Precision and recall of claim extraction against a labelled set (matched on span overlap and value)."""
    from ingest.evaluation import score_claims
    from ingest.pipeline import read_sources
    from ingest.sources import find_source_files, read_text
    from ingest.vocabulary import load_vocabulary

    settings = Settings()
    try:
        files = find_source_files([seeds or settings.seeds_path])
        results = read_sources(files, load_vocabulary(settings.vocabulary_paths))
        texts = {path.name: read_text(path) for path in files}
        score = score_claims(gold, {r.source.name: (texts[r.source.name], r.claims) for r in results})
    except SourceError as error:
        raise fail(str(error)) from error
    if as_json:
        print(json.dumps({k: v for k, v in score.model_dump(mode="json").items() if k in ("precision", "recall", "f1", "gold", "predicted", "matched")}))
        return
    table = Table(title=f"Claim extraction against {gold.name}")
    for column in ("precision", "recall", "f1", "gold", "predicted", "matched"):
        table.add_column(column, justify="right")
    table.add_row(f"{score.precision:.3f}", f"{score.recall:.3f}", f"{score.f1:.3f}", str(score.gold), str(score.predicted), str(score.matched))
    console.print(table)


def _register_feature_commands() -> None:
    """Commands whose code lives beside their feature, registered on the one `kg` app."""
    from api.cli_ask import ask, eval_qa, export_raft
    from api.cli_verify import report, verify

    app.command("verify")(verify)
    app.command("report")(report)
    app.command("ask")(ask)
    app.command("export-raft")(export_raft)
    app.command("eval-qa")(eval_qa)


_register_feature_commands()
