"""The report as JSON: the VerificationReport model as is."""

from __future__ import annotations

from api.render import Renderer
from compute.report import VerificationReport


def render_json(report: VerificationReport) -> str:
    return report.model_dump_json(indent=2)


RENDERER = Renderer("json", "application/json", ".json", render_json)
