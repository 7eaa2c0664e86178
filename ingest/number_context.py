"""Why a numeral is not a stated quantity: part of a name, a year, a citation, an enumerator, a URL, a footnote."""

from __future__ import annotations

import re
from functools import cache

from ingest.number_terms import Term, vocabulary

_URL = re.compile(r"(?:https?://|www\.)\S+|\S+\.(?:com|org|io|ai|net|html?|pdf)(?:/\S*)?\b")
_ARXIV_ID = re.compile(r"\d{4}\.\d{4,5}(?:v\d+)?")
_HTML_ENTITY = re.compile(r"(?<=[A-Za-z&#])x?(?:20[0-9a-fA-F]{2}|00[0-9a-fA-F]{2})|#\d{2,5};")
_CITATION = re.compile(r"\[\s*\d+(?:\s*[,–-]\s*\d+)*\s*\]")
_NAME_JOINER = re.compile(r"[A-Za-z0-9][-_^@/.]$")
_ORDINAL = re.compile(r"(?:st|nd|rd|th)\b")
_SYMBOL_OPERAND_BEFORE = re.compile(r"(?:(?<![A-Za-z0-9])[A-Za-z]|\))\s*[-+*/^]\s*$")
_SYMBOL_OPERAND_AFTER = re.compile(r"\s*[-+*/^]\s*[A-Za-z](?![A-Za-z])")
_TITLE_WORD = re.compile(r"[A-Z][a-z]+\b")
# "7B & 13B version", "llama-2-chat 7B & 70B": sizes listed as a model's variants.
_VARIANT_LIST = re.compile(r"(?:\s*(?:&|and|or|/|,)\s*\d[\d.]*[kKMBT]?)*\s+(?:versions?|variants?)\b")
_NAME_LIST_BEFORE = re.compile(
    r"(?:[A-Za-z]+[-.]?\d[\w.-]*|[A-Z][a-z]*[A-Z]\w*)\s+\d[\d.]*[kKMBT]?\s*(?:&|and|or|/)\s*$"
)
_NUMERAL_TOKEN = re.compile(r"[$~]?\d[\d.,]*[kKMBTb%×x]?\+?[,;:]?")
_SIZE_LIST = re.compile(r"(?:\s*\d[\d.]*[kKMBTb]\s*(?:,|and|&|/|or)?)*\s*(?:,|and|&|/|or)?\s*")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|\n\s*)$")


@cache
def _word_set(key: str) -> frozenset[str]:
    return frozenset(vocabulary()[key])  # type: ignore[arg-type]


def exclusion_reason(text: str, term: Term) -> str | None:
    """Name the reason ``term`` is not a quantity of its own, or None when it may be one."""
    for check in (_in_url, _in_arxiv_id, _in_html_entity, _in_citation, _glued_left, _glued_right,
                  _label, _enumerator, _reference, _year_or_date, _symbol_operand, _lost_times_sign,
                  _name_part, _name_variants):
        reason = check(text, term)
        if reason:
            return reason
    return None


def excluded_range_end(text: str, term: Term) -> bool:
    """Whether the upper end of a written range ("5k-21k") is not a number after all."""
    checks = (_in_url, _in_citation, _glued_right, _label, _year_or_date, _symbol_operand)
    return any(check(text, term) for check in checks)


def _containing(pattern: re.Pattern[str], text: str, term: Term, reach: int = 200) -> bool:
    lo = max(0, term.digits_start - reach)
    return any(m.start() <= term.digits_start and term.digits_end <= m.end()
               for m in pattern.finditer(text, lo, min(len(text), term.digits_end + reach)))


def _in_url(text: str, term: Term) -> str | None:
    if text.startswith(("http", "Code:", "www."), term.digits_end) or _containing(_URL, text, term):
        return "url"
    return None


def _in_arxiv_id(text: str, term: Term) -> str | None:
    return "arxiv id" if _containing(_ARXIV_ID, text, term, 20) else None


def _in_html_entity(text: str, term: Term) -> str | None:
    return "html entity" if _containing(_HTML_ENTITY, text, term, 8) else None


def _in_citation(text: str, term: Term) -> str | None:
    return "citation" if _containing(_CITATION, text, term, 40) else None


def _glued_left(text: str, term: Term) -> str | None:
    """Digits glued to a preceding word are names ("GPT-4", "H100") or footnotes ("tokens1").

    The exception is lost spacing between ordinary words ("just32discrete", "attains1.97gFID"):
    a lowercase word before, and a lowercase word or a unit marker after.
    """
    before = text[max(0, term.start - 40):term.start]
    if _NAME_JOINER.search(before):
        return "name"
    word = re.search(r"[A-Za-z]+$", before)
    if word is None:
        return None
    if re.fullmatch(r"\d", text[term.digits_start:term.end]) and re.match(r"[a-z]", text[term.end:term.end + 1]):
        return "name"  # "seq2seq", "word2vec"
    glued_after = re.match(r"[a-z]", text[term.end:term.end + 1])
    if word.group().islower() and len(word.group()) > 1 and (glued_after or not term.plain_integer):
        return None
    return "glued to a name or footnote marker"


def _glued_right(text: str, term: Term) -> str | None:
    after = text[term.end:term.end + 20]
    if re.match(r"-?[A-Z]", after):
        return "name"
    if _ORDINAL.match(after) and term.plain_integer:
        return "ordinal"
    return None


