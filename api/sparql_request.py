"""Reading a SPARQL 1.1 Protocol request: which operation (query or update), its text and its dataset, from
GET `?query=`, POST form (`application/x-www-form-urlencoded`) or POST direct (`application/sparql-query`,
`application/sparql-update`); and refusing what the service will not run (SERVICE, LOAD)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qsl

from fastapi import Request

from api.problems import BadRequest, FederationRefused, RequestTooLarge, UnsupportedMediaType
from kg.sparql import code_only

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
POST_TYPES = (FORM, QUERY, UPDATE)
# SERVICE (federation) and LOAD would make this server fetch from other hosts: an open proxy. Matched as
# keywords only, once strings, IRIs and comments are blanked out, so `?service`, `ex:service` and "SERVICE"
# in a literal pass.
_REMOTE = re.compile(r"(?<![\w:?$@-])(SERVICE|LOAD)(?![\w:-])", re.IGNORECASE)


@dataclass(frozen=True)
class Operation:
    kind: Literal["query", "update"]
    text: str
    default_graphs: list[str] | None  # default-graph-uri (query) values; None when the request named none
    named_graphs: list[str] | None


def _decode_pairs(raw: bytes, where: str) -> list[tuple[str, str]]:
    text = _utf8(raw, where)
    try:
        return parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError as error:
        raise BadRequest(f"the {where} is not valid UTF-8 once percent-decoded ({error.reason})") from error


def media_type(request: Request) -> tuple[str | None, str | None]:
    header = request.headers.get("content-type")
    if header is None:
        return None, None
    media, *params = (part.strip() for part in header.split(";"))
    charset = next((p.partition("=")[2].strip('" ').lower() for p in params if p.lower().startswith("charset=")), None)
    return media.lower(), charset


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise RequestTooLarge(f"the request body is over {limit} bytes", limit_bytes=limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise RequestTooLarge(f"the request body is over {limit} bytes", limit_bytes=limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _utf8(raw: bytes, what: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadRequest(f"the {what} is not valid UTF-8 (byte 0x{raw[error.start]:02x} at {error.start})") from error


def _operation(pairs: list[tuple[str, str]], direct: tuple[str, str] | None = None) -> Operation | None:
    values: dict[str, list[str]] = {}
    for name, value in pairs:
        values.setdefault(name, []).append(value)
    if direct is not None:
        values.setdefault(direct[0], []).insert(0, direct[1])
    queries, updates = values.get("query", []), values.get("update", [])
    if len(queries) + len(updates) > 1:
        raise BadRequest("give exactly one `query` or one `update`, not several")
    if "using-graph-uri" in values or "using-named-graph-uri" in values:
        raise BadRequest("using-graph-uri and using-named-graph-uri are not supported; use USING in the update")
    if not queries and not updates:
        return None
    kind: Literal["query", "update"] = "query" if queries else "update"
    return Operation(kind, (queries or updates)[0], values.get("default-graph-uri"), values.get("named-graph-uri"))


async def read_operation(request: Request, max_bytes: int) -> Operation | None:
    """The request's operation, or None for a GET without one (the service description)."""
    url_pairs = _decode_pairs(request.scope.get("query_string", b""), "query string")
    if request.method == "GET":
        operation = _operation(url_pairs)
        if operation is not None and operation.kind == "update":
            raise BadRequest("SPARQL Update must be sent with POST")
        return operation
    media, charset = media_type(request)
    if media not in POST_TYPES:
        raise UnsupportedMediaType(
            f"POST a SPARQL operation as one of {', '.join(POST_TYPES)}; got {media or 'no Content-Type'}",
            accepted=list(POST_TYPES),
        )
    if charset not in (None, "utf-8", "utf8"):
        raise UnsupportedMediaType(f"SPARQL operations are UTF-8; got charset={charset}")
    body = await read_body(request, max_bytes)
    if media == FORM:
        operation = _operation(url_pairs + _decode_pairs(body, "form body"))
    else:
        operation = _operation(url_pairs, ("query" if media == QUERY else "update", _utf8(body, "request body")))
    if operation is None:
        raise BadRequest("the form has neither a `query` nor an `update` field")
    return operation


def refuse_remote(operation: Operation) -> None:
    """403 for SERVICE and LOAD, which would make the server fetch from other hosts."""
    found = _REMOTE.search(code_only(operation.text))
    if found:
        raise FederationRefused(
            f"{found[1].upper()} is disabled: this endpoint does not fetch from other hosts", keyword=found[1].upper()
        )
