"""GET /claims/{id}/verification and /reports/verification: the stored verifications, one claim's or all,
as JSON, Markdown, HTML or SARIF (by `?format=` or the Accept header)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from api.deps import ResourcesDep
from api.models import PROBLEM_RESPONSES
from api.problems import NotAcceptable, NotFound
from api.render import Renderer, UnknownFormatError, default_renderers
from compute.report import ClaimReport

router = APIRouter(tags=["verification"])
_RENDERERS = default_renderers()
_FORMATS = {renderer: _RENDERERS.get(renderer) for renderer in _RENDERERS.formats()}
FormatQuery = Annotated[str | None, Query(description=f"One of {', '.join(_FORMATS)}; else the Accept header decides.",
                                          examples=["sarif"])]
_VIEWS = {"content": {r.media_type: {} for r in _FORMATS.values()}, "description": "The report in the chosen format."}


def choose_renderer(request: Request, format: str | None) -> Renderer:
    """`?format=` wins; else the first Accept media type a renderer serves (a wildcard or no Accept: JSON)."""
    if format is not None:
        try:
            return _RENDERERS.get(format)
        except UnknownFormatError as error:
            raise NotAcceptable(error.args[0]) from error
    accepted = [part.split(";")[0].strip() for part in request.headers.get("accept", "").split(",") if part.strip()]
    for media_type in accepted or ["*/*"]:
        if media_type in ("*/*", "application/*"):
            return _RENDERERS.get("json")
        renderer = _RENDERERS.for_media_type(media_type)
        if renderer is not None:
            return renderer
    raise NotAcceptable(f"no report format for Accept: {', '.join(accepted)}; "
                        f"media types: {', '.join(r.media_type for r in _FORMATS.values())}")


@router.get("/reports/verification", response_class=Response, responses={200: _VIEWS, **PROBLEM_RESPONSES},
            summary="Every verification, like a static analyser's report")
async def verification_report(request: Request, resources: ResourcesDep, format: FormatQuery = None) -> Response:
    renderer = choose_renderer(request, format)
    report = resources.verification_report()
    return Response(renderer.render(report), media_type=renderer.media_type)


@router.get("/claims/{id:path}/verification", response_model=ClaimReport, responses=PROBLEM_RESPONSES,
            summary="The verifications of one claim (slashes in the id kept)")
async def claim_verification(
    resources: ResourcesDep,
    id: Annotated[str, Path(description="Claim id", examples=["000_ece389bdadead4ee/article/c2809-2819"])],
) -> ClaimReport:
    try:
        return resources.verification_report().claim(id)
    except KeyError as error:
        raise NotFound(f"no numeric claim {id!r} (or it has not been verified: run `kg verify`)") from error
