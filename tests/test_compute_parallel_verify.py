"""Verification on a Dask cluster gives the serial path's verifications, and writes them back the same way."""

from __future__ import annotations

from pathlib import Path

from compute.parallel_verify import verify_all_parallel
from compute.registry import VerifyOptions, default_registry
from compute.run import verify_all
from kg.store import OxigraphStore

CLOCKS = {"environment", "started", "ended"}


def _copy(seed_store_path: Path) -> OxigraphStore:
    with OxigraphStore(seed_store_path) as disk:
        return OxigraphStore.in_memory_copy(disk)


def test_parallel_verification_equals_serial(seed_store_path: Path, dask_scheduler: str):
    options = VerifyOptions(seed=0)
    serial_store, parallel_store = _copy(seed_store_path), _copy(seed_store_path)
    serial = verify_all(serial_store, default_registry(), options)
    parallel = verify_all_parallel(parallel_store, scheduler=dask_scheduler, options=options, partitions=5)
    assert parallel.summary() == serial.summary()
    assert [v.model_dump(exclude=CLOCKS) for v in parallel.verifications] == \
           [v.model_dump(exclude=CLOCKS) for v in serial.verifications]
    assert serial_store.graphs() == parallel_store.graphs()
    counted = "SELECT (COUNT(*) AS ?n) WHERE { ?v a cg:Verification }"
    assert parallel_store.select(counted) == serial_store.select(counted) != [{"n": "0"}]
