from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from strawberry.django.views import GraphQLView as StrawberryView

from schema.context import Context, build_context


class GraphQLView(StrawberryView):
    def __init__(self, **kwargs):
        # as_view() builds a view per request, so the setting is read per request.
        kwargs.setdefault("graphql_ide", "graphiql" if settings.GRAPHIQL else None)
        # The multipart spec is safe to accept here: cookies never authenticate, so a
        # cross-site form post can do nothing a stranger could not.
        kwargs.setdefault("multipart_uploads_enabled", True)
        super().__init__(**kwargs)

    def get_context(self, request: HttpRequest, response: HttpResponse) -> Context:
        return build_context(request, response)

    def render_graphql_ide(self, request: HttpRequest) -> HttpResponse:
        # Our own page: GraphiQL's assets come from project/static/graphiql/, not a CDN.
        return render(request, "graphiql.html")
