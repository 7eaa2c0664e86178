"""Claim extraction on real seed sentences and on new ones: what is a claim, its kind, value and links."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.claims import extract_claims
from ingest.evaluation import score_claims
from ingest.models import ClaimKind, Document, DocumentKind, Entity, EntityType, Mention, Span
from ingest.sentences import split_sentences
from ingest.sources import parse_file

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _document(text: str, title: str | None = None) -> Document:
    """A one-abstract document over ``text``; a first line, when given, is the title."""
    body_start = len(title) + 1 if title else 0
    return Document(id="t/doc", source="t.txt", kind=DocumentKind.arxiv_abstract, span=Span.of(text, 0, len(text)),
                    title=title, title_span=Span.of(text, 0, len(title)) if title else None,
                    sentences=split_sentences(text, body_start, len(text)))


def _mention(text: str, surface: str, key: str, occurrence: int = 0) -> Mention:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(surface, start + 1)
    return Mention(entity_key=key, document_id="t/doc", span=Span.of(text, start, start + len(surface)),
                   method="vocabulary")


def _entity(key: str, kind: EntityType) -> Entity:
    return Entity(key=key, name=key, type=kind)


def _values(claims) -> list[tuple[str, float | None]]:
    return [(c.span.surface, c.value.value if c.value else None) for c in claims]


@pytest.fixture(scope="module")
def specdec() -> tuple[str, Document]:
    parsed = parse_file(SEEDS / "003_6cf4c1c6134e3cdc.txt")
    document = next(d for d in parsed.documents if (d.title or "").startswith("SpecDec++"))
    return parsed.text, document


def test_seed_abstract_claims_without_mentions(specdec: tuple[str, Document]) -> None:
    text, document = specdec
    claims = extract_claims(text, document, [], {})
    assert _values(claims) == [("2.04x", 2.04), ("7.2%", 7.2), ("2.26x", 2.26), ("9.4%", 9.4), ("2.23x", 2.23),
                               ("11.1%", 11.1)]
    assert [c.kind for c in claims[:2]] == [ClaimKind.speedup, ClaimKind.improvement]
    assert all(c.subject_key is None and c.benchmark_key is None for c in claims)
    assert claims[1].target_text == "the baseline speculative decoding"
    assert all(c.id == f"{document.id}/c{c.span.start}-{c.span.end}" for c in claims)
    # the model pair "llama-2-chat 7B & 70B" names models; it states no sizes
    assert not any(c.span.surface in ("7B", "70B") for c in claims)


def test_respectively_maps_values_to_listed_benchmarks(specdec: tuple[str, Document]) -> None:
    text, document = specdec
    mentions = [
        Mention(entity_key="specdec", document_id=document.id, method="title_colon",
                span=Span.of(text, document.title_span.start, document.title_span.start + len("SpecDec++"))),
        *[Mention(entity_key=key.lower(), document_id=document.id, method="vocabulary",
                  span=Span.of(text, start, start + len(key)))
          for key in ("Alpaca", "GSM8K", "HumanEval") for start in [text.index(key, document.span.start)]],
    ]
    entities = {"specdec": _entity("specdec", EntityType.technique),
                **{k: _entity(k, EntityType.benchmark) for k in ("alpaca", "gsm8k", "humaneval")}}
    claims = extract_claims(text, document, mentions, entities)
    assert [(c.span.surface, c.benchmark_key) for c in claims] == [
        ("2.04x", "alpaca"), ("7.2%", "alpaca"), ("2.26x", "gsm8k"), ("9.4%", "gsm8k"), ("2.23x", "humaneval"),
        ("11.1%", "humaneval")]
    assert {c.subject_key for c in claims} == {"specdec"}  # the title's system, as no mention precedes


def test_new_sentence_counts_sizes_and_comparison_target() -> None:
    text = ("We evaluate 12 LLMs on four benchmarks. Our 3B model is 2.5x faster than Llama-3-8B "
            "and uses 40% less memory.")
    mentions = [_mention(text, "Llama-3-8B", "llama-3-8b")]
    claims = extract_claims(text, _document(text), mentions, {"llama-3-8b": _entity("llama-3-8b", EntityType.model)})
    assert [(c.span.surface, c.kind, c.value.unit) for c in claims] == [
        ("12 LLMs", ClaimKind.count, "models"), ("four benchmarks", ClaimKind.count, "benchmarks"),
        ("3B model", ClaimKind.size, "parameters"), ("2.5x", ClaimKind.speedup, "x"),
        ("40%", ClaimKind.reduction, "percent")]
    speedup = claims[3]
    assert speedup.target_key == "llama-3-8b" and speedup.subject_key is None


def test_outperform_by_names_the_target_and_subject_is_nearest_mention() -> None:
    text = "Our fine-tuned Zephyr outperforms base models by 34 points and GPT-4 by 10 points on average."
    mentions = [_mention(text, "Zephyr", "zephyr"), _mention(text, "GPT-4", "gpt-4")]
    entities = {"zephyr": _entity("zephyr", EntityType.model), "gpt-4": _entity("gpt-4", EntityType.model)}
    claims = extract_claims(text, _document(text), mentions, entities)
    assert [(c.value.value, c.subject_key, c.target_key, c.target_text) for c in claims] == [
        (34.0, "zephyr", None, "base models"), (10.0, "zephyr", "gpt-4", None)]


def test_non_claims_are_not_extracted() -> None:
    text = ("In 2023, GPT-4 [3] set records (see Table 2). We propose two novel techniques: (1) a router and "
            "(2) a cache, trained with 4-bit weights on MATH-500 and tested by the two aforementioned models. "
            "Code: https://github.com/org/repo2 and footnote tokens1 here.")
    assert extract_claims(text, _document(text), [], {}) == []


def test_change_keeps_the_new_value_and_intervals_stay_ranges() -> None:
    text = ("Our method improves accuracy from 40.1% to 55.3% on the test set. "
            "We ablate the warm-up from 5% to 30% of training.")
    claims = extract_claims(text, _document(text), [], {})
    assert [(c.span.surface, c.value.value, c.value.low, c.value.high) for c in claims] == [
        ("55.3%", 55.3, None, None), ("from 5% to 30%", None, 5.0, 30.0)]


def test_formula_claim_keeps_the_expression() -> None:
    text = "The number of total added weights is d(d + 3) / 2, where d is the depth."
    claims = extract_claims(text, _document(text), [], {})
    assert len(claims) == 1
    formula = claims[0]
    assert (formula.kind, formula.expression, formula.value, formula.span.surface) == (
        ClaimKind.formula, "d(d + 3) / 2", None, "d(d + 3) / 2")
    assert formula.quantity == "number of total added weights"


def test_symbolic_percentage_on_the_next_line_is_a_formula_claim() -> None:
    text = "we set a hyperparameter P\n, such that P\n% of questions keep the oracle document."
    document = Document(id="t/doc", source="t.txt", kind=DocumentKind.article, span=Span.of(text, 0, len(text)),
                        sentences=split_sentences(text, 0, len(text)))
    claims = extract_claims(text, document, [], {})
    assert [(c.kind, c.expression, c.span.surface) for c in claims] == [(ClaimKind.formula, "P%", "%")]


def test_newsletter_section_claims_use_the_heading_subject() -> None:
    parsed = parse_file(SEEDS / "000_ece389bdadead4ee.txt")
    article = parsed.documents[0]
    section = next(s for s in article.sections if s.title.startswith("RewardBench"))
    mention = Mention(entity_key="rewardbench", document_id=article.id, method="vocabulary",
                      span=Span.of(parsed.text, section.heading.start, section.heading.start + len("RewardBench")))
    entities = {"rewardbench": _entity("rewardbench", EntityType.benchmark)}
    claims = extract_claims(parsed.text, article, [mention], entities)
    inside = [c for c in claims if section.body.start <= c.span.start < section.body.end]
    assert [(c.span.surface, c.value.value, c.value.low, c.value.high) for c in inside] == [
        ("50+ RMs", 50.0, None, None), ("at least two responses", 2.0, None, None),
        ("two responses", 2.0, None, None), ("two responses", 2.0, None, None), ("five", 5.0, None, None),
        ("50+", 50.0, None, None), ("ranging from 300M to 70B parameters", None, 3e8, 7e10)]
    assert {c.subject_key for c in inside} == {"rewardbench"}
    assert claims == sorted(claims, key=lambda c: c.span.start)
    assert claims == extract_claims(parsed.text, article, [mention], entities)  # deterministic


def test_score_claims_matches_one_to_one_on_span_and_value(tmp_path: Path) -> None:
    text = "Title\nWe train 3 models on 12T tokens and 3 datasets.\n"
    gold = {"abstracts": [{"file": "f.txt", "abstract_line": 2, "claims": [
        {"text": "We train 3 models", "value": 3, "value_low": None, "value_high": None, "numeral_in_words": False},
        {"text": "on 12T tokens", "value": 1.2e13, "value_low": None, "value_high": None, "numeral_in_words": False},
        {"text": "and 3 datasets", "value": 4, "value_low": None, "value_high": None, "numeral_in_words": False},
    ]}]}
    path = tmp_path / "gold.json"
    path.write_text(json.dumps(gold), encoding="utf-8")
    document = Document(id="f/L2", source="f.txt", kind=DocumentKind.arxiv_abstract, span=Span.of(text, 6, 52),
                        sentences=split_sentences(text, 6, 52))
    score = score_claims(path, {"f.txt": (text, extract_claims(text, document, [], {}))})
    assert (score.gold, score.predicted, score.matched) == (3, 3, 2)
    assert score.per_file["f.txt"].false_positives == ["3 datasets"]
    assert score.precision == pytest.approx(2 / 3) and score.recall == pytest.approx(2 / 3)
