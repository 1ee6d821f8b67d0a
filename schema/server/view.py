import logging
from typing import Any

from cross_web import HTTPException
from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from strawberry.django.views import GraphQLView as StrawberryView
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from project.replica import recent, routing
from schema.core.context import Context, authenticate, build_context, why_anonymous
from schema.server import budget, transport
from users.throttle import client_address

SUBSCRIPTION = OperationType.SUBSCRIPTION
logger = logging.getLogger(__name__)


class GraphQLView(StrawberryView):
    def __init__(self, **kwargs):
        # as_view() builds a view per request, so the setting is read per request.
        kwargs.setdefault("graphql_ide", "graphiql" if settings.GRAPHIQL else None)
        # The multipart spec is safe to accept here: cookies never authenticate, so a
        # cross-site form post can do nothing a stranger could not.
        kwargs.setdefault("multipart_uploads_enabled", True)
        super().__init__(**kwargs)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return self._dispatch(request)
        except (OperationalError, InterfaceError) as exc:
            # The database went away (restarted, failed over, unreachable) outside any
            # resolver: signing the viewer in, say. A resolver's own is already an
            # error with a code. The client may retry; nothing was written.
            logger.warning("database unavailable for %s: %s", request.path, exc)
            message = "The service is unavailable for a moment; try again."
            return transport.error_response(request, 503, message, {"Retry-After": "1"})

    def _dispatch(self, request: HttpRequest) -> HttpResponse:
        credential = authenticate(request)
        if request.content_type == "multipart/form-data" and not credential.user.is_authenticated:
            # Refused before Django reads the body: an anonymous client's file parts
            # would otherwise stream to temporary files first (uploads need a viewer).
            # Said as any operation says it: a bad or expired token is named as such.
            return transport.error_response(request, 401, why_anonymous(credential.error))
        try:
            return self._run_routed(request, credential.user)
        except HTTPException as exc:
            return self._refusal(request, exc)
        except UnicodeDecodeError:  # the request adapter decodes the body before we see it
            return transport.error_response(request, 400, "The request body is not valid UTF-8.")
        except RequestDataTooBig:
            return transport.error_response(request, 413, "The request body is too large.")
        except (SuspiciousOperation, BadRequest, MultiPartParserError, UnreadablePostError):
            # Too many fields or files, a malformed multipart body, a broken connection.
            return transport.error_response(request, 400, "The request body is malformed.")

    def _run_routed(self, request: HttpRequest, user) -> HttpResponse:
        """The operation, its reads routed (project/replica/): a query's may go to the
        replica, once the viewer is known (authentication read the primary). A query
        whose replica failed under it runs again on the primary, so a replica going
        down answers what the primary holds rather than an internal error."""
        if not routing.configured():
            return self.run(request=request)
        keys = recent.keys_for(user.pk if user.is_authenticated else None, client_address(request))
        with routing.replica_reads(keys) as route:
            response = self.run(request=request)
            if routing.again_on_primary(route):
                response = self.run(request=request)
            return response

    def _refusal(self, request: HttpRequest, exc: HTTPException) -> HttpResponse:
        cause = exc.__cause__
        if isinstance(cause, InvalidOperationTypeError) and cause.operation_type == SUBSCRIPTION:
            message = (
                "Subscriptions stream: POST with `Accept: text/event-stream` (graphql-sse) "
                "or open a graphql-transport-ws WebSocket here (docs/live.md)."
            )
            return transport.error_response(request, 400, message)
        if isinstance(cause, InvalidOperationTypeError):
            # GET is for queries only; mutations are POSTed.
            return transport.error_response(
                request,
                405,
                "GET is for queries only: send mutations with POST.",
                {"Allow": "POST"},
            )
        if exc.status_code == 405:
            return transport.error_response(request, 405, exc.reason, {"Allow": "GET, POST"})
        if exc.reason == "Unsupported content type":
            message = "Send application/json, or multipart/form-data for uploads."
            return transport.error_response(request, 415, message)
        return transport.error_response(request, exc.status_code, exc.reason)

    def should_render_graphql_ide(self, request) -> bool:
        """A browser's page load: GET asking for text/html, with no `query` and no
        `extensions`. Strawberry's own check also took `*/*` (curl's default, fetch()
        without headers), so a persisted query sent by hash alone got the page, or 404.
        """
        return (
            request.method == "GET"
            and "query" not in request.query_params
            and "extensions" not in request.query_params
            and "text/html" in request.headers.get("accept", "")
        )

    def parse_json(self, data: str | bytes) -> Any:
        return transport.load_json(data)

    def parse_multipart(self, request) -> dict[str, str]:
        operations = self.parse_json(request.post_data.get("operations", "{}"))
        files_map = self.parse_json(request.post_data.get("map", "{}"))
        transport.check_file_map(operations, files_map, request.files)
        return super().parse_multipart(request)

    def get_context(self, request: HttpRequest, response: HttpResponse) -> Context:
        return build_context(request, response)

    def process_result(self, request: HttpRequest, result) -> dict:
        answer = super().process_result(request, result)
        charged = budget.answered(request)
        if charged is not None:  # every answer says what it cost and what is left
            answer["extensions"] = {**(answer.get("extensions") or {}), "cost": charged.extension()}
        return answer

    def create_response(self, response_data, sub_response: HttpResponse) -> HttpResponse:
        response = super().create_response(response_data, sub_response)
        request = sub_response.request
        media_type = transport.response_media_type(request)
        response["Content-Type"] = media_type
        if media_type == transport.GRAPHQL_RESPONSE and transport.is_request_error(response_data):
            # The spec for this media type: a request that never ran is a 4xx, without data.
            response_data.pop("data", None)
            response.content = self.encode_json(response_data)
            response.status_code = 400
        retry_after = transport.rate_limited_for(response_data)
        if retry_after is not None:
            # Over budget (nothing ran) or a refused login: 429 whatever the media type,
            # so that clients and proxies can back off by the status and header alone.
            response.status_code = 429
            response["Retry-After"] = str(retry_after)
        return response

    def get_sub_response(self, request: HttpRequest):
        sub_response = super().get_sub_response(request)
        sub_response.request = request  # create_response is given no request
        return sub_response

    def render_graphql_ide(self, request: HttpRequest) -> HttpResponse:
        # Our own page: GraphiQL's assets come from project/static/graphiql/, not a CDN.
        return render(request, "graphiql.html")
