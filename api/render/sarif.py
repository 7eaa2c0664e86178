"""The report as SARIF 2.1.0, like a static analyser: one rule per verifier (ruleId = verifier id), one result
per checked verification, located at the seed file with the line/column region of the claim's span."""

from __future__ import annotations

import json

from api.render import Renderer
from compute.models import Verdict, Verification
from compute.report import ClaimReport, VerificationReport

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Verdict.refuted: "error", Verdict.approximately_supported: "warning", Verdict.supported: "note",
          Verdict.not_checkable: "none"}
KINDS = {Verdict.refuted: "fail", Verdict.approximately_supported: "review", Verdict.supported: "pass",
         Verdict.not_checkable: "notApplicable"}


def _region(item: ClaimReport) -> dict[str, int]:
    loc = item.location
    region = {"charOffset": loc.start, "charLength": loc.end - loc.start}
    if loc.line is not None:
        region |= {"startLine": loc.line, "startColumn": loc.column, "endLine": loc.end_line,
                   "endColumn": loc.end_column}
    return region


def _result(item: ClaimReport, v: Verification, rules: dict[str, int]) -> dict[str, object]:
    return {
        "ruleId": v.verifier, "ruleIndex": rules[v.verifier], "level": LEVELS[v.verdict], "kind": KINDS[v.verdict],
        "message": {"text": v.message},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": item.location.source, "uriBaseId": "SEEDS"},
                                            "region": _region(item) | {"snippet": {"text": item.claimed}}}}],
        "partialFingerprints": {"claimId": item.claim_id},
        "properties": {"verdict": v.verdict.value, "reason": v.reason.value if v.reason else None,
                       "recomputed": v.recomputed, "claimedValue": v.claimed_value, "method": v.method,
                       "sentence": item.sentence},
    }


def sarif_log(report: VerificationReport, include_unchecked: bool = False) -> dict[str, object]:
    rules = {rule.id: index for index, rule in enumerate(report.rules)}
    results = [_result(item, v, rules) for item in report.claims for v in item.verifications
               if (v.checked or include_unchecked) and v.verifier in rules]
    return {
        "$schema": SCHEMA, "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "ClaimGraph", "informationUri": "https://claimgraph.dev/", "version": report.code_version,
                "rules": [{"id": r.id, "name": r.title, "shortDescription": {"text": r.title},
                           "fullDescription": {"text": r.description}} for r in report.rules]}},
            "originalUriBaseIds": {"SEEDS": {"description": {"text": "the directory of the ingested source files"}}},
            "results": results,
            "properties": {"claims": report.summary.claims, "checked": report.summary.checked,
                           "coverage": report.summary.coverage, "byVerdict": report.summary.by_verdict},
        }],
    }


def render_sarif(report: VerificationReport) -> str:
    return json.dumps(sarif_log(report), indent=2, ensure_ascii=False)


RENDERER = Renderer("sarif", "application/sarif+json", ".sarif", render_sarif)
