"""Errors on the web pages: the same problems the API raises, shown as a readable HTML page with the same
status (the API routes keep answering application/problem+json)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from http import HTTPStatus
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from api.problems import Problem, malformed, store_problem
from api.web.templating import render
from kg.sparql import QueryError
from kg.store import StoreError

logger = logging.getLogger(__name__)


def error_page(request: Request, status: int, title: str, detail: str, **extra: Any) -> Response:
    return render(request, "error.html", status, status=status, title=title, detail=detail, extra=extra)


def _page_for(request: Request, error: Exception) -> Response:
    if isinstance(error, QueryError):
        error = malformed(error)
    if isinstance(error, StoreError):
        error = store_problem(request, error)
    if isinstance(error, Problem):
        response = error_page(request, int(error.status), error.title, error.detail, **error.extensions)
        response.headers.update(error.headers)
        return response
    if isinstance(error, RequestValidationError):
        detail = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in error.errors())
        return error_page(request, 422, "Invalid request", detail)
    assert isinstance(error, HTTPException)
    return error_page(request, error.status_code, HTTPStatus(error.status_code).phrase, str(error.detail))


class PageRoute(APIRoute):
    """A route answering HTML: its errors become an HTML page with the problem's status and detail."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def html_errors(request: Request) -> Response:
            try:
                return await handler(request)
            except (Problem, QueryError, StoreError, RequestValidationError, HTTPException) as error:
                return _page_for(request, error)

        return html_errors
