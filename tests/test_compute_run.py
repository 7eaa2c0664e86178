"""verify_all on a small graph: write-back as PROV, idempotent re-runs, SPARQL over verdicts, cross-checks,
removing a source's verifications; and the real seeds end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

from compute.mapping import verification_graph_iri, verifications_from_store
from compute.registry import VerifyOptions, default_registry
from compute.run import remove_verifications, verify_all
from kg.load import load_sources
from kg.store import OxigraphStore
from tests.compute_samples import store_from

SAMPLE = ("Grok-1 has 400B parameters in total with 100B parameters active. Mixtral has 48B parameters in total "
          "with 12B parameters active. For example, Mixtral is 30% of the size of Grok-1. Phi-3 is a 7B parameter "
          "model trained on 2T tokens with 8.4e22 FLOPs of compute.")
REFUTED = """
SELECT ?claim ?text WHERE {
  ?v a cg:Verification ; cg:verifies ?claim ; cg:verdict "refuted" .
  ?claim prov:wasDerivedFrom ?doc ; cg:hasSpan/oa:hasSelector/oa:exact ?text .
}
"""


@pytest.fixture()
def sample(tmp_path: Path, vocabulary) -> OxigraphStore:
    return store_from(tmp_path, vocabulary, SAMPLE)


def test_write_back_is_prov_and_idempotent(sample: OxigraphStore) -> None:
    first = verify_all(sample, default_registry())
    size = len(sample)
    second = verify_all(sample, default_registry())
    assert len(sample) == size and first.summary() == second.summary()
    assert verification_graph_iri("900_sample.txt") in sample.graphs()
    stored = verifications_from_store(sample)
    assert len(stored) == len(second.verifications)
    agents = sample.select("SELECT ?a WHERE { ?v prov:wasAssociatedWith ?a . ?a a prov:SoftwareAgent, cg:Verifier }")
    assert agents and all(row["a"].startswith("https://claimgraph.dev/id/verifier/") for row in agents)
    used = sample.select('SELECT ?c WHERE { ?v cg:verdict "refuted" ; prov:used ?c . ?c a cg:Claim }')
    assert used  # the size ratio names the parameter claims it read


def test_sparql_finds_the_refuted_claims_of_a_paper(sample: OxigraphStore) -> None:
    verify_all(sample, default_registry())
    assert {row["text"] for row in sample.select(REFUTED)} == {"30%"}


def test_every_numeric_claim_gets_a_verdict_or_a_reason(sample: OxigraphStore) -> None:
    run = verify_all(sample, default_registry())
    assert run.claims == len({v.claim_id for v in run.verifications})
    assert all(v.reason is not None for v in run.verifications if not v.checked)
    assert run.by_verdict["refuted"] == 1 and 0 < run.coverage < 1


def test_cross_check_reports_conflicting_values(tmp_path: Path, vocabulary) -> None:
    store = store_from(tmp_path, vocabulary, "Mixtral has 47B parameters in total.", "Mixtral has 13B parameters in total.")
    run = verify_all(store, default_registry())
    found = [v for v in run.verifications if v.verifier == "crosscheck.conflicting_values"]
    assert len(found) == 1 and found[0].claimed == "13B parameters" and found[0].verdict.value == "refuted"


def test_removing_a_source_removes_its_verifications(sample: OxigraphStore) -> None:
    verify_all(sample, default_registry())
    remove_verifications(sample, "900_sample.txt")
    assert verifications_from_store(sample) == []


def test_seeds_end_to_end(seed_paths: list[Path], vocabulary) -> None:
    store = OxigraphStore()
    load_sources(store, seed_paths, vocabulary)
    run = verify_all(store, default_registry(), VerifyOptions())  # no loss table: that claim is not checkable
    assert run.claims > 500 and run.checked >= 8
    by_id = {(v.claimed, v.verifier): v for v in run.verifications}
    assert by_id[("65×", "moe.combinations")].verdict.value == "supported"
    assert by_id[("d(d + 3) / 2", "denseformer.dwa_parameters")].verdict.value == "supported"
    assert by_id[("40%", "arithmetic.size_ratio")].verdict.value == "refuted"
    assert by_id[("0.7%", "scaling.overtraining_extrapolation")].reason.value == "needs_external_data"
