"""`kg verify` and `kg report`: plain functions with typer annotations; api/cli.py registers them with
``app.command("verify")(verify)`` and ``app.command("report")(report)``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from api.cli_common import StoreOption, console, errors, fail, open_store, settings_with

CsvOption = Annotated[Path | None, typer.Option(
    "--scaling-runs-csv", envvar="CLAIMGRAPH_SCALING_RUNS_CSV",
    help="Released losses of the over-training runs (arXiv 2403.08540); without it those claims are not checkable.")]


def verify(
    store: StoreOption = None,
    scaling_runs_csv: CsvOption = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed for every randomised fit.")] = 0,
    workers: Annotated[int | None, typer.Option(help="Verify on a local Dask cluster of this many processes (default: $CLAIMGRAPH_INGEST_WORKERS, 0 = serial).")] = None,
    scheduler: Annotated[str | None, typer.Option(help="Verify on the Dask cluster at this scheduler address (default: $CLAIMGRAPH_DASK_SCHEDULER).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Re-run the method behind each claim and write the verifications into the graph (idempotent)."""
    from compute.parallel_verify import verify_all_parallel
    from compute.registry import VerifyOptions, default_registry
    from compute.run import verify_all

    settings = settings_with(store)
    csv_path = scaling_runs_csv or settings.scaling_runs_csv
    workers = settings.ingest_workers if workers is None else workers
    scheduler = scheduler or settings.dask_scheduler
    options = VerifyOptions(scaling_runs_csv=csv_path, seed=seed, specdec_results=settings.specdec_results)
    with open_store(settings) as graph:
        run = (verify_all_parallel(graph, scheduler, max(workers, 1), options) if workers or scheduler
               else verify_all(graph, default_registry(), options))
    if as_json:
        print(json.dumps(run.summary(), indent=2))
        return
    console.print(f"{run.checked} of {run.claims} numeric claims checked (coverage {100 * run.coverage:.1f}%) "
                  f"in {run.seconds:.1f} s")
    for verdict, count in run.by_verdict.items():
        console.print(f"  {verdict:<24} {count:>5}")


def report(
    format: Annotated[str, typer.Option("--format", help="json | md | html | sarif")] = "md",
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file instead of standard output.")] = None,
    store: StoreOption = None,
    sources: Annotated[Path | None, typer.Option("--sources", help="Where the source files are, for line and column (default: the seeds path).")] = None,
) -> None:
    """Render the stored verifications as JSON, Markdown, HTML or SARIF 2.1.0."""
    from api.render import UnknownFormatError, default_renderers
    from compute.report import verification_report

    settings = settings_with(store)
    try:
        renderer = default_renderers().get(format)
    except UnknownFormatError as error:
        raise fail(error.args[0]) from error
    with open_store(settings) as graph:
        text = renderer.render(verification_report(graph, sources or settings.seeds_path))
    if out is None:
        print(text, end="" if text.endswith("\n") else "\n")
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as error:
        raise fail(f"{out}: cannot write: {error.strerror}") from error
    errors.print(f"wrote {out}")
