"""One typed settings object for the CLI and the service (environment prefix CLAIMGRAPH_)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:
    from kg.remote_store import SparqlHttpStore


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CLAIMGRAPH_")

    store_path: Path = Path(".claimgraph/store")  # on-disk pyoxigraph store, so a restart does not re-ingest
    # "sparql": any SPARQL 1.1 server (Query, Update, Graph Store Protocol) instead of the embedded store; it must
    # answer over the union of its named graphs (Oxigraph: `oxigraph serve --union-default-graph`).
    store_backend: Literal["oxigraph", "sparql"] = "oxigraph"
    sparql_query_url: str = "http://127.0.0.1:7878/query"
    sparql_update_url: str = "http://127.0.0.1:7878/update"
    sparql_graph_store_url: str | None = "http://127.0.0.1:7878/store"  # None: replace graphs by SPARQL Update
    sparql_timeout_s: float = Field(default=60.0, gt=0)
    # HTTP Digest credentials for servers that ask for them (Virtuoso's /sparql-auth, /sparql-graph-crud-auth).
    sparql_user: str | None = None
    sparql_password: SecretStr | None = None
    # Other clients may write to the server: the service's views of it (the verification report, the entity
    # projection, the pages' tables) are built again at least this often (the report takes seconds on the seeds).
    sparql_refresh_s: float = Field(default=30.0, ge=0)
    seeds_path: Path = Path("seeds")
    ingest_workers: int = Field(default=0, ge=0)  # `kg ingest`/`verify` on a local Dask cluster of this many processes; 0: serial
    dask_scheduler: str | None = None  # a Dask scheduler's address (tcp://host:8786): `kg ingest`/`verify` run on that cluster
    ingest_shard_dir: Path | None = None  # N-Quads shards of parallel ingest (shared storage on a cluster)
    vocabulary_paths: list[Path] = []  # users' vocabulary files, merged over the shipped one
    host: str = "127.0.0.1"
    port: int = 8000
    # The service (`kg serve`). Writes (POST/DELETE /documents, SPARQL Update) are refused unless a token is
    # set; requests then carry it as `Authorization: Bearer <token>`.
    write_token: SecretStr | None = None
    query_timeout_s: float = Field(default=10.0, gt=0)  # past it a query is answered 503
    max_result_rows: int = Field(default=100_000, gt=0)  # solutions or triples; past it a query is answered 413
    max_result_bytes: int = Field(default=64 * 2**20, gt=0)  # serialised result size; past it, 413 too
    max_query_bytes: int = Field(default=256 * 2**10, gt=0)  # a SPARQL query or update text
    max_document_bytes: int = Field(default=4 * 2**20, gt=0)  # a document uploaded with POST /documents
    query_workers: int = Field(default=4, gt=0)  # threads running queries; a query past its deadline keeps one
    # Verification: the released losses of arXiv 2403.08540 (see shared/data/README.md), never committed here.
    scaling_runs_csv: Path | None = None
    specdec_results: Path = Path(".claimgraph/specdec-results.json")  # written by `make bench-specdec`
    # Question answering: the search index (BM25 + dense vectors, on disk) and how answers are made.
    index_path: Path = Path(".claimgraph/index")
    embedding_model: str | None = "all-MiniLM-L6-v2"  # a sentence-transformers name or local dir; None: BM25 only
    embedding_batch_size: int = Field(default=64, gt=0)
    ask_abstain_threshold: float = 0.40  # below this confidence /ask answers NOT_IN_CORPUS (tuned on the dev set)
    chat_base_url: str | None = None  # an OpenAI-compatible endpoint; None: extractive answers only
    chat_model: str | None = None
    chat_api_key: SecretStr | None = None
    chat_timeout_s: float = Field(default=30.0, gt=0)

    @property
    def store_location(self) -> str:
        """Where the graph is, in words for messages."""
        if self.store_backend == "sparql":
            return f"the SPARQL server at {self.sparql_query_url}"
        return str(self.store_path)

    def sparql_store(self, writable: bool = True) -> SparqlHttpStore:
        """A client of the SPARQL server these settings name (CLAIMGRAPH_STORE_BACKEND=sparql)."""
        from kg.remote_store import SparqlHttpStore  # on use: importing the settings stays light

        return SparqlHttpStore(self.sparql_query_url, self.sparql_update_url, self.sparql_graph_store_url,
                               self.sparql_timeout_s, writable=writable, refresh_s=self.sparql_refresh_s,
                               auth=self._sparql_auth())

    def _sparql_auth(self) -> tuple[str, str] | None:
        if self.sparql_user is None:
            return None
        password = self.sparql_password.get_secret_value() if self.sparql_password else ""
        return self.sparql_user, password
