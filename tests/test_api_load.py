"""A short bounded load against the real server: concurrent SPARQL, REST and /ask requests, none answered 5xx."""

from __future__ import annotations

from pathlib import Path

from bench.load import MIX, run_load
from tests.conftest import SEEDS
from tests.kg_serve import serving


def test_mixed_load_gets_no_server_error(seed_store_path: Path):
    settings = {"store_path": str(seed_store_path), "index_path": str(seed_store_path.parent / "index"),
                "embedding_model": "", "seeds_path": str(SEEDS)}
    with serving(settings) as base:
        report = run_load(base, seconds=6, clients=4)
    assert report.server_errors == 0, report
    for kind in MIX:
        assert report.kinds[kind].requests > 0, kind
        assert set(report.kinds[kind].statuses) == {200}, (kind, report.kinds[kind].statuses)
