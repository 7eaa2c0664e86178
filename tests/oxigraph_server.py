"""A real SPARQL 1.1 server for tests: the Oxigraph server (PyPI `oxigraph`) on 127.0.0.1 on a free port, stopped
and started again on the same port and data by the fault tests."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from api.settings import Settings
from kg.remote_store import SparqlHttpStore
from tests.conftest import free_port

__all__ = ["OXIGRAPH", "OxigraphServer", "free_port", "needs_oxigraph"]
OXIGRAPH = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
needs_oxigraph = pytest.mark.skipif(not Path(OXIGRAPH).exists(),
                                    reason="the oxigraph server (pip install oxigraph) is not installed")


@dataclass
class OxigraphServer:
    location: Path
    port: int
    process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start it (answering over the union of its graphs, as ClaimGraph needs) and wait until it answers."""
        self.process = subprocess.Popen(
            [OXIGRAPH, "serve", "--location", str(self.location), "--bind", f"127.0.0.1:{self.port}",
             "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{self.base}/query", params={"query": "ASK {}"}, timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.1)
        self.process.kill()
        raise RuntimeError("the oxigraph server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def settings(self) -> dict[str, str]:
        """The ClaimGraph settings (field names) that point the `kg` commands and the service at it."""
        return {"store_backend": "sparql", "sparql_query_url": f"{self.base}/query",
                "sparql_update_url": f"{self.base}/update", "sparql_graph_store_url": f"{self.base}/store"}

    def store(self) -> SparqlHttpStore:
        return Settings(**self.settings()).sparql_store()
