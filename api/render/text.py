"""Wording shared by the human-readable renderers: verdict labels and numbers as a reader expects them."""

from __future__ import annotations

from compute.models import Verdict, Verification

LABELS = {
    Verdict.supported: "supported",
    Verdict.approximately_supported: "approximately supported",
    Verdict.refuted: "refuted",
    Verdict.not_checkable: "not checkable",
}


def number(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.4g}" if abs(value) < 1e6 else f"{value:.3e}"


def recomputed(v: Verification) -> str:
    if v.recomputed_low is not None and v.recomputed_high is not None:
        return f"{number(v.recomputed)} in [{number(v.recomputed_low)}, {number(v.recomputed_high)}]"
    return number(v.recomputed)


def checked_first(items: list, key=lambda item: item.verdict) -> list:
    order = [Verdict.refuted, Verdict.approximately_supported, Verdict.supported, Verdict.not_checkable]
    return sorted(items, key=lambda item: order.index(key(item)))