def _label(text: str, term: Term) -> str | None:
    """Format labels such as "4-bit", "16 bit", "5-shot", "2-hop" describe a setting, not an amount."""
    after = re.match(r"[- ]?([A-Za-z]+)\b", text[term.end:term.end + 20])
    if after and after.group(1).lower() in _word_set("label_suffixes") and term.unit is None:
        return "label"
    return None


def _enumerator(text: str, term: Term) -> str | None:
    if not term.plain_integer or term.value > 30 or text[term.end:term.end + 1] != ")":
        return None
    line_start = text.rfind("\n", 0, term.start) + 1
    before = text[line_start:term.start]
    if before.endswith("(") or before.count("(") <= before.count(")"):
        return "enumerator"
    return None


def _reference(text: str, term: Term) -> str | None:
    word = re.search(r"(\S+)\s*$", text[max(0, term.start - 20):term.start])
    if word and word.group(1).lower().lstrip("([") in _word_set("reference_words"):
        return "reference number"
    return None


def _year_or_date(text: str, term: Term) -> str | None:
    before = re.search(r"([A-Za-z]+)\.?\s+$", text[max(0, term.start - 12):term.start])
    after = re.match(r"\s+([A-Za-z]+)", text[term.end:term.end + 12])
    months = _word_set("months")
    if term.plain_integer and ((before and before.group(1).lower() in months)
                               or (after and after.group(1).lower() in months and after.group(1)[0].isupper())):
        return "date"
    digits = text[term.digits_start:term.digits_end]
    if re.fullmatch(r"(?:19|20)\d\d", digits) and text.startswith("s", term.digits_end):
        return "decade"
    counted = after and after.group(1).lower() in _unit_surfaces()
    if term.plain_integer and 1950 <= term.value <= 2035 and not counted \
            and "," not in text[term.digits_start:term.digits_end]:
        return "year"
    return None


def _symbol_operand(text: str, term: Term) -> str | None:
    """Operands of symbolic arithmetic ("1-P", "d + 3") belong to a formula, not a quantity."""
    if _SYMBOL_OPERAND_BEFORE.search(text[max(0, term.start - 6):term.start]):
        return "formula operand"
    if term.unit is None and _SYMBOL_OPERAND_AFTER.match(text, term.end):
        return "formula operand"
    return None


def _lost_times_sign(text: str, term: Term) -> str | None:
    """"1616 patch", "6464": a square dimension whose "×" the source lost, not a number."""
    digits = text[term.digits_start:term.digits_end]
    half = len(digits) // 2
    if term.plain_integer and len(digits) >= 4 and len(digits) % 2 == 0 and digits[:half] == digits[half:]:
        return "dimension with a lost times sign"
    return None


def _name_variants(text: str, term: Term) -> str | None:
    """Sizes listed in parentheses right after a name: "Llama 2 (7B, 13B and 70B)"."""
    line_start = text.rfind("\n", 0, term.start) + 1
    opening = text.rfind("(", line_start, term.start)
    if opening < 0 or not term.scaled or not _SIZE_LIST.fullmatch(text[opening + 1:term.start]):
        return None
    before = text[max(line_start, opening - 40):opening].rstrip()
    head = re.search(r"(\S+)(?:\s+\d[\d.]*)?$", before)
    return "name variant" if head and _is_name_token(before, head.start(1), head.group(1)) else None


def _name_part(text: str, term: Term) -> str | None:
    """A version or size written after a name ("CosyVoice 2", "Mamba-2 370M", "Llama-2 (7B)"), or a
    numeral inside a capitalised name ("20 Questions", "Game of 24")."""
    if term.unit is not None:
        return None
    before = text[max(0, term.start - 60):term.start]
    previous = re.search(r"(\S+)(?:\s+\d{1,2}(?:\.\d)?)?\s+\(?$|(\S+)\s+of\s+$", before)
    if previous and previous.group(1) and _is_name_token(before, previous.start(1), previous.group(1)):
        small_version = not term.scaled and term.value < 20
        return "name version" if small_version or term.scaled else None
    if _VARIANT_LIST.match(text, term.end) or _NAME_LIST_BEFORE.search(before):
        return "name variant list"
    if previous and previous.group(2) and _TITLE_WORD.fullmatch(previous.group(2)) \
            and not _SENTENCE_START.search(before[:previous.start(2)]):
        return "name"
    if re.match(r"\s+[A-Z][a-z]+\b", text[term.end:term.end + 30]):
        return "name"
    return None


def _is_name_token(before: str, token_start: int, token: str) -> bool:
    token = token.strip("(\"“'")
    if not token or _NUMERAL_TOKEN.fullmatch(token):
        return False
    if not token or not any(ch.isalpha() for ch in token):
        return False
    if any(ch.isdigit() for ch in token):
        return True
    if any(ch.isupper() for ch in token[1:]):
        return True
    return bool(_TITLE_WORD.fullmatch(token)) and not _SENTENCE_START.search(before[:token_start]) \
        and token.lower() not in _unit_surfaces() and token.lower() not in _word_set("reference_words")


@cache
def _unit_surfaces() -> frozenset[str]:
    nouns: dict[str, list[str]] = vocabulary()["unit_nouns"]  # type: ignore[assignment]
    return frozenset(surface for surfaces in nouns.values() for surface in surfaces)
