"""RAFT questions from the graph's entities: "What is <name>?", answered by the sentence that defines it
("X is a ...", "X, a ...", "we propose X"), quoted.

Each becomes a claim-like passage (the defining sentence, with ClaimFacts of kind ``definition``) so the RAFT
builder treats it as it treats a claim: its hard distractors are the definitions of other entities.
"""

from __future__ import annotations

import re

from kg.passages import ClaimFacts, Passage, PassageKind
from kg.search import SearchIndex

DEFINITION = "definition"


def _defines(name: str) -> re.Pattern[str]:
    quoted = re.escape(name)
    return re.compile(
        rf"(?<![\w-]){quoted}(?![\w-])\s*(?:\([^)]{{0,40}}\)\s*)?,?\s*(?:is|are|refers to|denotes)\s+(?:a|an|the)\b"
        rf"|(?<![\w-]){quoted}(?![\w-]),\s+(?:a|an)\s"
        rf"|\b(?:propose|proposes|present|presents|introduce|introduces)\s+{quoted}(?![\w-])"
    )


def definition_items(index: SearchIndex) -> list[Passage]:
    """For every entity with a defining sentence, that sentence as a claim-like passage (first in file order)."""
    sentences: dict[str, list[Passage]] = {}
    for passage in index.passages:
        if passage.kind is PassageKind.sentence:
            for iri in passage.entities:
                sentences.setdefault(iri, []).append(passage)
    items: list[Passage] = []
    for entity in index.entities:
        patterns = [_defines(name) for name in entity.names if len(name) >= 3]
        found = next((s for s in sorted(sentences.get(entity.iri, []), key=lambda p: (p.file, p.start))
                      if any(p.search(s.text) for p in patterns)), None)
        if found is not None:
            facts = ClaimFacts(quantity=DEFINITION, kind=DEFINITION, value_text=found.text, subject=entity.iri)
            items.append(found.model_copy(update={"claim": facts, "claim_id": f"definition:{entity.iri.rsplit('/', 1)[-1]}"}))
    return items


def definition_question(index: SearchIndex, passage: Passage) -> str | None:
    facts = passage.claim
    if facts is None or facts.kind != DEFINITION or facts.subject is None:
        return None
    return f"What is {index.label(facts.subject)}?"
