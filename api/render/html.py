"""The report as one self-contained HTML page a person would read: inline CSS, plots as inline SVG."""

from __future__ import annotations

from html import escape

from api.render import Renderer
from api.render.plots import plot_svg
from api.render.text import LABELS, checked_first, recomputed
from compute.models import Verdict, Verification
from compute.report import ClaimReport, VerificationReport

CSS = """
body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; } td, th { padding: .2rem .8rem; border-bottom: 1px solid #ddd; text-align: left; }
.claim { border: 1px solid #ddd; border-radius: 6px; padding: .8rem 1rem; margin: 1rem 0; }
blockquote { margin: .4rem 0; padding-left: .8rem; border-left: 3px solid #ccc; color: #444; }
.badge { display: inline-block; padding: .05rem .5rem; border-radius: 4px; font-size: .85em; color: #fff; }
.supported { background: #2e7d32; } .approximately_supported { background: #b7791f; }
.refuted { background: #c62828; } .not_checkable { background: #757575; }
code { background: #f4f4f4; padding: 0 .2rem; font-size: .9em; word-break: break-word; }
.where { color: #666; font-size: .85em; } svg { max-width: 100%; height: auto; }
"""


def _badge(verdict: Verdict) -> str:
    return f'<span class="badge {verdict.value}">{LABELS[verdict]}</span>'


def _verification(v: Verification) -> str:
    plot = f"<figure>{plot_svg(v.plot)}</figure>" if v.plot else ""
    return (f"<li>{_badge(v.verdict)} <b>{escape(v.verifier)}</b>: recomputed {escape(recomputed(v))}"
            f"<br>{escape(v.message)}<br>method: <code>{escape(v.method)}</code>{plot}</li>")


def _claim(item: ClaimReport) -> str:
    loc = item.location
    where = f"{loc.source}:{loc.line}:{loc.column}" if loc.line else f"{loc.source} @ {loc.start}"
    shown = "".join(_verification(v) for v in item.verifications if v.checked)
    return (f'<section class="claim" id="{escape(item.claim_id)}">{_badge(item.verdict)} '
            f"<code>{escape(item.claimed)}</code> <span class=\"where\">{escape(where)}</span>"
            f"<blockquote>{escape(item.sentence)}</blockquote><ul>{shown}</ul></section>")


def render_html(report: VerificationReport) -> str:
    s = report.summary
    counts = "".join(f"<tr><td>{_badge(Verdict(k))}</td><td>{n}</td></tr>" for k, n in s.by_verdict.items())
    reasons = "".join(f"<tr><td>{escape(k)}</td><td>{n}</td></tr>" for k, n in sorted(s.by_reason.items()))
    checked = checked_first([c for c in report.claims if c.verdict is not Verdict.not_checkable])
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Claim verification report</title>'
        f"<style>{CSS}</style></head><body><h1>Claim verification report</h1>"
        f"<p><b>{s.checked}</b> of <b>{s.claims}</b> numeric claims checked "
        f"(coverage {100 * s.coverage:.1f}%). Code {escape(report.code_version)}.</p>"
        f"<table><tr><th>verdict (per claim)</th><th>claims</th></tr>{counts}</table>"
        f"<h2>Why the rest is not checkable</h2><table><tr><th>reason</th><th>verifications</th></tr>{reasons}</table>"
        f"<h2>Checked claims</h2>{''.join(_claim(item) for item in checked)}</body></html>\n"
    )


RENDERER = Renderer("html", "text/html", ".html", render_html)
