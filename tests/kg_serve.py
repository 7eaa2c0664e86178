"""`kg serve` for real: uvicorn in a subprocess on 127.0.0.1 on a free port, stopped with Ctrl-C (SIGINT)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.conftest import free_port

KG = Path(sys.executable).parent / "kg"


@contextmanager
def serving(settings: dict[str, str]) -> Iterator[str]:
    """Run `kg serve` with ``settings`` (field names; CLAIMGRAPH_* variables of this process left out) and yield its
    base URL once it answers HTTP."""
    port = free_port()
    env = {name: value for name, value in os.environ.items() if not name.startswith("CLAIMGRAPH_")}
    env.update({f"CLAIMGRAPH_{name.upper()}": value for name, value in settings.items()})
    base = f"http://127.0.0.1:{port}"
    # A file rather than a pipe for its log: a pipe nobody reads fills up and stalls the server.
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen([str(KG), "serve", "--port", str(port)], env=env, stdout=log,
                                   stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    log.seek(0)
                    raise AssertionError(f"`kg serve` exited: {log.read().decode()}")
                try:
                    httpx.get(f"{base}/health", timeout=1)
                    break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "`kg serve` did not start in 60 s"
                time.sleep(0.2)
            yield base
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
