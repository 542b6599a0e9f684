"""Admin auth: the admin routes exist only when BACKQA_ADMIN_TOKEN is set, and need it as a
Bearer token (compared in constant time)."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from backqa.config import Settings

bearer = HTTPBearer(auto_error=False, description="The token in BACKQA_ADMIN_TOKEN")


def admin_secret(settings: Settings) -> str:
    """The configured admin token; empty when the admin routes are off."""
    token = settings.admin_token
    return token.get_secret_value() if token is not None else ""


def admin_enabled(settings: Settings) -> bool:
    """Whether the admin routes are on (a non-empty token is configured)."""
    return bool(admin_secret(settings))


def require_admin(request: Request, credentials: Annotated[
        HTTPAuthorizationCredentials | None, Depends(bearer)]) -> None:
    """Admin routes exist only when BACKQA_ADMIN_TOKEN is set, and need it as a Bearer token."""
    secret = admin_secret(request.app.state.settings)
    if not secret:
        raise HTTPException(404, "Not Found")
    given = credentials.credentials if credentials is not None else ""
    if not hmac.compare_digest(given.encode("utf-8"), secret.encode("utf-8")):
        raise HTTPException(401, "missing or wrong admin token (Authorization: Bearer <token>)",
                            headers={"WWW-Authenticate": "Bearer"})
