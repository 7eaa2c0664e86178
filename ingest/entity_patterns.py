"""Patterns that find entity names the vocabulary lacks: "Name: title", acronym definitions,
"we propose X", and model names with sizes ("LLaMA-2-70B", "Qwen1.5-MoE")."""

from __future__ import annotations

import re
from typing import NamedTuple

from ingest.models import EntityType

_TITLE_COLON = re.compile(r"^\W{0,6}(?P<name>[A-Z0-9][\w.\-+*]*(?:[ \-][A-Z0-9][\w.\-+*]*){0,2})\W{0,6}:\s+\S")
_ACRONYM = re.compile(r"\((?P<acronym>[A-Za-z][A-Za-z0-9\-]*[A-Z][A-Za-z0-9\-]*s?)\)")
_PROPOSAL = re.compile(
    r"\b[Ww]e\s+(?:propose|introduce|present|develop|release|design|build)s?\s*"
    r"(?:(?:a|an|the)\s+)?(?:(?:new|novel|simple|general)\s+)?(?:(?:method|framework|model|benchmark|dataset|approach|"
    r"algorithm|system|technique|architecture)\s+)?(?:(?:called|named|dubbed|termed)\s+)?"
    r"(?P<name>[A-Z][A-Za-z0-9\-.+]*[A-Za-z0-9+])(?=[,:(]|\s+(?:\(|a|an|which|that|to|for),?\s)"
)
_MODEL_SIZE = re.compile(
    r"(?<![\w\-])(?P<name>[A-Z][A-Za-z]*[a-z][A-Za-z]*(?:-?\d+(?:\.\d+)?)?"
    r"(?:-(?:\d+(?:\.\d+)?[BMK]|MoE|A\d+(?:\.\d+)?B|Instruct|Chat|Base|Coder|Math|Turbo|Pro|Mini|v\d+(?:\.\d+)?))+)(?![\w\-])"
)
_BENCHMARK_WORDS = re.compile(r"\b(?:[Bb]enchmark\w*|[Dd]ataset|[Cc]orpus|[Ee]valuat\w+|[Ll]eaderboard|[Tt]estbed|[Ss]uite)\b")
_SIZE_SUFFIX = re.compile(r"-(?:\d+(?:\.\d+)?[BMK]|MoE|A\d+(?:\.\d+)?B)\b")
_GENERIC_TITLE_HEADS = frozenset(
    "survey review position overview tutorial introduction editorial perspective report case study note".split()
)
_LOWER_FUNCTION_WORDS = frozenset("a an and the of for in on to with via from by or at as is are we our".split())


class Discovery(NamedTuple):
    name: str
    type: EntityType
    start: int  # absolute offsets of the name where it was found
    end: int
    method: str
    long_form: str | None = None  # acronym definitions keep the expansion as an alias


def name_before_colon(text: str, start: int, end: int) -> Discovery | None:
    """The system name of a title such as "Thinkless: LLM Learns When to Think"."""
    match = _TITLE_COLON.match(text, start, end)
    if not match or match.group("name").lower() in _GENERIC_TITLE_HEADS:
        return None
    rest = text[match.end("name") : end]
    kind = EntityType.benchmark if _BENCHMARK_WORDS.search(rest) else EntityType.technique
    return Discovery(match.group("name"), kind, match.start("name"), match.end("name"), "title_colon")


def acronym_definitions(text: str, start: int, end: int) -> list[Discovery]:
    """Schwartz-Hearst style: the acronym's letters, in order, start the words just before the bracket."""
    found: list[Discovery] = []
    for match in _ACRONYM.finditer(text, start, end):
        acronym = match.group("acronym")
        words = list(re.finditer(r"[\w\-]+", text[max(start, match.start() - 160) : match.start()]))
        offset = max(start, match.start() - 160)
        long_form = _long_form(acronym.rstrip("s") if acronym.endswith("s") and acronym[:-1].isupper() else acronym, words)
        if long_form is None:
            continue
        first, last = words[long_form[0]], words[long_form[1]]
        expansion = text[offset + first.start() : offset + last.end()]
        if re.search(r"[,;.]", expansion):
            continue  # a clause, not a name: glued text swallowed the boundary
        kind = EntityType.benchmark if _BENCHMARK_WORDS.search(expansion) else EntityType.technique
        found.append(Discovery(acronym, kind, match.start("acronym"), match.end("acronym"), "acronym", expansion))
    return found


def _long_form(acronym: str, words: list[re.Match[str]]) -> tuple[int, int] | None:
    letters = [ch.lower() for ch in acronym if ch.isalpha()]
    if len(letters) < 2 or not words:
        return None
    max_words = min(len(letters) + 5, 2 * len(letters))
    for first in range(len(words) - 1, max(-1, len(words) - 1 - max_words), -1):
        candidate = [w.group() for w in words[first:]]
        if candidate[0].lower() in _LOWER_FUNCTION_WORDS or candidate[0][0].lower() != letters[0]:
            continue
        if _letters_in_order(letters, " ".join(candidate).lower()):
            return first, len(words) - 1
    return None


def _letters_in_order(letters: list[str], phrase: str) -> bool:
    position = 0
    for letter in letters:
        position = phrase.find(letter, position)
        if position < 0:
            return False
        position += 1
    return True


def proposals(text: str, start: int, end: int) -> list[Discovery]:
    """ "we propose Thinkless, a learnable framework ..." -> Thinkless."""
    found = []
    for match in _PROPOSAL.finditer(text, start, end):
        name = match.group("name")
        if _is_distinctive(name) or text[match.end("name") : match.end("name") + 1] in ",:(":
            found.append(Discovery(name, EntityType.technique, match.start("name"), match.end("name"), "proposal"))
    return found


def model_names(text: str, start: int, end: int) -> list[Discovery]:
    """Names carrying a size or variant suffix: "LLaMA-2-70B", "MPT-30B", "Qwen1.5-MoE"."""
    return [
        Discovery(m.group("name"), EntityType.model, m.start("name"), m.end("name"), "model_size")
        for m in _MODEL_SIZE.finditer(text, start, end)
        if _SIZE_SUFFIX.search(m.group("name"))
    ]


def _is_distinctive(name: str) -> bool:
    """A coined name: inner capitals or digits ("LongLoRA", "L2S"), or an all-caps acronym."""
    core = name.replace("-", "")
    return len(core) >= 2 and (any(ch.isupper() for ch in core[1:]) or any(ch.isdigit() for ch in core) or core.isupper())

