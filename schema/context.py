"""The per-request context every resolver receives, and who the viewer is."""

from dataclasses import dataclass
from typing import Any

import strawberry
from django.http import HttpRequest, HttpResponse
from strawberry.django.context import StrawberryDjangoContext

from schema.errors import AuthenticationRequired, Unauthenticated
from users import throttle
from users.tokens import authenticate_header


@dataclass
class Context(StrawberryDjangoContext):
    viewer: Any = None
    # Why the request's token did not authenticate, when it sent one that did not.
    token_error: str | None = None


def authenticate(request: HttpRequest) -> tuple[Any, str | None]:
    """(viewer, why the token did not authenticate); worked out once per request."""
    if not hasattr(request, "token_error"):
        viewer, request.token_error = authenticate_header(request.headers.get("Authorization"))
        # strawberry-django's helpers read request.user; no session middleware sets it.
        request.user = viewer
    return request.user, request.token_error


def build_context(request: HttpRequest, response: HttpResponse) -> Context:
    viewer, token_error = authenticate(request)
    return Context(request=request, response=response, viewer=viewer, token_error=token_error)


def viewer_of(info: strawberry.Info):
    return info.context.viewer


def client_address(info: strawberry.Info) -> str:
    """The client's address, behind TRUSTED_PROXY_COUNT proxies (see users.throttle)."""
    return throttle.client_address(info.context.request)


def _why_anonymous(info: strawberry.Info) -> str:
    error = info.context.token_error
    return f"Not authenticated: {error}." if error else "You must be signed in."


def require_viewer(info: strawberry.Info):
    """The signed-in viewer, for mutations: anonymous callers get `unauthenticated`."""
    viewer = info.context.viewer
    if not viewer.is_authenticated:
        raise AuthenticationRequired(_why_anonymous(info))
    return viewer


def require_viewer_or_error(info: strawberry.Info):
    """The signed-in viewer, for queries: anonymous callers get an UNAUTHENTICATED error."""
    viewer = info.context.viewer
    if not viewer.is_authenticated:
        raise Unauthenticated(_why_anonymous(info))
    return viewer
