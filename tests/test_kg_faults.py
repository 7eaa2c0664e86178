"""Faults the store must survive: an ingest killed mid-write, readers during a replacement, an unusable path, a
full disk and a read-only one (small tmpfs mounts, where the test may mount: root with CAP_SYS_ADMIN)."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph
import pytest

from kg.iris import graph_iri
from kg.load import load_sources
from kg.mapping import result_to_quads
from kg.store import OxigraphStore, StoreError
from tests.kg_samples import ARTICLE_FILE, article_result

COUNT_BY_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def _counts(store: OxigraphStore) -> dict[str, int]:
    return {row["g"]: int(row["n"]) for row in store.select(COUNT_BY_GRAPH)}


@pytest.fixture(scope="module")
def expected_counts(tmp_path_factory, seed_paths, vocabulary) -> dict[str, int]:
    with OxigraphStore(tmp_path_factory.mktemp("reference") / "store") as store:
        load_sources(store, seed_paths, vocabulary)
        return _counts(store)


@pytest.mark.parametrize("kill_after_s", [1.5, 3.0, 4.5])
def test_an_ingest_killed_mid_way_leaves_whole_graphs_only(tmp_path: Path, expected_counts, kill_after_s: float) -> None:
    store_path = tmp_path / "store"
    command = [str(Path(sys.executable).parent / "kg"), "ingest", "seeds", "--store", str(store_path), "--no-index", "--json"]
    process = subprocess.Popen(command, cwd=Path(__file__).parent.parent, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    time.sleep(kill_after_s)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    with OxigraphStore(store_path) as store:
        for graph, count in _counts(store).items():
            assert count == expected_counts[graph], f"{graph} holds {count} of {expected_counts[graph]} quads: a half write"


def test_readers_see_one_whole_version_while_a_graph_is_replaced() -> None:
    store = OxigraphStore()
    full = result_to_quads(article_result())
    smaller = result_to_quads(article_result().model_copy(update={"claims": [], "mentions": []}))
    graph = graph_iri(ARTICLE_FILE)
    store.replace_graph(graph, full)
    seen: set[int] = set()
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            seen.add(_counts(store).get(graph, 0))

    reader = threading.Thread(target=read)
    reader.start()
    for _ in range(30):
        store.replace_graph(graph, smaller)
        store.replace_graph(graph, full)
    stop.set()
    reader.join()
    assert seen <= {len(full), len(smaller)}, f"a reader saw a partial graph: {sorted(seen)}"


def test_a_store_path_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    occupied = tmp_path / "store"
    occupied.write_text("not a database")
    with pytest.raises(StoreError, match=f"cannot open the store at {occupied}"):
        OxigraphStore(occupied)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MiB file system of its own, unmounted afterwards."""
    mount = tmp_path / "disk"
    mount.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True,
                             text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {mounted.stderr.strip() or mounted.returncode}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_is_a_clear_error_and_the_old_graphs_stay(small_disk: Path) -> None:
    store = OxigraphStore(small_disk / "store")
    store.replace_graph(graph_iri(ARTICLE_FILE), result_to_quads(article_result()))
    before = set(store.serialize("nq").splitlines())
    big = pyoxigraph.NamedNode(graph_iri("big.txt"))
    quads = [pyoxigraph.Quad(pyoxigraph.NamedNode(f"urn:s{i}"), pyoxigraph.NamedNode("urn:p"),
                             pyoxigraph.Literal(f"{i:0200d}"), big) for i in range(100_000)]  # ~20 MB: 10x the disk
    with pytest.raises(StoreError, match="No space left on device"):
        store.replace_graph(big.value, quads)
    assert set(store.serialize("nq").splitlines()) == before
    with pytest.raises(StoreError, match=f"cannot flush the store at {small_disk / 'store'}"):
        store.close()  # what was committed is in the log ...
    with OxigraphStore(small_disk / "store") as reopened:  # ... and is all there when the store is opened again
        assert set(reopened.serialize("nq").splitlines()) == before


def test_a_read_only_disk_is_a_clear_error_naming_the_store(small_disk: Path) -> None:
    with OxigraphStore(small_disk / "store") as store:
        store.replace_graph(graph_iri(ARTICLE_FILE), result_to_quads(article_result()))
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    with pytest.raises(StoreError, match=f"cannot open the store at {small_disk / 'store'}.*Read-only file system"):
        OxigraphStore(small_disk / "store")
    with pytest.raises(StoreError, match=f"cannot open the store at {small_disk / 'new'}.*Read-only file system"):
        OxigraphStore(small_disk / "new")
