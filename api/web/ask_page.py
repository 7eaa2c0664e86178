"""The ask page (/ui/ask?q=...): a question box (a GET form); the answer; the RAFT-style chain of thought with
each quote marked and linked to its span on the document page; the oracle and distractor passages."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup, escape

from api.ask import BEGIN_QUOTE, END_QUOTE, AskRequest, AskResponse, Quote, SourcePassage
from api.deps import ResourcesDep
from api.web.errors import PageRoute
from api.web.templating import document_url, render
from api.web.text import Mark, annotate

router = APIRouter(route_class=PageRoute, include_in_schema=False)
_QUOTED = re.compile(re.escape(BEGIN_QUOTE) + "(.*?)" + re.escape(END_QUOTE), re.DOTALL)
SAMPLE_QUESTIONS = (
    "How many parameters does Qwen1.5-MoE have in total?",
    "How many experts does each MoE layer of DBRX have?",
    "How many tokens was DBRX pre-trained on?",
)


@dataclass(frozen=True)
class LinkedQuote:
    quote: Quote
    document: str | None  # the document holding the cited passage
    url: str


@dataclass(frozen=True)
class AskPage:
    response: AskResponse
    quotes: list[LinkedQuote]
    thought: Markup  # the chain of thought, quotes marked and linked
    passages: list[tuple[SourcePassage, Markup, str]]  # passage, its text with quotes marked, its page


def _link(quote: Quote, passages: dict[str, SourcePassage]) -> LinkedQuote:
    passage = passages.get(quote.passage_id)
    document = passage.document_id if passage else None
    url = document_url(document, (quote.start, quote.end)) if document else "#"
    return LinkedQuote(quote, document, url)


def _thought(cot: str, quotes: list[LinkedQuote]) -> Markup:
    parts, at = [], 0
    for number, found in enumerate(_QUOTED.finditer(cot), start=1):
        parts.append(escape(cot[at:found.start()]))
        linked = next((q for q in quotes if q.quote.text == found[1]), None)
        text = escape(found[1])
        if linked is None:  # a quote the check dropped is never returned, so this is the cot's own wording
            parts.append(Markup('<q class="quote">{}</q>').format(text))
        else:
            parts.append(Markup('<a class="quote-link" href="{}" data-file="{}" data-start="{}" data-end="{}">'
                                '<mark class="quote" id="quote-{}">{}</mark></a>').format(
                linked.url, linked.quote.file, linked.quote.start, linked.quote.end, number, text))
        at = found.end()
    parts.append(escape(cot[at:]))
    return Markup("").join(parts)


def _passage(p: SourcePassage, quotes: list[LinkedQuote]) -> tuple[SourcePassage, Markup, str]:
    marks = [Mark(q.quote.start, q.quote.end, "mark", {"class": "quote"}) for q in quotes
             if q.quote.file == p.file and p.start <= q.quote.start and q.quote.end <= p.end]
    return p, annotate(p.text, p.start, marks), document_url(p.document_id, (p.start, p.end))


def ask_page(response: AskResponse) -> AskPage:
    passages = {p.id: p for p in (*response.oracle, *response.distractors)}
    quotes = [_link(q, passages) for q in response.quotes]
    shown = [_passage(p, quotes) for p in (*response.oracle, *response.distractors)]
    return AskPage(response, quotes, _thought(response.cot_answer, quotes), shown)


@router.get("/ui/ask", response_class=HTMLResponse, name="ui_ask")
async def ask(request: Request, resources: ResourcesDep, q: Annotated[str, Query(max_length=2000)] = "",
              k: Annotated[int, Query(ge=1, le=20)] = 5) -> HTMLResponse:
    answerer = resources.answerer
    if answerer is None:
        return render(request, "ask.html", 503, q=q, k=k, page=None, off=resources.search_status,
                      samples=SAMPLE_QUESTIONS)
    page = None
    if q.strip():
        response = await asyncio.to_thread(answerer.ask, AskRequest(question=q.strip(), k=k))
        page = ask_page(response)
    return render(request, "ask.html", q=q, k=k, page=page, off=None, samples=SAMPLE_QUESTIONS,
                  search=resources.search_status)
