"""A throwaway Virtuoso Open Source 7 server for the opt-in tests (CLAIMGRAPH_TEST_VIRTUOSO=1, Debian's
`virtuoso-opensource`): its own virtuoso.ini in a temporary directory, on 127.0.0.1 on free ports."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from api.settings import Settings
from kg.remote_store import SparqlHttpStore
from tests.conftest import free_port

VIRTUOSO = shutil.which("virtuoso-t") or "/usr/bin/virtuoso-t"
ISQL = shutil.which("isql-vt") or "/usr/bin/isql-vt"
USER, PASSWORD = "claimgraph", "claimgraph-test"
_SKIP = ("opt-in: CLAIMGRAPH_TEST_VIRTUOSO=1 (make test-virtuoso)" if os.environ.get("CLAIMGRAPH_TEST_VIRTUOSO") != "1"
         else "Virtuoso is not installed (apt-get install virtuoso-opensource)" if not Path(VIRTUOSO).exists()
         else "")
needs_virtuoso = pytest.mark.skipif(bool(_SKIP), reason=_SKIP)

# Only what differs from Virtuoso's defaults; ResultSetMaxRows (10000 by default) would cut exports short.
_INI = """\
[Database]
DatabaseFile = virtuoso.db
ErrorLogFile = virtuoso.log
LockFile = virtuoso.lck
TransactionFile = virtuoso.trx
xa_persistent_file = virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = virtuoso-temp.db
TransactionFile = virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = .
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = .
ServerThreads = 10
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = {max_rows}
"""

# A user that may write over SPARQL and sees no graph of Virtuoso's own: the graphs a fresh database holds
# (its quad-map metadata, LDP and service descriptions) join the private group, which the user may not read,
# so the union default graph holds ClaimGraph's graphs only, as it does on the embedded store.
_PRIVATE = "http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs"
_SETUP = """\
DB.DBA.USER_CREATE ('{user}', '{password}');
GRANT SPARQL_UPDATE TO "{user}";
DB.DBA.RDF_GRAPH_GROUP_CREATE ('{private}', 1);
{private_graphs}
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 0, 1);
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('{user}', 0, 1);
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('{user}', 3, 0);
"""


@dataclass
class VirtuosoServer:
    location: Path
    port: int
    sql_port: int = field(default_factory=free_port)
    max_rows: int = 1_000_000
    process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start it in the foreground on its directory (a new database is set up on first start) and wait
        until it answers."""
        first_start = not (self.location / "virtuoso.db").exists()
        self.location.mkdir(parents=True, exist_ok=True)
        (self.location / "virtuoso.ini").write_text(_INI.format(sql_port=self.sql_port, http_port=self.port,
                                                                      max_rows=self.max_rows))
        self.process = subprocess.Popen([VIRTUOSO, "+foreground", "+configfile", "virtuoso.ini"], cwd=self.location,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        graphs = self._wait()
        if first_start:
            self._setup(graphs)

    def _wait(self) -> list[str]:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                response = httpx.post(f"{self.base}/sparql", timeout=5, headers={"Accept": "application/sparql-results+json"},
                                      data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"})
                if response.status_code == 200:
                    return [row["g"]["value"] for row in response.json()["results"]["bindings"]]
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"Virtuoso did not start at {self.base}; see {self.location / 'virtuoso.log'}")

    def _setup(self, graphs: list[str]) -> None:
        private_graphs = "\n".join(f"DB.DBA.RDF_GRAPH_GROUP_INS ('{_PRIVATE}', '{iri}');" for iri in graphs)
        script = _SETUP.format(user=USER, password=PASSWORD, private=_PRIVATE, private_graphs=private_graphs)
        done = subprocess.run([ISQL, f"127.0.0.1:{self.sql_port}", "dba", "dba"], input=script, text=True, check=False,
                              capture_output=True, timeout=60)
        if done.returncode != 0 or "*** Error" in done.stderr + done.stdout:
            self.stop()
            raise RuntimeError(f"setting up Virtuoso at 127.0.0.1:{self.sql_port} failed: {done.stderr or done.stdout}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
            self.process = None

    def settings(self) -> dict[str, str]:
        """The ClaimGraph settings (field names) that point the `kg` commands and the service at it."""
        return {"store_backend": "sparql", "sparql_query_url": f"{self.base}/sparql-auth",
                "sparql_update_url": f"{self.base}/sparql-auth",
                "sparql_graph_store_url": f"{self.base}/sparql-graph-crud-auth",
                "sparql_user": USER, "sparql_password": PASSWORD}

    def store(self) -> SparqlHttpStore:
        return Settings(**self.settings()).sparql_store()
