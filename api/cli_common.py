"""What every `kg` command shares: consoles, one error exit, settings with command-line overrides, the store."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console

from api.settings import Settings

if TYPE_CHECKING:
    from kg.store import GraphStore

console = Console()
errors = Console(stderr=True)

StoreOption = Annotated[Optional[Path], typer.Option("--store", help="Store directory (default: $CLAIMGRAPH_STORE_PATH or .claimgraph/store).")]
IndexOption = Annotated[Optional[Path], typer.Option("--index", help="Search index directory (default: $CLAIMGRAPH_INDEX_PATH or .claimgraph/index).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for programs instead of a table.")]


def fail(message: str, code: int = 2) -> typer.Exit:
    errors.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def settings_with(store: Path | None = None, index: Path | None = None) -> Settings:
    """Settings from the environment, with the paths given on the command line taking precedence."""
    overrides = {key: value for key, value in (("store_path", store), ("index_path", index)) if value is not None}
    return Settings().model_copy(update=overrides)


@contextmanager
def open_store(settings: Settings) -> Iterator[GraphStore]:
    """The store for one command (embedded, or a SPARQL server by settings), closed afterwards so an on-disk
    store's lock is released."""
    from kg.store import OxigraphStore, StoreError

    if settings.store_backend == "sparql":
        store: GraphStore = settings.sparql_store()
    else:
        try:
            store = OxigraphStore(settings.store_path)
        except StoreError as error:
            raise fail(f"{error} (is another `kg` process, such as `kg serve` with writes enabled, holding it?)") from error
    with store:  # type: ignore[attr-defined]
        try:
            yield store
        except StoreError as error:
            if isinstance(error.__cause__, BrokenPipeError):
                raise  # `kg export | head`: the command itself decides what a closed pipe means
            raise fail(str(error)) from error
