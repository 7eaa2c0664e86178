"""The report as Markdown, for pasting into an issue or a review: summary, then every checked claim."""

from __future__ import annotations

from api.render import Renderer
from api.render.text import LABELS, checked_first, recomputed
from compute.models import Verdict
from compute.report import ClaimReport, VerificationReport


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _where(item: ClaimReport) -> str:
    loc = item.location
    return f"{loc.source}:{loc.line}:{loc.column}" if loc.line else f"{loc.source}@{loc.start}"


def _claim(item: ClaimReport) -> list[str]:
    lines = [f"### {LABELS[item.verdict]}: `{_cell(item.claimed)}` ({_where(item)})", "", f"> {_cell(item.sentence)}", ""]
    for v in item.verifications:
        if not v.checked:
            continue
        lines += [f"- **{v.verifier}**: {LABELS[v.verdict]}; recomputed {recomputed(v)}",
                  f"  - {_cell(v.message)}", f"  - method: `{_cell(v.method)}`"]
    return [*lines, ""]


def render_markdown(report: VerificationReport) -> str:
    s = report.summary
    headline = (f"{s.checked} of {s.claims} numeric claims checked (coverage {100 * s.coverage:.1f}%); "
                f"code {report.code_version}.")
    lines = ["# Claim verification report", "", headline, "", "| verdict | claims |", "|---|---:|"]
    lines += [f"| {LABELS[Verdict(k)]} | {n} |" for k, n in s.by_verdict.items()]
    lines += ["", "| not checkable because | verifications |", "|---|---:|"]
    lines += [f"| {reason} | {n} |" for reason, n in sorted(s.by_reason.items())]
    lines += ["", "## Checked claims", ""]
    for item in checked_first([c for c in report.claims if c.verdict is not Verdict.not_checkable]):
        lines += _claim(item)
    return "\n".join(lines) + "\n"


RENDERER = Renderer("md", "text/markdown", ".md", render_markdown)
