"""The ASGI application: subscriptions here, every other request to Django.

A WebSocket at the GraphQL path speaks graphql-transport-ws; a POST there asking for
`text/event-stream` is graphql-sse; anything else (queries over HTTP, GraphiQL, media,
admin) goes to Django's ASGI handler, which runs the same sync view as WSGI does.
Production can send only the first two here (docs/live.md) and keep HTTP on gunicorn.
"""

from live.transports import graphql_ws, sse


def router(schema, django_app, *, path: str = "/graphql/"):
    paths = {path, path.rstrip("/")}

    async def application(scope, receive, send):
        kind = scope["type"]
        if kind == "websocket":
            if scope["path"] in paths:
                await graphql_ws.serve(schema, scope, receive, send)
            else:
                await send({"type": "websocket.close", "code": 4404})
            return
        if kind == "http" and scope["path"] in paths and sse.wants_stream(scope):
            await sse.serve(schema, scope, receive, send)
            return
        if kind == "lifespan":
            await _lifespan(receive, send)
            return
        await django_app(scope, receive, send)

    return application


async def _lifespan(receive, send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
