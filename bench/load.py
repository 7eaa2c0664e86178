"""Bounded load test of a running service: concurrent clients mixing SPARQL, REST look-ups and /ask for a fixed
time, reporting throughput, p50/p99 and status codes per kind of request (`python -m bench.load`, part of
`make bench`; tests/test_api_load.py runs a short one).

The requests are drawn, with a seeded RNG, from what the graph holds (entity, paper and claim ids listed over
REST first), so the run works on any corpus. Each client is a thread with its own keep-alive connection.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from pydantic import BaseModel

from api.settings import Settings
from bench.http import ROOT, serve, stop
from ingest.vocabulary import load_vocabulary
from kg.load import load_sources
from kg.search_index import SearchSettings, update_search_index
from kg.sparql import PROLOGUE
from kg.store import OxigraphStore

SPARQL = [
    "SELECT ?p ?o WHERE { ?s a cg:Paper ; ?p ?o } LIMIT 20",
    ("SELECT ?claim ?value ?name WHERE { ?claim cg:subject ?entity . ?claim cg:value ?value . "
     "?entity rdfs:label ?name } LIMIT 200"),
    ("SELECT ?claim ?value ?unit WHERE { ?claim cg:value ?value . ?claim cg:unit ?unit . "
     "?claim cg:subject ?entity FILTER(?value > 10) }"),
    "SELECT ?type (COUNT(?e) AS ?n) WHERE { ?e a ?type } GROUP BY ?type",
]
MIX = {"sparql": 0.4, "rest": 0.4, "ask": 0.2}


class KindReport(BaseModel):
    requests: int
    per_second: float
    p50_ms: float
    p99_ms: float
    statuses: dict[int, int]


class LoadReport(BaseModel):
    seconds: float
    clients: int
    requests: int
    per_second: float
    server_errors: int  # 5xx answers and failed connections
    kinds: dict[str, KindReport]


class _Connection:
    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self._connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)

    def request(self, method: str, path: str, body: bytes | None = None, content_type: str | None = None) -> tuple[int, bytes]:
        headers = {"Content-Type": content_type} if content_type else {}
        try:
            self._connection.request(method, path, body=body, headers=headers)
            response = self._connection.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            self._connection.close()  # reconnects on the next request
            return 599, b""


def _catalogue(base: str) -> dict[str, list[str]]:
    """Ids to look up and names to ask about, listed by the service itself."""
    connection = _Connection(base)
    items = {}
    for kind in ("papers", "entities", "claims"):
        status, body = connection.request("GET", f"/{kind}?limit=200")
        if status != 200:
            raise RuntimeError(f"GET {base}/{kind} answered {status}: {body[:300]!r}")
        items[kind] = json.loads(body)["items"]
    return {**{kind: [item["id"] for item in listed] for kind, listed in items.items()},
            "names": [item["name"] for item in items["entities"]]}


def _request_for(rng: random.Random, kind: str, listed: dict[str, list[str]]) -> tuple[str, str, bytes | None, str | None]:
    if kind == "sparql":
        return "GET", "/sparql?" + urlencode({"query": PROLOGUE + rng.choice(SPARQL)}), None, None
    if kind == "ask":
        question = rng.choice(["What is {}?", "Which claims are made about {}?", "How large is {}?"])
        body = json.dumps({"question": question.format(rng.choice(listed["names"]))}).encode()
        return "POST", "/ask", body, "application/json"
    resource = rng.choice(["papers", "entities", "claims"])
    if rng.random() < 0.3:
        return "GET", f"/{resource}?" + urlencode({"limit": 20, "offset": rng.randint(0, 100)}), None, None
    return "GET", f"/{resource}/{rng.choice(listed[resource])}", None, None


def run_load(base: str, seconds: float, clients: int, seed: int = 7) -> LoadReport:
    listed = _catalogue(base)
    samples: list[tuple[str, int, float]] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        connection = _Connection(base)
        mine = []
        while time.perf_counter() < stop:
            kind = rng.choices(list(MIX), weights=list(MIX.values()))[0]
            method, path, body, content_type = _request_for(rng, kind, listed)
            started = time.perf_counter()
            status, _ = connection.request(method, path, body, content_type)
            mine.append((kind, status, time.perf_counter() - started))
        with lock:
            samples.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(number,)) for number in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    kinds = {kind: _kind_report([s for s in samples if s[0] == kind], elapsed) for kind in MIX}
    return LoadReport(seconds=elapsed, clients=clients, requests=len(samples), per_second=len(samples) / elapsed,
                      server_errors=sum(1 for _, status, _ in samples if status >= 500), kinds=kinds)


def _kind_report(samples: list[tuple[str, int, float]], elapsed: float) -> KindReport:
    latencies = sorted(latency for _, _, latency in samples) or [0.0]
    return KindReport(requests=len(samples), per_second=len(samples) / elapsed,
                      p50_ms=latencies[len(latencies) // 2] * 1000,
                      p99_ms=latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
                      statuses=dict(Counter(status for _, status, _ in samples)))


def print_report(report: LoadReport, timeout_s: float) -> None:
    print(f"load: {report.clients} clients for {report.seconds:.0f} s: {report.requests} requests, "
          f"{report.per_second:.0f} requests/s, {report.server_errors} server errors (5xx or no answer)")
    for kind, row in report.kinds.items():
        print(f"load {kind}: {row.requests} requests ({row.per_second:.1f}/s), p50 {row.p50_ms:.1f} ms, "
              f"p99 {row.p99_ms:.1f} ms (query time limit {timeout_s * 1000:.0f} ms), statuses {row.statuses}")


def load_seeds_service(seconds: float = 60, clients: int = 8) -> LoadReport:
    """`make bench`: the seeds ingested with their search index into a temporary store, served, and loaded."""
    with tempfile.TemporaryDirectory(prefix="claimgraph-load-") as directory:
        store, index = Path(directory) / "store", Path(directory) / "index"
        with OxigraphStore(store) as graph:
            load_sources(graph, sorted((ROOT / "seeds").glob("*.txt")), load_vocabulary())
            update_search_index(graph, SearchSettings(index_path=index))
        server, url = serve(store, index_path=str(index), seeds_path=str(ROOT / "seeds"))
        try:
            report = run_load(url.removesuffix("/sparql"), seconds, clients)
        finally:
            stop(server)
    print_report(report, Settings().query_timeout_s)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("base", help="the service's base URL, e.g. http://127.0.0.1:8000")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--timeout", type=float, default=10.0, help="the server's query time limit, for the report")
    arguments = parser.parse_args()
    print_report(run_load(arguments.base, arguments.seconds, arguments.clients), arguments.timeout)


if __name__ == "__main__":
    main()
