"""Answering: claims answer numeric questions, quotes are checked, NOT_IN_CORPUS without evidence, the optional
chat endpoint (a fake OpenAI-compatible server on 127.0.0.1) and the QA evaluation."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from api.ask import BEGIN_QUOTE, END_QUOTE, NOT_IN_CORPUS, Answerer, AskRequest, AskSettings
from api.qa_eval import QAItem, answer_correct, evaluate, set_f1
from tests.search_fixtures import answerer, seed_index, seed_store  # noqa: F401  (shared fixtures)
from tests.search_fixtures import assert_quotes_verified


def test_numeric_question_is_answered_from_a_claim(answerer) -> None:
    response = answerer.ask(AskRequest(question="By what factor does CacheGen reduce bandwidth usage?"))
    assert response.answer == "3.7-4.3x" and response.claims and response.claims[0].value == "3.7-4.3x"
    assert response.cot_answer.endswith("<ANSWER>: 3.7-4.3x")
    assert response.oracle and response.oracle[0].role == "oracle" and response.metadata.retrieval == "bm25"
    assert response.metadata.dense_reason
    assert_quotes_verified(answerer, response)


def test_oracle_and_distractors_carry_locators_and_spans(answerer) -> None:
    response = answerer.ask(AskRequest(question="Which inference library does Mosaic's serving infrastructure use?", k=4))
    shown = [*response.oracle, *response.distractors]
    assert len(shown) == 4 and all(s.locator and s.end > s.start for s in shown)
    assert "TensorRT-LLM" in response.answer
    assert_quotes_verified(answerer, response)


def test_without_evidence_the_answer_is_not_in_corpus(answerer) -> None:
    response = answerer.ask(AskRequest(question="Zebra quokka marmalade?"))
    assert response.answer == NOT_IN_CORPUS and response.abstained and not response.quotes
    assert response.cot_answer.endswith(f"<ANSWER>: {NOT_IN_CORPUS}")


def test_quotes_that_fail_the_check_are_dropped(seed_index) -> None:
    index, _ = seed_index
    from kg.quotes import SourceTexts

    blind = Answerer(index, SourceTexts([Path("/nonexistent")]))  # no source text: nothing can be checked
    response = blind.ask(AskRequest(question="By what factor does CacheGen reduce bandwidth usage?"))
    assert not response.quotes and response.answer == NOT_IN_CORPUS and response.metadata.quotes_dropped == 1


class _FakeChat(BaseHTTPRequestHandler):
    reply = ""

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        assert body["messages"][-1]["role"] == "user"
        data = json.dumps({"choices": [{"message": {"role": "assistant", "content": self.reply}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def chat_server():
    server = HTTPServer(("127.0.0.1", 0), _FakeChat)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


def test_chat_endpoint_answers_and_its_invented_quotes_are_removed(seed_index, chat_server) -> None:
    index, texts = seed_index
    _FakeChat.reply = (
        f"{BEGIN_QUOTE}CacheGen reduces bandwidth usage by 3.7-4.3x{END_QUOTE} and "
        f"{BEGIN_QUOTE}CacheGen is 100x faster than everything{END_QUOTE}\n<ANSWER>: 3.7-4.3x"
    )
    settings = AskSettings(chat_base_url=f"http://127.0.0.1:{chat_server.server_port}", chat_model="fake")
    response = Answerer(index, texts, settings).ask(AskRequest(question="How much does CacheGen cut bandwidth?"))
    assert response.metadata.generator == "chat:fake" and response.answer == "3.7-4.3x"
    assert [q.text for q in response.quotes] == ["CacheGen reduces bandwidth usage by 3.7-4.3x"]
    assert response.metadata.quotes_dropped == 1 and "100x faster" not in response.cot_answer


def test_a_failing_chat_endpoint_falls_back_to_extractive(seed_index) -> None:
    index, texts = seed_index
    settings = AskSettings(chat_base_url="http://127.0.0.1:9", chat_model="fake", chat_timeout_s=1.0)
    response = Answerer(index, texts, settings).ask(AskRequest(question="By what factor does CacheGen reduce bandwidth usage?"))
    assert response.metadata.generator == "extractive" and response.answer == "3.7-4.3x"
    assert any("chat endpoint failed" in note for note in response.metadata.notes)


def test_answer_matching_and_set_f1() -> None:
    item = QAItem(id="x", type="numeric_lookup", question="q", answer="65× more", answer_aliases=["65x"])
    assert answer_correct(item, "DBRX has 65× more combinations") and not answer_correct(item, NOT_IN_CORPUS)
    assert set_f1(["16k", "32k"], "16k and 32k") == 1.0 and set_f1(["a1", "b2"], "c3") == 0.0


def test_evaluation_reports_every_metric(answerer) -> None:
    items = [
        QAItem(id="1", type="numeric_lookup", question="By what factor does CacheGen reduce bandwidth usage?",
               answer="3.7-4.3x", gold_sources=[{"file": "003_6cf4c1c6134e3cdc.txt",
                                                 "evidence": "CacheGen reduces bandwidth usage by 3.7-4.3x"}]),
        QAItem(id="2", type="unanswerable", question="Zebra quokka marmalade?", answer=NOT_IN_CORPUS),
    ]
    score, outcomes = evaluate(answerer, items)
    assert score.recall_at_5 == 1.0 and score.answer_accuracy == 1.0 and score.abstention_recall == 1.0
    assert set(score.model_dump()) == {"recall_at_1", "recall_at_5", "recall_at_10", "mrr", "answer_accuracy",
                                       "aggregate_f1", "abstention_precision", "abstention_recall", "p50_ms", "p95_ms"}
