"""The service's SPARQL endpoint over HTTP against the store's own query time and plain rdflib, on the seeds.

For a point look-up and a 3-pattern join: p50/p99 latency and requests/s over HTTP on 127.0.0.1 (a server
started by `kg serve` on a free port; keep-alive clients; a bounded load of LOAD_SECONDS per query, stopping by
itself), the same query in process on the in-memory and on-disk pyoxigraph stores (query + native JSON
results), and on rdflib's in-memory Dataset; printed with their ratios.

The clients are the standard library's http.client: a request costs it ~0.1 ms, against ~0.6 ms for httpx,
which would otherwise be counted as the endpoint's.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx
from pyoxigraph import QueryResultsFormat
from rdflib import Dataset

from ingest.vocabulary import load_vocabulary
from kg.load import load_sources
from kg.sparql import PROLOGUE
from kg.store import OxigraphStore

ROOT = Path(__file__).resolve().parent.parent
LOAD_SECONDS = 10.0
CLIENTS = 4
QUERIES = {
    "point look-up": PROLOGUE + "SELECT ?p ?o WHERE { <https://claimgraph.dev/id/model/dbrx> ?p ?o }",
    "3-pattern join": PROLOGUE + "SELECT ?claim ?value ?name WHERE "
                                 "{ ?claim cg:subject ?entity . ?claim cg:value ?value . ?entity rdfs:label ?name }",
    # the shape measured in shared/notes/dependencies.md: three patterns and a numeric FILTER
    "3-pattern join + FILTER": PROLOGUE + "SELECT ?claim ?value ?unit WHERE { ?claim cg:value ?value . "
                                          "?claim cg:unit ?unit . ?claim cg:subject ?entity FILTER(?value > 10) }",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return ordered[len(ordered) // 2] * 1000, ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000


def _timed(run: Callable[[], object], seconds: float, at_most: int = 10_000) -> list[float]:
    run()  # warm-up
    samples: list[float] = []
    stop = time.perf_counter() + seconds
    while time.perf_counter() < stop and len(samples) < at_most:
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
    return samples


def _getter(url: str, query: str) -> Callable[[], bytes]:
    """A keep-alive GET of the query, failing on any status but 200."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    target = f"{parts.path}?{urlencode({'query': query})}"

    def get() -> bytes:
        connection.request("GET", target, headers={"Accept": "application/sparql-results+json"})
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"{url} answered {response.status}: {body[:200]!r}")
        return body

    return get


def _load(url: str, query: str, seconds: float, clients: int) -> tuple[list[float], float]:
    """``clients`` keep-alive clients sending the query back to back for ``seconds``; latencies and req/s."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    stop = time.perf_counter() + seconds

    def client(mine: list[float]) -> None:
        get = _getter(url, query)
        get()  # warm-up and connect
        while time.perf_counter() < stop:
            started = time.perf_counter()
            get()
            mine.append(time.perf_counter() - started)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(mine,)) for mine in latencies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    flat = [sample for mine in latencies for sample in mine]
    return flat, len(flat) / elapsed


def serve(store_path: Path, **settings: str) -> tuple[subprocess.Popen, str]:
    """`kg serve` on a free port of 127.0.0.1, read-only, with these settings; the process and /sparql's URL."""
    port = free_port()
    env = {**os.environ, "CLAIMGRAPH_STORE_PATH": str(store_path),
           **{f"CLAIMGRAPH_{name.upper()}": value for name, value in settings.items()}}
    env.pop("CLAIMGRAPH_WRITE_TOKEN", None)
    server = subprocess.Popen([str(Path(sys.executable).parent / "kg"), "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/sparql"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return server, url
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("kg serve did not start within 60 s")


def stop(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "store"
        with OxigraphStore(path) as disk:
            load_sources(disk, sorted((ROOT / "seeds").glob("*.txt")), load_vocabulary())
            quads = len(disk)
            started = time.perf_counter()
            memory = OxigraphStore.in_memory_copy(disk)
            copy_seconds = time.perf_counter() - started
            nquads = disk.serialize("nq")
            stores = {"memory": memory, "disk": disk}
            own = {(name, where): _timed(lambda s=store, q=query: s.query(q).serialize(format=QueryResultsFormat.JSON), 3)
                   for name, query in QUERIES.items() for where, store in stores.items()}
        print(f"http: {quads} quads; copying the on-disk store into memory took {copy_seconds:.2f} s")
        rdflib_graph = Dataset(default_union=True)
        rdflib_graph.parse(data=nquads, format="nquads")
        server, url = serve(path)
        try:
            for name, query in QUERIES.items():
                _report(name, query, url, own[(name, "memory")], own[(name, "disk")], rdflib_graph)
        finally:
            stop(server)
        shutil.rmtree(path, ignore_errors=True)


def _report(name: str, query: str, url: str, memory: list[float], disk: list[float], graph: Dataset) -> None:
    get = _getter(url, query)
    rows = len(json.loads(get())["results"]["bindings"])
    single = _timed(get, 3)
    loaded, rate = _load(url, query, LOAD_SECONDS, CLIENTS)
    rdflib_runs = _timed(lambda: graph.query(query).serialize(format="json"), 10, at_most=20)
    (mem50, _), (disk50, _), (one50, one99) = _percentiles(memory), _percentiles(disk), _percentiles(single)
    load50, load99 = _percentiles(loaded)
    rdflib50 = statistics.median(rdflib_runs) * 1000
    print(f"http {name} ({rows} rows): store in memory p50 {mem50:.2f} ms (on disk {disk50:.2f} ms, "
          f"{disk50 / mem50:.1f}x slower); over HTTP, one client p50 {one50:.2f} ms p99 {one99:.2f} ms "
          f"(endpoint adds {one50 - mem50:.2f} ms at p50); {CLIENTS} clients for {LOAD_SECONDS:g} s: "
          f"p50 {load50:.2f} ms p99 {load99:.2f} ms, {rate:.0f} requests/s")
    print(f"http {name}: rdflib in memory p50 {rdflib50:.1f} ms over {len(rdflib_runs)} runs; ratio rdflib / "
          f"pyoxigraph in memory = {rdflib50 / mem50:.0f}x, rdflib / HTTP endpoint = {rdflib50 / one50:.0f}x")


if __name__ == "__main__":
    main()
