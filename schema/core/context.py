"""The per-request context every resolver receives, and who the viewer is."""

from dataclasses import dataclass, field

import strawberry
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from strawberry.django.context import StrawberryDjangoContext

from schema.core.errors import AuthenticationRequired, Unauthenticated
from users import throttle
from users.credentials import Credential, authenticate_header
from users.models import AccessToken, User

Scope = AccessToken.Scope
# What a mutation needs when no access token may do it (minting tokens, the account).
PASSWORD_LOGIN = None
# Set on a mutation's own object by `schema.core.common.refetch(..., as_owner=True)`.
OWNER_READS = "read_as_owner"


@dataclass
class Context(StrawberryDjangoContext):
    """Read-only once built: who reads is the same for the whole operation.

    A mutation's answer once switched the viewer to the token's owner for the rest of
    the operation, so a token without READ read drafts, EXIF, originals and the email
    of everything reachable from the answer. Now only the mutation's own object reads
    as its owner, and only where it says so (`schema.core.common.refetch`, `as_owner`).
    """

    # Why the request's token did not authenticate, when it sent one that did not.
    token_error: str | None = None
    # An access token's scopes; None for a password login (JWT), which may do anything.
    scopes: frozenset[str] | None = None
    # rows_for_actor's querysets, by model.
    _actor_rows: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_built", True)

    def __setattr__(self, name: str, value) -> None:
        if getattr(self, "_built", False):
            raise AttributeError(f"The context is read-only once built (tried to set {name}).")
        super().__setattr__(name, value)

    @property
    def viewer(self) -> User | AnonymousUser:
        """Who reads, everywhere in the answer: the signed-in User, or AnonymousUser.

        An access token without READ reads as a stranger does (no drafts, no exif, no
        email), mutation answers included.
        """
        user = self.request.user
        if self.scopes is None or Scope.READ in self.scopes:
            return user
        return ANONYMOUS

    @property
    def actor(self) -> User | AnonymousUser:
        """Whose rows a mutation finds (and reads again for its answer's own object).

        The viewer; for an access token with PUBLISH, its owner: PUBLISH manages the
        owner's photos and albums, drafts and private albums included. Mutations check
        their scope (`viewer_or_payload_error`) before they look anything up.
        """
        user = self.request.user
        if self.scopes is not None and Scope.PUBLISH in self.scopes:
            return user
        return self.viewer

    def rows_for_actor(self, model):
        """`model.objects.visible_to(self.actor)`, built once per operation.

        A mutation finds its object and reads it again for its answer through the same
        rules (schema.core.common): building them twice (blocks, private accounts, hidden
        content) was a tenth of a like. The rules are subqueries the database evaluates
        with each statement, so a write in between is seen as it is.
        """
        rows = self._actor_rows.get(model)
        if rows is None:
            rows = self._actor_rows[model] = model.objects.visible_to(self.actor)
        return rows

    def reads_as_owner(self, obj, owner_pk: int | None, scope: Scope = Scope.READ) -> bool:
        """Whether an owner-only field of `obj` (owned by `owner_pk`) is readable.

        By its owner reading (a password login, or a token with READ); or on a mutation's
        own object read as its owner (`refetch(..., as_owner=True)`, that object alone)
        when the request's scopes hold `scope`.
        """
        if owner_pk is not None and self.viewer.pk == owner_pk:
            return True
        if not getattr(obj, OWNER_READS, False):
            return False
        return self.scopes is None or scope in self.scopes

    @property
    def client_address(self) -> str:
        """The client's address, behind TRUSTED_PROXY_COUNT proxies (see users.throttle)."""
        return throttle.client_address(self.request)

    def viewer_or_payload_error(self, scope: Scope | None) -> User:
        """The signed-in user, allowed `scope`; else the mutation answers a payload code.

        `unauthenticated` for anyone not signed in (AuthenticationRequired), and
        `permission_denied` for an access token without `scope` (PermissionDenied); a
        `payload_mutation` turns both into its OperationInfo. `scope` PASSWORD_LOGIN:
        no access token may do it.
        """
        user = self.request.user
        if not user.is_authenticated:
            raise AuthenticationRequired(self._why_anonymous())
        if self.scopes is not None and (scope is PASSWORD_LOGIN or scope not in self.scopes):
            raise PermissionDenied(
                "Only a password login (a JWT) may do this."
                if scope is PASSWORD_LOGIN
                else f"This access token does not have the {scope} scope."
            )
        return user

    def viewer_or_graphql_error(self) -> User:
        """The viewer (see `viewer`); for anyone else a top-level UNAUTHENTICATED error.

        For queries and the fields that have no payload to carry the refusal.
        """
        viewer = self.viewer
        if not viewer.is_authenticated:
            raise Unauthenticated(self._why_anonymous())
        return viewer

    def _why_anonymous(self) -> str:
        if self.request.user.is_authenticated:
            return "Not authenticated: this access token does not have the READ scope."
        return why_anonymous(self.token_error)


ANONYMOUS = AnonymousUser()


def why_anonymous(token_error: str | None) -> str:
    """What an UNAUTHENTICATED answer says: why the request's token did not authenticate
    (invalid, expired), so a script is not told to sign in when its token is the problem."""
    return f"Not authenticated: {token_error}." if token_error else "You must be signed in."


# What resolvers take as `info`: its `context` is a Context.
Info = strawberry.Info[Context, None]


def authenticate(request: HttpRequest) -> Credential:
    """The request's credential; worked out once per request."""
    credential = getattr(request, "credential", None)
    if credential is None:
        credential = authenticate_header(request.headers.get("Authorization"))
        request.credential = credential
        # strawberry-django's helpers read request.user; no session middleware sets it.
        request.user = credential.user
    return credential


def build_context(request: HttpRequest, response: HttpResponse) -> Context:
    credential = authenticate(request)
    return Context(
        request=request, response=response, token_error=credential.error, scopes=credential.scopes
    )
