"""What a claim is about: its subject, comparison target and benchmark, read from the sentence's mentions."""

from __future__ import annotations

import re
from typing import NamedTuple

from ingest.models import Claim, ClaimKind, Document, Entity, EntityType, Mention, Span

_NOT_SUBJECTS = {EntityType.benchmark, EntityType.hardware}
_COMPARISON_AFTER = re.compile(
    r"[^,;0-9]{0,40}?\b(?P<cue>than|over|compared\s+(?:to|with)|relative\s+to|vs\.?|versus|"
    r"outperform(?:s|ing)?|surpass(?:es|ing)?|beating)\s+(?P<target>[^,;()]{1,60})"
)
_COMPARISON_BEFORE = re.compile(r"(?P<target>[^,;()]{1,50}?)\s+by\s+(?:about\s+|approximately\s+|up\s+to\s+|over\s+)?$")
_OUTPERFORM = re.compile(r"\b(?:outperform|surpass|beat|exceed)\w*\s+", re.I)
_TARGET_STOP = re.compile(r"\s+(?:at|on|in|with|when|while|and|for|by|across|using|under)\s+.*$")
_LIST_GLUE = re.compile(r"\s*(?:,\s*and|,\s*or|,|and|or|&)\s*")
_BENCHMARK_REACH = 50
_DATA_NOUN = re.compile(r"\s+(?:dataset|benchmark|test\s+set|corpus)s?\b", re.I)
_TARGET_CUE = re.compile(r"\b(?:than|over|compared\s+(?:to|with)|relative\s+to|vs\.?|versus|outperform\w*|"
                         r"surpass\w*|beat\w*)\s+(?:the\s+)?$")


class ClaimLinks(NamedTuple):
    subject_key: str | None
    target_key: str | None
    target_text: str | None
    benchmark_key: str | None


def main_subject(text: str, document: Document, sentence: Span, mentions: list[Mention],
                 entities: dict[str, Entity]) -> str | None:
    """The document's (or the sentence's section's) main subject; see ingest.claims for the order."""
    def first_within(span: Span | None) -> str | None:
        inside = [m for m in mentions if span and span.start <= m.span.start < span.end]
        return inside[0].entity_key if inside else None

    for section in document.sections:
        if section.heading.start <= sentence.start < section.body.end:
            return first_within(section.heading)
    proposals = [m for m in mentions if m.method == "proposal"]
    fallback = [m for m in mentions if _type(entities, m) not in _NOT_SUBJECTS and not compared_to(text, m)]
    return (first_within(document.title_span) or (proposals[0].entity_key if proposals else None)
            or (fallback[0].entity_key if fallback else None))


def compared_to(text: str, mention: Mention) -> bool:
    """Whether the mention is written as a comparison's target ("than Mixtral", "outperforming X")."""
    return bool(_TARGET_CUE.search(text[max(0, mention.span.start - 30):mention.span.start]))


def _type(entities: dict[str, Entity], mention: Mention) -> EntityType | None:
    entity = entities.get(mention.entity_key)
    return entity.type if entity else None


class SentenceMentions:
    """The mentions of one sentence, with the document's main subject as the fallback subject."""

    def __init__(self, text: str, sentence: Span, mentions: list[Mention], entities: dict[str, Entity],
                 main_key: str | None) -> None:
        self.text = text
        self.sentence = sentence
        self.entities = entities
        self.main_key = main_key
        self.mentions = [m for m in mentions if sentence.start <= m.span.start < sentence.end]

    def is_benchmark(self, mention: Mention) -> bool:
        # "the Alpaca dataset": the text types a mention the vocabulary may have typed otherwise.
        named_as_data = _DATA_NOUN.match(self.text, mention.span.end)
        return _type(self.entities, mention) == EntityType.benchmark or bool(named_as_data)

    def _is_target(self, mention: Mention) -> bool:
        outperformed = re.match(r"\s+by\b", self.text[mention.span.end:mention.span.end + 5]) \
            and _OUTPERFORM.search(self.text[self.sentence.start:mention.span.start])
        return bool(outperformed) or compared_to(self.text, mention)

    def subject_before(self, position: int) -> str | None:
        candidates = [m for m in self.mentions if m.span.end <= position
                      and _type(self.entities, m) not in _NOT_SUBJECTS and not self.is_benchmark(m)
                      and not self._is_target(m)]
        return candidates[-1].entity_key if candidates else self.main_key

    def links(self, span: Span) -> ClaimLinks:
        target_key, target_text = self._target(span)
        return ClaimLinks(self.subject_before(span.start), target_key, target_text, self._benchmark(span))

    def _mention_in(self, start: int, end: int) -> Mention | None:
        inside = [m for m in self.mentions if start <= m.span.start and m.span.end <= end and not self.is_benchmark(m)]
        return inside[0] if inside else None

    def _target(self, span: Span) -> tuple[str | None, str | None]:
        after = _COMPARISON_AFTER.match(self.text, span.end, self.sentence.end)
        if after:
            start, phrase = after.start("target"), _TARGET_STOP.sub("", after.group("target")).strip().rstrip(".")
        else:
            before_text = self.text[self.sentence.start:span.start]
            before = _COMPARISON_BEFORE.search(before_text)
            if before is None or not _OUTPERFORM.search(before_text):
                return None, None
            phrase = re.split(r"\b(?:outperform\w*|surpass\w*|beat\w*|exceed\w*|and)\s+", before.group("target"))[-1]
            start = self.sentence.start + before.end("target") - len(phrase)
        mention = self._mention_in(start, start + len(phrase))
        return (mention.entity_key, None) if mention else (None, phrase or None)

    def _benchmark(self, span: Span) -> str | None:
        benchmarks = [m for m in self.mentions if self.is_benchmark(m)]
        following = [m for m in benchmarks if span.end <= m.span.start <= span.end + _BENCHMARK_REACH
                     and not re.search(r"\d", self.text[span.end:m.span.start])]
        preceding = [m for m in benchmarks if m.span.end <= span.start]
        chosen = following[0] if following else (preceding[-1] if preceding else None)
        return chosen.entity_key if chosen else None

    def listed(self) -> list[Mention]:
        """The longest run of mentions written as a list ("GSM8K and HumanEval")."""
        best: list[Mention] = []
        run: list[Mention] = []
        for mention in self.mentions:
            glue = self.text[run[-1].span.end:mention.span.start] if run else ""
            run = [*run, mention] if run and _LIST_GLUE.fullmatch(glue) else [mention]
            best = run if len(run) > len(best) else best
        return best if len(best) > 1 else []


def map_respectively(text: str, sentence: Span, claims: list[Claim], context: SentenceMentions) -> list[Claim]:
    """Map "A and B ... X and Y, respectively" value by value: each run of same-unit values whose length
    equals the listed mentions takes them in order, as benchmarks or as subjects."""
    if "respectively" not in text[sentence.start:sentence.end]:
        return claims
    listed = context.listed()
    if not listed:
        return claims
    by_unit: dict[str | None, list[Claim]] = {}
    for claim in claims:
        if claim.kind != ClaimKind.formula and claim.value is not None:
            by_unit.setdefault(claim.value.unit, []).append(claim)
    field = "benchmark_key" if all(context.is_benchmark(m) for m in listed) else "subject_key"
    mapped = {c.id: c for c in claims}
    for group in by_unit.values():
        if len(group) == len(listed):
            for claim, mention in zip(sorted(group, key=lambda c: c.span.start), listed):
                mapped[claim.id] = claim.model_copy(update={field: mention.entity_key})
    return list(mapped.values())
