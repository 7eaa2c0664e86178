"""Question answering's parts on text the seeds do not hold: query expansion and source cues, question
analysis, claim fit, set answers, quote checks of uploaded documents; then the composed answers on the seeds
(sets, answers from two named sources, abstention when a claim is on another benchmark) and RAFT questions
from entities."""

from __future__ import annotations

import doctest
import json
from pathlib import Path

import pytest

from api.ask import NOT_IN_CORPUS, Answerer, AskRequest
from api.raft import build_raft_dataset
from kg import answers, expansion, quotes
from kg.answers import enumeration, render_set
from kg.expansion import Paraphrases
from kg.passages import ClaimFacts, Passage, PassageKind
from kg.questions import analyse, claim_match, states_number
from kg.quotes import DOCUMENT_SPANS, SourceTexts, locate, rebuild_text, verify_quote
from tests.search_fixtures import answerer, seed_index, seed_store  # noqa: F401  (shared fixtures)
from tests.search_fixtures import assert_quotes_verified


def test_docstring_examples() -> None:
    for module in (answers, expansion, quotes):
        assert doctest.testmod(module).failed == 0, module.__name__


def test_paraphrases_add_the_fields_words_and_sources_are_named() -> None:
    vocabulary = Paraphrases.load()
    words = vocabulary.expand("Which text collections did the authors upweight when they fine-tuned it?").split()
    assert {"dataset", "upsampling", "fine-tuning"} <= set(words)
    assert vocabulary.expand("Zebra quokka marmalade?") == ""
    assert vocabulary.sources("In the Apr 16 listing and the newsletter's section") == {"ListingEntry", "Article"}
    assert vocabulary.sources("What does the paper say?") == frozenset()


def test_question_analysis_sets_numbers_and_sources() -> None:
    question = analyse("What speedup does FooNet reach on BarBench?", [], "", frozenset({"Article"}))
    assert question.numeric and "speedup" in question.cues and question.sources == {"Article"}
    assert analyse("Which datasets were the comments drawn from?", []).listing
    assert analyse("What are the three stages of the pipeline?", []).listing
    assert not analyse("Which library does the server use?", []).listing
    assert analyse("On which base model was it trained?", []).seeks_entity
    assert not states_number("P%") and not states_number("1-P%")
    assert states_number("12.5%") and states_number("eight experts") and states_number("twice")


def test_claim_fit_counts_each_linked_entity_the_claim_is_about() -> None:
    question = analyse("By how many points does FooNet beat BarNet?", ["e:foo", "e:bar"])
    about_foo = ClaimFacts(quantity="improvement", kind="improvement", value_text="3 points", unit="points",
                           subject="e:foo")
    against_bar = about_foo.model_copy(update={"target": "e:bar"})
    assert claim_match(question, against_bar) > claim_match(question, about_foo) >= 0.5


@pytest.mark.parametrize(("text", "items"), [
    ("We test on three corpora (Wiki, Books, and Code) for robustness.", ["Wiki", "Books", "Code"]),
    ("Labels came from Alice Smith, Bob, and Carol and were checked twice.", ["Alice Smith", "Bob", "Carol"]),
    ("It supports batch sizes (8, 16, 32 or 64) on one card.", ["8", "16", "32", "64"]),
    ("The model is fast, and it is small.", None),
    ("No list here.", None),
])
def test_enumerations_are_read_as_sets(text: str, items: list[str] | None) -> None:
    assert enumeration(text) == items


def test_sets_render_as_prose() -> None:
    assert render_set(["a"]) == "a" and render_set(["a", "b"]) == "a and b" and render_set(["a", "b", "c"]) == "a, b and c"


def test_uploaded_documents_are_quoted_from_their_stored_spans(tmp_path: Path) -> None:
    first, second = "Upload one: FooNet has 7 layers.", "Upload two: it runs 3x faster."
    (tmp_path / DOCUMENT_SPANS).write_text(json.dumps({"upload.txt": [[10, first], [60, second]]}))
    text = SourceTexts([tmp_path / "missing", tmp_path]).get("upload.txt")
    assert text == rebuild_text([(10, first), (60, second)]) and text[60:] == second
    start = 60 + second.index("it runs")
    passage = Passage(id="s", kind=PassageKind.sentence, text=second, file="upload.txt", document_id="u",
                      locator="Upload", start=60, end=60 + len(second))
    check = verify_quote("it runs 3x faster", passage, text)
    assert check.ok and check.start == start
    assert not verify_quote("it runs 4x faster", passage, text).ok
    assert SourceTexts([tmp_path]).get("other.txt") is None


def test_a_set_question_gets_the_set(answerer) -> None:
    response = answerer.ask(AskRequest(question="List the five length levels that LV-Eval covers."))
    assert response.answer == "16k, 32k, 64k, 128k and 256k" and response.quotes
    assert_quotes_verified(answerer, response)


def test_two_named_sources_give_two_quoted_sentences(answerer) -> None:
    response = answerer.ask(AskRequest(question=(
        "How many tokens were MPT-7B and MPT-30B trained on according to the newsletter, and which hybrid model "
        "in the arXiv dump was trained on the same number of tokens?")))
    assert len(response.quotes) == 2 and {q.file[:3] for q in response.quotes} == {"000", "002"}
    assert_quotes_verified(answerer, response)


def test_a_claim_on_another_benchmark_does_not_answer(answerer) -> None:
    response = answerer.ask(AskRequest(question="What speedup does SpecDec++ reach on MMLU?"))
    assert response.answer == NOT_IN_CORPUS and not response.claims


def test_raft_asks_about_entities_too(seed_index) -> None:
    index, texts = seed_index
    records = build_raft_dataset(index, None, p=1.0, distractors=2, seed=1, texts=texts)
    defined = [r for r in records if r["claim_id"].startswith("definition:")]
    assert defined and all(r["question"].startswith("What is ") for r in defined)
    for record in defined:
        quote = record["cot_answer"].split("##begin_quote##")[1].split("##end_quote##")[0]
        assert locate(quote, record["oracle_context"]) is not None
        assert record["cot_answer"].rsplit("<ANSWER>: ", 1)[1] == quote
