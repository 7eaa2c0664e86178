"""Scores extracted claims against the hand-labelled development set (for ``kg eval-claims``; never used by ingest).

Choices:
- Evaluated regions: an abstract entry covers its ``abstract_line`` (1-based); a newsletter entry covers
  its ``section`` heading line up to the next heading (a short line ending in a citation marker such
  as "[8]" that is neither a quote nor a bibliography entry) or "Bibliography".
- Predicted claims count only when their span starts inside an evaluated region.
- A gold record locates its verbatim ``text`` inside its region (first occurrence). A prediction can
  match it when the prediction's span overlaps that occurrence and the values agree within a relative
  tolerance of 1e-6: ``value`` against the prediction's value; ``value_low``/``value_high`` against the
  prediction's range ends; a one-sided bound (only ``value_low`` or only ``value_high``) against the
  prediction's value. Gold records with no value at all (symbolic or vague amounts) match any
  overlapping prediction: there is no number to compare.
- Matching is one-to-one and maximal (augmenting paths), so the order of records does not matter.
- ``digits_only=True`` drops gold records with ``numeral_in_words`` and predictions written in words.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

from pydantic import BaseModel

from ingest.models import Claim

_TOLERANCE = 1e-6
_HEADING = re.compile(r"^(?![\[“\"]).{3,150}\[\d+\]\s*$")


class FileScore(BaseModel):
    gold: int
    predicted: int
    matched: int
    missed: list[str]  # gold records without a match: "value | text"
    false_positives: list[str]  # unmatched predictions: their surfaces


class ClaimScore(BaseModel):
    precision: float
    recall: float
    f1: float
    gold: int
    predicted: int
    matched: int
    per_file: dict[str, FileScore]


class _Gold(BaseModel):
    record: dict[str, object]
    start: int  # the verbatim text's occurrence in the file
    end: int


def score_claims(gold_path: Path, claims_by_file: dict[str, tuple[str, list[Claim]]],
                 digits_only: bool = False) -> ClaimScore:
    """Precision, recall and F1 of predicted claims against ``gold_path`` (dev_claims.json's schema)."""
    entries = _entries(json.loads(gold_path.read_text(encoding="utf-8")))
    per_file: dict[str, FileScore] = {}
    for name, (text, claims) in sorted(claims_by_file.items()):
        regions: list[tuple[int, int]] = []
        golds: list[_Gold] = []
        for entry in (e for e in entries if e["file"] == name):
            region = _region(text, entry)
            regions.append(region)
            golds.extend(_locate(text, region, record) for record in entry["claims"]  # type: ignore[union-attr]
                         if not (digits_only and record.get("numeral_in_words")))
        predicted = [c for c in claims if any(s <= c.span.start < e for s, e in regions)
                     and not (digits_only and c.value is not None and c.value.in_words)]
        per_file[name] = _score_file(golds, predicted)
    return _total(per_file)


def _entries(gold: dict[str, object]) -> list[dict[str, object]]:
    return [*gold.get("abstracts", []), *gold.get("newsletter_claims", [])]  # type: ignore[misc]


def _line_spans(text: str) -> list[tuple[int, int]]:
    spans, position = [], 0
    for line in text.split("\n"):
        spans.append((position, position + len(line)))
        position += len(line) + 1
    return spans


def _region(text: str, entry: dict[str, object]) -> tuple[int, int]:
    lines = _line_spans(text)
    if entry.get("abstract_line"):
        return lines[int(entry["abstract_line"]) - 1]  # type: ignore[arg-type]
    heading = str(entry["section"])
    index = next((i for i, (s, e) in enumerate(lines) if text[s:e].strip() == heading.strip()), None)
    if index is None:
        raise ValueError(f"section heading {heading!r} not found in {entry['file']}")
    end = next((s for s, e in lines[index + 1:] if _HEADING.match(text[s:e]) or text[s:e].strip() == "Bibliography"),
               len(text))
    return lines[index][0], end


def _locate(text: str, region: tuple[int, int], record: dict[str, object]) -> _Gold:
    found = text.find(str(record["text"]), region[0], region[1])
    if found < 0:
        raise ValueError(f"gold text not in its region: {record['text']!r}")
    return _Gold(record=record, start=found, end=found + len(str(record["text"])))


def _close(gold: object, predicted: float | None) -> bool:
    return predicted is not None and math.isclose(float(gold), predicted, rel_tol=_TOLERANCE)  # type: ignore[arg-type]


def _agrees(gold: _Gold, claim: Claim) -> bool:
    if not (claim.span.start < gold.end and gold.start < claim.span.end):
        return False
    value, low, high = (gold.record.get(k) for k in ("value", "value_low", "value_high"))
    quantity = claim.value
    if value is None and low is None and high is None:
        return True  # the annotator gave no number to compare: the overlapping span is the match
    if quantity is None:
        return False
    if value is not None:
        return _close(value, quantity.value)
    if low is not None and high is not None:
        return _close(low, quantity.low) and _close(high, quantity.high)
    bound = low if low is not None else high
    return _close(bound, quantity.value) or _close(bound, quantity.low if low is not None else quantity.high)


def _score_file(golds: list[_Gold], predicted: list[Claim]) -> FileScore:
    options = [[j for j, claim in enumerate(predicted) if _agrees(gold, claim)] for gold in golds]
    owner: dict[int, int] = {}

    def assign(i: int, seen: set[int]) -> bool:
        for j in options[i]:
            if j not in seen:
                seen.add(j)
                if j not in owner or assign(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    matched = sum(assign(i, set()) for i in range(len(golds)))
    matched_golds = set(owner.values())
    missed = [f"{g.record.get('value')} | {g.record['text']}" for i, g in enumerate(golds) if i not in matched_golds]
    false_positives = [c.span.surface for j, c in enumerate(predicted) if j not in owner]
    return FileScore(gold=len(golds), predicted=len(predicted), matched=matched, missed=missed,
                     false_positives=false_positives)


def _total(per_file: dict[str, FileScore]) -> ClaimScore:
    gold = sum(f.gold for f in per_file.values())
    predicted = sum(f.predicted for f in per_file.values())
    matched = sum(f.matched for f in per_file.values())
    precision = matched / predicted if predicted else 0.0
    recall = matched / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return ClaimScore(precision=precision, recall=recall, f1=f1, gold=gold, predicted=predicted, matched=matched,
                      per_file=per_file)
