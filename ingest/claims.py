"""Claim extraction: the numbers a document states as facts, with kind, subject, target and benchmark.

Subject heuristic: the nearest mention before the number in its sentence that is not a benchmark,
hardware, or the target of a comparison; else the document's main subject, which is the first mention
in the newsletter section heading that holds the sentence, the first mention in a paper's title, the
first "proposal" mention ("we propose X"), or the document's first mention that is not a comparison
target, in that order.
"""

from __future__ import annotations

from ingest.claim_links import ClaimLinks, SentenceMentions, main_subject, map_respectively
from ingest.claim_rules import classify, is_change, states_claim
from ingest.formulas import find_formulas
from ingest.models import Claim, ClaimKind, Document, Entity, Mention, Quantity, Span
from ingest.numbers import find_quantities


def extract_claims(text: str, document: Document, mentions: list[Mention],
                   entities: dict[str, Entity]) -> list[Claim]:
    """Claims stated in ``document``, sorted by position; works with no mentions (subjects then None)."""
    own = sorted((m for m in mentions if m.document_id == document.id), key=lambda m: m.span.start)
    claims: dict[str, Claim] = {}
    for sentence in document.sentences or [document.span]:
        context = SentenceMentions(text, sentence, own, entities, main_subject(text, document, sentence, own, entities))
        for claim in _sentence_claims(text, document, sentence, context):
            claims.setdefault(claim.id, claim)
    return sorted(claims.values(), key=lambda c: (c.span.start, c.span.end))


def _sentence_claims(text: str, document: Document, sentence: Span, context: SentenceMentions) -> list[Claim]:
    formulas = find_formulas(text, sentence)
    claims = [
        Claim(id=_claim_id(document, f.span), document_id=document.id, kind=ClaimKind.formula,
              quantity=f.label, expression=f.expression, subject_key=context.subject_before(f.span.start),
              sentence=sentence, span=f.span)
        for f in formulas
    ]
    quantities = [
        _as_stated(text, sentence, q)
        for q in find_quantities(text, sentence.start, sentence.end)
        if states_claim(text, q) and not any(_overlaps(q.span, f.span) for f in formulas)
    ]
    claims.extend(_quantity_claim(text, document, sentence, q, context) for q in quantities)
    return map_respectively(text, sentence, claims, context)


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _as_stated(text: str, sentence: Span, quantity: Quantity) -> Quantity:
    """A "from X to Y" change keeps only the new value Y; X is the baseline, not a claim of its own."""
    if quantity.low is None or not quantity.span.surface.lower().startswith("from"):
        return quantity
    if not is_change(text[sentence.start:quantity.span.start]):
        return quantity
    to = quantity.span.surface.lower().rfind(" to ")
    if to < 0:
        return quantity
    new_values = find_quantities(text, quantity.span.start + to + len(" to "), quantity.span.end)
    return new_values[0] if new_values else quantity


def _quantity_claim(text: str, document: Document, sentence: Span, quantity: Quantity,
                    context: SentenceMentions) -> Claim:
    before = text[sentence.start:quantity.span.start]
    after = text[quantity.span.end:sentence.end]
    kind, measured = classify(quantity, before, after)
    links: ClaimLinks = context.links(quantity.span)
    return Claim(id=_claim_id(document, quantity.span), document_id=document.id, kind=kind, quantity=measured,
                 value=quantity, subject_key=links.subject_key, target_key=links.target_key,
                 target_text=links.target_text, benchmark_key=links.benchmark_key, sentence=sentence,
                 span=quantity.span)


def _claim_id(document: Document, span: Span) -> str:
    return f"{document.id}/c{span.start}-{span.end}"
