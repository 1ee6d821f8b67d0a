"""Each operation pays its cost from its viewer's budget, and every answer says so.

`charge` runs in the operation hooks' `validate` (schema/server/operations.py), after the
cost limit and before anything executes, on every path: HTTP POST, GET, multipart,
persisted queries, the engine on or off, and the live transports (a subscription pays
at subscribe, like a query). What it found is kept on the request, where the HTTP view
reads it for the answer's `extensions.cost` (Shopify's shape) and, for a refusal, its
429 and Retry-After (`answer`), and where a second `validate` of the same request (a
query sent over a WebSocket is checked, then executed) finds it already paid.

Whose bucket: an access token made with a `budget` has its own (so a CI job cannot
spend its owner's allowance, and the owner's use cannot starve it); any other signed-in
viewer's is the user's; an anonymous one's is the client address's
(users.throttle.client_address, behind TRUSTED_PROXY_COUNT proxies).
"""

import functools
import hashlib
import math
from dataclasses import dataclass

from django.conf import settings
from django.dispatch import receiver
from django.http import HttpRequest
from django.test.signals import setting_changed
from graphql import GraphQLError

from project import budgets, metrics
from schema.core.errors import RateLimited
from users.throttle import client_address

ATTRIBUTE = "graphql_cost"  # on the request
# When the store cannot count: as project/rates.py says it.
CANNOT_COUNT_RETRY_SECONDS = 60


@dataclass(frozen=True)
class _Settings:
    maximum: int  # 0: budgets off
    rate: float


@functools.cache
def _settings() -> _Settings:
    return _Settings(settings.GRAPHQL_BUDGET_MAX, settings.GRAPHQL_BUDGET_RESTORE_RATE)


@receiver(setting_changed)
def _settings_changed(*, setting: str, **kwargs) -> None:
    if setting.startswith("GRAPHQL_BUDGET_"):
        _settings.cache_clear()


@dataclass(frozen=True)
class Charged:
    """What one request's operation cost and what its bucket holds, for its answer."""

    requested: int
    maximum: int  # 0: budgets off (the answer reports the cost alone)
    rate: float
    status: budgets.Status | None  # None: off, or the store did not answer
    error: GraphQLError | None = None  # the refusal, when refused

    @property
    def retry_after(self) -> int | None:
        if self.error is None:
            return None
        return self.error.extensions["retryAfter"]

    def extension(self) -> dict:
        cost: dict = {"requestedQueryCost": self.requested}
        if self.maximum:
            available = None if self.status is None else math.floor(self.status.available)
            cost["throttleStatus"] = {
                "maximumAvailable": self.maximum,
                "currentlyAvailable": available,
                "restoreRate": self.rate,
            }
        return cost


def limit_for(request: HttpRequest | None) -> int:
    """The most points the request's viewer's bucket holds (0: budgets off)."""
    maximum = _settings().maximum
    if not maximum or request is None:
        return maximum
    credential = getattr(request, "credential", None)
    budget = getattr(credential, "budget", None)
    return min(maximum, budget) if budget else maximum


def charge(request: HttpRequest | None, cost: int, *, runs: bool) -> GraphQLError | None:
    """Debit `cost` (nothing when the operation does not run) from the request's viewer's
    bucket; the RATE_LIMITED error that refuses it, or None. Once per request."""
    if request is None:  # executed in-process (a test, a script): no client to charge
        return None
    done: Charged | None = getattr(request, ATTRIBUTE, None)
    if done is not None:
        return done.error
    config = _settings()
    maximum = limit_for(request)
    if not maximum:
        setattr(request, ATTRIBUTE, Charged(cost, 0, config.rate, None))
        return None
    try:
        status = budgets.debit(
            _key(request), cost if runs else 0, maximum=maximum, rate=config.rate
        )
    except budgets.CannotCount:
        error = _refusal(
            "The cost budget cannot be counted right now; try again in a minute.",
            CANNOT_COUNT_RETRY_SECONDS,
        )
        charged = Charged(cost, maximum, config.rate, None, error if runs else None)
    else:
        error = None
        if not status.taken:
            wait = max(1, math.ceil(status.wait))
            error = _refusal(
                f"This operation costs {cost:,} points and the budget holds "
                f"{math.floor(status.available):,} of {maximum:,} (restored at "
                f"{config.rate:g} a second): try again in {wait} s.",
                wait,
            )
        charged = Charged(cost, maximum, config.rate, status, error)
    setattr(request, ATTRIBUTE, charged)
    if charged.error is not None:
        metrics.rate_limited("budget")
    return charged.error


def _refusal(message: str, retry_after: int) -> GraphQLError:
    return RateLimited(message, retry_after=retry_after)


def _key(request: HttpRequest) -> str:
    credential = getattr(request, "credential", None)
    if getattr(credential, "budget", None):
        return f"budget:token:{credential.token_id}"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"budget:user:{user.pk}"
    # Hashed: client-sent text (a forwarded address) never becomes a raw key.
    address = hashlib.sha256(client_address(request).encode()).hexdigest()[:32]
    return f"budget:address:{address}"


def answered(request: HttpRequest) -> Charged | None:
    """What the request's operation was charged, once `charge` ran for it.

    An operation refused before its cost was known (a document that does not parse or
    validate) is charged 0 here, so that its answer reports the bucket too.
    """
    done: Charged | None = getattr(request, ATTRIBUTE, None)
    if done is None and _settings().maximum:
        charge(request, 0, runs=False)
        done = getattr(request, ATTRIBUTE, None)
    return done
