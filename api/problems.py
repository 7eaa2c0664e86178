"""RFC 9457 problem details: the specific exceptions the service raises, and the one handler that turns them,
and every other error (routing, validation, domain exceptions, bugs), into `application/problem+json`."""

from __future__ import annotations

import logging
import re
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from ingest.errors import SourceError
from kg.sparql import QueryError
from kg.store import StoreError, StoreUnavailable

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPES = "https://claimgraph.dev/problems/"
logger = logging.getLogger(__name__)


class Problem(Exception):
    """An error with its HTTP status; ``slug`` names its problem type, ``extensions`` add members to the body."""

    status = HTTPStatus.INTERNAL_SERVER_ERROR
    slug = "internal-error"
    title = "Internal error"

    def __init__(self, detail: str, headers: dict[str, str] | None = None, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers or {}
        self.extensions = extensions


class BadRequest(Problem):
    status, slug, title = HTTPStatus.BAD_REQUEST, "bad-request", "Bad request"


class MalformedQuery(Problem):
    status, slug, title = HTTPStatus.BAD_REQUEST, "malformed-query", "Malformed SPARQL"


class WritesForbidden(Problem):
    status, slug, title = HTTPStatus.FORBIDDEN, "writes-forbidden", "Writes are not allowed"


class FederationRefused(Problem):
    status, slug, title = HTTPStatus.FORBIDDEN, "federation-refused", "Remote requests are not allowed"


class NotFound(Problem):
    status, slug, title = HTTPStatus.NOT_FOUND, "not-found", "Not found"


class NotAcceptable(Problem):
    status, slug, title = HTTPStatus.NOT_ACCEPTABLE, "not-acceptable", "No acceptable media type"


class Conflict(Problem):
    status, slug, title = HTTPStatus.CONFLICT, "conflict", "Conflict"


class ResultTooLarge(Problem):
    status, slug, title = HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "result-too-large", "Result over the limit"


class RequestTooLarge(Problem):
    status, slug, title = HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "request-too-large", "Request body over the limit"


class UnsupportedMediaType(Problem):
    status, slug, title = HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", "Unsupported media type"


class UnreadableDocument(Problem):
    status, slug, title = HTTPStatus.UNPROCESSABLE_ENTITY, "unreadable-document", "Document cannot be ingested"


class QueryTimeout(Problem):
    status, slug, title = HTTPStatus.SERVICE_UNAVAILABLE, "query-timeout", "Query ran past the time limit"


class StoreFailed(Problem):
    status, slug, title = HTTPStatus.INTERNAL_SERVER_ERROR, "store-error", "Store error"


class StoreUnreachable(Problem):
    status, slug, title = HTTPStatus.SERVICE_UNAVAILABLE, "store-unavailable", "Store unavailable"


_POSITION = re.compile(r"error at (\d+):(\d+)")


def malformed(error: QueryError) -> MalformedQuery:
    """The engine's message, with the parser's line and column as members when it gave them."""
    found = _POSITION.search(error.message)
    position = {"line": int(found[1]), "column": int(found[2])} if found else {}
    return MalformedQuery(error.message, **position)


def store_problem(request: Request, error: StoreError) -> Problem:
    """503 naming the server when the store's server cannot be reached (the service recovers when it returns),
    else 500; logged either way."""
    logger.error("store error on %s: %s", request.url.path, error)
    if isinstance(error, StoreUnavailable):
        return StoreUnreachable(str(error), {"Retry-After": "5"}, server=error.server)
    return StoreFailed(str(error))


def problem_response(
    request: Request, status: int, title: str, detail: str, type_: str, headers: dict[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    body = {"type": type_, "title": title, "status": status, "detail": detail, "instance": request.url.path}
    return JSONResponse(jsonable_encoder({**body, **extensions}), status, headers, media_type=PROBLEM_JSON)


def _problem(request: Request, error: Problem) -> JSONResponse:
    return problem_response(
        request, error.status, error.title, error.detail, PROBLEM_TYPES + error.slug, error.headers, **error.extensions
    )


def _http(request: Request, error: HTTPException) -> JSONResponse:
    # Routing errors (404 unknown path, 405 method) keep their headers, e.g. Allow
    phrase = HTTPStatus(error.status_code).phrase
    return problem_response(request, error.status_code, phrase, str(error.detail), "about:blank", error.headers)


def _validation(request: Request, error: RequestValidationError) -> JSONResponse:
    errors = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in error.errors()]
    detail = "; ".join(f"{'.'.join(str(part) for part in e['loc'])}: {e['msg']}" for e in errors)
    return problem_response(
        request, 422, "Invalid request", detail, PROBLEM_TYPES + "invalid-request", errors=errors
    )


def _query(request: Request, error: QueryError) -> JSONResponse:
    return _problem(request, malformed(error))


def _source(request: Request, error: SourceError) -> JSONResponse:
    return _problem(request, UnreadableDocument(error.message, line=error.line))


def _store(request: Request, error: StoreError) -> JSONResponse:
    return _problem(request, store_problem(request, error))


def _unexpected(request: Request, error: Exception) -> JSONResponse:
    logger.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=error)
    return problem_response(request, 500, "Internal error", "an unexpected error; see the server log",
                            PROBLEM_TYPES + "internal-error")


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(Problem, _problem)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(QueryError, _query)
    app.add_exception_handler(SourceError, _source)
    app.add_exception_handler(StoreError, _store)
    app.add_exception_handler(Exception, _unexpected)
