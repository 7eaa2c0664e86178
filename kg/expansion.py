"""Query expansion from a curated vocabulary of the field (kg/vocabulary/paraphrases.json), and the source kinds
a question names ("the newsletter", "the arXiv dump", "the ... listing").

Questions often paraphrase the text ("boosting the share of specialised corpora" for "domain upsampling"): the
vocabulary maps plain-language phrases to the field's words, which are appended to the query for BM25 and for
the embedding. Phrases match at word boundaries, case-insensitively; a trailing ``*`` matches any word ending.

>>> vocabulary = Paraphrases.load()
>>> vocabulary.expand("Which corpora worked best?")
'dataset datasets data optimal'
>>> sorted(vocabulary.sources("What does the newsletter say, and the arXiv dump?"))
['Article', 'ArxivAbstract']
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

VOCABULARY = Path(__file__).parent / "vocabulary" / "paraphrases.json"


def _pattern(phrases: list[str]) -> re.Pattern[str]:
    parts = [re.escape(p).replace(r"\*", r"\w*") for p in phrases]
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])", re.IGNORECASE)


class Paraphrase(BaseModel):
    model_config = ConfigDict(frozen=True)

    say: tuple[str, ...]
    means: tuple[str, ...]


class Paraphrases:
    """The paraphrase and source-cue tables, compiled once."""

    def __init__(self, paraphrases: list[Paraphrase], sources: dict[str, list[str]]) -> None:
        self._rules = [(_pattern(list(p.say)), p.means) for p in paraphrases]
        self._sources = {kind: _pattern(words) for kind, words in sources.items() if not kind.startswith("_")}

    @classmethod
    def load(cls, path: Path = VOCABULARY) -> Paraphrases:
        return _load(path)

    def expand(self, question: str) -> str:
        """The field's words for the paraphrases in ``question`` (not already in it), space-separated."""
        lowered = question.lower()
        words: list[str] = []
        for pattern, means in self._rules:
            if pattern.search(question):
                words += [w for w in means if w.lower() not in lowered and w not in words]
        return " ".join(words)

    def sources(self, question: str) -> frozenset[str]:
        """The document types (Article, ListingEntry, ArxivAbstract) the question names as its sources."""
        return frozenset(kind for kind, pattern in self._sources.items() if pattern.search(question))


@lru_cache(maxsize=4)
def _load(path: Path) -> Paraphrases:
    data = json.loads(path.read_text(encoding="utf-8"))
    rules = [Paraphrase(say=tuple(r["say"]), means=tuple(r["means"])) for r in data["paraphrases"]]
    return Paraphrases(rules, data.get("sources", {}))
