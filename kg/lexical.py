"""The lexical half of search: a tokenizer for ML prose and a BM25 index (bm25s) over passage texts."""

from __future__ import annotations

import re
from pathlib import Path

import bm25s
import numpy as np

# Compounds like "qwen1.5-moe", "3.7-4.3x", "r@5" are kept whole and also split into their parts.
_TOKEN = re.compile(r"[a-z0-9]+(?:[.\-@/][a-z0-9]+)*")
_PART = re.compile(r"[a-z]+|[0-9]+")
STOPWORDS = frozenset(
    """a an and are as at be been but by can could did do does doing for from had has have how i if in into is it
    its itself many may more much of on or our same so such than that the their them then there these they this
    those to through was we were what when where which while who whom why will with would you your""".split()
)


def _stem(token: str) -> str:
    # plural "s" only: "experts" ~ "expert", never "ss" ("loss") or short words ("gpus" is 4: kept as is)
    if len(token) > 4 and token.endswith("s") and not token.endswith("ss") and not token[-2].isdigit():
        return token[:-1]
    return token


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens without stopwords; compounds also yield their alphabetic and numeric parts."""
    tokens: list[str] = []
    for match in _TOKEN.finditer(text.lower().replace("×", "x")):
        word = match.group()
        if word in STOPWORDS:
            continue
        tokens.append(_stem(word))
        parts = _PART.findall(word)
        if len(parts) > 1:
            tokens.extend(_stem(p) for p in parts if p not in STOPWORDS)
    return tokens


class LexicalIndex:
    """BM25 scores for every passage, in passage order."""

    def __init__(self, model: bm25s.BM25, size: int) -> None:
        self._model = model
        self.size = size

    @classmethod
    def build(cls, texts: list[str]) -> LexicalIndex:
        model = bm25s.BM25()
        corpus = [tokenize(text) or [""] for text in texts]
        model.index(corpus, show_progress=False)
        return cls(model, len(texts))

    def scores(self, query: str) -> np.ndarray:
        known = [t for t in tokenize(query) if t in self._model.vocab_dict]
        if not known or self.size == 0:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._model.get_scores(known), dtype=np.float32)

    def knows(self, token: str) -> bool:
        return token in self._model.vocab_dict

    def save(self, directory: Path) -> None:
        self._model.save(str(directory), show_progress=False)

    @classmethod
    def load(cls, directory: Path, size: int) -> LexicalIndex:
        return cls(bm25s.BM25.load(str(directory), show_progress=False), size)
