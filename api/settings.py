"""One typed settings object for the CLI and the service (environment prefix CLAIMGRAPH_)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CLAIMGRAPH_")

    store_path: Path = Path(".claimgraph/store")  # on-disk pyoxigraph store, so a restart does not re-ingest
    seeds_path: Path = Path("seeds")
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
