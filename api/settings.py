"""One typed settings object for the CLI and the service (environment prefix CLAIMGRAPH_)."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CLAIMGRAPH_")

    store_path: Path = Path(".claimgraph/store")  # on-disk pyoxigraph store, so a restart does not re-ingest
    seeds_path: Path = Path("seeds")
    vocabulary_paths: list[Path] = []  # users' vocabulary files, merged over the shipped one
    host: str = "127.0.0.1"
    port: int = 8000
