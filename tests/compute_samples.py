"""Small newsletter-shaped texts (not from the seeds) ingested into an in-memory store for verifier tests."""

from __future__ import annotations

from pathlib import Path

from compute.graph_inputs import ClaimRecord, GraphView
from compute.models import Check
from compute.registry import Registry, VerifyOptions
from kg.load import load_sources
from kg.store import OxigraphStore

FILLER = ("This paragraph is padding so that the reader sees prose, as a newsletter is mostly long paragraphs "
          "of running text rather than short listing lines, and it says nothing numeric at all, so the "
          "checks below have only the sentences written for them to read.")


def newsletter(*paragraphs: str) -> str:
    body = "\n".join([*(f"{p} {FILLER}" for p in paragraphs), FILLER, FILLER, FILLER])
    return f"A sample issue about models\nA short subtitle for the sample issue...\n{body}\n"


def store_from(tmp_path: Path, vocabulary, *paragraphs: str, name: str = "900_sample.txt") -> OxigraphStore:
    path = tmp_path / name
    path.write_text(newsletter(*paragraphs), encoding="utf-8")
    store = OxigraphStore()
    load_sources(store, [path], vocabulary)
    return store


def claim_at(view: GraphView, surface: str) -> ClaimRecord:
    found = [c for c in view.claims if c.span.text == surface]
    assert found, f"no claim {surface!r}; claims: {[c.span.text for c in view.claims]}"
    return found[0]


def run_verifier(store: OxigraphStore, module, surface: str, verifier_id: str,
                 options: VerifyOptions | None = None) -> Check:
    registry = Registry()
    module.register(registry)
    view = GraphView(store)
    claim = claim_at(view, surface)
    verifier = registry.get(verifier_id)
    assert verifier.applies(claim, view), f"{verifier_id} does not apply to {surface!r}"
    return verifier.check(claim, view, options or VerifyOptions())
