"""Dependencies: the settings and the lifespan's resources as the app holds them, and the write check."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.problems import WritesForbidden
from api.resources import Resources
from api.settings import Settings

_bearer = HTTPBearer(auto_error=False, description="The service's write token (CLAIMGRAPH_WRITE_TOKEN).")


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_resources(request: Request) -> Resources:
    return request.app.state.resources


def authorise_write(settings: Settings, authorization: str | None) -> None:
    """403 unless writes are enabled and ``authorization`` is `Bearer <the write token>` (compared in constant
    time)."""
    if settings.write_token is None:
        raise WritesForbidden("this service is read-only; start it with CLAIMGRAPH_WRITE_TOKEN set to allow writes")
    scheme, _, token = (authorization or "").partition(" ")
    expected = settings.write_token.get_secret_value().encode()
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), expected):
        raise WritesForbidden("writes need the header `Authorization: Bearer <write token>`")


async def require_writer(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> None:
    header = f"Bearer {credentials.credentials}" if credentials is not None else None
    authorise_write(request.app.state.settings, header)


SettingsDep = Annotated[Settings, Depends(get_settings)]
ResourcesDep = Annotated[Resources, Depends(get_resources)]
Writer = Depends(require_writer)
