"""Short answers composed from selected evidence: a claim's value, a set read off an enumeration, the items
after a colon, or the evidence sentences themselves; every piece of text an answer rests on is returned as a
(quote, passage) pair for the quote check.

>>> enumeration("It has five levels (16k, 32k, 64k, and 128k) in all.")
['16k', '32k', '64k', '128k']
>>> enumeration("Comments sourced from YouTube, Twitter, and Reddit and labeled by workers.")
['YouTube', 'Twitter', 'Reddit']
>>> render_set(["YouTube", "Twitter", "Reddit"])
'YouTube, Twitter and Reddit'
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

from kg.evidence import Evidence
from kg.passages import Passage
from kg.questions import QuestionAnalysis
from kg.search import SearchIndex

_PARENS = re.compile(r"\(([^()]*)\)")
_SEPARATOR = re.compile(r",\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+")
_COUNT_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_COUNT = re.compile(r"\b(two|three|four|five|six|[2-6])\b", re.IGNORECASE)
MAX_ITEM_WORDS = 6  # longer "items" are clauses, not a list


class Composed(BaseModel):
    model_config = ConfigDict(frozen=True)

    answer: str
    quotes: list[tuple[str, Passage]]  # the sentences the answer rests on, each with the passage it is cited from
    claims: list[Passage]


def render_set(items: list[str]) -> str:
    """Items as prose: "A", "A and B", "A, B and C"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _short(items: list[str]) -> bool:
    return len(items) >= 3 and all(0 < len(i.split()) <= MAX_ITEM_WORDS for i in items)


def _name_like(word: str) -> bool:
    return word[:1].isupper() or any(ch.isdigit() for ch in word)


def enumeration(text: str) -> list[str] | None:
    """The items of the first enumeration of three or more ("A, B, and C"), in a parenthesis or in the text."""
    for group in _PARENS.findall(text):
        items = [i.strip() for i in _SEPARATOR.split(group) if i.strip()]
        if _short(items):
            return items
    segments = text.split(", ")
    for i in range(1, len(segments) - 1):
        middle: list[str] = []
        j = i
        while j < len(segments) and not re.match(r"(and|or) ", segments[j]) and len(segments[j].split()) <= 3:
            middle.append(segments[j].strip())
            j += 1
        if not middle or j >= len(segments) or not re.match(r"(and|or) ", segments[j]):
            continue
        width = max(len(m.split()) for m in middle)
        return [_tail(segments[i - 1], width), *middle, _head(segments[j].split(" ", 1)[1], width)]
    return None


def _tail(segment: str, width: int) -> str:
    """The last item-sized run of words of the text before an enumeration."""
    words = segment.split()
    taken: list[str] = []
    while words and (len(taken) < width or _name_like(words[-1])) and len(taken) < MAX_ITEM_WORDS:
        taken.insert(0, words.pop())
    return " ".join(taken).lstrip("(")


def _head(segment: str, width: int) -> str:
    """The first item-sized run of words after the enumeration's "and"."""
    words = re.split(r"\s+|(?=[.;:)])", segment)
    taken: list[str] = []
    for word in words:
        if not word or word in {".", ";", ":", ")"} or (taken and word in {"and", "or"}) or len(taken) >= width + 2:
            break
        if len(taken) >= width and not _name_like(word):
            break
        taken.append(word)
    return " ".join(taken)


def _items_after(index: SearchIndex, sentence: Passage) -> list[Passage]:
    """The sentences a colon introduces: as many as the sentence counts ("three patterns:"), else up to four,
    within the sentence's section."""
    counted = _COUNT.search(sentence.text)
    n = (_COUNT_WORDS.get(counted.group(1).lower()) or int(counted.group(1))) if counted else 4
    return [s for s in index.following(sentence, n) if s.locator == sentence.locator]


def compose(index: SearchIndex, question: QuestionAnalysis, evidence: Evidence) -> Composed | None:
    """The answer the evidence supports, or None when there is no evidence."""
    best = evidence.best
    if best is None:
        return None
    if evidence.parts:  # one part per named source: the answer is their sentences, in turn
        quotes = [(s.sentence.text, s.holder) for s, _ in evidence.parts]
        claims = [c for _, c in evidence.parts if c is not None]
        return Composed(answer=" ".join(q for q, _ in quotes), quotes=quotes, claims=claims)
    quote = [(best.sentence.text, best.holder)]
    if question.listing:
        if best.sentence.text.rstrip().endswith(":") and (items := _items_after(index, best.sentence)):
            return Composed(answer="; ".join(i.text for i in items), quotes=quote + [(i.text, i) for i in items], claims=[])
        if items := enumeration(best.sentence.text):
            return Composed(answer=render_set(items), quotes=quote, claims=[])
    if evidence.claim is not None and evidence.claim.claim is not None and evidence.claim.claim.value_text:
        return Composed(answer=evidence.claim.claim.value_text, quotes=quote, claims=[evidence.claim])
    return Composed(answer=best.sentence.text, quotes=quote, claims=[])
