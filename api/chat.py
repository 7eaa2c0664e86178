"""Optional generation: an OpenAI-compatible chat endpoint answers from the same oracle/distractor context.

Its quotes go through the same check as extractive ones; a failing quote is removed from the chain of thought
and counted. If the endpoint fails or times out, the extractive answer stands and the metadata says why.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import httpx

from kg.search import Hit

if TYPE_CHECKING:
    from api.ask import Answerer, AskRequest, AskResponse

INSTRUCTION = (
    "Answer the question using only the documents. Think step by step; copy every piece of evidence verbatim "
    "between ##begin_quote## and ##end_quote##; end with '<ANSWER>: ' and a short answer. If the documents do "
    "not contain the answer, answer '<ANSWER>: NOT_IN_CORPUS'."
)
_QUOTE = re.compile(r"##begin_quote##(.*?)##end_quote##", re.DOTALL)
_ANSWER = re.compile(r"<ANSWER>:\s*(.+)", re.DOTALL)


def context_block(hits: list[Hit]) -> str:
    return "\n".join(f"<DOCUMENT id=\"{i}\" title=\"{h.passage.locator}\">{h.passage.text}</DOCUMENT>"
                     for i, h in enumerate(hits, 1))


def call_chat(base_url: str, model: str, api_key: str | None, messages: list[dict[str, str]], timeout_s: float) -> str:
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    url = base_url.rstrip("/") + ("/chat/completions" if base_url.rstrip("/").endswith("/v1") else "/v1/chat/completions")
    reply = httpx.post(url, json={"model": model, "messages": messages, "temperature": 0}, headers=headers,
                       timeout=timeout_s)
    reply.raise_for_status()
    return str(reply.json()["choices"][0]["message"]["content"])


def chat_answer(answerer: Answerer, request: AskRequest, extractive: AskResponse, hits: list[Hit]) -> AskResponse:
    """The endpoint's answer with checked quotes, or the extractive answer with a note when it fails."""
    from api.ask import NOT_IN_CORPUS, check_quotes

    settings = answerer.settings
    shown = hits[: request.k]
    messages = [{"role": "system", "content": INSTRUCTION},
                {"role": "user", "content": f"{context_block(shown)}\n{request.question}"}]
    key = settings.chat_api_key.get_secret_value() if settings.chat_api_key else None
    try:
        text = call_chat(settings.chat_base_url or "", settings.chat_model or "", key, messages, settings.chat_timeout_s)
    except (httpx.HTTPError, KeyError, IndexError, TypeError, ValueError) as error:
        extractive.metadata.notes.append(f"chat endpoint failed, extractive answer given: {type(error).__name__}")
        return extractive
    candidates = []
    for quote in _QUOTE.findall(text):
        passage = next((h.passage for h in shown if _contains(h.passage.text, quote)), shown[0].passage if shown else None)
        if passage is not None:
            candidates.append((quote.strip(), passage))
    quotes, dropped = check_quotes(answerer, candidates)
    kept = {q.text for q in quotes}
    cot = _QUOTE.sub(lambda m: m.group(0) if m.group(1).strip() in kept else "[quote removed: not in the cited passage]", text)
    found = _ANSWER.search(text)
    answer = found.group(1).strip() if found else NOT_IN_CORPUS
    if answer != NOT_IN_CORPUS and not quotes:
        answer = NOT_IN_CORPUS  # an answer with no checked evidence is not given
        cot += f"\n<ANSWER>: {NOT_IN_CORPUS}"
    metadata = extractive.metadata.model_copy(update={"generator": f"chat:{settings.chat_model}",
                                                      "quotes_dropped": dropped})
    return extractive.model_copy(update={"answer": answer, "abstained": answer == NOT_IN_CORPUS, "cot_answer": cot,
                                         "quotes": quotes, "metadata": metadata})


def _contains(text: str, quote: str) -> bool:
    from kg.quotes import locate

    return locate(quote, text) is not None
