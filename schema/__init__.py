"""The GraphQL schema: per-domain Query and Mutation types merged into one."""

from django.conf import settings
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from schema.albums import mutations as album_mutations
from schema.albums import queries as album_queries
from schema.core import node_query as base
from schema.core.connections import MAX_PAGE_SIZE, describe_page_arguments
from schema.core.scalars import SCALAR_OVERRIDES
from schema.engine.execution import LeanSchema, graphql_schema
from schema.events import mutations as event_mutations
from schema.library import queries as library_queries
from schema.live.subscriptions import Subscription
from schema.media import direct_uploads as media_direct_uploads
from schema.media import mutations as media_mutations
from schema.media import queries as media_queries
from schema.moderation import mutations as moderation_mutations
from schema.server import operations
from schema.server.error_codes import code_errors
from schema.social import mutations as social_mutations
from schema.social import notifications as social_notifications
from schema.social import queries as social_queries
from schema.social import trust as social_trust
from schema.users import access_tokens as user_access_tokens
from schema.users import jwt_mutations as user_tokens
from schema.users import mutations as user_mutations
from schema.users import passwords as user_passwords
from schema.users import queries as user_queries


class Schema(LeanSchema):
    def process_errors(self, errors, execution_context=None) -> None:
        # Instead of Strawberry's default (log every error, client mistakes included).
        code_errors(errors, execution_context)


Query = merge_types(
    "Query",
    (
        base.Query,
        user_queries.Query,
        user_access_tokens.Query,
        media_queries.Query,
        social_queries.Query,
        social_notifications.Query,
        album_queries.Query,
        library_queries.Query,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        user_mutations.Mutation,
        user_tokens.Mutation,
        user_passwords.Mutation,
        user_access_tokens.Mutation,
        media_mutations.Mutation,
        media_direct_uploads.Mutation,
        social_mutations.Mutation,
        social_notifications.Mutation,
        social_trust.Mutation,
        album_mutations.Mutation,
        moderation_mutations.Mutation,
        event_mutations.Mutation,
    ),
)

schema = Schema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    operation=operations,
    scalar_overrides=SCALAR_OVERRIDES,
    config=StrawberryConfig(
        relay_max_results=MAX_PAGE_SIZE,
        disable_field_suggestions=not settings.DEBUG,
    ),
)
describe_page_arguments(graphql_schema(schema))
