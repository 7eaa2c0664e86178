"""The Dask cluster that parallel jobs run on: a local one of worker processes by default, or a running
scheduler's by address; and sharing one value with every worker."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from distributed import Client, Future, LocalCluster


@contextmanager
def dask_client(scheduler: str | None, workers: int) -> Iterator[Client]:
    if scheduler:
        with Client(scheduler, timeout="30s") as client:
            yield client
        return
    # processes, not threads: extraction and verification are mostly Python and would serialise on the GIL;
    # every port the cluster opens (scheduler, workers, its status pages) is on 127.0.0.1
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address="127.0.0.1:0",
                      host="127.0.0.1") as cluster, Client(cluster) as client:
        yield client


def share(client: Client, value: object) -> Future:
    """``value`` scattered once to every worker. Passed by value, Dask would ship it with each task, and it names
    a large keyword argument's task after the keyword, which collides between calls; wrapped in a list so that a
    list is scattered as one object rather than item by item."""
    return client.scatter([value], broadcast=True)[0]
