"""Access tokens: made by their owner from a password login, revoked by deleting them.

Creations are rated per user (project/rates.py ACCESS_TOKENS)."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from project import rates
from project.codes import PayloadCode
from users import access_tokens
from users.models import AccessToken, User

MAX_TOKENS_PER_USER = 50
MAX_EXPIRY_DAYS = 3650
NAME_MAX_LENGTH = 100
MAX_INT = 2**31 - 1


def access_token_create(
    *,
    user: User,
    name: str,
    scopes: list[str],
    expires_in_days: int | None,
    budget: int | None = None,
) -> tuple[str, AccessToken]:
    """(the token, shown once; its row). The token itself is never stored."""
    name = name.strip()
    errors: dict[str, ValidationError] = {}
    if not name or len(name) > NAME_MAX_LENGTH:
        errors["name"] = ValidationError(
            f"Give the token a name of 1 to {NAME_MAX_LENGTH} characters.", code=PayloadCode.INVALID
        )
    if not scopes or not set(scopes) <= set(AccessToken.Scope.values):
        errors["scopes"] = ValidationError(
            "Give the token at least one scope: READ, PUBLISH or SOCIAL.", code=PayloadCode.INVALID
        )
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_EXPIRY_DAYS:
        errors["expires_at"] = ValidationError(
            f"A token expires after 1 to {MAX_EXPIRY_DAYS} days (or never).",
            code=PayloadCode.INVALID,
        )
    # Budgets off (0): any GraphQL Int above 0, kept for when they are turned on.
    ceiling = settings.GRAPHQL_BUDGET_MAX or MAX_INT
    if budget is not None and not 1 <= budget <= ceiling:
        errors["budget"] = ValidationError(
            f"A token's budget is 1 to {ceiling:,} points (or null: its owner's).",
            code=PayloadCode.INVALID,
        )
    if errors:
        raise ValidationError(errors)
    token = access_tokens.new_token()
    expires_at = None
    if expires_in_days is not None:
        expires_at = timezone.now() + timedelta(days=expires_in_days)
    with rates.spend(rates.ACCESS_TOKENS, user.pk), transaction.atomic():
        # Locks the owner's row: two concurrent creations cannot both pass the count.
        User.objects.select_for_update().filter(pk=user.pk).first()
        if AccessToken.objects.filter(user=user).count() >= MAX_TOKENS_PER_USER:
            raise ValidationError(
                f"An account holds at most {MAX_TOKENS_PER_USER} tokens: revoke one first.",
                code=PayloadCode.INVALID,
            )
        row = AccessToken.objects.create(
            user=user,
            name=name,
            scopes=sorted(set(scopes)),
            digest=access_tokens.digest(token),
            prefix=token[: access_tokens.SHOWN_CHARACTERS],
            expires_at=expires_at,
            budget=budget,
        )
    return token, row


def access_token_revoke(*, access_token: AccessToken) -> None:
    access_token.delete()
