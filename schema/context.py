"""The per-request context every resolver receives, and who the viewer is."""

from dataclasses import dataclass
from typing import Any

import strawberry
from django.http import HttpRequest, HttpResponse
from strawberry.django.context import StrawberryDjangoContext

from schema.errors import AuthenticationRequired, Unauthenticated
from users import throttle
from users.models import User
from users.tokens import authenticate_header


@dataclass
class Context(StrawberryDjangoContext):
    # Why the request's token did not authenticate, when it sent one that did not.
    token_error: str | None = None
    # The account this request registered: its answer may show what only the owner sees.
    registered_user_id: int | None = None

    @property
    def viewer(self) -> Any:
        """The signed-in User, or Django's AnonymousUser."""
        return self.request.user

    @property
    def client_address(self) -> str:
        """The client's address, behind TRUSTED_PROXY_COUNT proxies (see users.throttle)."""
        return throttle.client_address(self.request)

    def viewer_or_payload_error(self) -> User:
        """The signed-in viewer; for anyone else the mutation answers `unauthenticated`.

        Raises AuthenticationRequired, which a `payload_mutation` turns into its
        OperationInfo (code `unauthenticated`).
        """
        if not self.viewer.is_authenticated:
            raise AuthenticationRequired(self._why_anonymous())
        return self.viewer

    def viewer_or_graphql_error(self) -> User:
        """The signed-in viewer; for anyone else a top-level UNAUTHENTICATED error.

        For queries and the fields that have no payload to carry the refusal.
        """
        if not self.viewer.is_authenticated:
            raise Unauthenticated(self._why_anonymous())
        return self.viewer

    def _why_anonymous(self) -> str:
        error = self.token_error
        return f"Not authenticated: {error}." if error else "You must be signed in."


# What resolvers take as `info`: its `context` is a Context.
Info = strawberry.Info[Context, None]


def authenticate(request: HttpRequest) -> tuple[Any, str | None]:
    """(viewer, why the token did not authenticate); worked out once per request."""
    if not hasattr(request, "token_error"):
        viewer, request.token_error = authenticate_header(request.headers.get("Authorization"))
        # strawberry-django's helpers read request.user; no session middleware sets it.
        request.user = viewer
    return request.user, request.token_error


def build_context(request: HttpRequest, response: HttpResponse) -> Context:
    _, token_error = authenticate(request)
    return Context(request=request, response=response, token_error=token_error)
