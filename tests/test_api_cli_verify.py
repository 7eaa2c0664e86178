"""`kg verify` and `kg report` as the lead will register them on the `kg` app."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from api.cli_verify import report, verify
from tests.compute_samples import newsletter

app = typer.Typer()
app.command("verify")(verify)
app.command("report")(report)


def test_verify_then_report(tmp_path: Path) -> None:
    from api.cli import app as kg

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "900_sample.txt").write_text(newsletter("Phi-3 is a 7B parameter model trained on 2T tokens with "
                                                     "2e23 FLOPs of compute."), encoding="utf-8")
    store = str(tmp_path / "store")
    runner = CliRunner()
    assert runner.invoke(kg, ["ingest", str(seeds), "--store", store, "--no-index", "--json"]).exit_code == 0
    result = runner.invoke(app, ["verify", "--store", store, "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert set(summary) == {"claims", "checked", "by_verdict", "coverage"} and summary["by_verdict"]["refuted"] == 1
    out = tmp_path / "report.sarif"
    result = runner.invoke(app, ["report", "--store", store, "--format", "sarif", "--out", str(out), "--sources", str(seeds)])
    assert result.exit_code == 0 and json.loads(out.read_text())["version"] == "2.1.0"
    bad = runner.invoke(app, ["report", "--store", store, "--format", "xml"])
    assert bad.exit_code == 2 and "known formats" in bad.output
